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

This module is the one model of the score's inputs: :func:`course.simulate`'s agents, the
"what if I..." tools (:func:`course.what_if_dimensions`) and the data-minimisation tools all
call the functions here and in :mod:`course.visibility` (what the platform sees), such as
:func:`standing` and :func:`connections_from_totals`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ._checks import check_frame
from .constants import (
    DEFAULT_WEIGHTS,
    DIMENSIONS,
    RESPONSIBLE_CATEGORIES,  # noqa: F401 - also here for older code
)
from .traces import friend_lists
from .visibility import PLATFORM_VIEW_COLUMNS, platform_view

#: What a thin file is pulled towards, and how many observed payments outweigh it.
THIN_FILE_PRIOR = 0.35
THIN_FILE_STRENGTH = 24.0

#: Standing of someone with no friends on the platform, for the connections dimension, and
#: how many such friends everyone is counted as having on top of their real ones.
NO_FRIENDS_STANDING = 0.3
FRIEND_PRIOR_COUNT = 2.0

#: How much of behaviour & preferences platform use can earn, and how much of fulfilment
#: capacity platform spending can earn (the keyword defaults of the two functions).
USE_WEIGHT = 0.55
SPEND_WEIGHT = 0.65

#: A friend's standing: their other four dimensions, combined with the default weights.
STANDING_WEIGHTS = np.array([DEFAULT_WEIGHTS[d] for d in DIMENSIONS[:4]])
STANDING_WEIGHTS = STANDING_WEIGHTS / STANDING_WEIGHTS.sum()


# The five dimensions ------------------------------------------------------------------------

def credit_history(on_time_rate, late_payments_12m, bills_on_platform) -> np.ndarray:
    """Score paying on time, trusting the record only as far as the platform sees it.

    The record is the on-time rate discounted by late payments. It is seen through the bills
    paid on the platform (12 a year for each), and a thin record is pulled towards the
    cautious prior ``THIN_FILE_PRIOR`` as if ``THIN_FILE_STRENGTH`` payments had been seen.

    Parameters
    ----------
    on_time_rate, late_payments_12m, bills_on_platform : float or array-like
        Columns of :func:`platform_view`.

    Returns
    -------
    numpy.ndarray
        The sub-score, in [0, 1].

    Examples
    --------
    >>> round(float(credit_history(1.0, 0, 6)), 3)
    0.838
    """
    record = np.asarray(on_time_rate, dtype=float) * np.exp(
        -0.25 * np.asarray(late_payments_12m, dtype=float))
    seen = 12.0 * np.asarray(bills_on_platform, dtype=float)
    return (seen * record + THIN_FILE_STRENGTH * THIN_FILE_PRIOR) / (seen + THIN_FILE_STRENGTH)


def fulfilment_capacity(platform_spend_per_month_cny, verified_car, verified_property, *,
                        spend_weight: float = SPEND_WEIGHT) -> np.ndarray:
    """Score the means to pay: spending seen on the platform and verified assets.

    Parameters
    ----------
    platform_spend_per_month_cny, verified_car, verified_property : float or array-like
        Columns of :func:`platform_view`.
    spend_weight : float
        How much of the sub-score spending through the platform can earn (``SPEND_WEIGHT``,
        0.65, by default; 0 makes platform spending earn nothing). :func:`course.simulate`
        varies it to switch off the score's reward for using the platform.

    Returns
    -------
    numpy.ndarray
        The sub-score (in [0, 1] for ``spend_weight`` up to 0.65).

    Examples
    --------
    >>> round(float(fulfilment_capacity(3000, False, True)), 3)
    0.603
    """
    spend = 1.0 - np.exp(-np.asarray(platform_spend_per_month_cny, dtype=float) / 3000.0)
    assets = 0.55 * np.asarray(verified_property, dtype=float) + 0.45 * np.asarray(
        verified_car, dtype=float)
    return spend_weight * spend + 0.35 * assets


def behaviour_preferences(platform_payments_per_month, responsible_share, gaming_share, *,
                          use_weight: float = USE_WEIGHT,
                          engagement: float | np.ndarray = 0.0) -> np.ndarray:
    """Score platform use and "responsible" spending; penalise spending on games.

    The games penalty follows an example Sesame's technology director gave Caixin in 2015
    (paraphrased: someone playing video games ten hours a day might be judged idle, someone
    often buying diapers a responsible parent). Later reporting says it was over-read as a
    rule, so treat it as **contested**: an example of inference logic, not a confirmed part
    of the real score.

    Parameters
    ----------
    platform_payments_per_month, responsible_share, gaming_share : float or array-like
        Columns of :func:`platform_view`.
    use_weight : float
        How much of the sub-score frequent platform use can earn (``USE_WEIGHT``, 0.55; 0
        rewards no platform use). :func:`course.simulate` changes it.
    engagement : float or array-like
        Added for engagement tasks such as daily check-in streaks (>= 0), which raise the
        sub-score without saying anything about the consumer's risk.

    Returns
    -------
    numpy.ndarray
        The sub-score, clipped to [0, 1].

    Examples
    --------
    >>> round(float(behaviour_preferences(10, 0.4, 0.0)), 3)
    0.798
    >>> round(float(behaviour_preferences(10, 0.4, 0.2)), 3)
    0.498
    """
    use = 1.0 - np.exp(-np.asarray(platform_payments_per_month, dtype=float) / 10.0)
    responsible = np.minimum(np.asarray(responsible_share, dtype=float) / 0.4, 1.0)
    gaming = np.asarray(gaming_share, dtype=float)
    engaged = np.asarray(engagement, dtype=float)
    return np.clip(0.15 + use_weight * use + 0.30 * responsible - 1.5 * gaming + engaged,
                   0.0, 1.0)


def identity_characteristics(verified_id, verified_degree, verified_car, verified_property,
                             phone_tenure_years) -> np.ndarray:
    """Score verified identity items and how long the phone number has been held.

    Parameters
    ----------
    verified_id, verified_degree, verified_car, verified_property : bool or array-like
    phone_tenure_years : float or array-like
        Columns of :func:`platform_view`.

    Returns
    -------
    numpy.ndarray
        The sub-score, in [0, 1].

    Examples
    --------
    >>> round(float(identity_characteristics(True, False, False, False, 4)), 2)
    0.45
    """
    tenure = np.minimum(np.asarray(phone_tenure_years, dtype=float) / 8.0, 1.0)
    return (
        0.35 * np.asarray(verified_id, dtype=float)
        + 0.20 * np.asarray(verified_degree, dtype=float)
        + 0.10 * np.asarray(verified_car, dtype=float)
        + 0.15 * np.asarray(verified_property, dtype=float)
        + 0.20 * tenure
    )


def standing(own: np.ndarray) -> np.ndarray:
    """A consumer's standing as a friend: their first four dimensions, default-weighted.

    Parameters
    ----------
    own : numpy.ndarray
        (consumers x 4) sub-scores in ``DIMENSIONS[:4]`` order.

    Returns
    -------
    numpy.ndarray
        One standing per consumer, in [0, 1] (weights ``STANDING_WEIGHTS``).

    Examples
    --------
    >>> standing(np.ones((2, 4))).round(6).tolist()
    [1.0, 1.0]
    """
    return np.asarray(own, dtype=float) @ STANDING_WEIGHTS


def connections_from_totals(total: np.ndarray | float,
                            count: np.ndarray | float) -> np.ndarray:
    """The connections sub-score from the sum and number of one's friends' standings.

    Someone with few friends is pulled towards ``NO_FRIENDS_STANDING`` as if they had
    ``FRIEND_PRIOR_COUNT`` (2) more friends of that standing.

    Parameters
    ----------
    total, count : float or array-like
        Sum of the friends' standings, and how many friends.

    Returns
    -------
    numpy.ndarray
        The sub-score.

    Examples
    --------
    >>> float(connections_from_totals(0.0, 0))  # no friends
    0.3
    >>> float(connections_from_totals(1.8, 2))  # two friends of standing 0.9
    0.6
    """
    return ((np.asarray(total, dtype=float) + FRIEND_PRIOR_COUNT * NO_FRIENDS_STANDING)
            / (np.asarray(count, dtype=float) + FRIEND_PRIOR_COUNT))


def connections(friendships: pd.DataFrame, standing: pd.Series) -> np.ndarray:
    """Score friends' standing: the mean standing of one's friends, shrunk for few friends.

    Parameters
    ----------
    friendships : pandas.DataFrame
        ``consumer_id``, ``friend_id`` (each tie once).
    standing : pandas.Series
        Indexed by ``consumer_id`` (for example the other four dimensions combined, as
        :func:`course.standing` does).

    Returns
    -------
    numpy.ndarray
        :func:`connections_from_totals` of each consumer's friends, in ``standing``'s order.

    Examples
    --------
    >>> import pandas as pd
    >>> ties = pd.DataFrame({"consumer_id": [1], "friend_id": [2]})
    >>> connections(ties, pd.Series([0.9, 0.3, 0.5], index=[1, 2, 3])).round(3).tolist()
    [0.3, 0.5, 0.3]
    """
    both = friend_lists(friendships)
    position = standing.index.get_indexer(both["consumer_id"])
    friend = standing.index.get_indexer(both["friend_id"])
    known = (position >= 0) & (friend >= 0)
    values = standing.to_numpy(dtype=float)
    n = len(values)
    total = np.bincount(position[known], values[friend[known]], minlength=n)
    count = np.bincount(position[known], minlength=n).astype(float)
    return connections_from_totals(total, count)


def own_dimensions(view: pd.DataFrame | Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The first four dimensions (all but connections) from platform-view columns.

    Parameters
    ----------
    view : pandas.DataFrame or dict of arrays
        With the columns in ``PLATFORM_VIEW_COLUMNS`` (from :func:`platform_view`).

    Returns
    -------
    dict of numpy.ndarray
        ``credit_history``, ``fulfilment_capacity``, ``behaviour_preferences`` and
        ``identity_characteristics``, not yet clipped.

    Examples
    --------
    >>> from course import load_dataset
    >>> view = platform_view(load_dataset("population"), load_dataset("transactions"))
    >>> sorted(own_dimensions(view)) == sorted(DIMENSIONS[:4])
    True
    """
    return {
        "credit_history": credit_history(
            view["on_time_rate"], view["late_payments_12m"], view["bills_on_platform"]),
        "fulfilment_capacity": fulfilment_capacity(
            view["platform_spend_per_month_cny"], view["verified_car"],
            view["verified_property"]),
        "behaviour_preferences": behaviour_preferences(
            view["platform_payments_per_month"], view["responsible_share"],
            view["gaming_share"]),
        "identity_characteristics": identity_characteristics(
            view["verified_id"], view["verified_degree"], view["verified_car"],
            view["verified_property"], view["phone_tenure_years"]),
    }


def dimensions_from_view(view: pd.DataFrame, friendships: pd.DataFrame) -> pd.DataFrame:
    """Compute the five dimensions from a :func:`platform_view` frame and friendships.

    Parameters
    ----------
    view : pandas.DataFrame
        From :func:`platform_view` (indexed by ``consumer_id``).
    friendships : pandas.DataFrame
        ``consumer_id``, ``friend_id``.

    Returns
    -------
    pandas.DataFrame
        As :func:`dimension_scores` returns.

    Examples
    --------
    >>> from course import load_dataset
    >>> people, trace = load_dataset("population"), load_dataset("transactions")
    >>> dims = dimensions_from_view(platform_view(people, trace), load_dataset("friendships"))
    >>> dims.equals(dimension_scores(people, trace, load_dataset("friendships")))
    True
    """
    check_frame(view, "view", PLATFORM_VIEW_COLUMNS, hint="course.platform_view(...)")
    dims = pd.DataFrame(own_dimensions(view), index=view.index)
    friend_standing = pd.Series(standing(dims[DIMENSIONS[:4]].to_numpy()), index=view.index)
    dims["connections"] = connections(friendships, friend_standing)
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
