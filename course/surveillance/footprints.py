"""Footprints: the data points the platform holds on each person, by source."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._checks import check_count, check_frame
from ..visibility import months_observed

FOOTPRINT_SOURCES = ["payments", "bills", "identity", "friendships"]
_IDENTITY_FLAGS = ["verified_id", "verified_degree", "verified_car", "verified_property"]


def _months(transactions: pd.DataFrame, months: int | None) -> int:
    if months is not None:
        return check_count(months, "months", minimum=1)
    if len(transactions) == 0:
        raise ValueError("transactions is empty, so the period is unknown; pass months=6 (say).")
    return months_observed(transactions)


def _check_channel(channel: str) -> str:
    if channel not in ("platform", "all"):
        raise ValueError(f"channel must be 'platform' (what Lotus Pay sees) or 'all', "
                         f"got {channel!r}.")
    return channel


def footprint(population: pd.DataFrame, transactions: pd.DataFrame,
              friendships: pd.DataFrame, *, channel: str = "platform",
              months: int | None = None) -> pd.DataFrame:
    """Count the data points held on each person, by source, over the data's period.

    Sources:

    * ``payments`` — payment records: those made through Lotus Pay (``channel="platform"``,
      what the platform holds) or all of them (``channel="all"``);
    * ``bills`` — one record per month for each recurring bill paid through Lotus Pay
      (``bills_on_platform`` x months);
    * ``identity`` — verified items (ID, degree, car, property) plus the phone number, which
      everyone has given;
    * ``friendships`` — friendship ties (each tie counts for both friends).

    Parameters
    ----------
    population, transactions, friendships : pandas.DataFrame
        The course's frames (``course.load_dataset(...)``).
    channel : {"platform", "all"}
        Which payments count.
    months : int, optional
        Length of the period; default the calendar months the transactions span.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``consumer_id`` (every consumer in ``population``), integer columns
        ``payments``, ``bills``, ``identity``, ``friendships`` and ``total``.
        ``.melt(ignore_index=False)`` gives the long form for plotting.

    Examples
    --------
    >>> from course import load_dataset
    >>> data = {name: load_dataset(name) for name in ["population", "transactions", "friendships"]}
    >>> held = footprint(data["population"], data["transactions"], data["friendships"])
    >>> list(held.columns)
    ['payments', 'bills', 'identity', 'friendships', 'total']
    """
    check_frame(population, "population",
                ["consumer_id", "bills_on_platform", *_IDENTITY_FLAGS])
    check_frame(transactions, "transactions", ["consumer_id", "timestamp", "channel"])
    check_frame(friendships, "friendships", ["consumer_id", "friend_id"])
    channel = _check_channel(channel)
    n_months = _months(transactions, months)
    ids = population["consumer_id"].to_numpy()
    seen = transactions if channel == "all" else transactions[
        transactions["channel"] == "platform"]
    payments = seen["consumer_id"].value_counts().reindex(ids, fill_value=0)
    ends = np.concatenate([friendships["consumer_id"].to_numpy(),
                           friendships["friend_id"].to_numpy()])
    ties = pd.Series(ends).value_counts().reindex(ids, fill_value=0)
    held = pd.DataFrame(
        {
            "payments": payments.to_numpy(dtype=np.int64),
            "bills": population["bills_on_platform"].to_numpy(dtype=np.int64) * n_months,
            "identity": population[_IDENTITY_FLAGS].to_numpy(dtype=bool).sum(axis=1) + 1,
            "friendships": ties.to_numpy(dtype=np.int64),
        },
        index=pd.Index(ids, name="consumer_id"),
    )
    held["total"] = held.sum(axis=1)
    return held
