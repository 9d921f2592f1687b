# Does not leave out people with fewer than k points: they become known by all the points
# they have, and count as singled out when those points are theirs alone.
# replaces: my_unicity
# loses: unicity_by_own_draws
def my_unicity(points, k, seed=None):
    rng = np.random.default_rng(seed)
    known = points.sample(frac=1, random_state=rng).groupby("consumer_id").head(k)
    return float((anonymity_set_sizes(points, known) == 1).mean())


unicity_by_k = {k: my_unicity(points, k, seed=7) for k in (1, 2, 3, 4)}
