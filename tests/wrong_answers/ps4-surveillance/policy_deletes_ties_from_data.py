# Shortcut: keeps friendships in the policy but deletes most ties from the loaded data.
# (The grading guard restores the loaded data before the tests, so even the visible tests catch it.)
# replaces: policy
# loses: policy_within_budget
friendships = friendships.iloc[: len(friendships) // 10]
policy = {"time": "month", "place": "category", "amount": 100}
