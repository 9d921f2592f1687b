"""What ``course gate`` and ``course release`` print: each check of the gate as it is known,
then the verdict."""

from __future__ import annotations

from ..layout import GradingError, Layout
from .gate import default_jobs, run_gate


def _print_check(check) -> None:
    print(f"  {'ok  ' if check.ok else 'FAIL'}  {check.name}", flush=True)
    for detail in check.details:
        print(f"          - {detail}", flush=True)


def print_gate(layout: Layout, assignments: list[str] | None, jobs: int | None = None) -> int:
    """Run the gate as ``course gate`` and ``course release`` do: print each check as it is
    known, then the verdict; return the exit code (0 passed, 1 failed)."""
    from ..kernel.sandbox import sandbox_problem

    if jobs is not None and jobs < 1:
        raise GradingError("--jobs must be at least 1.")
    problem = sandbox_problem()
    print(f"gate: grading {jobs or default_jobs()} at a time, as course autograde does "
          f"(guarded; {'sandboxed' if not problem else 'NOT sandboxed: ' + problem})",
          flush=True)

    current = [None]

    def emit(check):
        if check.assignment != current[0]:
            current[0] = check.assignment
            print(check.assignment, flush=True)
        _print_check(check)

    result = run_gate(layout, assignments or None, emit=emit, jobs=jobs, progress=True)
    if result.ok:
        print(f"gate passed: {len(result.checks)} checks in {result.seconds:.1f} s")
        return 0
    print(f"gate FAILED: {len(result.failures)} of {len(result.checks)} checks "
          f"({result.seconds:.1f} s)")
    return 1
