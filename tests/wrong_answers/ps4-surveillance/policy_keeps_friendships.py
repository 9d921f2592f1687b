# Coarsens the payments enough but keeps every source: over the records budget.
# replaces: policy
# loses: policy_within_budget
policy = {"time": "month", "place": "category", "amount": 100}
