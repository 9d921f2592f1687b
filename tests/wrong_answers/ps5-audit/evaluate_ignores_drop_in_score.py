# Drops sources from the footprint but scores everyone from the full data's sub-scores.
# replaces: evaluate
# loses: evaluate_proposal
# caught-by: hidden
SOURCES = ["payments", "bills", "identity", "friendships"]
held = course.footprint(population, transactions, friendships)


def evaluate(weights, drop=()):
    new_scores = course.lotus_score(dims, weights).to_numpy()
    kept = [source for source in SOURCES if source not in drop]
    return {"auc": course.repayment_auc(new_scores, defaulted),
            "ratio_hukou": four_fifths(new_scores, hukou),
            "ratio_city_tier": four_fifths(new_scores, city_tier),
            "selected_default_rate": float(defaulted[new_scores >= 600].mean()),
            "mean_footprint": float(held[kept].sum(axis=1).mean())}
