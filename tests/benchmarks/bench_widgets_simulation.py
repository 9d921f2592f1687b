"""Latency of the incentive and dependency simulators: set a control -> finished output.

Each update runs :func:`course.simulate` for your rules and for a comparison run (no tasks on
offer; a neutral score), then moves the curves over a cached background. The same-run
baseline is the bare package call the update stands on: ``course.simulate`` once, or twice
when both runs are new. Three cases per explorer:

- a new setting, both runs simulated (the cache emptied before every step);
- a new setting whose comparison run is cached (the usual case when one control moves);
- a setting seen before (both runs cached: only the drawing is left).

Aim: well under a second per update on the default data (3,000 agents x 24 months).
"""

from __future__ import annotations

import itertools
import statistics
import time

import course
from course.widgets import dependency as DW
from course.widgets import incentives as IW

from ._util import Result, bench_data, median_time

AIM = "<= 300 ms median (issue 15; default data)"


def _ms(seconds: float) -> float:
    return 1000.0 * seconds


def _timed(prepare, act, repeat: int) -> float:
    """Median seconds of ``act()``, each time after an untimed ``prepare()``."""
    times = []
    for _ in range(repeat):
        prepare()
        start = time.perf_counter()
        act()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _bare(people, trace, ties, rules_cycle):
    def call():
        course.simulate(people, months=24, rules=next(rules_cycle), seed=1, transactions=trace,
                        friendships=ties)
    return call


def run(quick: bool = False) -> list[Result]:
    people, trace, ties, _ = bench_data(quick)
    repeat = 3 if quick else 9
    results = []

    # Incentive simulator: tick and untick tasks
    sim = IW.incentive_simulator(people, trace, ties)
    combos = [("daily_check_in",), ("forest_energy",), ("share_promotions",),
              ("daily_check_in", "forest_energy"), tuple(course.ENGAGEMENT_TASKS)]
    tasks = itertools.cycle(combos)
    weights = itertools.cycle([0.15, 0.25, 0.3, 0.35, 0.2])

    def set_weight():
        sim.behaviour_weight.value = next(weights)

    def keep_only_the_baseline():
        baseline = sim.result.baseline_rules
        sim.cache.clear()
        sim.cache.run(baseline, sim.months.value, sim.seed.value)  # the comparison is cached

    rules = [course.Rules(gameable_tasks=c) for c in combos]
    one = median_time(_bare(people, trace, ties, itertools.cycle(rules)), repeat=repeat)
    two = 2 * one
    t_both = _timed(sim.cache.clear, set_weight, repeat)
    t_tasks = _timed(keep_only_the_baseline, lambda: sim.set_tasks(next(tasks)), repeat)
    for combo in combos:  # fill the cache
        sim.set_tasks(combo)
    t_seen = median_time(lambda: sim.set_tasks(next(tasks)), repeat=repeat)
    assert sim.error is None, sim.message
    results += [
        Result("incentive simulator: new setting, both runs", _ms(t_both), "ms",
               "course.simulate x 2", _ms(two), higher_is_better=False, aim=AIM),
        Result("incentive simulator: new tasks, baseline cached", _ms(t_tasks), "ms",
               "course.simulate x 1", _ms(one), higher_is_better=False, aim=AIM),
        Result("incentive simulator: setting seen before", _ms(t_seen), "ms",
               "course.simulate x 1", _ms(one), higher_is_better=False, aim="<= 100 ms (cached)"),
    ]

    # Dependency simulator: move the reward and connections sliders
    dep = DW.dependency_simulator(people, trace, ties)
    settings = [(r, c) for r in (0.5, 1.0, 1.5) for c in (0.05, 0.15, 0.25)]
    cycle = itertools.cycle(settings)

    def set_next():
        reward, connections = next(cycle)
        with dep.holding():
            dep.reward.value = reward
            dep.connections.value = connections

    def keep_only_the_neutral_run():
        neutral = dep.result.neutral_rules
        dep.cache.clear()
        dep.cache.run(neutral, dep.months.value, dep.seed.value)

    dep_rules = itertools.cycle([course.Rules(platform_use_reward=r,
                                              weights=course.set_weight(course.DEFAULT_WEIGHTS,
                                                                    "connections", c))
                                 for r, c in settings])
    one = median_time(_bare(people, trace, ties, dep_rules), repeat=repeat)
    t_both = _timed(dep.cache.clear, set_next, repeat)
    t_neutral = _timed(keep_only_the_neutral_run, set_next, repeat)
    dep.cache.maxsize = 2 * len(settings)
    for _ in settings:  # fill the cache
        set_next()
    t_seen = median_time(set_next, repeat=repeat)
    assert dep.error is None, dep.message
    results += [
        Result("dependency simulator: new setting, both runs", _ms(t_both), "ms",
               "course.simulate x 2", _ms(2 * one), higher_is_better=False, aim=AIM),
        Result("dependency simulator: new setting, neutral cached", _ms(t_neutral), "ms",
               "course.simulate x 1", _ms(one), higher_is_better=False, aim=AIM),
        Result("dependency simulator: setting seen before", _ms(t_seen), "ms",
               "course.simulate x 1", _ms(one), higher_is_better=False, aim="<= 100 ms (cached)"),
    ]
    return results
