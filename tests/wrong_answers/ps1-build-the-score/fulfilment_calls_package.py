# Shortcut: hands the work to the package's reference version (which has no scale: it rescales
# the spending to fit the package's 3,000 instead).
# replaces: fulfilment_score
# loses: fulfilment_spending_and_assets
# caught-by: hidden
def fulfilment_score(platform_spend_per_month_cny, verified_car, verified_property,
                     scale=3000):
    spend = np.asarray(platform_spend_per_month_cny, dtype=float) * 3000 / scale
    return course.fulfilment_capacity(spend, verified_car, verified_property)
