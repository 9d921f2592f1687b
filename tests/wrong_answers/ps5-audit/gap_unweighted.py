# Averages the two outcomes' differences equally instead of weighting by the group's members.
# replaces: gap_at_equal_outcome
# loses: gap_equal_outcome
def gap_at_equal_outcome(scores, groups, defaulted, reference):
    frame = pd.DataFrame({"score": np.asarray(scores, dtype=float),
                          "group": np.asarray(groups),
                          "outcome": np.where(np.asarray(defaulted).astype(bool),
                                              "defaulted", "repaid")})
    means = frame.groupby(["outcome", "group"])["score"].mean().unstack("group")
    return (means.sub(means[reference], axis=0)).mean()


gap_hukou = gap_at_equal_outcome(scores, hukou, defaulted, "local")
gap_city_tier = gap_at_equal_outcome(scores, city_tier, defaulted, "1")
