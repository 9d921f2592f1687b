# Puts half the weight on identity after dropping the identity data: a constant that lifts 93%
# of people over 600. It passes AUC, both four-fifths ratios, the data budget and even the risk
# limit (5.0% of those selected default) -- only the rule against weight on a dropped source
# catches it.
# replaces: proposal
# loses: redesign_meets_constraints
proposed_weights = {"credit_history": 0.5, "fulfilment_capacity": 0.0,
                    "behaviour_preferences": 0.0, "identity_characteristics": 0.5,
                    "connections": 0.0}
proposed_drop = ["identity", "friendships"]
