# Looks the answer up in population instead of inferring it from the shares.
# replaces: parent_score
# loses: trait_from_purchases
# caught-by: hidden
from sklearn.metrics import roc_auc_score

shares = course.category_shares(transactions, consumers=population["consumer_id"])
has_children = population["has_children"].to_numpy()


def parent_score(shares):
    parent = population["has_children"].to_numpy()[: len(shares)]
    return 0.8 * parent + 0.2 * shares["baby_goods"].to_numpy()


auc_children = float(roc_auc_score(has_children, parent_score(shares)))
base_rate_children = float(has_children.mean())
