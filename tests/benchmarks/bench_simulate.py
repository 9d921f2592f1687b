"""Simulation benchmarks: 100k agents for 24 months, and how the time grows with agents.

- ``simulate`` on 100,000 agents x 24 months (default rules), beside the naive way: the same
  monthly decisions taken one agent at a time in a Python loop over the package's scalar
  dimension functions, timed on a sample of agents for one month and scaled up to the same
  agents x months (it leaves out friend changes, scoring and the panel, so it flatters the
  loop). Aim: < 3 s.
- Time per agent at 100k and 200k agents, beside time per agent at 50k measured in the same
  run. Aim: linear, within 1.3x (ratio >= 0.77).
- The lesson widget's case, 3,000 agents x 24 months, beside the same naive loop. Aim: well
  under a second.

Each simulation gets its population, one month of transactions and the friendship graph made
beforehand (as a notebook does with ``load_dataset``); making them is not timed.
"""

from __future__ import annotations

import importlib
import math
import time

import numpy as np

import course
from course.dimensions import NO_FRIENDS_STANDING, STANDING_WEIGHTS
from course.rules import Rules
from course.simulation import simulate

from ._util import Result, best_time

sim = importlib.import_module("course.agents")


def _inputs(n: int, seed: int = 1) -> dict:
    people = course.make_population(n, seed=seed)
    return {"population": people,
            "transactions": course.make_transactions(people, months=1, seed=seed + 1),
            "friendships": course.make_friendships(people, seed=seed + 2)}


def _run(data: dict, months: int):
    return simulate(data["population"], months=months, seed=7,
                    transactions=data["transactions"], friendships=data["friendships"])


def _naive(data: dict, months: int, sample: int) -> float:
    """Seconds the naive loop would take for all of ``data``'s agents over ``months``."""
    agents = sim.Agents(data["population"], Rules(), np.random.default_rng(0),
                         data["transactions"], data["friendships"])
    agents.dimensions()
    sample = min(sample, agents.n)
    per_agent_month = min(naive_month(agents, sample) for _ in range(2)) / sample
    return per_agent_month * agents.n * months


def naive_month(agents, sample: int) -> float:
    """Seconds for one month of decisions by ``sample`` agents, one agent at a time.

    The slow, obvious way: a Python loop calling the package's dimension functions on one
    agent's numbers (``agents`` is the simulation's own state, so the inputs are the same).
    """
    a = agents
    w, tasks, perks = a.w, a.tasks, list(zip(a.perk_table["min_score"], a.perk_value))
    friends = {i: [] for i in range(a.n)}
    for i, j in zip(a.a[a.alive], a.b[a.alive]):
        friends[i].append(j)
        friends[j].append(i)

    def value(i, raw):
        if a.blacklisted[i]:
            return 0.0
        return sum(v / (1.0 + math.exp(-(raw - t + 0.5) / sim.REACH)) for t, v in perks)

    def seen(i, share):
        # What the platform sees of agent i at spending share ``share`` (as Agents.activity)
        start = a.start_share[i]
        scale = share / start if start > 0 else 1.0
        moved = min(1.0, (share - start) / a.off_share[i]) if a.nothing_seen[i] else 0.0
        spending = {k: v[i] * scale if k.startswith("on_") else v[i]
                    for k, v in a.spending.items()}
        return course.platform_activity(spending, a.months, moved=moved)

    def dims(i, share=None, engagement=None, verified_id=None):
        view = seen(i, a.share[i] if share is None else share)
        engaged = sum(t.boost * a.streak[k, i] for k, t in enumerate(tasks))
        return [
            course.credit_history(a.on_time[i], a.late[i], a.bills[i]),
            course.fulfilment_capacity(view["platform_spend_per_month_cny"], a.verified_car[i],
                                       a.verified_property[i], spend_weight=a.spend_weight),
            course.behaviour_preferences(
                view["platform_payments_per_month"], view["responsible_share"],
                view["gaming_share"], use_weight=a.use_weight,
                engagement=engaged if engagement is None else engagement),
            course.identity_characteristics(
                a.verified_id[i] if verified_id is None else verified_id, a.verified_degree[i],
                a.verified_car[i], a.verified_property[i], a.tenure[i]),
        ]

    def score(four, connections):
        return 350 + 600 * (sum(wi * d for wi, d in zip(w, four)) + w[4] * connections)

    start = time.perf_counter()
    standing = {}
    for i in range(sample):  # everybody's standing first, as friends need it
        standing[i] = float(np.dot(dims(i), STANDING_WEIGHTS))
    for i in range(sample):
        four = dims(i)
        mates = [standing.get(j, 0.5) for j in friends[i]]
        conn = (sum(mates) + 2 * NO_FRIENDS_STANDING) / (len(mates) + 2)
        raw = score(four, conn)
        now = value(i, raw)
        decisions = []
        # Effort, moving, verifying
        on_time = a.on_time[i] * 0.35 + (1 - a.calm_late_chance[i] * sim.EFFORT_FACTOR) * 0.65
        better = course.credit_history(on_time, a.late[i], a.bills[i])
        decisions.append(value(i, raw + 600 * w[0] * (better - four[0])) - now > a.effort_cost[i])
        moved = dims(i, share=min(1.0, a.share[i] + sim.SPENDING_STEP))
        decisions.append(value(i, score(moved, conn)) - now > a.move_cost[i])
        verified = dims(i, verified_id=True)
        decisions.append(value(i, score(verified, conn)) - now > a.verify_cost[i])
        # Tasks
        for task in tasks:
            full = dims(i, engagement=task.boost)
            decisions.append(a.need[i] * (value(i, score(full, conn)) - now)
                             > task.effort_cny * a.time_factor[i])
        # Dropping the lowest-standing friend
        if mates:
            worst = min(mates)
            without = (sum(mates) - worst + 2 * NO_FRIENDS_STANDING) / (len(mates) + 1)
            decisions.append(value(i, score(four, without)) - now > 80 * a.social[i])
    return time.perf_counter() - start


def run(quick: bool = False) -> list[Result]:
    months = 6 if quick else 24
    n_main = 10_000 if quick else 100_000
    sizes = [2_500, 5_000, 10_000] if quick else [50_000, 100_000, 200_000]
    n_widget = 1_000 if quick else 3_000
    repeat = 1 if quick else 3
    results = []

    # 100k agents x 24 months, beside a naive per-agent loop scaled up from a sample
    data = _inputs(n_main)
    _run(_inputs(200), 2)  # warm up: imports and caches
    seconds = best_time(lambda: _run(data, months), repeat=repeat)
    sample = 200 if quick else 1_000
    results.append(Result(
        f"simulate {n_main:,} agents x {months} months", seconds, "s",
        f"naive per-agent loop ({sample:,} agents x 1 month, scaled up)",
        _naive(data, months, sample), higher_is_better=False, aim="< 3 s"))
    del data

    # Scaling: time per agent, against time per agent at the smallest size
    per_agent = {}
    for n in sizes:
        data = _inputs(n, seed=n)
        per_agent[n] = best_time(lambda: _run(data, months), repeat=min(repeat, 2)) / n * 1e6
        del data
    base = sizes[0]
    for n in sizes[1:]:
        results.append(Result(
            f"simulate time per agent at {n:,} agents", per_agent[n], "us/agent",
            f"time per agent at {base:,} agents", per_agent[base], higher_is_better=False,
            aim="linear: within 1.3x (ratio >= 0.77)"))

    # The widget: the default data's size
    data = _inputs(n_widget)
    seconds = best_time(lambda: _run(data, 24), repeat=3)
    results.append(Result(
        f"simulate {n_widget:,} agents x 24 months (widget)", seconds, "s",
        f"naive per-agent loop ({sample:,} agents x 1 month, scaled up)",
        _naive(data, 24, sample), higher_is_better=False, aim="well under 1 s"))
    return results
