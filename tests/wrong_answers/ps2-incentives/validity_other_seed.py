# Gives the second run another seed, so chance differs between the runs as well as the rules.
# replaces: gaming_validity
# loses: gaming_erodes_validity
# caught-by: hidden
with_tasks = course.simulate(population, months=12, seed=5,
                             transactions=transactions, friendships=friendships)
without_tasks = course.simulate(population, months=12, seed=6,
                                transactions=transactions, friendships=friendships,
                                rules=course.Rules(gameable_tasks=()))
auc_by_month = pd.DataFrame({"with_tasks": with_tasks.summary["auc"].to_numpy(),
                             "without_tasks": without_tasks.summary["auc"].to_numpy()})
auc_lost = auc_by_month["without_tasks"].iloc[-1] - auc_by_month["with_tasks"].iloc[-1]
last = with_tasks.panel[with_tasks.panel["month"] == 12]
gamed_share = {"defaulted": last[last["defaulted"]]["gamed"].mean(),
               "repaid": last[~last["defaulted"]]["gamed"].mean()}
