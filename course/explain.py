"""Explain one consumer's Lotus Score, and the smallest single change that would lift it.

:func:`explain` returns an :class:`Explanation`: the points each dimension adds to the base
of 350, the next tier or perk threshold, and for each dimension the sub-score it would need
(the others unchanged) to reach it. :func:`next_perk` names the next perk threshold alone.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .constants import BLACKLIST_CAP, DIMENSIONS, SCORE_MAX, SCORE_MIN, SCORE_SPAN
from .scoring import PERKS, TIERS, _check_dimensions, lotus_score, raw_score_array, tier_name
from .weights import validate_weights


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
                current, needed = distinct_digits(best.current, best.needed)
                lines.append(
                    f"  Smallest single change: raise {best.name} from {current} to {needed}.")
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle):  # IPython display
        printer.text(str(self))


def next_perk(score: int, blacklisted: bool = False) -> tuple[int | None, str | None]:
    """Find the lowest perk threshold above ``score`` and the perks it unlocks.

    Parameters
    ----------
    score : int
        A Lotus Score.
    blacklisted : bool
        Blacklisted consumers can unlock no perk.

    Returns
    -------
    tuple
        ``(threshold, perk names joined by ", ")``, or ``(None, None)`` if there is none.

    Examples
    --------
    >>> next_perk(640)
    (650, 'deposit_free_housing')
    >>> next_perk(640, blacklisted=True)
    (None, None)
    """
    if blacklisted:
        return None, None
    above = PERKS[PERKS["min_score"] > score]
    if above.empty:
        return None, None
    threshold = int(above["min_score"].min())
    return threshold, ", ".join(above.loc[above["min_score"] == threshold, "perk"])


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


def distinct_digits(a: float, b: float, *, least: int = 2, most: int = 6) -> tuple[str, str]:
    """Format two numbers with the fewest decimals (at least ``least``) that tell them apart.

    Parameters
    ----------
    a, b : float
    least, most : int
        The fewest and the most decimals to use.

    Returns
    -------
    tuple of str

    Examples
    --------
    >>> distinct_digits(0.5712, 0.5749)
    ('0.571', '0.575')
    >>> distinct_digits(0.25, 0.75)
    ('0.25', '0.75')
    """
    for digits in range(least, most + 1):
        left, right = f"{a:.{digits}f}", f"{b:.{digits}f}"
        if left != right:
            break
    return left, right


def explain(dimensions: pd.DataFrame, consumer_id: object, *, weights: dict | None = None,
            blacklisted: bool = False, target: int | None = None) -> Explanation:
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

    Examples
    --------
    >>> import pandas as pd
    >>> dims = pd.DataFrame([[0.5] * 5], columns=DIMENSIONS)
    >>> result = explain(dims, 0)
    >>> result.score, result.target, result.cheapest.name
    (650, 700, 'credit_history')
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
    raw = float(raw_score_array(s, wv))
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
        consumer_id=consumer_id, score=score, tier=tier_name(score), blacklisted=blacklisted,
        contributions=contributions, target=target, target_reason=reason, changes=changes,
    )
