# Checks that the weights sum to 1 but lets a negative weight through.
# replaces: weighted_score
# loses: weighted_score_range_and_rounding
def weighted_score(dimensions, weights):
    if abs(sum(weights.values()) - 1) > 1e-6:
        raise ValueError("weights must sum to 1")
    raw = 350 + 600 * sum(w * dimensions[name] for name, w in weights.items())
    return np.floor(raw + 0.5).astype(int)
