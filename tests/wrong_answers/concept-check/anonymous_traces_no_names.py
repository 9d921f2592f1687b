# Believes that records without names are anonymous.
# replaces: anonymous_traces_answer
# loses: anonymous_traces
# caught-by: hidden
anonymous_traces = "a"
