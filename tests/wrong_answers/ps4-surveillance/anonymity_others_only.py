# Counts only the other people who fit, leaving out the target's own trace.
# replaces: anonymity_set_sizes
# loses: anonymity_set_matches
def anonymity_set_sizes(points, known):
    traces = {p: set(zip(g["day"], g["category"])) for p, g in points.groupby("consumer_id")}
    sizes = {}
    for person, group in known.groupby("consumer_id"):
        wanted = set(zip(group["day"], group["category"]))
        sizes[person] = sum(wanted <= trace for other, trace in traces.items()
                            if other != person)
    return pd.Series(sizes)
