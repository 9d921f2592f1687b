# Forgets that the court blacklist bars every perk.
# replaces: switching_cost
# loses: switching_cost_from_perks
def switching_cost(scores, blacklisted, rules=course.Rules()):
    total = pd.Series(0.0, index=scores.index)
    for perk, threshold in rules.perk_thresholds.items():
        total += np.where(scores >= threshold, rules.perk_values_cny[perk], 0.0)
    return total
