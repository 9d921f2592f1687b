# Counts the people whom a bill hurts instead of giving their share.
# replaces: who_gains
# loses: who_gains_by_hukou
gains = action_gains(view)
hukou = population["hukou"].astype(str).to_numpy()
mean_gain_by_hukou = gains.groupby(hukou).mean()
check_in_beats_paying = {}
for group in ["local", "migrant"]:
    rows = gains[hukou == group]
    check_in_beats_paying[group] = (rows["daily_check_in"] > rows["pay_on_time"]).mean()
bill_lowers_score = int((gains["move_a_bill"] < 0).sum())
