# Recomputes the score but still counts the dropped sources in the footprint.
# replaces: evaluate
# loses: evaluate_proposal
SOURCES = ["payments", "bills", "identity", "friendships"]
held = course.footprint(population, transactions, friendships)


def evaluate(weights, drop=()):
    kept_dims = course.minimised_dimensions(population, transactions, friendships,
                                            policy={source: False for source in drop})
    new_scores = course.lotus_score(kept_dims, weights).to_numpy()
    return {"auc": course.repayment_auc(new_scores, defaulted),
            "ratio_hukou": four_fifths(new_scores, hukou),
            "ratio_city_tier": four_fifths(new_scores, city_tier),
            "selected_default_rate": float(defaulted[new_scores >= 600].mean()),
            "mean_footprint": float(held["total"].mean())}
