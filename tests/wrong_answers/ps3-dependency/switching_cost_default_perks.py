# Accepts `rules` but always uses the default perks table and values.
# replaces: switching_cost
# loses: switching_cost_from_perks
def switching_cost(scores, blacklisted, rules=course.Rules()):
    total = pd.Series(0.0, index=scores.index)
    for perk, threshold in zip(course.PERKS["perk"], course.PERKS["min_score"]):
        value = course.PERKS.set_index("perk").loc[perk, "value_cny"]
        total += np.where(scores >= threshold, value, 0.0)
    total[np.asarray(blacklisted, dtype=bool)] = 0.0
    return total
