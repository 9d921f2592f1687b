"""The rules of the Lotus Pay game: score weights, perks and the engagement tasks on offer.

A :class:`Rules` object is what the platform decides and every agent in
:func:`course.simulate` can read: how the five dimensions are weighted, which perks a score
unlocks and what they are worth, how much the score pays for using the platform, and which
gameable engagement tasks (daily check-in streaks, Ant-Forest-like "green energy") it
rewards. Change one field with :meth:`Rules.replace`::

    Rules()                            # the default rules
    Rules(gameable_tasks=())           # nothing gameable on offer
    Rules(platform_use_reward=0)       # using the platform earns no points
    Rules().replace(weights={...})     # other weights, everything else as before

All numbers are **our own illustrative choices**, not the real Sesame Credit's (which are
secret). The engagement tasks are modelled on Ant Forest (launched 2016), whose "green
energy" appears after a day and expires if not collected within about three days, and
whose users were found faking step counts and buying boosts (BBC reporting); here they
raise the behaviour & preferences sub-score, and they change nothing about a person's true
risk.
"""

from __future__ import annotations

import dataclasses
import numbers
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .constants import DEFAULT_WEIGHTS, SCORE_MAX, SCORE_MIN
from .scoring import PERKS
from .weights import validate_weights


@dataclass(frozen=True)
class EngagementTask:
    """A gameable engagement task: effort in, behaviour & preferences points out.

    Attributes
    ----------
    name, description : str
    boost : float
        Added to the behaviour & preferences sub-score once the streak is full.
    months_to_full : int
        Months of doing the task every day before the streak is full; stopping for a month
        breaks the streak and the boost is lost.
    effort_cny : float
        What a month of the task costs a typical agent in time and bother, in CNY.
    data_points : int
        Interactions the platform records per month from someone doing the task.
    """

    name: str
    description: str
    boost: float
    months_to_full: int
    effort_cny: float
    data_points: int


#: The gameable tasks the platform can offer, by name (illustrative numbers).
ENGAGEMENT_TASKS: dict[str, EngagementTask] = {
    task.name: task
    for task in [
        EngagementTask("daily_check_in", "open the app every day to keep a check-in streak",
                       boost=0.15, months_to_full=2, effort_cny=60.0, data_points=30),
        EngagementTask("forest_energy", "collect 'green energy' every day before it expires "
                       "(walk, pay for low-carbon things; Ant-Forest-like)",
                       boost=0.25, months_to_full=3, effort_cny=160.0, data_points=120),
        EngagementTask("share_promotions", "share the platform's promotions with friends",
                       boost=0.10, months_to_full=1, effort_cny=100.0, data_points=10),
    ]
}

#: What each default perk is worth to someone who holds it, in CNY (``PERKS["value_cny"]``).
PERK_VALUES_CNY: dict[str, float] = {str(p): float(v) for p, v in zip(PERKS["perk"],
                                                                      PERKS["value_cny"])}
#: Score points over which a perk comes into reach (agents' uncertainty about their score).
REACH = 8.0

_DEFAULT_THRESHOLDS = {str(p): int(s) for p, s in zip(PERKS["perk"], PERKS["min_score"])}


class _ReadOnlyDict(dict):
    """A dict that cannot be changed in place (rules are changed with Rules.replace)."""

    def _refuse(self, *args, **kwargs):
        raise TypeError("rules cannot be changed in place; make new ones with "
                        "rules.replace(...), for example rules.replace(weights={...}).")

    __setitem__ = __delitem__ = __ior__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse

    def __reduce__(self):  # copy and pickle as a new read-only dict
        return (type(self), (dict(self),))


def _frozen_mapping(value: Mapping) -> _ReadOnlyDict:
    return _ReadOnlyDict(value)


@dataclass(frozen=True, repr=False)
class Rules:
    """The rules of the Lotus Pay game that agents in :func:`course.simulate` respond to.

    Parameters
    ----------
    weights : dict
        Weight per dimension (non-negative, summing to 1); default ``DEFAULT_WEIGHTS``.
    perk_thresholds : dict
        Perk name -> minimum score; default the ``PERKS`` table.
    perk_values_cny : dict
        Perk name -> what holding it is worth, in CNY (the deposit it waives, or a rough
        value); one for every perk in ``perk_thresholds``. Default ``PERK_VALUES_CNY``.
    gameable_tasks : tuple of str
        The engagement tasks on offer, names from ``ENGAGEMENT_TASKS``; an empty tuple means
        nothing gameable is offered. A single name is accepted too. Default: all of them.
    platform_use_reward : float
        How much the score pays for using the platform, from 0 to 2: it multiplies the
        platform-use term of behaviour & preferences (0.55) and the platform-spending term of
        fulfilment capacity (0.65). 1 is the score of :func:`course.dimension_scores`; 0 means
        moving spending onto the platform earns no points.

    Examples
    --------
    >>> Rules()
    Rules()
    >>> Rules(gameable_tasks=())
    Rules(gameable_tasks=())
    >>> Rules().replace(platform_use_reward=0).platform_use_reward
    0.0
    >>> Rules(gameable_tasks=("lottery",))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: unknown engagement task 'lottery'; the tasks are daily_check_in, ...
    """

    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    perk_thresholds: Mapping[str, int] = field(default_factory=lambda: dict(_DEFAULT_THRESHOLDS))
    perk_values_cny: Mapping[str, float] = field(default_factory=lambda: dict(PERK_VALUES_CNY))
    gameable_tasks: tuple[str, ...] = tuple(ENGAGEMENT_TASKS)
    platform_use_reward: float = 1.0

    def __new__(cls, *args, **kwargs):
        # Name the valid rules when one is misspelt (the dataclass __init__ would not)
        _check_names(kwargs)
        return super().__new__(cls)

    def __post_init__(self) -> None:
        # Validate every field and store read-only copies (the dataclass is frozen)
        thresholds = _check_thresholds(self.perk_thresholds)
        clean = {
            "weights": _frozen_mapping(validate_weights(self.weights)),
            "perk_thresholds": _frozen_mapping(thresholds),
            "perk_values_cny": _frozen_mapping(_check_values(self.perk_values_cny, thresholds)),
            "gameable_tasks": _check_tasks(self.gameable_tasks),
            "platform_use_reward": _check_reward(self.platform_use_reward),
        }
        for name, value in clean.items():
            object.__setattr__(self, name, value)

    # Changing rules ---------------------------------------------------------------------

    def replace(self, **changes) -> Rules:
        """Return a copy with some fields changed (like ``dataclasses.replace``)."""
        _check_names(changes)
        return dataclasses.replace(self, **changes)

    # Derived views ----------------------------------------------------------------------

    @property
    def perks(self) -> pd.DataFrame:
        """The perks as a table like ``course.PERKS``: perk, min_score, value_cny."""
        names = list(self.perk_thresholds)
        return pd.DataFrame({
            "perk": names,
            "min_score": [self.perk_thresholds[p] for p in names],
            "value_cny": [self.perk_values_cny[p] for p in names],
        })

    @property
    def perks_table(self) -> pd.DataFrame:
        """Deprecated name of :attr:`perks`."""
        warnings.warn("Rules.perks_table is now Rules.perks.", DeprecationWarning, stacklevel=2)
        return self.perks

    @property
    def tasks(self) -> list[EngagementTask]:
        """The engagement tasks on offer, as :class:`EngagementTask` records."""
        return [ENGAGEMENT_TASKS[name] for name in self.gameable_tasks]

    # Printing ---------------------------------------------------------------------------

    def _changed(self) -> dict:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
                if getattr(self, f.name) != _DEFAULTS[f.name]}

    def __repr__(self) -> str:
        def show(value):
            return repr(dict(value)) if isinstance(value, Mapping) else repr(value)

        parts = [f"{name}={show(value)}" for name, value in self._changed().items()]
        return f"Rules({', '.join(parts)})"

    def __str__(self) -> str:
        weights = ", ".join(f"{d} {w:.2f}" for d, w in self.weights.items())
        lines = [
            "Lotus Pay rules",
            f"  weights: {weights}",
            f"  platform use reward: x{self.platform_use_reward:g} "
            "(1 = as in course.dimension_scores, 0 = using the platform earns nothing)",
            "  perks:",
        ]
        for row in self.perks.sort_values("min_score", kind="stable").itertuples():
            lines.append(
                f"    {row.min_score:>4}+  {row.perk:<22} worth {row.value_cny:>7,.0f} CNY")
        if self.gameable_tasks:
            lines.append("  gameable engagement tasks:")
            for task in self.tasks:
                lines.append(
                    f"    {task.name:<17} +{task.boost:.2f} behaviour after {task.months_to_full}"
                    f" month(s); effort {task.effort_cny:g} CNY/month: {task.description}")
        else:
            lines.append("  gameable engagement tasks: none")
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle):  # IPython shows the readable summary
        printer.text(str(self))

    def __hash__(self) -> int:
        return hash((tuple(self.weights.items()), tuple(self.perk_thresholds.items()),
                     tuple(self.perk_values_cny.items()), self.gameable_tasks,
                     self.platform_use_reward))


# Validation -----------------------------------------------------------------------------

def _check_names(changes: Mapping) -> None:
    names = [f.name for f in dataclasses.fields(Rules)]
    unknown = [k for k in changes if k not in names]
    if unknown:
        raise TypeError(f"unknown rule(s) {', '.join(map(repr, unknown))}; the rules are "
                        f"{', '.join(names)}.")


def _check_thresholds(thresholds) -> dict[str, int]:
    if not isinstance(thresholds, Mapping):
        raise TypeError(
            "perk_thresholds must be a dict of perk name -> minimum score, for example "
            f"{{'deposit_free_rental': 600}}; got {type(thresholds).__name__}.")
    clean = {}
    for perk, score in thresholds.items():
        if not isinstance(perk, str) or not perk:
            raise TypeError(f"perk names must be non-empty strings, got {perk!r}.")
        if isinstance(score, (bool, np.bool_)) or not isinstance(score, numbers.Integral):
            raise TypeError(f"the threshold of {perk} must be a whole score, got {score!r}.")
        if not SCORE_MIN <= score <= SCORE_MAX:
            raise ValueError(
                f"the threshold of {perk} must be a score from {SCORE_MIN} to {SCORE_MAX}, "
                f"got {score}.")
        clean[perk] = int(score)
    return clean


def _check_values(values, thresholds: Mapping) -> dict[str, float]:
    if not isinstance(values, Mapping):
        raise TypeError(
            "perk_values_cny must be a dict of perk name -> value in CNY; "
            f"got {type(values).__name__}.")
    missing = [p for p in thresholds if p not in values]
    extra = [p for p in values if p not in thresholds]
    if missing or extra:
        raise ValueError(
            "perk_values_cny must give a value for exactly the perks in perk_thresholds ("
            + ", ".join(thresholds) + ")"
            + (f"; missing {', '.join(map(str, missing))}" if missing else "")
            + (f"; unknown {', '.join(map(str, extra))}" if extra else "") + ".")
    clean = {}
    for perk in thresholds:
        value = values[perk]
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            raise TypeError(f"the value of {perk} must be a number of CNY, got {value!r}.")
        if not np.isfinite(value) or value < 0:
            raise ValueError(f"the value of {perk} must be a finite number >= 0, got {value}.")
        clean[perk] = float(value)
    return clean


def _check_tasks(tasks) -> tuple[str, ...]:
    if isinstance(tasks, str):
        tasks = (tasks,)
    if tasks is None or not isinstance(tasks, Iterable):
        raise TypeError(
            "gameable_tasks must be a tuple of task names, for example ('daily_check_in',), "
            f"or () for none; got {tasks!r}.")
    clean = []
    for name in tasks:
        if name not in ENGAGEMENT_TASKS:
            raise ValueError(
                f"unknown engagement task {name!r}; the tasks are "
                f"{', '.join(ENGAGEMENT_TASKS)} (or () for none).")
        if name not in clean:
            clean.append(name)
    return tuple(clean)


def _check_reward(reward) -> float:
    if isinstance(reward, (bool, np.bool_)) or not isinstance(reward, numbers.Real):
        raise TypeError(f"platform_use_reward must be a number from 0 to 2, got {reward!r}.")
    if not 0.0 <= float(reward) <= 2.0:
        raise ValueError(
            f"platform_use_reward must be from 0 (using the platform earns nothing) to 2 "
            f"(twice the default), got {reward}.")
    return float(reward)


_DEFAULTS = {
    "weights": dict(DEFAULT_WEIGHTS),
    "perk_thresholds": dict(_DEFAULT_THRESHOLDS),
    "perk_values_cny": dict(PERK_VALUES_CNY),
    "gameable_tasks": tuple(ENGAGEMENT_TASKS),
    "platform_use_reward": 1.0,
}


def perks_in_reach(scores: float | np.ndarray, rules: Rules | None = None) -> np.ndarray:
    """The CNY value of the perks within reach of (unrounded) scores.

    Agents in :func:`course.simulate` are unsure of next month's score, so a perk at
    threshold ``t`` counts with a weight that rises smoothly from 0 to 1 around ``t``:
    ``1 / (1 + exp(-(score - t + 0.5) / REACH))``, with ``REACH`` = 8 points.

    Parameters
    ----------
    scores : float or array-like
        Unrounded scores (``350 + 600 * sum(w * s)``).
    rules : Rules, optional
        Whose perks and values; default ``Rules()``.

    Returns
    -------
    numpy.ndarray
        CNY, one value per score.

    Examples
    --------
    >>> round(float(perks_in_reach(599.5)))  # half of the 600 perk (2,400 CNY), and a bit
    1207
    """
    table = (Rules() if rules is None else rules).perks
    s = np.asarray(scores, dtype=float)[..., None]
    chance = 1.0 / (1.0 + np.exp(-(s - table["min_score"].to_numpy() + 0.5) / REACH))
    return (table["value_cny"].to_numpy(dtype=float) * chance).sum(axis=-1)

