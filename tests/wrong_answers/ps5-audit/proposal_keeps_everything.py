# Reweights towards credit history and behaviour but keeps every source: over the data budget.
# replaces: proposal
# loses: redesign_meets_constraints
proposed_weights = {"credit_history": 0.6, "fulfilment_capacity": 0.0,
                    "behaviour_preferences": 0.4, "identity_characteristics": 0.0,
                    "connections": 0.0}
proposed_drop = []
