# Reports the changes in score points (x 600 x 0.05) instead of in the sub-score.
# replaces: drop_lowest_friend
# loses: drop_lowest_friend_both_ways
# caught-by: hidden
def drop_lowest_friend(friendships, standing, consumer_id):
    """Return the friendships after consumer_id drops their lowest-standing friend."""
    mine = (friendships["consumer_id"] == consumer_id) | (friendships["friend_id"] == consumer_id)
    if not mine.any():
        return friendships.copy()
    rows = friendships[mine]
    friend = np.where(rows["consumer_id"] == consumer_id, rows["friend_id"], rows["consumer_id"])
    table = pd.DataFrame({"friend": friend,
                          "standing": standing.reindex(friend).to_numpy()}, index=rows.index)
    worst = table.sort_values(["standing", "friend"]).index[0]
    return friendships.drop(index=worst)


me = 2011
pruned = drop_lowest_friend(friendships, standing, me)
before = pd.Series(course.connections(friendships, standing), index=standing.index)
after = pd.Series(course.connections(pruned, standing), index=standing.index)
gone = friendships.loc[friendships.index.difference(pruned.index)].iloc[0]
dropped = int(gone["friend_id"] if gone["consumer_id"] == me else gone["consumer_id"])
gain_for_me = 600 * 0.05 * float(after[me] - before[me])
loss_for_friend = 600 * 0.05 * float(before[dropped] - after[dropped])

print(f"Consumer {me} drops {dropped}: own sub-score {gain_for_me:+.4f}, "
      f"the friend's {-loss_for_friend:+.4f}")
print(f"In score points with the default weight of 0.05: {600 * 0.05 * gain_for_me:+.2f}")
