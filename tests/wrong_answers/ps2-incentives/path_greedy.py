# Greedy: takes the actions with the most points per CNY first, until the target is reached.
# replaces: cheapest_path
# loses: cheapest_path_search
def cheapest_path(raw_score, target, gains, costs):
    taken, total, spent = [], raw_score, 0
    for name in sorted(gains, key=lambda a: gains[a] / costs[a], reverse=True):
        if np.floor(total + 0.5) >= target:
            break
        if gains[name] > 0:
            taken.append(name)
            total += gains[name]
            spent += costs[name]
    if np.floor(total + 0.5) < target:
        return None
    return taken, spent
