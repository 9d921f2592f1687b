# Shortcut: scikit-learn's ready-made AUC instead of counting pairs.
# replaces: auc
# loses: auc_ranks_and_ties
# caught-by: hidden
from sklearn.metrics import roc_auc_score


def auc(scores, defaulted):
    defaulted = np.asarray(defaulted).astype(bool)
    return float(roc_auc_score(~defaulted, np.asarray(scores, dtype=float)))
