# Thinks more data always makes a score more accurate.
# replaces: goodhart_answer
# loses: goodhart
# caught-by: hidden
goodhart = "a"
