# Takes the plain mean of the friends' standing, without the pull towards 0.3.
# replaces: connections_score
# loses: connections_both_ways
def connections_score(friendships, standing):
    person = pd.concat([friendships["consumer_id"], friendships["friend_id"]]).to_numpy()
    friend = pd.concat([friendships["friend_id"], friendships["consumer_id"]]).to_numpy()
    mean = pd.Series(standing.reindex(friend).to_numpy()).groupby(person).mean()
    return mean.reindex(standing.index, fill_value=0.3)
