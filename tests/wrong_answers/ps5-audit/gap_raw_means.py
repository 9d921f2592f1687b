# Compares plain mean scores, ignoring who repaid and who defaulted.
# replaces: gap_at_equal_outcome
# loses: gap_equal_outcome
def gap_at_equal_outcome(scores, groups, defaulted, reference):
    means = pd.Series(np.asarray(scores, dtype=float)).groupby(np.asarray(groups)).mean()
    return means - means[reference]


gap_hukou = gap_at_equal_outcome(scores, hukou, defaulted, "local")
gap_city_tier = gap_at_equal_outcome(scores, city_tier, defaulted, "1")
