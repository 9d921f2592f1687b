# Averages the scores of everyone in each group, not only of those who repaid.
# replaces: validity
# loses: validity_by_hukou
# caught-by: hidden
scores = course.lotus_score(dims)
auc_overall = auc(scores, population["defaulted"])
auc_by_hukou, repaid_mean_by_hukou = {}, {}
for group, rows in population.groupby("hukou", observed=True):
    auc_by_hukou[group] = auc(scores[rows.index], rows["defaulted"])
    repaid_mean_by_hukou[group] = scores[rows.index].mean()
