# Searches every set but asks the raw score itself to reach the target, ignoring rounding.
# replaces: cheapest_path
# loses: cheapest_path_search
# caught-by: hidden
def cheapest_path(raw_score, target, gains, costs):
    best = None
    for k in range(len(gains) + 1):
        for chosen in itertools.combinations(gains, k):
            if raw_score + sum(gains[a] for a in chosen) >= target:
                cost = sum(costs[a] for a in chosen)
                if best is None or cost < best[1]:
                    best = (list(chosen), cost)
    return best
