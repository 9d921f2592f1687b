# Writes one inner boundary as <= instead of <, so 650 still counts as good.
# replaces: points_to_next_tier
# loses: next_tier_boundaries
# caught-by: hidden
def points_to_next_tier(scores):
    def gap(score):
        if score < 550:
            return 550 - score
        if score < 600:
            return 600 - score
        if score <= 650:
            return 650 - score
        if score < 700:
            return 700 - score
        return 0
    return scores.apply(gap)
