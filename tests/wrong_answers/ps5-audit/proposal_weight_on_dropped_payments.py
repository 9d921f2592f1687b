# Stops collecting payments but keeps weight on behaviour, which is then the same for everyone:
# the constant lifts every score over 600 without changing the ranking, so AUC 0.78 and both
# four-fifths ratios 1.0 -- the perk goes to everyone and 7.0% of those selected default.
# replaces: proposal
# loses: redesign_meets_constraints
proposed_weights = {"credit_history": 0.3, "fulfilment_capacity": 0.0,
                    "behaviour_preferences": 0.7, "identity_characteristics": 0.0,
                    "connections": 0.0}
proposed_drop = ["payments"]
