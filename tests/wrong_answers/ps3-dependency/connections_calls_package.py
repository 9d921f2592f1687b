# Shortcut: hands the work to course.connections.
# replaces: connections_score
# loses: connections_both_ways
# caught-by: hidden
def connections_score(friendships, standing):
    return pd.Series(course.connections(friendships, standing), index=standing.index)
