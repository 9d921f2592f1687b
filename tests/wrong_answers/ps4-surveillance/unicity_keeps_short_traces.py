# Does not leave out people with fewer than k points: they get all their points and count as
# not singled out when others share them.
# replaces: my_unicity
# loses: unicity_by_own_draws
def my_unicity(points, k, seed=None):
    rng = np.random.default_rng(seed)
    known = points.sample(frac=1, random_state=rng).groupby("consumer_id").head(k)
    sizes = anonymity_set_sizes(points, known)
    needed = known.groupby("consumer_id").size()
    return float(((sizes == 1) & (needed == k)).mean())


unicity_by_k = {k: my_unicity(points, k, seed=7) for k in (1, 2, 3, 4)}
