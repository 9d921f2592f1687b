# Matches the known points on the day alone, forgetting the kind of shop.
# replaces: anonymity_set_sizes
# loses: anonymity_set_matches
# caught-by: hidden
def anonymity_set_sizes(points, known):
    days = points.groupby("consumer_id")["day"].apply(set)
    sizes = {}
    for person, group in known.groupby("consumer_id"):
        wanted = set(group["day"])
        sizes[person] = int(sum(wanted <= theirs for theirs in days))
    return pd.Series(sizes)
