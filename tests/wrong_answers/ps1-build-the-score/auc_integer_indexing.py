# Selects with `defaulted` as given: with 1/0 it picks positions instead of people.
# replaces: auc
# loses: auc_ranks_and_ties
def auc(scores, defaulted):
    scores = np.asarray(scores, dtype=float)
    defaulted = np.asarray(defaulted)
    ranks = pd.Series(scores).rank().to_numpy()
    bad_ranks = ranks[defaulted]
    n_d = len(bad_ranks)
    n_r = len(scores) - n_d
    repaid_rank_sum = ranks.sum() - bad_ranks.sum()
    return float((repaid_rank_sum - n_r * (n_r + 1) / 2) / (n_r * n_d))
