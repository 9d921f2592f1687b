"""`course autograde` throughput: --jobs 2 against --jobs 1, and the sandbox's cost.

Both measurements are side by side in the same run (see ``__init__.py``):

* a class of 40 submissions of ps1 (a mix of full marks, blank and partly right) is graded
  with ``jobs=1`` and with ``jobs=2``, each into a fresh grading folder; the ratio of their
  throughputs is the parallel speed-up (aim: at least 1.7x on 2 cores);
* one full-marks submission is graded serially with the kernel sandboxed and with
  ``--no-sandbox``, interleaved; the ratio of the medians of the worker's time (start, grade
  and stop the kernel) is the sandbox's overhead per submission (aim: under 10%, i.e. a ratio
  above 0.91x).

Quick mode (the test suite) grades 2 submissions per configuration.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from course.grading.autograde.batch import Options
from course.grading.autograde.classroom import autograde_outcomes
from course.grading.kernel.sandbox import sandbox_problem
from course.grading.layout import find_layout

from ..test_grading_support import (
    PS1,
    PS1_NB,
    full_marks_answers,
    solution_source,
    student_notebook,
    write,
)
from ._util import Result


def _class(folder: Path, n: int, prefix: str = "s") -> Path:
    kinds = [full_marks_answers(), {}, {"fulfilment_score": solution_source("fulfilment_score"),
                                        "auc": solution_source("auc")}]
    for i in range(n):
        write(student_notebook(kinds[i % len(kinds)]), folder / f"{prefix}{i:03d}" / PS1 / PS1_NB)
    return folder


def _grade(layout, inbox: Path, grading: Path, **options) -> tuple[float, list]:
    start = time.perf_counter()
    outcomes, _ = autograde_outcomes(layout, PS1, inbox, grading, options=Options(**options),
                                     progress=_Silent())
    seconds = time.perf_counter() - start
    failed = [o.student for o in outcomes if o.report.error]
    if failed:
        raise RuntimeError(f"benchmark submissions failed to grade: {failed}")
    return seconds, outcomes


class _Silent:
    total = 0

    def update(self, failed: bool) -> None:
        pass


def run(quick: bool = False) -> list[Result]:
    layout = find_layout()
    sandboxed = sandbox_problem() is None
    n = 2 if quick else 40
    rounds = 1 if quick else 5
    results = []
    with tempfile.TemporaryDirectory(prefix="scored-bench-") as tmp:
        tmp = Path(tmp)
        inbox = _class(tmp / "inbox", n)
        serial = _grade(layout, inbox, tmp / "g1", jobs=1, sandbox=sandboxed)[0]
        parallel = _grade(layout, inbox, tmp / "g2", jobs=2, sandbox=sandboxed)[0]
        results.append(Result(
            name=f"autograde {n} submissions, --jobs 2", value=n / parallel,
            unit="subs/s", baseline="--jobs 1", baseline_value=n / serial,
            aim="at least 1.7x on 2 cores"))
        if sandboxed:
            one = _class(tmp / "one", 1, prefix="solo")
            on, off = [], []
            for i in range(rounds):  # interleaved, so that both see the same machine load
                # the worker's own time: start, grade and stop one sandboxed kernel
                on.append(_grade(layout, one, tmp / f"on{i}", jobs=1, sandbox=True)[1][0].seconds)
                off.append(_grade(layout, one, tmp / f"off{i}", jobs=1,
                                  sandbox=False)[1][0].seconds)
            results.append(Result(
                name="autograde one submission, sandboxed", value=statistics.median(on),
                unit="s", baseline="--no-sandbox", baseline_value=statistics.median(off),
                higher_is_better=False, aim="overhead under 10% (ratio above 0.91x)"))
    return results
