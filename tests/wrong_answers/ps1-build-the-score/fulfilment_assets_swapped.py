# Misreads the assets part: the car gets the property's weight and the property the car's.
# replaces: fulfilment_score
# loses: fulfilment_spending_and_assets
def fulfilment_score(platform_spend_per_month_cny, verified_car, verified_property,
                     scale=3000):
    spending = 1 - np.exp(-np.asarray(platform_spend_per_month_cny, dtype=float) / scale)
    assets = 0.55 * np.asarray(verified_car, dtype=float) + 0.45 * np.asarray(
        verified_property, dtype=float)
    return 0.65 * spending + 0.35 * assets
