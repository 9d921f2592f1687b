# Among friends tied for the lowest standing, drops the first listed, not the smallest id.
# replaces: drop_lowest_friend
# loses: drop_lowest_friend_both_ways
def drop_lowest_friend(friendships, standing, consumer_id):
    rows = friendships[(friendships["consumer_id"] == consumer_id)
                       | (friendships["friend_id"] == consumer_id)]
    if rows.empty:
        return friendships.copy()
    friend = rows["consumer_id"].where(rows["friend_id"] == consumer_id, rows["friend_id"])
    lowest = standing.reindex(friend).to_numpy().argmin()  # the first listed among ties
    return friendships.drop(index=rows.index[lowest])


me = 2011
pruned = drop_lowest_friend(friendships, standing, me)
before = pd.Series(course.connections(friendships, standing), index=standing.index)
after = pd.Series(course.connections(pruned, standing), index=standing.index)
gone = friendships.loc[friendships.index.difference(pruned.index)].iloc[0]
dropped = int(gone["friend_id"] if gone["consumer_id"] == me else gone["consumer_id"])
gain_for_me = float(after[me] - before[me])
loss_for_friend = float(before[dropped] - after[dropped])

print(f"Consumer {me} drops {dropped}: own sub-score {gain_for_me:+.4f}, "
      f"the friend's {-loss_for_friend:+.4f}")
print(f"In score points with the default weight of 0.05: {600 * 0.05 * gain_for_me:+.2f}")
