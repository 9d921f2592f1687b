# Reads each friendship one way only: people listed only as friend_id seem to have no friends.
# replaces: connections_score
# loses: connections_both_ways
def connections_score(friendships, standing):
    friend_standing = standing.reindex(friendships["friend_id"]).to_numpy()
    grouped = pd.Series(friend_standing).groupby(friendships["consumer_id"].to_numpy())
    total = grouped.sum().reindex(standing.index, fill_value=0.0)
    count = grouped.count().reindex(standing.index, fill_value=0)
    return (total + 0.6) / (count + 2)
