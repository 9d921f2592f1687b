"""Timing helpers and the result record shared by the benchmark modules."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass


@dataclass
class Result:
    """One benchmark line: a measurement, what it is compared with, and the aim."""

    name: str
    value: float
    unit: str
    baseline: str = ""
    baseline_value: float | None = None
    higher_is_better: bool = True
    aim: str = ""

    @property
    def ratio(self) -> float | None:
        """How many times better than the baseline (>1 is better)."""
        if self.baseline_value in (None, 0) or self.value == 0:
            return None
        if self.higher_is_better:
            return self.value / self.baseline_value
        return self.baseline_value / self.value

    def as_dict(self) -> dict:
        return {**asdict(self), "ratio": self.ratio}


def best_time(fn: Callable[[], object], *, repeat: int = 3, number: int = 1) -> float:
    """Best wall-clock seconds per call of ``fn`` over ``repeat`` rounds of ``number`` calls."""
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - start) / number)
    return min(times)


def median_time(fn: Callable[[], object], *, repeat: int = 15,
                setup: Callable[[], object] | None = None) -> float:
    """Median wall-clock seconds of ``repeat`` single calls of ``fn`` (``setup``, untimed,
    before each)."""
    times = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_data(quick: bool):
    """Population, transactions, friendships and dimensions: tiny when quick, else default."""
    import course

    if quick:
        people = course.make_population(400, seed=1)
        trace = course.make_transactions(people, months=2, seed=2)
        ties = course.make_friendships(people, seed=3)
    else:
        people, trace, ties = (course.load_dataset(n) for n in course.DATASET_NAMES)
    return people, trace, ties, course.dimension_scores(people, trace, ties)
