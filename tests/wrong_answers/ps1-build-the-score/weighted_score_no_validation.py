# Computes the score but never checks the weights.
# replaces: weighted_score
# loses: weighted_score_range_and_rounding
def weighted_score(dimensions, weights):
    raw = 350 + 600 * sum(w * dimensions[name] for name, w in weights.items())
    return np.floor(raw + 0.5).astype(int)
