# Shortcut: keeps friendships in the policy but deletes most ties from the loaded data.
# replaces: policy
# loses: policy_within_budget
# caught-by: hidden
friendships = friendships.iloc[: len(friendships) // 10]
policy = {"time": "month", "place": "category", "amount": 100}
