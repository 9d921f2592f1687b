# Counts the traces that hold any of the known points, not all of them.
# replaces: anonymity_set_sizes
# loses: anonymity_set_matches
def anonymity_set_sizes(points, known):
    hits = known.merge(points, on=["day", "category"], suffixes=("", "_other"))
    return hits.groupby("consumer_id")["consumer_id_other"].nunique()
