# Shortcut: hands the work to the package's reference version (which has no scale).
# replaces: fulfilment_score
# loses: fulfilment_spending_and_assets
# caught-by: hidden
def fulfilment_score(platform_spend_per_month_cny, verified_car, verified_property,
                     scale=3000):
    return course.fulfilment_capacity(platform_spend_per_month_cny, verified_car,
                                      verified_property)
