"""The Lotus Score: weights, the 350-950 score, tiers, perks and explanations.

``score = 350 + 600 x sum(w_i * s_i)``, rounded half up to an integer and clipped to
[350, 950], where ``s_i`` are the five dimension sub-scores in [0, 1] and the weights are
non-negative and sum to 1. A court-blacklisted consumer is capped at ``BLACKLIST_CAP``.

The weights (``DEFAULT_WEIGHTS``, unofficial and contested) and the score's range live in
:mod:`course.constants`; checking and rescaling weights in :mod:`course.weights`; explaining
one score in :mod:`course.explain`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._checks import check_frame
from .constants import BLACKLIST_CAP, DIMENSIONS, SCORE_MAX, SCORE_MIN, SCORE_SPAN
from .weights import validate_weights

#: The 2015 launch tiers (lower bound inclusive), with their Chinese names.
TIERS = pd.DataFrame(
    {
        "tier": ["poor", "fair", "good", "very good", "excellent"],
        "min_score": [350, 550, 600, 650, 700],
        "max_score": [549, 599, 649, 699, 950],
        "chinese": ["较差", "中等", "良好", "优秀", "极好"],
    }
)
TIER_NAMES = list(TIERS["tier"])
TIER_DTYPE = pd.CategoricalDtype(TIER_NAMES, ordered=True)

#: Perks by score threshold, and what each is worth to someone who holds it (``value_cny``:
#: the deposit it waives, or our rough value of the service). Thresholds follow public
#: reports from 2015-2017 and changed over time; the dating badge's threshold and every value
#: are our own illustrative choices.
PERKS = pd.DataFrame(
    {
        "perk": [
            "deposit_free_rental", "deposit_free_housing", "visa_help", "dating_badge",
            "visa_help_premium",
        ],
        "min_score": [600, 650, 700, 700, 750],
        "description": [
            "no deposit for car rental and hotels",
            "no deposit for rental housing",
            "help with visa applications (first countries)",
            "highlighted profile on a partner dating site",
            "help with visa applications (more countries)",
        ],
        "value_cny": [2400.0, 3600.0, 1200.0, 600.0, 1200.0],
    }
)


def _check_dimensions(dimensions) -> pd.DataFrame:
    if isinstance(dimensions, pd.Series):
        dimensions = dimensions.to_frame().T
    check_frame(dimensions, "dimensions", DIMENSIONS, hint="course.dimension_scores(...)")
    values = dimensions[DIMENSIONS]
    try:
        arr = values.to_numpy(dtype=float)
    except (TypeError, ValueError) as error:
        raise TypeError(f"dimension scores must be numbers: {error}") from None
    bad_nan = np.isnan(arr).any(axis=0)
    if bad_nan.any():
        names = [d for d, b in zip(DIMENSIONS, bad_nan) if b]
        raise ValueError(
            f"dimension scores contain NaN in {', '.join(names)}; fill or drop those rows first."
        )
    outside = ((arr < 0) | (arr > 1)).any(axis=0)
    if outside.any():
        names = [d for d, b in zip(DIMENSIONS, outside) if b]
        raise ValueError(
            f"dimension scores must lie in [0, 1]; {', '.join(names)} has values outside "
            f"(min {arr.min():.3g}, max {arr.max():.3g})."
        )
    return values


def _blacklist_array(blacklisted, index: pd.Index) -> np.ndarray:
    if blacklisted is None:
        return np.zeros(len(index), dtype=bool)
    if isinstance(blacklisted, pd.Series) and blacklisted.index.equals(index) is False:
        if blacklisted.index.isin(index).all() and len(blacklisted) == len(index):
            blacklisted = blacklisted.reindex(index)
    arr = np.asarray(blacklisted)
    if arr.ndim == 0:
        arr = np.full(len(index), bool(arr))
    if arr.shape != (len(index),):
        raise ValueError(
            f"blacklisted must have one value per consumer ({len(index)}), got shape {arr.shape}."
        )
    if arr.dtype != bool:
        if pd.isna(arr).any():
            raise ValueError("blacklisted contains missing values; use True or False.")
        arr = arr.astype(bool)
    return arr


def raw_score_array(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The score formula on plain arrays: ``SCORE_MIN + SCORE_SPAN * (values @ weights)``.

    The one place the formula is written; :func:`raw_score`, :func:`course.explain` and the
    agents of :func:`course.simulate` all call it. Nothing is checked, rounded or clipped.

    Parameters
    ----------
    values : numpy.ndarray
        Sub-scores, (consumers x 5) in ``DIMENSIONS`` order (or one row of 5).
    weights : numpy.ndarray
        The five weights, in ``DIMENSIONS`` order.

    Returns
    -------
    numpy.ndarray
        Unrounded scores.

    Examples
    --------
    >>> float(raw_score_array(np.full(5, 0.5), np.full(5, 0.2)))
    650.0
    """
    return SCORE_MIN + SCORE_SPAN * (np.asarray(values, dtype=float) @ weights)


def raw_score(dimensions: pd.DataFrame, weights: dict | None = None) -> np.ndarray:
    """Compute the unrounded, unclipped ``350 + 600 * sum(w * s)`` as floats.

    Parameters
    ----------
    dimensions : pandas.DataFrame
        As for :func:`lotus_score`.
    weights : dict, optional
        Default ``DEFAULT_WEIGHTS``.

    Returns
    -------
    numpy.ndarray
        One unrounded score per row.

    Examples
    --------
    >>> raw_score(pd.DataFrame([[0.5] * 5], columns=DIMENSIONS)).tolist()
    [650.0]
    """
    w = validate_weights(weights)
    values = _check_dimensions(dimensions)
    return raw_score_array(values.to_numpy(dtype=float), np.array(list(w.values())))


def lotus_score(dimensions: pd.DataFrame | pd.Series, weights: dict | None = None, *,
                blacklisted: object = None) -> pd.Series:
    """Compute integer Lotus Scores from dimension sub-scores.

    Parameters
    ----------
    dimensions : pandas.DataFrame
        One row per consumer with the five columns in ``DIMENSIONS``, each in [0, 1] (as
        from :func:`course.dimension_scores`). A Series gives one consumer.
    weights : dict, optional
        Weight per dimension, non-negative, summing to 1. Default ``DEFAULT_WEIGHTS``.
    blacklisted : array-like of bool, optional
        Court-blacklisted consumers are capped at ``BLACKLIST_CAP`` (549).

    Returns
    -------
    pandas.Series
        Integer scores in [350, 950], named ``lotus_score``, on the dimensions' index.

    Examples
    --------
    >>> import pandas as pd
    >>> dims = pd.DataFrame([[1, 1, 1, 1, 1], [0.5] * 5], columns=DIMENSIONS)
    >>> lotus_score(dims).tolist()
    [950, 650]
    >>> lotus_score(dims, blacklisted=[True, False]).tolist()
    [549, 650]
    """
    values = _check_dimensions(dimensions)
    raw = raw_score(values, weights)
    score = np.clip(np.floor(raw + 0.5), SCORE_MIN, SCORE_MAX).astype(np.int64)
    cap = _blacklist_array(blacklisted, values.index)
    score = np.where(cap, np.minimum(score, BLACKLIST_CAP), score)
    return pd.Series(score, index=values.index, name="lotus_score")


def _check_scores(scores) -> tuple[np.ndarray, pd.Index | None]:
    index = scores.index if isinstance(scores, pd.Series) else None
    arr = np.atleast_1d(np.asarray(scores))
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.number)):
        raise TypeError(f"scores must be numbers, got dtype {arr.dtype}.")
    arr = arr.astype(float)
    if np.isnan(arr).any():
        raise ValueError("scores contain NaN; every score must be a number from 350 to 950.")
    if (arr < SCORE_MIN).any() or (arr > SCORE_MAX).any():
        raise ValueError(
            f"scores must lie in [350, 950]; got values from {arr.min():g} to {arr.max():g}."
        )
    if not np.array_equal(arr, np.floor(arr)):
        raise ValueError("scores must be whole numbers; round them first (lotus_score does).")
    return arr, index


def tiers(scores) -> pd.Series:
    """Name the tier of each score: poor, fair, good, very good, excellent.

    Parameters
    ----------
    scores : array-like or pandas.Series
        Integer scores in [350, 950].

    Returns
    -------
    pandas.Series
        An ordered categorical Series named ``tier`` (on the scores' index if they were a
        Series). For one score, :func:`tier_name` gives the name as a str.

    Examples
    --------
    >>> tiers([549, 550, 700]).tolist()
    ['poor', 'fair', 'excellent']
    """
    arr, index = _check_scores(scores)
    cat = pd.Categorical.from_codes(_tier_codes(arr), dtype=TIER_DTYPE)
    return pd.Series(cat, index=index, name="tier")


def tier_name(score: int) -> str:
    """Name the tier of one score: poor, fair, good, very good or excellent.

    Parameters
    ----------
    score : int
        An integer score in [350, 950].

    Returns
    -------
    str

    Examples
    --------
    >>> tier_name(549), tier_name(550), tier_name(700)
    ('poor', 'fair', 'excellent')
    """
    if np.ndim(score) != 0:
        raise TypeError("tier_name names one score; for several use course.tiers(scores).")
    arr, _ = _check_scores(score)
    return TIER_NAMES[int(_tier_codes(arr)[0])]


def _tier_codes(arr: np.ndarray) -> np.ndarray:
    """Tier number of each score (0 = poor .. 4 = excellent)."""
    return np.searchsorted(TIERS["min_score"].to_numpy(), arr, side="right") - 1


def tier(scores) -> pd.Series | str:
    """Deprecated: :func:`tiers` for several scores, :func:`tier_name` for one.

    Parameters
    ----------
    scores : int, array-like or pandas.Series

    Returns
    -------
    pandas.Series or str

    Examples
    --------
    >>> tier(549)
    'poor'
    """
    return tier_name(scores) if np.ndim(scores) == 0 else tiers(scores)


def perks_granted(scores: object, *, blacklisted: object = None,
                  table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Say which perks each consumer gets: one boolean column per perk.

    Parameters
    ----------
    scores : array-like or pandas.Series
        Integer Lotus Scores.
    blacklisted : array-like of bool, optional
        Blacklisted consumers get no perks at all, whatever their score.
    table : pandas.DataFrame, optional
        The rules, with columns ``perk`` and ``min_score``; default ``PERKS``. Change a copy
        of ``PERKS`` to try other rules.

    Returns
    -------
    pandas.DataFrame
        One boolean column per perk, on the scores' index.

    Examples
    --------
    >>> perks_granted([599, 600, 760]).sum().to_dict()["deposit_free_rental"]
    2
    """
    arr, index = _check_scores(scores)
    index = index if index is not None else pd.RangeIndex(len(arr))
    table = PERKS if table is None else check_frame(
        table, "table", ["perk", "min_score"], hint="a copy of course.PERKS")
    if table["perk"].duplicated().any():
        raise ValueError("each perk may appear only once in the perks table.")
    barred = _blacklist_array(blacklisted, index)
    thresholds = table["min_score"].to_numpy(dtype=float)
    if np.isnan(thresholds).any():
        raise ValueError("every perk needs a numeric min_score.")
    granted = (arr[:, None] >= thresholds[None, :]) & ~barred[:, None]
    return pd.DataFrame(granted, index=index, columns=list(table["perk"]))


def repayment_auc(scores, defaulted) -> float:
    """Area under the ROC curve of ``scores`` as a predictor of repaying (*not* defaulting).

    0.5 is no better than chance, 1.0 is a perfect ranking: higher scores should mean lower
    risk. Uses scikit-learn's ``roc_auc_score``.

    Parameters
    ----------
    scores : array-like
        One score per consumer (higher = lower risk).
    defaulted : array-like of bool
        The real outcome.

    Returns
    -------
    float
        The chance that a random consumer who repaid outscores a random defaulter (ties
        count half).

    Examples
    --------
    >>> repayment_auc([700, 650, 600, 550], [False, False, True, True])
    1.0
    """
    from sklearn.metrics import roc_auc_score

    y = np.asarray(defaulted).astype(bool)
    s = np.asarray(scores, dtype=float)
    if y.shape != s.shape:
        raise ValueError(f"scores ({s.shape}) and defaulted ({y.shape}) must have the same length.")
    if y.all() or (~y).all():
        raise ValueError("AUC needs both defaulters and non-defaulters; got only one kind.")
    return float(roc_auc_score(~y, s))


