# Drops identity and friendship data but keeps the default weights: weight stays on the two
# sub-scores those sources fed (now the same for everyone), and it still fails four-fifths.
# replaces: proposal
# loses: redesign_meets_constraints
proposed_weights = dict(course.DEFAULT_WEIGHTS)
proposed_drop = ["identity", "friendships"]
