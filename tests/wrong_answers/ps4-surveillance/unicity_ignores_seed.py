# Draws with a fixed generator, so every seed gives the same answer.
# replaces: my_unicity
# loses: unicity_by_own_draws
def my_unicity(points, k, seed=None):
    rng = np.random.default_rng(0)
    counts = points.groupby("consumer_id")["day"].transform("size")
    eligible = points[counts >= k]
    known = eligible.sample(frac=1, random_state=rng).groupby("consumer_id").head(k)
    return float((anonymity_set_sizes(points, known) == 1).mean())


unicity_by_k = {k: my_unicity(points, k, seed=7) for k in (1, 2, 3, 4)}
