"""Every benchmark still runs (at small sizes) and reports sensible numbers.

This checks that `make bench` has not rotted; it asserts nothing about speed, which is
measured by `make bench` itself with same-run baselines.
"""

import importlib

import pytest

from tests.benchmarks.__main__ import modules


def _case(name: str):
    """bench_hub starts the class server, which needs root on Linux: skipped, saying so,
    elsewhere."""
    if name == "bench_hub":
        reason = importlib.import_module("tests.benchmarks.bench_hub").why_not()
        if reason:
            return pytest.param(name, marks=pytest.mark.skip(reason=f"bench_hub: {reason}"))
    return name


@pytest.mark.parametrize("name", [_case(m) for m in modules()])
def test_benchmark_runs_quick(name):
    module = importlib.import_module(f"tests.benchmarks.{name}")
    results = module.run(quick=True)
    assert results, f"{name} reported nothing"
    for r in results:
        assert r.value > 0, f"{name}: {r.name} measured {r.value}"
        assert r.baseline_value is None or r.baseline_value > 0
