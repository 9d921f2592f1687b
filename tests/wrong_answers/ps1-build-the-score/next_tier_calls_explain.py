# Shortcut: asks course.explain for each person's next target.
# replaces: points_to_next_tier
# loses: next_tier_boundaries
# caught-by: hidden
def points_to_next_tier(scores):
    tiers_only = course.TIERS["min_score"].tolist()[1:]

    def gap(score):
        dims_row = pd.DataFrame([[(score - 350) / 600] * 5], columns=course.DIMENSIONS)
        target = next((t for t in tiers_only if t > score), None)
        if target is None:
            return 0
        return course.explain(dims_row, 0, target=target).target - score
    return scores.apply(gap)
