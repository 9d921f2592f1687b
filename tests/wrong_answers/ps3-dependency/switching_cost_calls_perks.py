# Shortcut: asks course.perks_granted which perks each person holds.
# replaces: switching_cost
# loses: switching_cost_from_perks
# caught-by: hidden
def switching_cost(scores, blacklisted, rules=course.Rules()):
    table = pd.DataFrame({"perk": list(rules.perk_thresholds),
                          "min_score": list(rules.perk_thresholds.values())})
    held = course.perks_granted(scores, blacklisted=blacklisted, table=table)
    value = np.array([rules.perk_values_cny[p] for p in held.columns])
    return pd.Series(held.to_numpy(dtype=float) @ value, index=scores.index)
