# Scores parents by their spending on games and entertainment, which barely tells them apart.
# replaces: parent_score
# loses: trait_from_purchases
from sklearn.metrics import roc_auc_score

shares = course.category_shares(transactions, consumers=population["consumer_id"])
has_children = population["has_children"].to_numpy()


def parent_score(shares):
    return (shares["games"] + shares["entertainment"]).to_numpy()


auc_children = float(roc_auc_score(has_children, parent_score(shares)))
base_rate_children = float(has_children.mean())
