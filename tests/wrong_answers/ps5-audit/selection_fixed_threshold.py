# Keeps the threshold argument but always compares with 600.
# replaces: selection_table
# loses: selection_four_fifths
def selection_table(scores, groups, threshold=600):
    frame = pd.DataFrame({"selected": np.asarray(scores, dtype=float) >= 600,
                          "group": np.asarray(groups)})
    table = frame.groupby("group")["selected"].agg(n="size", selection_rate="mean")
    table["ratio_to_best"] = table["selection_rate"] / table["selection_rate"].max()
    return table


def four_fifths(scores, groups, threshold=600):
    return float(selection_table(scores, groups, threshold)["ratio_to_best"].min())


default_ratios = {"hukou": four_fifths(scores, hukou),
                  "city_tier": four_fifths(scores, city_tier)}
