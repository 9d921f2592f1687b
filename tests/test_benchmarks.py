"""Every benchmark still runs (at small sizes) and reports sensible numbers.

This checks that `make bench` has not rotted; it asserts nothing about speed, which is
measured by `make bench` itself with same-run baselines.
"""

import importlib

import pytest

from tests.benchmarks.__main__ import modules


@pytest.mark.parametrize("name", modules())
def test_benchmark_runs_quick(name):
    module = importlib.import_module(f"tests.benchmarks.{name}")
    results = module.run(quick=True)
    assert results, f"{name} reported nothing"
    for r in results:
        assert r.value > 0, f"{name}: {r.name} measured {r.value}"
        assert r.baseline_value is None or r.baseline_value > 0
