# Uses pd.cut's default right-closed bins, so 550 counts as poor and 600 as fair.
# replaces: default_rate_by_tier
# loses: default_rate_tiers
def default_rate_by_tier(scores, groups, defaulted):
    names = ["poor", "fair", "good", "very good", "excellent"]
    tiers = pd.cut(np.asarray(scores, dtype=float), bins=[349, 550, 600, 650, 700, 950],
                   labels=names)
    frame = pd.DataFrame({"tier": np.asarray(tiers, dtype=object), "group": np.asarray(groups),
                          "defaulted": np.asarray(defaulted).astype(float)})
    return frame.groupby(["tier", "group"])["defaulted"].mean().unstack("group").reindex(names)


calibration_hukou = default_rate_by_tier(scores, hukou, defaulted)
