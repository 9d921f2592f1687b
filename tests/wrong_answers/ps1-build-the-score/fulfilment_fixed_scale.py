# Keeps the scale argument but divides by a fixed 3000.
# replaces: fulfilment_score
# loses: fulfilment_spending_and_assets
def fulfilment_score(platform_spend_per_month_cny, verified_car, verified_property,
                     scale=3000):
    spending = 1 - np.exp(-np.asarray(platform_spend_per_month_cny, dtype=float) / 3000)
    assets = 0.55 * np.asarray(verified_property, dtype=float) + 0.45 * np.asarray(
        verified_car, dtype=float)
    return 0.65 * spending + 0.35 * assets
