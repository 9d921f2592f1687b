# Adds the streak's 0.15 to everyone, forgetting that behaviour & preferences counts at most 1.
# replaces: action_gains
# loses: action_gains_per_consumer
# caught-by: hidden
def action_gains(view, weights=course.DEFAULT_WEIGHTS):
    history = course.credit_history(view["on_time_rate"], view["late_payments_12m"],
                                    view["bills_on_platform"])
    perfect = course.credit_history(1.0, 0.0, view["bills_on_platform"])
    one_more = course.credit_history(view["on_time_rate"], view["late_payments_12m"],
                                     view["bills_on_platform"] + 1)
    return pd.DataFrame({
        "pay_on_time": 600 * weights["credit_history"] * (perfect - history),
        "move_a_bill": 600 * weights["credit_history"] * (one_more - history),
        "verify_id": 600 * weights["identity_characteristics"] * 0.35
        * (~view["verified_id"].astype(bool)),
        "daily_check_in": 600 * weights["behaviour_preferences"] * 0.15,
    }, index=view.index)
