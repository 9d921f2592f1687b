# Drops identity and friendship data but keeps the default weights: still fails four-fifths.
# replaces: proposal
# loses: redesign_meets_constraints
proposed_weights = dict(course.DEFAULT_WEIGHTS)
proposed_drop = ["identity", "friendships"]
