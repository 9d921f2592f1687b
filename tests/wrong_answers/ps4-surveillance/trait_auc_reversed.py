# Uses course.repayment_auc, which gives the chance that someone WITHOUT the flag scores higher.
# replaces: parent_score
# loses: trait_from_purchases
from sklearn.metrics import roc_auc_score  # noqa: F401 - the cell it replaces imports it

shares = course.category_shares(transactions, consumers=population["consumer_id"])
has_children = population["has_children"].to_numpy()


def parent_score(shares):
    return (shares["baby_goods"] + 0.3 * shares["education"]).to_numpy()


auc_children = course.repayment_auc(parent_score(shares), has_children)
base_rate_children = float(has_children.mean())
