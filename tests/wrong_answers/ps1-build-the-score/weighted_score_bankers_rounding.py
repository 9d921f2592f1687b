# Rounds with np.round, which sends halves to the even neighbour (700.5 -> 700).
# replaces: weighted_score
# loses: weighted_score_range_and_rounding
# caught-by: hidden
def weighted_score(dimensions, weights):
    if min(weights.values()) < 0 or abs(sum(weights.values()) - 1) > 1e-6:
        raise ValueError("weights must be non-negative and sum to 1")
    raw = 350 + 600 * sum(w * dimensions[name] for name, w in weights.items())
    return np.round(raw).astype(int)
