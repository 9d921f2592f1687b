# Fits a model, stores its predictions for the default data and returns them whatever it is
# given, so the function does not score the rows it receives.
# replaces: parent_score
# loses: trait_from_purchases
# caught-by: hidden
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

shares = course.category_shares(transactions, consumers=population["consumer_id"])
has_children = population["has_children"].to_numpy()

stored = LogisticRegression(max_iter=1000).fit(shares, has_children).predict_proba(shares)[:, 1]


def parent_score(shares):
    return stored


auc_children = float(roc_auc_score(has_children, parent_score(shares)))
base_rate_children = float(has_children.mean())
