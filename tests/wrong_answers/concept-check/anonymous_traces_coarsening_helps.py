# Believes that coarser records (the week, not the day) make people anonymous.
# replaces: anonymous_traces_answer
# loses: anonymous_traces
# caught-by: hidden
anonymous_traces = "d"
