# Only considers doing nothing or one action alone, never a combination.
# replaces: cheapest_path
# loses: cheapest_path_search
def cheapest_path(raw_score, target, gains, costs):
    if np.floor(raw_score + 0.5) >= target:
        return [], 0
    options = [(costs[a], a) for a in gains if np.floor(raw_score + gains[a] + 0.5) >= target]
    if not options:
        return None
    cost, name = min(options)
    return [name], cost
