# Stops keeping payment records altogether, which a payment platform cannot do.
# replaces: policy
# loses: policy_within_budget
policy = {"payments": False}
