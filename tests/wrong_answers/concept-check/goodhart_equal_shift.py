# Thinks points for everyone leave the ranking alone, though they go to some more than others.
# replaces: goodhart_answer
# loses: goodhart
# caught-by: hidden
goodhart = "b"
