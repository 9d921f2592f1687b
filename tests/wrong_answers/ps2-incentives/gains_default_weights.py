# Accepts a `weights` argument but always uses the default weights.
# replaces: action_gains
# loses: action_gains_per_consumer
def action_gains(view, weights=course.DEFAULT_WEIGHTS):
    w = course.DEFAULT_WEIGHTS
    history = course.credit_history(view["on_time_rate"], view["late_payments_12m"],
                                    view["bills_on_platform"])
    perfect = course.credit_history(1.0, 0.0, view["bills_on_platform"])
    one_more = course.credit_history(view["on_time_rate"], view["late_payments_12m"],
                                     view["bills_on_platform"] + 1)
    behaviour = course.behaviour_preferences(
        view["platform_payments_per_month"], view["responsible_share"], view["gaming_share"])
    checked_in = course.behaviour_preferences(
        view["platform_payments_per_month"], view["responsible_share"], view["gaming_share"],
        engagement=0.15)
    return pd.DataFrame({
        "pay_on_time": 600 * w["credit_history"] * (perfect - history),
        "move_a_bill": 600 * w["credit_history"] * (one_more - history),
        "verify_id": 600 * w["identity_characteristics"] * 0.35 * (~view["verified_id"]),
        "daily_check_in": 600 * w["behaviour_preferences"] * (checked_in - behaviour),
    }, index=view.index)
