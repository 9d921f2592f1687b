# Divides each group's count by the whole population instead of by the group's size.
# replaces: who_gains
# loses: who_gains_by_hukou
# caught-by: hidden
gains = action_gains(view)
hukou = population["hukou"].astype(str)
mean_gain_by_hukou = gains.groupby(hukou.to_numpy()).mean()
beats = gains["daily_check_in"].to_numpy() > gains["pay_on_time"].to_numpy()
check_in_beats_paying = {group: (beats & (hukou == group).to_numpy()).sum() / len(gains)
                         for group in ["local", "migrant"]}
bill_lowers_score = (gains["move_a_bill"] < 0).mean()
