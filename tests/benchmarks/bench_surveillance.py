"""Unicity on the default transactions for k = 1..8, against a plain Python loop.

Baseline: the same method written the straightforward way — per person, draw k points of
their own trace, then test every person's set of points for containing all k
(``set.issubset``) — run on a random sample of people in the same run. Building the
per-person sets is *not* timed for the loop (that favours the baseline). Speeds are people
per second, so the ratio is how many times faster the vectorised version is. The loop's
unicity on its sample is printed beside the vectorised share as a sanity check (ratio ~1).
"""

from __future__ import annotations

import numpy as np

from course import load_dataset
from course.dimensions import dimension_scores
from course.surveillance import (
    MINIMISATION_SCENARIOS,
    minimisation,
    resolve_precision,
    unicity_table,
)
from course.surveillance.reidentification import _points

from ._util import Result, best_time

PRECISION = "day_merchant"


def _loop_unicity(traces: list[set], sample: np.ndarray, k: int,
                  rng: np.random.Generator) -> float:
    """Unicity of the sampled people, one person and one trace at a time."""
    unique = eligible = 0
    for person in sample:
        own = sorted(traces[person])
        if len(own) < k:
            continue
        eligible += 1
        drawn = {own[i] for i in rng.choice(len(own), size=k, replace=False)}
        matches = sum(1 for trace in traces if drawn <= trace)
        unique += matches == 1
    return unique / eligible


def run(quick: bool = False) -> list[Result]:
    trace = load_dataset("transactions")
    if quick:
        trace = trace[trace["consumer_id"] < 300]
    ks = [1, 4] if quick else list(range(1, 9))
    n_sample = 30 if quick else 150
    repeat = 1 if quick else 3

    ids, person, point = _points(trace, resolve_precision(PRECISION))
    traces = [set() for _ in ids]
    for who, where in zip(person.tolist(), point.tolist()):
        traces[who].add(where)
    sample = np.random.default_rng(0).choice(len(ids), size=n_sample, replace=False)

    results = []
    total_fast = total_loop = 0.0
    for k in ks:
        table = unicity_table(trace, ks=[k], precisions=[PRECISION], seed=k)
        fast = best_time(lambda: unicity_table(trace, ks=[k], precisions=[PRECISION], seed=k),
                         repeat=repeat)
        loop_share = _loop_unicity(traces, sample, k, np.random.default_rng(k))
        loop = best_time(lambda: _loop_unicity(traces, sample, k, np.random.default_rng(k)),
                         repeat=1)
        total_fast += fast
        total_loop += loop * len(ids) / n_sample
        results.append(Result(
            f"unicity k={k} ({PRECISION}): speed", len(ids) / fast, "people/s",
            baseline=f"python loop, {n_sample}-person sample",
            baseline_value=n_sample / loop, aim="k=1..8 in seconds in total"))
        results.append(Result(
            f"unicity k={k} ({PRECISION}): share", float(table["unicity"].iloc[0]), "share",
            baseline=f"loop's share on its {n_sample}-person sample", baseline_value=loop_share,
            aim="rises with k; >= 0.9 at k=4 (de Montjoye: 0.9)"))
    results.append(Result(
        f"unicity k={ks[0]}..{ks[-1]}, all {len(ids)} people", total_fast, "s",
        baseline="python loop, extrapolated to everyone", baseline_value=total_loop,
        higher_is_better=False, aim="a few seconds"))

    if not quick:
        data = {name: load_dataset(name) for name in ("population", "transactions",
                                                      "friendships")}
        n = len(MINIMISATION_SCENARIOS)
        minimise = best_time(lambda: minimisation(data["population"], data["transactions"],
                                                  data["friendships"], seed=0), repeat=1)
        score_once = best_time(lambda: dimension_scores(data["population"],
                                                        data["transactions"],
                                                        data["friendships"]), repeat=3)
        results.append(Result(
            "minimisation: seconds per scenario", minimise / n, "s",
            baseline="dimension_scores once (full data)", baseline_value=score_once,
            higher_is_better=False, aim="< 1 s per scenario (widget toggle)"))
    return results

