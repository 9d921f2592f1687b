"""An agent-based simulation of life under the Lotus Score, one month at a time.

Every consumer in a population is an *agent*. Each month every agent looks at the perks
within reach of its score, works out what each action would do to its score, and takes the
actions whose gain in perks is worth more to it than they cost:

=================  ===================================================  ===================
action             what it changes                                      cost
=================  ===================================================  ===================
pay with effort    fewer late payments (harder after an income shock)   effort, each month
move to platform   5 more points of spending share and one more bill    hassle, once
verify an item     ID (or a degree one holds) verified                  privacy, once
engagement tasks   streaks, "green energy": behaviour & preferences     time, each month
drop a friend      unfriend one's lowest-standing friend                social, once
add a friend       befriend someone in one's city tier, if they agree   social, once
=================  ===================================================  ===================

The behavioural rules, all **our own illustrative assumptions**:

1. *Perks within reach.* Agents are unsure of next month's score, so a perk at threshold
   ``t`` is worth its value times the chance of holding it, ``value / (1 + exp(-(score - t +
   0.5) / REACH))``. A point is worth most just below a threshold and almost nothing far from
   one. A perk's value (``Rules.perk_values_cny``) is what a year of holding it is worth, so a
   monthly cost counts twelve times. Blacklisted agents can get no perk and do nothing.
2. *Costs differ.* Each agent's costs are ``COSTS_CNY`` (or a task's effort) times its own
   log-normal factors, drawn once. Time costs more to higher earners; moving onto the
   platform is harder for migrants and in smaller cities (a model assumption).
3. *Need.* Agents who often pay late are short of money, and quick wins bought with time
   weigh more with them: they value what engagement tasks bring ``need = (late chance /
   7%)^2`` times as much as a typical agent does (from 1/4 to 16). Other actions are judged
   on the plain value of the perks: a waived deposit matters more to those short of money,
   but they also look less far ahead and find paying on time harder, and we take these to
   cancel out.
4. *Bills follow spending.* Agents count what a move does to behaviour and fulfilment; they
   do not know that credit history trusts only the bills it sees (the platform's own
   statistics), so the bill that moves too is a side effect that lets the platform see their
   record, good or bad.
5. *Paying.* Each month an agent pays late with its usual chance (from its record), three
   times as often for three months after an income shock (2% a month), 15% less often with
   extra effort. The 12-month record is a moving average of that chance; an agent's usual
   chance is chosen so that, on average, the record stays where it started.

Nothing changes an agent's true risk: ``defaulted`` is a fixed label. Moving bills shows the
platform more of people's records, so the score can predict better; engagement tasks raise
the score and say nothing about risk, and those short of money do them most, so when they are
rewarded the score predicts default worse (Goodhart's law). Slow-moving traits (income,
assets, age, phone tenure, car and property) are held fixed.

The dimensions and scores are computed each month with the package's own functions
(:mod:`course.dimensions`, :func:`course.lotus_score`, :func:`course.tiers`,
:func:`course.perks_granted`); the monthly AUC equals :func:`course.repayment_auc`'s. The
agents' state and monthly step are in :mod:`course.agents`; this module runs the months and
records them.
"""

from __future__ import annotations

import contextlib
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._checks import as_generator, check_count, check_frame

# The behavioural constants described above live with the agents; they are named here too
from .agents import (
    ACTIONS,
    BLOCK,
    COST_SPREAD,
    COSTS_CNY,
    EFFORT_FACTOR,
    HORIZON_MONTHS,
    MAX_BILLS,
    NEED_MAX,
    NEED_MIN,
    NEED_POWER,
    REACH,
    SHOCK_FACTOR,
    SHOCK_MONTHS,
    SHOCK_RATE,
    SPENDING_STEP,
    TYPICAL_INCOME_CNY,
    TYPICAL_LATE_CHANCE,
    VERIFY_DATA_POINTS,
    Agents,
)
from .constants import DIMENSIONS, SCORE_MAX, SCORE_MIN
from .rules import Rules
from .scoring import TIER_NAMES, _tier_codes, lotus_score, perks_granted
from .scoring import tiers as tiers_of

__all__ = [
    "simulate", "SimulationResult", "ACTIONS", "BLOCK", "COST_SPREAD", "COSTS_CNY",
    "EFFORT_FACTOR", "HORIZON_MONTHS", "MAX_BILLS", "NEED_MAX", "NEED_MIN", "NEED_POWER",
    "REACH", "SHOCK_FACTOR", "SHOCK_MONTHS", "SHOCK_RATE", "SPENDING_STEP",
    "TYPICAL_INCOME_CNY", "TYPICAL_LATE_CHANCE", "VERIFY_DATA_POINTS",
]

_POPULATION_NEEDS = [
    "consumer_id", "city_tier", "hukou", "education", "monthly_income_cny", "platform_share",
    "on_time_rate", "late_payments_12m", "bills_on_platform", "verified_id", "verified_degree",
    "verified_car", "verified_property", "phone_tenure_years", "blacklisted", "defaulted",
]


@dataclass(frozen=True, repr=False, eq=False)
class SimulationResult:
    """What :func:`simulate` returns.

    Attributes
    ----------
    panel : pandas.DataFrame
        One row per agent per month, sorted by ``month`` then ``consumer_id`` (month 0 is
        the start, before anyone acts): ``score``, ``tier``, ``switching_cost_cny`` (value of
        the perks held), ``platform_share``, ``bills_on_platform``, ``friends``,
        ``engagement`` (behaviour points from tasks), ``data_points`` (collected that month),
        ``income_shock``, ``tasks_done``, one boolean column per action in ``ACTIONS``, and
        the fixed outcome ``defaulted``.
    summary : pandas.DataFrame
        One row per month: ``month``, ``mean_score``, ``auc`` (score vs ``defaulted``,
        higher score = lower risk), ``platform_share``, ``switching_cost`` (mean CNY value of
        the perks an agent would lose by leaving the platform: deposits and other perks),
        ``data_points`` (mean per agent that month) and ``data_points_total`` (since month 0),
        ``share_<tier>`` for each tier, ``gaming`` (share of agents doing a task),
        ``bills_on_platform``, ``friends`` (mean per agent), ``components`` (of the
        friendship graph, isolated agents included) and ``cross_tier_ties`` (share of
        friendships between agents in different score tiers).
    rules : Rules
        The rules the agents played by.
    friendships, initial_friendships : pandas.DataFrame
        The friendship graph at the end and at the start (``consumer_id < friend_id``).
    """

    panel: pd.DataFrame
    summary: pd.DataFrame
    rules: Rules
    friendships: pd.DataFrame
    initial_friendships: pd.DataFrame

    def __repr__(self) -> str:
        first, last = self.summary.iloc[0], self.summary.iloc[-1]
        agents = len(self.panel) // len(self.summary)
        return (f"SimulationResult({agents:,} agents x {int(last['month'])} months: mean score "
                f"{first['mean_score']:.0f} -> {last['mean_score']:.0f}, AUC {first['auc']:.3f}"
                f" -> {last['auc']:.3f}; {self.rules!r})")


def simulate(
    population: pd.DataFrame,
    *,
    months: int = 24,
    rules: Rules | None = None,
    seed: int | np.random.Generator | None = None,
    transactions: pd.DataFrame | None = None,
    friendships: pd.DataFrame | None = None,
    need_power: float = NEED_POWER,
) -> SimulationResult:
    """Simulate how a population responds to the Lotus Score, month by month.

    Each month every agent weighs the perks within reach against its own costs and may pay
    on time with extra effort, move spending and a bill onto the platform, verify an
    identity item, drop or add friends, and do the gameable engagement tasks on offer. Then
    the platform rescores everyone. The rules of behaviour are in the module docstring.

    Parameters
    ----------
    population : pandas.DataFrame
        One row per agent, from :func:`course.make_population` or
        ``course.load_dataset("population")``. Its ``defaulted`` column is the fixed truth
        the score is judged against; nothing in the simulation changes it.
    months : int
        Months to simulate (at least 1).
    rules : Rules, optional
        Weights, perks and the engagement tasks on offer; default ``Rules()``.
    seed : int, numpy.random.Generator or None
        The same seed (and inputs) gives the same result.
    transactions : pandas.DataFrame, optional
        Payments of the same population, from which each agent's payments and spending per
        month, and what it buys, are learnt. Default: one month drawn with
        :func:`course.make_transactions`.
    friendships : pandas.DataFrame, optional
        The friendship graph (``consumer_id``, ``friend_id``). Default: drawn with
        :func:`course.make_friendships`. Self-ties and repeated ties are ignored.
    need_power : float
        How strongly agents who often pay late value what engagement tasks bring (rule 3 in
        the module docstring): ``need = (late chance / 7%) ** need_power``, clipped first to
        [0.5, 4]. The default 2 makes need run from 1/4 to 16; ``0`` gives everyone the same
        need, to test how much a result rests on this assumption.

    Returns
    -------
    SimulationResult
        ``.panel`` (agent x month), ``.summary`` (one row per month), ``.rules``, and the
        friendship graph at the end and at the start.

    Raises
    ------
    TypeError
        If ``population`` is not a DataFrame, ``months`` not an int, ``rules`` not a
        :class:`Rules`, or ``need_power`` not a number.
    ValueError
        If ``population`` is empty, lacks a column, has missing values or repeated ids,
        ``months`` < 1, ``need_power`` is negative or not finite, or the transactions or
        friendships mention unknown consumers.

    Notes
    -----
    Month 0 is scored exactly as ``course.dimension_scores`` scores the same data: the
    agents call the same dimension functions on what the platform sees of them (moving
    spending onto the platform brings more of the purchases it already sees). With only
    defaulters or only non-defaulters the AUC is undefined: the summary's ``auc`` column is
    then NaN and a warning says so.

    Examples
    --------
    >>> from course import make_population
    >>> result = simulate(make_population(500, seed=1), months=6, seed=2)
    >>> list(result.summary["month"])
    [0, 1, 2, 3, 4, 5, 6]
    >>> len(result.panel) == 500 * 7
    True
    >>> quiet = simulate(make_population(500, seed=1), months=6, seed=2,
    ...                  rules=Rules(gameable_tasks=()))
    >>> int(quiet.panel["tasks_done"].sum())
    0
    """
    check_frame(population, "population", _POPULATION_NEEDS)
    if len(population) == 0:
        raise ValueError("population is empty: simulate needs at least one agent.")
    months = check_count(months, "months", minimum=1)
    if rules is None:
        rules = Rules()
    elif not isinstance(rules, Rules):
        hint = ("; turn a dict into rules with course.Rules(**rules)" if isinstance(rules, dict)
                else "; call it: rules=Rules()" if rules is Rules else "")
        raise TypeError(f"rules must be a course.Rules object, got {type(rules).__name__}{hint}.")
    _check_population(population)
    need_power = _check_need_power(need_power)
    rng = as_generator(seed)
    with _one_blas_thread():
        agents = Agents(population, rules, rng, transactions, friendships, need_power)
        return _run(agents, months, rng)


def _check_need_power(value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"need_power must be a number such as 2 or 0, got "
                        f"{type(value).__name__}.")
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"need_power must be 0 or more (0 = everyone has the same need; "
                         f"default {NEED_POWER:g}), got {value!r}.")
    return float(value)


def _one_blas_thread():
    """Keep BLAS to one thread while simulating: its products here are thin (agents x 5),
    and threads splitting them compete with the main thread (several times slower on a
    two-core machine). threadpoolctl comes with scikit-learn; without it, do nothing."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


# Inputs --------------------------------------------------------------------------------------

def _check_population(population: pd.DataFrame) -> None:
    if population["consumer_id"].duplicated().any():
        raise ValueError("population has repeated consumer_id values; each agent needs its own.")
    for column in _POPULATION_NEEDS:
        if population[column].isna().any():
            raise ValueError(f"population column {column} has missing values; fill or drop "
                             "those rows first.")
    for column in ["platform_share", "on_time_rate"]:
        values = population[column].to_numpy(dtype=float)
        if ((values < 0) | (values > 1)).any():
            raise ValueError(f"population column {column} must lie in [0, 1].")
    for column in ["monthly_income_cny", "late_payments_12m", "bills_on_platform",
                   "phone_tenure_years"]:
        if (population[column].to_numpy(dtype=float) < 0).any():
            raise ValueError(f"population column {column} must not be negative.")


# The run ------------------------------------------------------------------------------------

def _run(agents: Agents, months: int, rng: np.random.Generator) -> SimulationResult:
    n, T = agents.n, months + 1
    track = {name: np.zeros((T, n), dtype=bool) for name in ["income_shock", *ACTIONS]}
    score = np.empty((T, n), dtype=np.int64)
    tasks_done = np.zeros((T, n), dtype=np.int64)
    share, engagement, points = np.empty((T, n)), np.empty((T, n)), np.empty((T, n))
    bills, friends = np.empty((T, n), dtype=np.int64), np.empty((T, n), dtype=np.int64)
    graph = []

    index = pd.Index(agents.ids, name="consumer_id")
    dims = agents.dimensions()
    points[0] = agents.data_points()
    for month in range(T):
        if month > 0:
            did = agents.step(rng, dims)
            dims = agents.dimensions()
            points[month] = did.pop("data_points")
            tasks_done[month] = did.pop("tasks_done")
            for name, values in did.items():
                track[name][month] = values
        scores = lotus_score(pd.DataFrame(dims, index=index, columns=DIMENSIONS),
                             dict(agents.rules.weights), blacklisted=agents.blacklisted)
        score[month] = scores.to_numpy()
        share[month], bills[month] = agents.share, agents.bills
        engagement[month] = agents.engagement()
        friends[month] = np.bincount(agents.src, minlength=n)
        graph.append(_graph_stats(agents, score[month], graph[-1] if graph else None))

    # Tiers and the value of perks held, looked up for every possible score
    possible = np.arange(SCORE_MIN, SCORE_MAX + 1)
    tier_of = tiers_of(possible).cat.codes.to_numpy()
    held = perks_granted(possible, table=agents.perk_table).to_numpy(dtype=float)
    perks_worth = held @ agents.perk_value
    tiers = tier_of[score - SCORE_MIN]
    switching = np.where(agents.blacklisted, 0.0, perks_worth[score - SCORE_MIN])
    panel = _tidy(agents.ids, {
        "score": score, "tier": tiers, "switching_cost_cny": switching,
        "platform_share": share, "bills_on_platform": bills, "friends": friends,
        "engagement": engagement, "data_points": points, "income_shock": track["income_shock"],
        "tasks_done": tasks_done, **{action: track[action] for action in ACTIONS},
        "defaulted": np.broadcast_to(agents.defaulted, (T, n)),
    })
    summary = pd.DataFrame({
        "month": np.arange(T),
        "mean_score": score.mean(axis=1),
        "auc": _aucs(agents, score),
        "platform_share": share.mean(axis=1),
        "switching_cost": switching.mean(axis=1),
        "data_points": points.mean(axis=1),
        "data_points_total": points.mean(axis=1).cumsum(),
        **{f"share_{name.replace(' ', '_')}": (tiers == k).mean(axis=1)
           for k, name in enumerate(TIER_NAMES)},
        "gaming": track["gamed"].mean(axis=1),
        "bills_on_platform": bills.mean(axis=1),
        "friends": friends.mean(axis=1),
        "components": np.array([g[0] for g in graph], dtype=np.int64),
        "cross_tier_ties": [g[1] for g in graph],
    })
    alive = agents.alive
    final = pd.DataFrame({"consumer_id": agents.ids[agents.a[alive]],
                          "friend_id": agents.ids[agents.b[alive]]})
    return SimulationResult(panel=panel, summary=summary, rules=agents.rules,
                            friendships=final, initial_friendships=agents.initial_friendships)

def _graph_stats(agents: Agents, score: np.ndarray, last) -> tuple[int, float]:
    """Connected components of the friendship graph and the share of cross-tier ties."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    ties = len(agents.src) // 2
    a, b = agents.src[:ties], agents.dst[:ties]  # the live ties, as dimensions() found them
    if agents.graph_changed or last is None:
        # Ties are stored once (a < b, sorted): weak components are the friendship groups
        indptr = np.concatenate([[0], np.cumsum(np.bincount(a, minlength=agents.n))])
        graph = csr_matrix((np.ones(len(a), dtype=np.int8), b.astype(np.int32),
                            indptr.astype(np.int32)), shape=(agents.n, agents.n))
        components = int(connected_components(graph, directed=True, connection="weak")[0])
        agents.graph_changed = False
    else:
        components = last[0]
    codes = _tier_codes(score)
    cross = float((codes[a] != codes[b]).mean()) if len(a) else 0.0
    return components, cross

def _aucs(agents: Agents, score: np.ndarray) -> np.ndarray:
    """Each month's AUC of the score against ``defaulted``: course.repayment_auc's value.

    Scores are whole numbers from 350 to 950, so the AUC (the chance that a random
    non-defaulter outscores a random defaulter, ties counting half) is computed from how
    many of each kind have each score: the same number as :func:`course.repayment_auc`, ~30 times
    faster for large populations.
    """
    bad = agents.defaulted
    if bad.all() or not bad.any():
        warnings.warn("the population has only defaulters or only non-defaulters, so the "
                      "AUC is undefined: the summary's auc column is NaN.", UserWarning,
                      stacklevel=4)
        return np.full(len(score), np.nan)
    out = np.empty(len(score))
    levels = SCORE_MAX - SCORE_MIN + 1
    for month, s in enumerate(score - SCORE_MIN):
        good_n = np.bincount(s[~bad], minlength=levels).astype(float)
        bad_n = np.bincount(s[bad], minlength=levels).astype(float)
        below = np.cumsum(bad_n) - bad_n  # defaulters with a lower score
        out[month] = (good_n * (below + 0.5 * bad_n)).sum() / (good_n.sum() * bad_n.sum())
    return out


def _tidy(ids: np.ndarray, columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """One row per month per agent, by month then agent, from (month x agent) arrays."""
    T = next(iter(columns.values())).shape[0]
    data = {"consumer_id": np.tile(ids, T),
            "month": np.repeat(np.arange(T, dtype=np.int64), len(ids))}
    for name, values in columns.items():
        data[name] = np.ravel(values)
    data["tier"] = pd.Categorical.from_codes(data["tier"], categories=TIER_NAMES, ordered=True)
    return pd.DataFrame(data, copy=False)
