"""`course autograde` against plain `nbgrader autograde`, whole commands, same submissions.

What an instructor would run instead of `course autograde` is nbgrader itself: a course folder
with the assignment generated and the submissions under ``submitted/``, then
``nbgrader autograde ASSIGNMENT`` (serial, no sandbox, no guard). Each figure below is the
wall-clock time of a whole command started as a new process — imports, start-up and the
gradebook included — on the same copies of the ps2 solution, measured in the same run:

* ``course autograde --jobs 1`` against plain nbgrader (aim: within 1.2x, i.e. a ratio of at
  least 0.83x);
* ``course autograde --jobs 2``'s throughput against plain nbgrader's (aim: at least 1.8x on
  2 cores);
* ``course release`` of all five problem sets, gate included, in a copy of the course (aim:
  under 3 minutes on 2 cores; full runs only, it takes minutes);
* one submission sandboxed against ``--no-sandbox`` (the worker's own time, interleaved): the
  sandbox's cost per submission (aim: under 10%, a ratio above 0.91x; full runs only).

The three grading commands are run in interleaved rounds, so that all see the same machine
load, and the median of each is reported. Quick mode (the test suite) grades 2 submissions
once each.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from course.grading.autograde.batch import Options
from course.grading.autograde.classroom import autograde_outcomes
from course.grading.kernel.sandbox import sandbox_problem
from course.grading.layout import find_layout

from ..test_grading_support import PS1, PS1_NB, full_marks_answers, student_notebook, write
from ._util import Result

PS2 = "ps2-incentives"
BIN = Path(sys.executable).parent  # the course's environment, as if activated


def _run(argv: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:3])} failed ({done.returncode}):\n"
                           f"{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return seconds


def _plain_course(layout, folder: Path, n: int) -> Path:
    """A plain nbgrader course folder: the repository's configuration, ps2 generated, and
    ``n`` copies of the solution under ``submitted/``."""
    shutil.copytree(layout.solutions / PS2, folder / "solutions" / PS2)
    (folder / "nbgrader_config.py").write_text(
        "c = get_config()  # noqa: F821\n"
        f"load_subconfig({str(layout.root / 'nbgrader_config.py')!r})  # noqa: F821\n"
        f"c.CourseDirectory.root = {str(folder)!r}\n")
    _run([str(BIN / "nbgrader"), "generate_assignment", PS2, "--force"], folder)
    for i in range(n):
        target = folder / "submitted" / f"s{i:02d}" / PS2
        target.mkdir(parents=True)
        shutil.copy(layout.solutions / PS2 / f"{PS2}.ipynb", target)
    return folder


def _inbox(layout, folder: Path, n: int) -> Path:
    for i in range(n):
        target = folder / f"s{i:02d}" / PS2
        target.mkdir(parents=True)
        shutil.copy(layout.solutions / PS2 / f"{PS2}.ipynb", target)
    return folder


def _course(inbox: Path, grading: Path, jobs: int, cwd: Path) -> float:
    return _run([str(BIN / "course"), "autograde", PS2, "--submissions", str(inbox),
                 "--grading-dir", str(grading), "--jobs", str(jobs)], cwd)


def _worker_seconds(layout, one: Path, grading: Path, sandbox: bool) -> float:
    outcomes, _ = autograde_outcomes(layout, PS1, one, grading,
                                     options=Options(jobs=1, sandbox=sandbox), progress=_Silent())
    if outcomes[0].report.error:
        raise RuntimeError(f"benchmark submission failed to grade: {outcomes[0].report.error}")
    return outcomes[0].seconds


class _Silent:
    total = 0

    def update(self, failed: bool) -> None:
        pass


def run(quick: bool = False) -> list[Result]:
    layout = find_layout()
    n = 2 if quick else 10
    rounds = 1 if quick else 2
    plain, one, two = [], [], []
    results = []
    with tempfile.TemporaryDirectory(prefix="scored-bench-") as tmp:
        tmp = Path(tmp)
        course_dir = _plain_course(layout, tmp / "plain", n)
        inbox = _inbox(layout, tmp / "inbox", n)
        for i in range(rounds):  # interleaved, so that all see the same machine load
            plain.append(_run([str(BIN / "nbgrader"), "autograde", PS2, "--force"], course_dir))
            one.append(_course(inbox, tmp / f"j1-{i}", 1, tmp))
            two.append(_course(inbox, tmp / f"j2-{i}", 2, tmp))
        base = statistics.median(plain)
        results.append(Result(
            name=f"course autograde --jobs 1, {n} x ps2", value=statistics.median(one),
            unit="s", baseline="plain nbgrader autograde", baseline_value=base,
            higher_is_better=False, aim="within 1.2x (ratio at least 0.83x)"))
        results.append(Result(
            name=f"course autograde --jobs 2, {n} x ps2", value=n / statistics.median(two),
            unit="subs/s", baseline="plain nbgrader autograde", baseline_value=n / base,
            aim="at least 1.8x on 2 cores"))
        if quick:
            return results
        copy = tmp / "release"
        shutil.copytree(layout.root, copy, symlinks=True, ignore=shutil.ignore_patterns(
            ".venv", ".git", "node_modules", "_build", "artifacts", "*.db"))
        seconds = _run([str(BIN / "course"), "--root", str(copy), "release"], copy)
        results.append(Result(name="course release (all five, gate included)", value=seconds,
                              unit="s", aim="under 180 s on 2 cores"))
        if sandbox_problem() is None:
            single = tmp / "single"
            write(student_notebook(full_marks_answers()), single / "solo" / PS1 / PS1_NB)
            on, off = [], []
            for i in range(9):
                on.append(_worker_seconds(layout, single, tmp / f"on{i}", True))
                off.append(_worker_seconds(layout, single, tmp / f"off{i}", False))
            results.append(Result(
                name="autograde one submission, sandboxed", value=statistics.median(on),
                unit="s", baseline="--no-sandbox", baseline_value=statistics.median(off),
                higher_is_better=False, aim="overhead under 10% (ratio above 0.91x)"))
    return results
