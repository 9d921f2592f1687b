# Shortcut: lets course.friend_lists list both directions of every friendship.
# replaces: connections_score
# loses: connections_both_ways
# caught-by: hidden
def connections_score(friendships, standing):
    both = course.friend_lists(friendships)
    friend_standing = standing.reindex(both["friend_id"]).to_numpy()
    grouped = pd.Series(friend_standing).groupby(both["consumer_id"].to_numpy())
    total = grouped.sum().reindex(standing.index, fill_value=0.0)
    count = grouped.count().reindex(standing.index, fill_value=0)
    return (total + 0.6) / (count + 2)
