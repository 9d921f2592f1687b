"""What one data policy costs the score and gains privacy: the surveillance dial's numbers.

A **data policy** (see :func:`course.resolve_policy`) says how precisely each payment is
recorded and which sources are kept. These functions measure one policy the way
:func:`course.minimisation` does, with the same package functions: score accuracy (AUC),
records held per person, and unicity. The surveillance dial (``course.widgets``) caches
them; here each is a plain function, for use on its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from .._cache import LRUCache
from ..constants import DIMENSIONS
from ..scoring import lotus_score, repayment_auc
from .coarsening import precision_label
from .data_minimisation import (
    FULL_POLICY,
    MINIMISATION_SCENARIOS,
    kept_unicity,
    minimised_dimensions,
    resolve_policy,
)
from .footprints import FOOTPRINT_SOURCES, footprint
from .reidentification import PreparedTrace

#: Most entries kept in each of :class:`PolicyMeter`'s caches (each is one number).
CACHE_SIZE = 512
#: Most payment traces :class:`PolicyMeter` keeps prepared, one per precision: the presets'
#: seven and five more (about 6 MB each on the default data).
TRACE_CACHE_SIZE = 12


def policy_key(policy: Mapping) -> tuple:
    """A hashable, canonical form of a data policy (for caching and comparing)."""
    full = resolve_policy(policy)
    return tuple((key, full[key]) for key in sorted(full))


def policy_accuracy(population: pd.DataFrame, transactions: pd.DataFrame,
                    friendships: pd.DataFrame, policy: Mapping | None = None, *,
                    weights: Mapping | None = None) -> float:
    """AUC of the Lotus Score computed from only what ``policy`` keeps.

    The same computation as the ``auc`` column of :func:`course.minimisation`:
    :func:`course.minimised_dimensions`, then :func:`course.lotus_score` (blacklist capped),
    then :func:`course.repayment_auc` against ``defaulted``.

    Parameters
    ----------
    population, transactions, friendships : pandas.DataFrame
        The course's frames.
    policy : dict, optional
        A (partial) data policy; default keep everything.
    weights : dict, optional
        Score weights; default ``DEFAULT_WEIGHTS``.

    Returns
    -------
    float
        The AUC.

    Examples
    --------
    >>> from course import load_dataset
    >>> data = [load_dataset(n) for n in ["population", "transactions", "friendships"]]
    >>> bool(policy_accuracy(*data, {"bills": False}) < policy_accuracy(*data))
    True
    """
    dims = minimised_dimensions(population, transactions, friendships, policy=policy)
    score = lotus_score(dims[DIMENSIONS], weights,
                        blacklisted=population["blacklisted"].to_numpy(dtype=bool))
    return float(repayment_auc(score.to_numpy(), population["defaulted"].to_numpy()))


def policy_unicity(transactions: pd.DataFrame, policy: Mapping | None = None, *, k: int = 4,
                   seed: int = 0) -> float:
    """Unicity at ``k`` of the platform's payment records, as ``policy`` keeps them.

    As in :func:`course.minimisation`: only payments through Lotus Pay count, recorded at the
    policy's time, place and amount precision; 0.0 when no payments are kept, or none of
    time, place and amount (there is no trace to match). With an int ``seed`` every policy
    gets its own, repeatable draws.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Payments (only those through Lotus Pay count).
    policy : dict, optional
        A (partial) data policy; default keep everything.
    k : int
        Points the attacker knows.
    seed : int
        Seed of the draws.

    Returns
    -------
    float
        Share of people singled out, 0 to 1.

    Examples
    --------
    >>> from course import load_dataset
    >>> trace = load_dataset("transactions")
    >>> policy_unicity(trace, {"time": None, "place": None, "amount": None})
    0.0
    """
    policy = resolve_policy(policy)
    return kept_unicity(transactions[transactions["channel"] == "platform"], policy, k=k,
                        seed=seed)


def policy_footprint(footprints: pd.DataFrame, policy: Mapping | None = None) -> float:
    """Mean records held per person under ``policy``, from :func:`course.footprint`'s table.

    Dropping a source removes its records; coarsening keeps as many records (so it does not
    change this number), as in the ``mean_footprint`` column of :func:`course.minimisation`.

    Parameters
    ----------
    footprints : pandas.DataFrame
        From :func:`course.footprint`.
    policy : dict, optional
        A (partial) data policy; default keep everything.

    Returns
    -------
    float
        Records per person.

    Examples
    --------
    >>> from course import footprint, load_dataset
    >>> held = footprint(*[load_dataset(n) for n in ["population", "transactions", "friendships"]])
    >>> bool(policy_footprint(held, {"friendships": False}) < policy_footprint(held))
    True
    """
    policy = resolve_policy(policy)
    return float(footprints[[s for s in FOOTPRINT_SOURCES if policy[s]]].sum(axis=1).mean())


def policy_point(population: pd.DataFrame, transactions: pd.DataFrame,
                 friendships: pd.DataFrame, policy: Mapping | None = None, *, k: int = 4,
                 weights: Mapping | None = None, seed: int = 0) -> dict:
    """Score accuracy, data footprint and unicity of one data policy.

    Parameters
    ----------
    population, transactions, friendships : pandas.DataFrame
        The course's frames.
    policy : dict, optional
        A (partial) data policy; default keep everything.
    k : int
        Points the attacker knows.
    weights : dict, optional
        Score weights.
    seed : int
        Seed of the unicity draws.

    Returns
    -------
    dict
        ``auc``, ``mean_footprint`` and ``unicity`` (see :func:`policy_accuracy`,
        :func:`policy_footprint` and :func:`policy_unicity`).

    Examples
    --------
    >>> from course import load_dataset
    >>> data = [load_dataset(n) for n in ["population", "transactions", "friendships"]]
    >>> full, no_bills = policy_point(*data), policy_point(*data, {"bills": False})
    >>> bool(no_bills["auc"] < full["auc"])
    True
    """
    held = footprint(population, transactions, friendships)
    return {"auc": policy_accuracy(population, transactions, friendships, policy,
                                   weights=weights),
            "mean_footprint": policy_footprint(held, policy),
            "unicity": policy_unicity(transactions, policy, k=k, seed=seed)}


def matching_preset(policy: Mapping) -> str | None:
    """The name of the preset in ``MINIMISATION_SCENARIOS`` that ``policy`` is, or None.

    Parameters
    ----------
    policy : dict
    A (partial) data policy.

    Returns
    -------
    str or None

    Examples
    --------
    >>> matching_preset({"amount": None}), matching_preset({"time": "hour"})
    ('no amounts', None)
    """
    key = policy_key(policy)
    return next((name for name, p in MINIMISATION_SCENARIOS.items()
                 if policy_key(p) == key), None)


@dataclass
class DialResult:
    """One data policy measured beside the full data and the presets (what the dial shows)."""

    policy: dict
    preset: str | None
    k: int
    auc: float
    full_auc: float
    mean_footprint: float
    full_footprint: float
    unicity: float
    full_unicity: float
    kept_by_source: pd.Series
    presets: pd.DataFrame

    @property
    def delta_auc(self) -> float:
        """AUC under the policy minus AUC with the full data."""
        return self.auc - self.full_auc

    def table(self) -> pd.DataFrame:
        """The three numbers, this policy beside the full data, formatted for a reader."""
        return pd.DataFrame(
            {"this policy": [f"{self.auc:.3f}", f"{self.mean_footprint:.1f}",
                             f"{self.unicity:.1%}"],
             "full data": [f"{self.full_auc:.3f}", f"{self.full_footprint:.1f}",
                           f"{self.full_unicity:.1%}"],
             "change": [f"{self.auc - self.full_auc:+.3f}",
                        f"{self.mean_footprint - self.full_footprint:+.1f}",
                        f"{100 * (self.unicity - self.full_unicity):+.1f} points"]},
            index=["score accuracy (AUC)", "records held per person",
                   f"singled out by k={self.k} payments"])

    def describe(self) -> str:
        """One sentence: how payments are recorded, which sources are kept and dropped."""
        p = self.policy
        kept = [s for s in FOOTPRINT_SOURCES if p[s]]
        dropped = [s for s in FOOTPRINT_SOURCES if not p[s]]
        recorded = (precision_label({key: p[key] for key in ("time", "place", "amount")})
                    if p["payments"] else "no payment records kept")
        return (f"Payments recorded as: {recorded}. Sources kept: {', '.join(kept) or 'none'}"
                + (f"; dropped: {', '.join(dropped)}" if dropped else "") + ".")


class PolicyMeter:
    """Measure data policies on one data set, caching every number (they never change).

    Besides the numbers, the meter keeps the platform's payment trace prepared at each
    precision it has measured (a :class:`course.surveillance.reidentification.PreparedTrace`:
    the points, who holds them and the seed's draw order, none of which depends on ``k``),
    so a new ``k`` only redraws and recounts.

    Parameters
    ----------
    population, transactions, friendships : pandas.DataFrame
        The course's frames.
    weights : dict, optional
        Score weights; default ``course.DEFAULT_WEIGHTS``.
    seed : int
        Seed of the unicity draws (each policy gets its own, repeatable draws).

    Examples
    --------
    >>> from course import load_dataset
    >>> meter = PolicyMeter(*[load_dataset(n) for n in ["population", "transactions",
    ...                                                 "friendships"]])
    >>> result = meter.compare({"bills": False}, 4)
    >>> bool(result.auc < result.full_auc), result.preset
    (True, 'no bill history')
    """

    def __init__(self, population: pd.DataFrame, transactions: pd.DataFrame,
                 friendships: pd.DataFrame, *, weights: Mapping | None = None, seed: int = 0):
        self.population, self.transactions, self.friendships = (population, transactions,
                                                                friendships)
        self.weights, self.seed = weights, seed
        self._auc_cache = LRUCache(CACHE_SIZE)
        self._unicity_cache = LRUCache(CACHE_SIZE)
        self._presets: dict[int, pd.DataFrame] = {}
        self._traces = LRUCache(TRACE_CACHE_SIZE)
        self.seen = transactions[transactions["channel"] == "platform"]
        self.footprints = footprint(population, transactions, friendships)
        self.source_means = self.footprints[FOOTPRINT_SOURCES].mean()

    def point(self, policy: Mapping, k: int) -> dict:
        """``auc``, ``mean_footprint`` and ``unicity`` of ``policy`` (as :func:`policy_point`)."""
        policy = resolve_policy(policy)
        accuracy = self._auc_cache.get(policy_key(policy), lambda: policy_accuracy(
            self.population, self.transactions, self.friendships, policy,
            weights=self.weights))
        precision = tuple(policy[key] for key in ("time", "place", "amount"))
        share = self._unicity_cache.get((policy["payments"], precision, k),
                                        lambda: self._unicity(policy, precision, k))
        return {"auc": accuracy, "mean_footprint": policy_footprint(self.footprints, policy),
                "unicity": share}

    def _unicity(self, policy: dict, precision: tuple, k: int) -> float:
        """:func:`policy_unicity` (the same number), from the trace prepared at ``precision``."""
        if not policy["payments"] or all(value is None for value in precision):
            return 0.0
        trace = self._traces.get(precision, lambda: PreparedTrace(
            self.seen, dict(zip(("time", "place", "amount"), precision))))
        return trace.unicity(k, seed=self.seed)

    def presets(self, k: int) -> pd.DataFrame:
        """The preset policies' numbers at ``k``: ``scenario``, ``auc``, ``mean_footprint``,
        ``unicity``."""
        if k not in self._presets:
            self._presets[k] = pd.DataFrame(
                [{"scenario": name, **self.point(policy, k)}
                 for name, policy in MINIMISATION_SCENARIOS.items()])
        return self._presets[k]

    def compare(self, policy: Mapping, k: int) -> DialResult:
        """Measure ``policy`` at ``k`` beside the full data and the presets."""
        policy = resolve_policy(policy)
        this, full = self.point(policy, k), self.point(FULL_POLICY, k)
        kept = self.source_means.where([policy[s] for s in FOOTPRINT_SOURCES], 0.0)
        return DialResult(
            policy=policy, preset=matching_preset(policy), k=k,
            auc=this["auc"], full_auc=full["auc"],
            mean_footprint=this["mean_footprint"], full_footprint=full["mean_footprint"],
            unicity=this["unicity"], full_unicity=full["unicity"],
            kept_by_source=kept, presets=self.presets(k))
