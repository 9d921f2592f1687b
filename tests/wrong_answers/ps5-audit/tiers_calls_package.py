# Shortcut: reshapes the package's ready-made course.calibration.
# replaces: default_rate_by_tier
# loses: default_rate_tiers
# caught-by: hidden
def default_rate_by_tier(scores, groups, defaulted):
    people = pd.DataFrame({"consumer_id": np.arange(len(np.asarray(groups))),
                           "group_label": np.asarray(groups),
                           "defaulted": np.asarray(defaulted).astype(bool)})
    table = course.calibration(np.asarray(scores, dtype=float), people, group="group_label")
    rates = table.pivot(index="band", columns="group", values="default_rate")
    rates.index = rates.index.astype(str)
    rates.columns = rates.columns.astype(str)
    return rates.reindex(["poor", "fair", "good", "very good", "excellent"])


calibration_hukou = default_rate_by_tier(scores, hukou, defaulted)
