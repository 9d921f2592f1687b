# Reports the platform share at the end divided by that at the start, not the change.
# replaces: lock_in
# loses: lock_in_grows
result = course.simulate(population, months=24, seed=6,
                         transactions=transactions, friendships=friendships)
share_change = result.summary["platform_share"].iloc[-1] / result.summary["platform_share"].iloc[0]
first = result.panel[result.panel["month"] == 0].set_index("consumer_id")
final = result.panel[result.panel["month"] == 24].set_index("consumer_id")
hukou = population.set_index("consumer_id")["hukou"].astype(str)
locked_in = {}
for group in ["local", "migrant"]:
    members = final[hukou.reindex(final.index) == group]
    locked_in[group] = (members["switching_cost_cny"] >= 6000).mean()
newly_locked = ((first["switching_cost_cny"] < 6000)
                & (final["switching_cost_cny"] >= 6000)).mean()
