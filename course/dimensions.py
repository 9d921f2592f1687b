"""From raw traces to the five Lotus Score dimensions, each a sub-score in [0, 1].

The real Sesame Credit publishes the names of its five dimensions but not how they are
computed. The functions here are **our own, deliberately simple, illustrative** choices,
small enough for a lesson to show in full:

========================  ==========================================================
dimension                 what it rewards (what the platform can see)
========================  ==========================================================
credit_history            paying bills on time, *as far as the platform sees them*
fulfilment_capacity       spending through the platform, verified car and property
behaviour_preferences     using the platform, "responsible" purchases; not gaming
identity_characteristics  verified ID, degree, car, property; a long-held phone number
connections               friends' standing (friends of good standing raise yours)
========================  ==========================================================

Every function takes what the platform sees, not the truth: bills paid in cash or by another
app are invisible, so people who use the platform less get "thin files" that are pulled
towards a cautious prior. That is the visibility bias the lessons uncover.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._checks import check_frame
from .traces import friend_lists

DIMENSIONS = [
    "credit_history",
    "fulfilment_capacity",
    "behaviour_preferences",
    "identity_characteristics",
    "connections",
]

#: Purchase categories that behaviour & preferences treats as signs of responsibility.
RESPONSIBLE_CATEGORIES = ["utilities", "baby_goods", "education", "health", "books"]

#: What a thin file is pulled towards, and how many observed payments outweigh it.
THIN_FILE_PRIOR = 0.35
THIN_FILE_STRENGTH = 24.0

#: Standing of someone with no friends on the platform, for the connections dimension.
NO_FRIENDS_STANDING = 0.3

_POPULATION_NEEDS = [
    "consumer_id", "on_time_rate", "late_payments_12m", "bills_on_platform", "verified_id",
    "verified_degree", "verified_car", "verified_property", "phone_tenure_years",
]
PLATFORM_VIEW_COLUMNS = [
    "on_time_rate", "late_payments_12m", "bills_on_platform", "platform_payments_per_month",
    "platform_spend_per_month_cny", "responsible_share", "gaming_share", "verified_id",
    "verified_degree", "verified_car", "verified_property", "phone_tenure_years",
]


def platform_view(population: pd.DataFrame, transactions: pd.DataFrame) -> pd.DataFrame:
    """Summarise what Lotus Pay sees of each consumer: one row per consumer.

    Only payments made through the ``platform`` channel are seen. The observation period is
    taken from the transactions' first and last month.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``consumer_id``, with the columns in ``PLATFORM_VIEW_COLUMNS``.
    """
    check_frame(population, "population", _POPULATION_NEEDS)
    check_frame(transactions, "transactions", ["consumer_id", "timestamp", "category",
                                               "amount_cny", "channel"])
    ids = population["consumer_id"].to_numpy()
    if len(transactions):
        stamps = transactions["timestamp"]
        months = max(1, (stamps.max().year - stamps.min().year) * 12
                     + stamps.max().month - stamps.min().month + 1)
    else:
        months = 1

    seen = (transactions["channel"] == "platform").to_numpy()
    category = transactions["category"]
    amount = transactions["amount_cny"].to_numpy(dtype=float)[seen]
    per = pd.DataFrame(
        {
            "consumer_id": transactions["consumer_id"].to_numpy()[seen],
            "n": 1.0,
            "spend": amount,
            "responsible": amount * category.isin(RESPONSIBLE_CATEGORIES).to_numpy()[seen],
            "gaming": amount * (category == "games").to_numpy()[seen],
        }
    ).groupby("consumer_id").sum()
    per = per.reindex(ids, fill_value=0.0)
    total = per["spend"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        responsible = np.where(total > 0, per["responsible"].to_numpy() / total, 0.0)
        gaming = np.where(total > 0, per["gaming"].to_numpy() / total, 0.0)

    view = pd.DataFrame(
        {
            "on_time_rate": population["on_time_rate"].to_numpy(dtype=float),
            "late_payments_12m": population["late_payments_12m"].to_numpy(dtype=float),
            "bills_on_platform": population["bills_on_platform"].to_numpy(dtype=float),
            "platform_payments_per_month": per["n"].to_numpy() / months,
            "platform_spend_per_month_cny": total / months,
            "responsible_share": responsible,
            "gaming_share": gaming,
            "verified_id": population["verified_id"].to_numpy(dtype=bool),
            "verified_degree": population["verified_degree"].to_numpy(dtype=bool),
            "verified_car": population["verified_car"].to_numpy(dtype=bool),
            "verified_property": population["verified_property"].to_numpy(dtype=bool),
            "phone_tenure_years": population["phone_tenure_years"].to_numpy(dtype=float),
        },
        index=pd.Index(ids, name="consumer_id"),
    )
    return view


def credit_history(on_time_rate, late_payments_12m, bills_on_platform):
    """Score paying on time, trusting the record only as far as the platform sees it.

    The record is the on-time rate discounted by late payments. It is seen through the bills
    paid on the platform (12 a year for each), and a thin record is pulled towards the
    cautious prior ``THIN_FILE_PRIOR`` as if ``THIN_FILE_STRENGTH`` payments had been seen.
    """
    record = np.asarray(on_time_rate, dtype=float) * np.exp(
        -0.25 * np.asarray(late_payments_12m, dtype=float))
    seen = 12.0 * np.asarray(bills_on_platform, dtype=float)
    return (seen * record + THIN_FILE_STRENGTH * THIN_FILE_PRIOR) / (seen + THIN_FILE_STRENGTH)


def fulfilment_capacity(platform_spend_per_month_cny, verified_car, verified_property, *,
                        spend_weight: float = 0.65):
    """Score the means to pay: spending seen on the platform and verified assets.

    ``spend_weight`` is how much of the sub-score spending through the platform can earn
    (0.65 by default; 0 makes platform spending earn nothing). :func:`course.simulate` varies
    it to switch off the score's reward for using the platform.
    """
    spend = 1.0 - np.exp(-np.asarray(platform_spend_per_month_cny, dtype=float) / 3000.0)
    assets = 0.55 * np.asarray(verified_property, dtype=float) + 0.45 * np.asarray(
        verified_car, dtype=float)
    return spend_weight * spend + 0.35 * assets


def behaviour_preferences(platform_payments_per_month, responsible_share, gaming_share, *,
                          use_weight: float = 0.55, engagement=0.0):
    """Score platform use and "responsible" spending; penalise spending on games.

    The games penalty follows an example Sesame's technology director gave Caixin in 2015
    (paraphrased: someone playing video games ten hours a day might be judged idle, someone
    often buying diapers a responsible parent). Later reporting says it was over-read as a
    rule, so treat it as **contested**: an example of inference logic, not a confirmed part
    of the real score.

    Two keywords let :func:`course.simulate` change the rules; their defaults give the score
    above. ``use_weight`` is how much of the sub-score frequent platform use can earn (0.55;
    0 rewards no platform use). ``engagement`` (a number or one per consumer, >= 0) is added
    for engagement tasks such as daily check-in streaks, which raise the sub-score without
    saying anything about the consumer's risk.
    """
    use = 1.0 - np.exp(-np.asarray(platform_payments_per_month, dtype=float) / 10.0)
    responsible = np.minimum(np.asarray(responsible_share, dtype=float) / 0.4, 1.0)
    gaming = np.asarray(gaming_share, dtype=float)
    engaged = np.asarray(engagement, dtype=float)
    return np.clip(0.15 + use_weight * use + 0.30 * responsible - 1.5 * gaming + engaged,
                   0.0, 1.0)


def identity_characteristics(verified_id, verified_degree, verified_car, verified_property,
                             phone_tenure_years):
    """Score verified identity items and how long the phone number has been held."""
    tenure = np.minimum(np.asarray(phone_tenure_years, dtype=float) / 8.0, 1.0)
    return (
        0.35 * np.asarray(verified_id, dtype=float)
        + 0.20 * np.asarray(verified_degree, dtype=float)
        + 0.10 * np.asarray(verified_car, dtype=float)
        + 0.15 * np.asarray(verified_property, dtype=float)
        + 0.20 * tenure
    )


def connections(friendships: pd.DataFrame, standing: pd.Series) -> np.ndarray:
    """Score friends' standing: the mean standing of one's friends, shrunk for few friends.

    ``standing`` is indexed by ``consumer_id`` (for example the other four dimensions
    combined). Someone with few friends is pulled towards ``NO_FRIENDS_STANDING`` as if they
    had two friends of that standing. Returns an array in ``standing``'s order.
    """
    both = friend_lists(friendships)
    known = both["friend_id"].isin(standing.index) & both["consumer_id"].isin(standing.index)
    both = both[known]
    friend_standing = standing.reindex(both["friend_id"]).to_numpy()
    sums = pd.Series(friend_standing).groupby(both["consumer_id"].to_numpy()).agg(["sum", "count"])
    sums = sums.reindex(standing.index, fill_value=0.0)
    return ((sums["sum"] + 2.0 * NO_FRIENDS_STANDING) / (sums["count"] + 2.0)).to_numpy()


def dimensions_from_view(view: pd.DataFrame, friendships: pd.DataFrame) -> pd.DataFrame:
    """Compute the five dimensions from a :func:`platform_view` frame and friendships."""
    check_frame(view, "view", PLATFORM_VIEW_COLUMNS, hint="course.platform_view(...)")
    dims = pd.DataFrame(index=view.index)
    dims["credit_history"] = credit_history(
        view["on_time_rate"], view["late_payments_12m"], view["bills_on_platform"])
    dims["fulfilment_capacity"] = fulfilment_capacity(
        view["platform_spend_per_month_cny"], view["verified_car"], view["verified_property"])
    dims["behaviour_preferences"] = behaviour_preferences(
        view["platform_payments_per_month"], view["responsible_share"], view["gaming_share"])
    dims["identity_characteristics"] = identity_characteristics(
        view["verified_id"], view["verified_degree"], view["verified_car"],
        view["verified_property"], view["phone_tenure_years"])
    # A friend's standing: their other four dimensions, combined with the default weights
    from .scoring import DEFAULT_WEIGHTS

    others = DIMENSIONS[:4]
    w = np.array([DEFAULT_WEIGHTS[d] for d in others])
    standing = pd.Series(dims[others].to_numpy() @ (w / w.sum()), index=view.index)
    dims["connections"] = connections(friendships, standing)
    return dims.clip(0.0, 1.0)


def dimension_scores(population: pd.DataFrame, transactions: pd.DataFrame,
                     friendships: pd.DataFrame) -> pd.DataFrame:
    """Compute the five Lotus Score dimensions for every consumer.

    Parameters
    ----------
    population, transactions, friendships : pandas.DataFrame
        As made by :func:`course.make_population`, :func:`course.make_transactions` and
        :func:`course.make_friendships` (or loaded with :func:`course.load_dataset`).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``consumer_id``; columns ``DIMENSIONS``, each in [0, 1].

    Examples
    --------
    >>> from course import make_population, make_transactions, make_friendships
    >>> people = make_population(300, seed=1)
    >>> dims = dimension_scores(people, make_transactions(people, seed=2),
    ...                         make_friendships(people, seed=3))
    >>> list(dims.columns) == DIMENSIONS
    True
    """
    check_frame(friendships, "friendships", ["consumer_id", "friend_id"])
    return dimensions_from_view(platform_view(population, transactions), friendships)
