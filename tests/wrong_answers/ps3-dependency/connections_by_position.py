# Looks standings up by position, which works only while ids happen to be 0, 1, 2, ...
# replaces: connections_score
# loses: connections_both_ways
# caught-by: hidden
def connections_score(friendships, standing):
    person = np.concatenate([friendships["consumer_id"], friendships["friend_id"]])
    friend = np.concatenate([friendships["friend_id"], friendships["consumer_id"]])
    values = standing.to_numpy()
    total = np.zeros(len(values))
    count = np.zeros(len(values))
    for p, f in zip(person, friend):
        if p < len(values) and f < len(values):
            total[p] += values[f]
            count[p] += 1
    return pd.Series((total + 0.6) / (count + 2), index=standing.index)
