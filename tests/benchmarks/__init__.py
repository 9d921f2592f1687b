"""Benchmarks: `make bench` (or `python -m tests.benchmarks`).

Every benchmark measures the project's code *and* a baseline in the same run and prints the
ratio, because this machine is shared and noisy: absolute seconds are not comparable between
runs, ratios measured side by side are. Each ``bench_*.py`` module defines
``run(quick: bool = False) -> list[Result]``; ``quick`` shrinks sizes so that the test suite
can check every benchmark still runs (tests/test_benchmarks.py).
"""
