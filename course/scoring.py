"""The Lotus Score: weights, the 350-950 score, tiers, perks and explanations.

``score = 350 + 600 x sum(w_i * s_i)``, rounded half up to an integer and clipped to
[350, 950], where ``s_i`` are the five dimension sub-scores in [0, 1] and the weights are
non-negative and sum to 1. A court-blacklisted consumer is capped at ``BLACKLIST_CAP``.

The real Sesame Credit's weights are secret, and published figures are **unofficial and
contested**. One widely copied source gives 35/25/20/15/5 to history/behaviour/fulfilment/
identity/connections; others swap behaviour and fulfilment. ``DEFAULT_WEIGHTS`` uses the
swapped variant (fulfilment 25, behaviour 20), as the course design does. Treat them as
illustrative.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._checks import check_frame
from .dimensions import DIMENSIONS

#: Illustrative weights: 35/25/20/15/5 with fulfilment before behaviour (unofficial,
#: contested; see the module docstring).
DEFAULT_WEIGHTS: dict[str, float] = {
    "credit_history": 0.35,
    "fulfilment_capacity": 0.25,
    "behaviour_preferences": 0.20,
    "identity_characteristics": 0.15,
    "connections": 0.05,
}

SCORE_MIN, SCORE_MAX, SCORE_SPAN = 350, 950, 600
#: The highest score a court-blacklisted consumer can have: the top of the "poor" tier.
BLACKLIST_CAP = 549

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

#: Perks by score threshold. Thresholds follow public reports from 2015-2017 and changed over
#: time; the dating badge's threshold is our own illustrative choice.
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
    }
)


def validate_weights(weights: Mapping[str, float] | pd.Series | None) -> dict[str, float]:
    """Check score weights and return them as a dict in ``DIMENSIONS`` order.

    Raises
    ------
    TypeError
        If ``weights`` is not a mapping of dimension names to numbers.
    ValueError
        If a weight is negative or NaN, a dimension is unknown or missing, or the weights do
        not sum to 1.
    """
    if weights is None:
        return dict(DEFAULT_WEIGHTS)
    if isinstance(weights, pd.Series):
        weights = weights.to_dict()
    if not isinstance(weights, Mapping):
        raise TypeError(
            "weights must be a dict of dimension name -> weight, for example "
            f"course.DEFAULT_WEIGHTS; got {type(weights).__name__}."
        )
    unknown = [k for k in weights if k not in DIMENSIONS]
    if unknown:
        raise ValueError(
            f"unknown dimension(s) in weights: {', '.join(map(repr, unknown))}; "
            f"the dimensions are {', '.join(DIMENSIONS)}."
        )
    missing = [d for d in DIMENSIONS if d not in weights]
    if missing:
        raise ValueError(
            f"weights must give all five dimensions; missing {', '.join(missing)} "
            "(give 0 to leave a dimension out)."
        )
    clean = {}
    for d in DIMENSIONS:
        w = weights[d]
        if isinstance(w, (bool, np.bool_)) or not isinstance(w, numbers.Real):
            raise TypeError(f"weight for {d} must be a number, got {w!r}.")
        w = float(w)
        if np.isnan(w):
            raise ValueError(f"weight for {d} is NaN; give a number between 0 and 1.")
        if w < 0:
            raise ValueError(f"weight for {d} is negative ({w}); weights must be >= 0.")
        clean[d] = w
    total = sum(clean.values())
    if abs(total - 1.0) > 1e-6:
        raise ValueError(
            f"weights must sum to 1, but they sum to {total:.6g}; divide each by {total:.6g} "
            "to rescale them."
        )
    return clean


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


def raw_score(dimensions, weights=None) -> np.ndarray:
    """Return the unrounded, unclipped ``350 + 600 * sum(w * s)`` as floats."""
    w = validate_weights(weights)
    values = _check_dimensions(dimensions)
    return SCORE_MIN + SCORE_SPAN * (values.to_numpy(dtype=float) @ np.array(list(w.values())))


def lotus_score(dimensions, weights=None, *, blacklisted=None) -> pd.Series:
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


def tier(scores) -> pd.Series | str:
    """Name the tier of each score: poor, fair, good, very good, excellent.

    Parameters
    ----------
    scores : int, array-like or pandas.Series
        Integer scores in [350, 950].

    Returns
    -------
    pandas.Series or str
        An ordered categorical Series (on the scores' index if they were a Series), or the
        tier name if a single int was given.

    Examples
    --------
    >>> tier(549), tier(550), tier(700)
    ('poor', 'fair', 'excellent')
    """
    single = np.ndim(scores) == 0
    arr, index = _check_scores(scores)
    codes = np.searchsorted(TIERS["min_score"].to_numpy(), arr, side="right") - 1
    cat = pd.Categorical.from_codes(codes, dtype=TIER_DTYPE)
    if single:
        return TIER_NAMES[codes[0]]
    return pd.Series(cat, index=index, name="tier")


def perks(scores, *, blacklisted=None, table: pd.DataFrame | None = None) -> pd.DataFrame:
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

    Examples
    --------
    >>> perks([599, 600, 760]).sum().to_dict()["deposit_free_rental"]
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


def auc(scores, defaulted) -> float:
    """Area under the ROC curve of ``scores`` as a predictor of *not* defaulting.

    0.5 is no better than chance, 1.0 is a perfect ranking: higher scores should mean lower
    risk. Uses scikit-learn's ``roc_auc_score``.
    """
    from sklearn.metrics import roc_auc_score

    y = np.asarray(defaulted).astype(bool)
    s = np.asarray(scores, dtype=float)
    if y.shape != s.shape:
        raise ValueError(f"scores ({s.shape}) and defaulted ({y.shape}) must have the same length.")
    if y.all() or (~y).all():
        raise ValueError("AUC needs both defaulters and non-defaulters; got only one kind.")
    return float(roc_auc_score(~y, s))


@dataclass
class Explanation:
    """Why one consumer has their score, and what single change would lift it."""

    consumer_id: object
    score: int
    tier: str
    blacklisted: bool
    contributions: pd.DataFrame
    target: int | None
    target_reason: str
    changes: pd.DataFrame

    @property
    def cheapest(self) -> pd.Series | None:
        """The reachable single-dimension change with the smallest sub-score increase."""
        ok = self.changes[self.changes["reachable"]]
        if ok.empty:
            return None
        return ok.sort_values("increase").iloc[0]

    def __str__(self) -> str:
        lines = [
            f"Consumer {self.consumer_id}: Lotus Score {self.score} ({self.tier})"
            + (" — capped: court blacklist" if self.blacklisted else ""),
            f"  base {SCORE_MIN}",
        ]
        for row in self.contributions.itertuples():
            lines.append(
                f"  + {row.points:6.1f}  {row.dimension:<25} sub-score {row.sub_score:.2f}"
                f" x weight {row.weight:.2f} x 600"
            )
        if self.target is None:
            lines.append(f"  {self.target_reason}")
        else:
            lines.append(f"  Next: {self.target} ({self.target_reason}).")
            best = self.cheapest
            if best is None:
                lines.append("  No single dimension can get there on its own.")
            else:
                lines.append(
                    f"  Smallest single change: raise {best.name} from {best.current:.2f} "
                    f"to {best.needed:.2f}."
                )
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle):  # IPython display
        printer.text(str(self))


def _next_target(score: int, blacklisted: bool) -> tuple[int | None, str]:
    if blacklisted:
        return None, "blacklisted: the cap keeps the score in the poor tier and bars all perks"
    steps = sorted(set(TIERS["min_score"].iloc[1:]).union(PERKS["min_score"]))
    for s in steps:
        if s > score:
            names = list(TIERS.loc[TIERS["min_score"] == s, "tier"])
            perk_names = list(PERKS.loc[PERKS["min_score"] == s, "perk"])
            what = [f"tier {names[0]}"] if names else []
            what += perk_names
            return int(s), ", ".join(what)
    return None, "already above every tier and perk threshold"


def explain(dimensions: pd.DataFrame, consumer_id, *, weights=None, blacklisted=False,
            target: int | None = None) -> Explanation:
    """Explain one consumer's score and the smallest single change that lifts it.

    Parameters
    ----------
    dimensions : pandas.DataFrame
        From :func:`course.dimension_scores`, indexed by ``consumer_id``.
    consumer_id
        Which consumer (a label of ``dimensions``' index).
    weights : dict, optional
        Default ``DEFAULT_WEIGHTS``.
    blacklisted : bool
        Whether this consumer is on the court blacklist.
    target : int, optional
        Score to reach; default the next tier or perk threshold above the current score.

    Returns
    -------
    Explanation
        ``contributions``: points each dimension adds; ``changes``: for each dimension, the
        sub-score it would need (others unchanged) to reach the target, and whether that is
        possible; ``cheapest``: the smallest such change. ``print()`` it for a summary.
    """
    values = _check_dimensions(dimensions)
    if consumer_id not in values.index:
        raise KeyError(
            f"consumer {consumer_id!r} is not in the dimensions frame "
            f"(ids run from {values.index.min()} to {values.index.max()})."
        )
    w = validate_weights(weights)
    row = values.loc[[consumer_id]]
    s = row.iloc[0].to_numpy(dtype=float)
    wv = np.array(list(w.values()))
    blacklisted = bool(blacklisted)
    score = int(lotus_score(row, w, blacklisted=[blacklisted]).iloc[0])
    raw = SCORE_MIN + SCORE_SPAN * float(s @ wv)
    contributions = pd.DataFrame(
        {"dimension": DIMENSIONS, "sub_score": s, "weight": wv, "points": SCORE_SPAN * s * wv}
    )
    if target is None:
        target, reason = _next_target(score, blacklisted)
    else:
        if isinstance(target, bool) or not isinstance(target, numbers.Integral) or not (
                SCORE_MIN <= target <= SCORE_MAX):
            raise ValueError(f"target must be a whole score from 350 to 950, got {target!r}.")
        target, reason = int(target), "the target you asked for"
        if blacklisted and target > BLACKLIST_CAP:
            reason += "; unreachable while blacklisted"
    needed = np.full(len(DIMENSIONS), np.nan)
    if target is not None and not (blacklisted and target > BLACKLIST_CAP):
        with np.errstate(divide="ignore", invalid="ignore"):
            # Rounded half up, the score reaches target once raw >= target - 0.5
            needed = s + (target - 0.5 - raw) / (SCORE_SPAN * wv) + 1e-9
        needed = np.where(wv > 0, np.maximum(needed, s), np.nan)
    reachable = ~np.isnan(needed) & (needed <= 1.0)
    changes = pd.DataFrame(
        {"current": s, "needed": np.where(reachable, needed, np.nan),
         "increase": np.where(reachable, needed - s, np.nan), "reachable": reachable},
        index=pd.Index(DIMENSIONS, name="dimension"),
    )
    return Explanation(
        consumer_id=consumer_id, score=score, tier=tier(score), blacklisted=blacklisted,
        contributions=contributions, target=target, target_reason=reason, changes=changes,
    )
