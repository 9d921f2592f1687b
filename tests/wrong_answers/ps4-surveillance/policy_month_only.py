# Coarsens the time to the month but keeps every shop and every source.
# replaces: policy
# loses: policy_within_budget
policy = {"time": "month"}
