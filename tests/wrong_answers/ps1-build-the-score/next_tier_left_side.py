# Uses searchsorted's default side="left", so a score at a tier's bottom "needs" 0 points.
# replaces: points_to_next_tier
# loses: next_tier_boundaries
def points_to_next_tier(scores):
    bottoms = np.array([550, 600, 650, 700])
    position = np.searchsorted(bottoms, scores.to_numpy())
    needed = np.where(position < 4, np.append(bottoms, 0)[position] - scores.to_numpy(), 0)
    return pd.Series(needed, index=scores.index)
