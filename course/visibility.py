"""What Lotus Pay sees of each consumer: payments on the platform, per month.

Only payments through the ``platform`` channel reach Lotus Pay; card and cash payments are
invisible to it. :func:`platform_view` summarises what it sees, one row per consumer, from
three steps that the simulation's agents and the "what if I..." tools share:
:func:`months_observed` (the period), :func:`spending_by_channel` (totals on and off the
platform) and :func:`platform_activity` (what is seen per month, optionally after moving
some card and cash spending onto the platform).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ._checks import check_frame
from .constants import RESPONSIBLE_CATEGORIES

#: What :func:`spending_by_channel` adds up per consumer and side (on or off the platform).
SPENDING_PARTS = ["n", "spend", "responsible", "gaming", "gaming_n"]

_POPULATION_NEEDS = [
    "consumer_id", "on_time_rate", "late_payments_12m", "bills_on_platform", "verified_id",
    "verified_degree", "verified_car", "verified_property", "phone_tenure_years",
]
_TRANSACTION_NEEDS = ["consumer_id", "timestamp", "category", "amount_cny", "channel"]
PLATFORM_VIEW_COLUMNS = [
    "on_time_rate", "late_payments_12m", "bills_on_platform", "platform_payments_per_month",
    "platform_spend_per_month_cny", "responsible_share", "gaming_share", "verified_id",
    "verified_degree", "verified_car", "verified_property", "phone_tenure_years",
]


def months_observed(transactions: pd.DataFrame) -> int:
    """Count the calendar months the transactions span, first to last (1 if there are none).

    Parameters
    ----------
    transactions : pandas.DataFrame
        With a ``timestamp`` column.

    Returns
    -------
    int
        At least 1.

    Examples
    --------
    >>> import pandas as pd
    >>> months_observed(pd.DataFrame({"timestamp": pd.to_datetime(["2025-01-31", "2025-03-01"])}))
    3
    """
    if len(transactions) == 0:
        return 1
    stamps = pd.to_datetime(transactions["timestamp"])
    first, last = stamps.min(), stamps.max()
    return max(1, (last.year - first.year) * 12 + last.month - first.month + 1)


def spending_by_channel(transactions: pd.DataFrame,
                        ids: np.ndarray | pd.Index | None = None) -> pd.DataFrame:
    """Add up each consumer's payments on and off the platform.

    Parameters
    ----------
    transactions : pandas.DataFrame
        From :func:`course.make_transactions` (``consumer_id``, ``category``, ``amount_cny``,
        ``channel``).
    ids : array-like, optional
        The consumers to report, in this order (those without payments get zeros); default
        every consumer in ``transactions``, sorted.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``consumer_id``. Columns ``on_<part>`` (through Lotus Pay) and
        ``off_<part>`` (card or cash) for each part in ``SPENDING_PARTS``: ``n`` payments,
        ``spend`` (CNY), ``responsible`` (CNY on ``RESPONSIBLE_CATEGORIES``), ``gaming`` (CNY
        on games) and ``gaming_n`` (game payments), totals over the whole period.

    Examples
    --------
    >>> import pandas as pd
    >>> trace = pd.DataFrame({"consumer_id": [1, 1, 2], "category": ["games", "books", "games"],
    ...                       "amount_cny": [10.0, 20.0, 5.0],
    ...                       "channel": ["platform", "cash", "card"]})
    >>> spending_by_channel(trace)[["on_spend", "off_spend", "on_gaming"]].to_numpy().tolist()
    [[10.0, 20.0, 10.0], [0.0, 5.0, 0.0]]
    """
    check_frame(transactions, "transactions", ["consumer_id", "category", "amount_cny",
                                               "channel"])
    payer = transactions["consumer_id"].to_numpy()
    index = pd.Index(np.unique(payer) if ids is None else ids, name="consumer_id")
    position = index.get_indexer(payer)
    known = position >= 0
    amount = transactions["amount_cny"].to_numpy(dtype=float)
    category = transactions["category"]
    games = (category == "games").to_numpy()
    parts = {"n": np.ones(len(amount)), "spend": amount,
             "responsible": amount * category.isin(RESPONSIBLE_CATEGORIES).to_numpy(),
             "gaming": amount * games, "gaming_n": games.astype(float)}
    # One bin per consumer and side: 2 * position (+1 off the platform)
    side = (transactions["channel"] != "platform").to_numpy()
    bins = (2 * position + side)[known]
    table = {}
    for what, values in parts.items():
        sums = np.bincount(bins, values[known], minlength=2 * len(index))
        table[f"on_{what}"], table[f"off_{what}"] = sums[0::2], sums[1::2]
    return pd.DataFrame(table, index=index)[[f"{s}_{p}" for s in ("on", "off")
                                             for p in SPENDING_PARTS]]


def platform_activity(spending: Mapping[str, np.ndarray] | pd.DataFrame, months: float, *,
                      moved: float | np.ndarray = 0.0,
                      games_in_cash: bool = False) -> dict[str, np.ndarray]:
    """Turn payment totals into what the platform sees per month: the activity columns.

    Parameters
    ----------
    spending : pandas.DataFrame or dict of arrays
        Rows (or arrays) of :func:`spending_by_channel`.
    months : float
        Length of the period (:func:`months_observed`).
    moved : float or array
        Share of each consumer's card and cash payments moved onto the platform (0 to 1):
        0 is what the platform sees now.
    games_in_cash : bool
        Pay for games seen by the platform in cash instead, hiding them.

    Returns
    -------
    dict of numpy.ndarray
        ``platform_payments_per_month``, ``platform_spend_per_month_cny``,
        ``responsible_share`` and ``gaming_share`` (of the spending seen), as in
        :func:`platform_view`.

    Examples
    --------
    >>> seen = platform_activity({"on_n": 6.0, "on_spend": 300.0, "on_responsible": 30.0,
    ...                           "on_gaming": 0.0, "on_gaming_n": 0.0, "off_n": 6.0,
    ...                           "off_spend": 300.0, "off_responsible": 0.0,
    ...                           "off_gaming": 0.0, "off_gaming_n": 0.0}, 3, moved=1.0)
    >>> float(seen["platform_payments_per_month"]), float(seen["responsible_share"])
    (4.0, 0.05)
    """
    seen = {}
    for what in SPENDING_PARTS:
        on = np.asarray(spending[f"on_{what}"], dtype=float)
        seen[what] = on + moved * np.asarray(spending[f"off_{what}"], dtype=float)
    if games_in_cash:
        seen["spend"] = seen["spend"] - seen["gaming"]
        seen["n"] = seen["n"] - seen["gaming_n"]
        seen["gaming"] = np.zeros_like(seen["gaming"])
    spend = np.maximum(seen["spend"], 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        responsible = np.where(spend > 0, seen["responsible"] / spend, 0.0)
        gaming = np.where(spend > 0, seen["gaming"] / spend, 0.0)
    return {"platform_payments_per_month": seen["n"] / months,
            "platform_spend_per_month_cny": spend / months,
            "responsible_share": responsible, "gaming_share": gaming}


def platform_view(population: pd.DataFrame, transactions: pd.DataFrame) -> pd.DataFrame:
    """Summarise what Lotus Pay sees of each consumer: one row per consumer.

    Only payments made through the ``platform`` channel are seen. The observation period is
    taken from the transactions' first and last month (:func:`months_observed`).

    Parameters
    ----------
    population, transactions : pandas.DataFrame
        As made by :func:`course.make_population` and :func:`course.make_transactions`.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``consumer_id``, with the columns in ``PLATFORM_VIEW_COLUMNS``.

    Examples
    --------
    >>> from course import make_population, make_transactions
    >>> people = make_population(100, seed=1)
    >>> view = platform_view(people, make_transactions(people, seed=2))
    >>> list(view.columns) == PLATFORM_VIEW_COLUMNS
    True
    """
    check_frame(population, "population", _POPULATION_NEEDS)
    check_frame(transactions, "transactions", _TRANSACTION_NEEDS)
    ids = population["consumer_id"].to_numpy()
    activity = platform_activity(spending_by_channel(transactions, ids),
                                 months_observed(transactions))
    view = pd.DataFrame({c: population[c].to_numpy(dtype=float) for c in
                         ["on_time_rate", "late_payments_12m", "bills_on_platform"]},
                        index=pd.Index(ids, name="consumer_id"))
    for column, values in activity.items():
        view[column] = values
    for column in ["verified_id", "verified_degree", "verified_car", "verified_property"]:
        view[column] = population[column].to_numpy(dtype=bool)
    view["phone_tenure_years"] = population["phone_tenure_years"].to_numpy(dtype=float)
    return view[PLATFORM_VIEW_COLUMNS]
