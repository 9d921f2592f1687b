# Passes "repaid" where "defaulted" is expected, so the AUCs come out below one half.
# replaces: validity
# loses: validity_by_hukou
scores = course.lotus_score(dims)
repaid = ~population["defaulted"]
auc_overall = auc(scores, repaid)
auc_by_hukou, repaid_mean_by_hukou = {}, {}
for group in ["local", "migrant"]:
    rows = (population["hukou"] == group).to_numpy()
    auc_by_hukou[group] = auc(scores[rows], repaid[rows])
    repaid_mean_by_hukou[group] = scores[rows & repaid.to_numpy()].mean()
