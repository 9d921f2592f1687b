"""Simulation experiments: runs side by side, cached; what the two simulators compute.

The incentive simulator compares a run with the same rules and no engagement tasks on offer
(:func:`compare_incentives`); the dependency simulator compares a run with a neutral score
that pays nothing for platform use or friends (:func:`neutral_rules`,
:func:`compare_dependency`). :class:`SimulationCache` keeps runs of :func:`course.simulate`
so that a setting seen before is not simulated again. The explorers in ``course.widgets``
draw these results; here they are plain functions, for use on their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from ._cache import LRUCache
from ._checks import check_frame
from .rules import Rules
from .scoring import TIER_NAMES
from .simulation import SimulationResult, simulate
from .weights import set_weight


class SimulationCache:
    """Runs of :func:`course.simulate` on one population, kept by (rules, months, seed).

    ``run(rules, months, seed)`` simulates on a first request and returns the stored result
    afterwards. At most ``maxsize`` runs are kept (16 by default; a 3,000-agent run of 36 months
    takes about 10 MB); the least recently used go first. ``hits`` and ``misses`` count requests.

    Examples
    --------
    >>> from course import make_population
    >>> cache = SimulationCache(make_population(200, seed=1))
    >>> first = cache.run(Rules(), 6, 1)
    >>> cache.run(Rules(), 6, 1) is first, cache.hits
    (True, 1)
    """

    def __init__(self, population: pd.DataFrame, transactions: pd.DataFrame | None = None,
                 friendships: pd.DataFrame | None = None, *, maxsize: int = 16):
        check_frame(population, "population", ["consumer_id", "defaulted"])
        self.population, self.transactions, self.friendships = (population, transactions,
                                                                friendships)
        self._runs = LRUCache(maxsize)
        self._comparisons = LRUCache(maxsize)

    @property
    def maxsize(self) -> int:
        """How many runs are kept (setting it keeps at most that many from then on)."""
        return self._runs.maxsize

    @maxsize.setter
    def maxsize(self, value: int) -> None:
        self._runs.maxsize = self._comparisons.maxsize = int(value)

    @property
    def hits(self) -> int:
        return self._runs.hits

    @property
    def misses(self) -> int:
        return self._runs.misses

    def run(self, rules: Rules, months: int, seed: int) -> SimulationResult:
        """The run of ``rules`` for ``months`` months with ``seed`` (simulated once)."""
        return self._runs.get((rules, int(months), int(seed)), lambda: simulate(
            self.population, months=int(months), rules=rules, seed=int(seed),
            transactions=self.transactions, friendships=self.friendships))

    def compare(self, rules: Rules, other: Rules, months: int, seed: int,
                how: Callable[..., object]) -> object:
        """``how(run of rules, run of other, seed=seed)``, computed once per setting."""
        key = (rules, other, int(months), int(seed), how)
        return self._comparisons.get(key, lambda: how(
            self.run(rules, months, seed), self.run(other, months, seed), seed=int(seed)))

    def clear(self) -> None:
        """Forget every run and comparison."""
        self._runs.clear()
        self._comparisons.clear()

    def __len__(self) -> int:
        return len(self._runs)


def side_by_side(simulation: SimulationResult, other: SimulationResult, columns: list[str],
                 other_label: str) -> pd.DataFrame:
    """Both runs' summary ``columns``, one row per month and run (``run``: "your rules" or
    ``other_label``)."""
    return pd.concat([simulation.summary[columns].assign(run="your rules"),
                      other.summary[columns].assign(run=other_label)], ignore_index=True)


def gaming_by_outcome(result: SimulationResult) -> pd.DataFrame:
    """Share of agents doing at least one engagement task each month, by the real outcome.

    One row per month, columns ``will default`` and ``will not default`` (``defaulted`` is
    the fixed 12-month outcome the score is judged against).

    Parameters
    ----------
    result : SimulationResult
        A run of :func:`course.simulate`.

    Returns
    -------
    pandas.DataFrame
        One row per month (see above).

    Examples
    --------
    >>> from course import make_population, simulate
    >>> table = gaming_by_outcome(simulate(make_population(300, seed=1), months=6, seed=2))
    >>> list(table.columns), len(table)
    (['will default', 'will not default'], 7)
    """
    panel = result.panel
    table = (panel.groupby(["month", "defaulted"], observed=True)["gamed"].mean()
             .unstack("defaulted").reindex(columns=[True, False]))
    table.columns = ["will default", "will not default"]
    return table


@dataclass
class IncentiveResult:
    """What the incentive simulator computed for one setting of its controls.

    Attributes
    ----------
    rules, baseline_rules : Rules
        Your rules, and the same rules with no engagement tasks on offer.
    months, seed : int
    simulation, baseline : SimulationResult
        The two runs (the same object when no task is on offer).
    curves : pandas.DataFrame
        One row per month and run (``run`` is ``"your rules"`` or ``"no tasks on offer"``):
        ``mean_score``, ``auc``, ``gaming``.
    gaming_by_outcome : pandas.DataFrame
        Your run's :func:`gaming_by_outcome`.
    """

    rules: Rules
    baseline_rules: Rules
    months: int
    seed: int
    simulation: SimulationResult
    baseline: SimulationResult
    curves: pd.DataFrame
    gaming_by_outcome: pd.DataFrame

    @property
    def auc_change(self) -> float:
        """AUC at the last month minus AUC at month 0, with your rules."""
        s = self.simulation.summary["auc"]
        return float(s.iloc[-1] - s.iloc[0])

    @property
    def baseline_auc_change(self) -> float:
        """The same with no tasks on offer."""
        s = self.baseline.summary["auc"]
        return float(s.iloc[-1] - s.iloc[0])

    @property
    def gaming_share(self) -> float:
        """Share of agents doing at least one task in the last month."""
        return float(self.simulation.summary["gaming"].iloc[-1])

    @property
    def ever_gamed(self) -> float:
        """Share of agents who did a task in at least one month."""
        return float(self.simulation.panel.groupby("consumer_id")["gamed"].any().mean())


def compare_incentives(simulation: SimulationResult, baseline: SimulationResult, *,
                       seed: int) -> IncentiveResult:
    """Put a run and its no-tasks baseline side by side (see :class:`IncentiveResult`).

    Parameters
    ----------
    simulation, baseline : SimulationResult
        A run of your rules, and of the same rules with no tasks on offer.
    seed : int
        The seed both were run with.

    Returns
    -------
    IncentiveResult

    Examples
    --------
    >>> from course import make_population, simulate
    >>> people = make_population(300, seed=1)
    >>> mine = simulate(people, months=6, seed=2)
    >>> none = simulate(people, months=6, seed=2, rules=mine.rules.replace(gameable_tasks=()))
    >>> compare_incentives(mine, none, seed=2).months
    6
    """
    curves = side_by_side(simulation, baseline, ["month", "mean_score", "auc", "gaming"],
                          "no tasks on offer")
    return IncentiveResult(
        rules=simulation.rules, baseline_rules=baseline.rules,
        months=int(simulation.summary["month"].iloc[-1]), seed=int(seed),
        simulation=simulation, baseline=baseline, curves=curves,
        gaming_by_outcome=gaming_by_outcome(simulation))


def neutral_rules(rules: Rules) -> Rules:
    """The same rules with a score that pays nothing for platform use or for friends.

    Parameters
    ----------
    rules : Rules
        The rules to neutralise.

    Returns
    -------
    Rules
        Connections weight 0 (others rescaled) and ``platform_use_reward=0``.

    Examples
    --------
    >>> neutral_rules(Rules()).weights["connections"], neutral_rules(Rules()).platform_use_reward
    (0.0, 0.0)
    """
    return rules.replace(weights=set_weight(rules.weights, "connections", 0.0),
                         platform_use_reward=0.0)


def friends_by_start_tier(result: SimulationResult) -> pd.DataFrame:
    """Mean friends per agent at the start and at the end, by the tier the agent started in.

    One row per tier (poor .. excellent), columns ``agents``, ``start``, ``end`` and
    ``change``. Tiers nobody started in are left out.

    Parameters
    ----------
    result : SimulationResult
        A run of :func:`course.simulate`.

    Returns
    -------
    pandas.DataFrame
        One row per starting tier (see above).

    Examples
    --------
    >>> from course import make_population, simulate
    >>> table = friends_by_start_tier(simulate(make_population(300, seed=1), months=6, seed=2))
    >>> list(table.columns)
    ['agents', 'start', 'end', 'change']
    """
    panel = result.panel
    last = int(panel["month"].max())
    start = panel[panel["month"] == 0].set_index("consumer_id")
    end = panel[panel["month"] == last].set_index("consumer_id")
    frame = pd.DataFrame({"tier": start["tier"], "start": start["friends"],
                          "end": end["friends"].reindex(start.index)})
    table = frame.groupby("tier", observed=True).agg(
        agents=("start", "size"), start=("start", "mean"), end=("end", "mean"))
    table["change"] = table["end"] - table["start"]
    return table.reindex([t for t in TIER_NAMES if t in table.index])


@dataclass
class DependencyResult:
    """What the dependency simulator computed for one setting of its controls.

    Attributes
    ----------
    rules, neutral_rules : Rules
        Your rules, and the neutral score's (no reward for platform use or friends).
    months, seed : int
    simulation, neutral : SimulationResult
        The two runs.
    curves : pandas.DataFrame
        One row per month and run (``run`` is ``"your rules"`` or ``"neutral score"``):
        ``platform_share``, ``switching_cost``, ``components``, ``cross_tier_ties``,
        ``friends``.
    friends_by_tier : pandas.DataFrame
        Your run's :func:`friends_by_start_tier`.
    """

    rules: Rules
    neutral_rules: Rules
    months: int
    seed: int
    simulation: SimulationResult
    neutral: SimulationResult
    curves: pd.DataFrame
    friends_by_tier: pd.DataFrame

    def _first_last(self, column: str, run: str = "simulation") -> tuple[float, float]:
        s = getattr(self, run).summary[column]
        return float(s.iloc[0]), float(s.iloc[-1])

    @property
    def platform_share(self) -> tuple[float, float]:
        """Mean share of spending on Lotus Pay at month 0 and at the last month."""
        return self._first_last("platform_share")

    @property
    def switching_cost(self) -> tuple[float, float]:
        """Mean switching cost (CNY) at month 0 and at the last month."""
        return self._first_last("switching_cost")

    @property
    def components(self) -> tuple[int, int]:
        """Groups the friendship graph falls into, at month 0 and at the last month."""
        first, last = self._first_last("components")
        return int(first), int(last)

    @property
    def cross_tier_ties(self) -> tuple[float, float]:
        """Share of friendships between agents of different tiers, month 0 and last month."""
        return self._first_last("cross_tier_ties")


COLUMNS = ["month", "platform_share", "switching_cost", "components", "cross_tier_ties",
           "friends"]


def compare_dependency(simulation: SimulationResult, neutral: SimulationResult, *,
                       seed: int) -> DependencyResult:
    """Put a run and its neutral-score run side by side (see :class:`DependencyResult`).

    Parameters
    ----------
    simulation, neutral : SimulationResult
        A run of your rules, and of :func:`neutral_rules` of them.
    seed : int
        The seed both were run with.

    Returns
    -------
    DependencyResult

    Examples
    --------
    >>> from course import make_population, simulate
    >>> people = make_population(300, seed=1)
    >>> mine = simulate(people, months=6, seed=2)
    >>> neutral = simulate(people, months=6, seed=2, rules=neutral_rules(mine.rules))
    >>> compare_dependency(mine, neutral, seed=2).neutral_rules.platform_use_reward
    0.0
    """
    curves = side_by_side(simulation, neutral, COLUMNS, "neutral score")
    return DependencyResult(
        rules=simulation.rules, neutral_rules=neutral.rules,
        months=int(simulation.summary["month"].iloc[-1]), seed=int(seed),
        simulation=simulation, neutral=neutral, curves=curves,
        friends_by_tier=friends_by_start_tier(simulation))


