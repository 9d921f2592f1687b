# Breaks ties by order of appearance (method="first") instead of averaging their ranks.
# replaces: auc
# loses: auc_ranks_and_ties
def auc(scores, defaulted):
    ranks = pd.Series(np.asarray(scores, dtype=float)).rank(method="first").to_numpy()
    bad = np.asarray(defaulted).astype(bool)
    n_r, n_d = (~bad).sum(), bad.sum()
    return float((ranks[~bad].sum() - n_r * (n_r + 1) / 2) / (n_r * n_d))
