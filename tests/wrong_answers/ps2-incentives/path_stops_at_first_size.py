# Stops at the smallest number of actions that works, though a larger set may cost less.
# replaces: cheapest_path
# loses: cheapest_path_search
# caught-by: hidden
def cheapest_path(raw_score, target, gains, costs):
    for k in range(len(gains) + 1):
        found = [(sum(costs[a] for a in chosen), list(chosen))
                 for chosen in itertools.combinations(gains, k)
                 if np.floor(raw_score + sum(gains[a] for a in chosen) + 0.5) >= target]
        if found:
            cost, chosen = min(found, key=lambda pair: pair[0])
            return chosen, cost
    return None
