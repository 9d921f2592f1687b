# Multiplies the columns by the weights in order, assuming both list the dimensions alike.
# replaces: weighted_score
# loses: weighted_score_range_and_rounding
def weighted_score(dimensions, weights):
    w = np.array(list(weights.values()))
    if (w < 0).any() or abs(w.sum() - 1) > 1e-6:
        raise ValueError("weights must be non-negative and sum to 1")
    raw = 350 + 600 * (dimensions.iloc[:, :len(w)].to_numpy() @ w)
    return pd.Series(np.floor(raw + 0.5).astype(int), index=dimensions.index)
