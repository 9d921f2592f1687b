"""``course check``: grade one notebook for a self-learner, changing nothing on disk.

The notebook is copied into a temporary nbgrader course directory and autograded there through
the same grading function as ``course autograde`` and the release gate
(:func:`~course.grading.autograde.worker.grade_job`: the guard, and the bubblewrap sandbox where
it works — as root with bubblewrap installed; elsewhere, such as a student's laptop, the kernel
runs unsandboxed as the learner, and the report says so).
Which tests run depends on what the course folder
holds:

* a full checkout has ``solutions/``: the notebook is graded with **all** the tests, visible
  and hidden, exactly as an instructor would grade it;
* a student edition (``course bundle --student``) has no ``solutions/``, so the hidden tests
  do not exist there: the notebook is graded with the visible tests only, and the report says
  so plainly.

The kernel runs in the temporary folder, with IPython's history kept in memory and Jupyter's
runtime and IPython's profile folders pointed into the temporary folder, so neither the
notebook, nor the course folder, nor the learner's home folder is written to.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..layout import GradingError, Layout
from ..notebooks import graded_cells, nbgrader_meta, read_notebook
from ..workspace import GradeReport


@dataclass
class CheckResult:
    notebook: Path
    assignment: str
    full_tests: bool
    report: GradeReport
    answers: dict[str, str]  # task grade_id -> the learner's written answer
    hidden_available: bool = True  # this copy of the course has the hidden tests
    word_ranges: dict[str, tuple[int, int]] = field(default_factory=dict)  # asked lengths
    sandbox_problem: str | None = None  # why the kernel ran unsandboxed, if it did

    @property
    def passed(self) -> bool:
        return not self.report.error and all(c.full_marks for c in self.report.autograded)


def identify(layout: Layout, nb, path: Path, assignment: str | None = None) -> tuple[str, str]:
    """Which assignment and which of its notebooks ``nb`` is, from its graded cell ids.

    With ``assignment`` given, the notebook must be that assignment's: one that matches
    another assignment better (say ps1 checked as ps2) is refused with a clear message.
    """
    ids = {c.grade_id for c in graded_cells(nb)}
    released = not layout.has_solutions()
    if assignment:
        layout.require(assignment)
    matches = []  # (overlap, assignment, notebook name)
    for name in layout.assignments():
        for notebook in layout.notebooks(name, released=released):
            overlap = len(ids & {c.grade_id for c in graded_cells(read_notebook(notebook))})
            if overlap:
                matches.append((overlap, name, notebook.name))
    if not matches:
        raise GradingError(f"{path} is not one of the course's exercise notebooks (it has no "
                           "graded cells of an assignment); the exercises are in "
                           "exercises/<assignment>/.")
    _, best_name, best_notebook = max(matches, key=lambda m: m[0])
    if assignment is None:
        return best_name, best_notebook
    own = [m for m in matches if m[1] == assignment]
    if not own or max(own)[0] < max(matches)[0]:
        raise GradingError(f"{path} is not {assignment}: its graded cells are {best_name}'s; "
                           "leave out --assignment, or pass the right notebook.")
    return max(own)[1:]


@contextlib.contextmanager
def _private_kernel_dirs() -> Iterator[None]:
    """Point Jupyter's runtime and IPython's profile folders into a temporary folder."""
    names = ("JUPYTER_RUNTIME_DIR", "IPYTHONDIR")
    saved = {n: os.environ.get(n) for n in names}
    with tempfile.TemporaryDirectory(prefix="scored-check-") as tmp:
        for n in names:
            os.environ[n] = str(Path(tmp) / n.lower())
        try:
            yield
        finally:
            for n, value in saved.items():
                if value is None:
                    os.environ.pop(n, None)
                else:
                    os.environ[n] = value


def written_answers(nb) -> dict[str, str]:
    """For each manually graded task, the text of the ordinary cell right after it."""
    answers = {}
    cells = nb.cells
    for i, cell in enumerate(cells):
        meta = nbgrader_meta(cell)
        if meta.get("task") and i + 1 < len(cells) and not nbgrader_meta(cells[i + 1]):
            answers[meta.get("grade_id", "")] = cells[i + 1].source
        elif meta.get("grade") and meta.get("solution") and cell.cell_type == "markdown":
            answers[meta.get("grade_id", "")] = cell.source
    return answers


_WORD_RANGE = re.compile(r"(\d+)\s*[–-]\s*(\d+)\s+words")


def word_ranges(nb) -> dict[str, tuple[int, int]]:
    """For each written answer, the length its question asks for ("150–250 words"), if any.

    The range is read from the markdown cells just before the answer (the question).
    """
    ranges = {}
    cells = nb.cells
    for i, cell in enumerate(cells):
        meta = nbgrader_meta(cell)
        if not (meta.get("task") or (meta.get("grade") and meta.get("solution")
                                     and cell.cell_type == "markdown")):
            continue
        for before in reversed(cells[max(0, i - 3):i + 1]):
            found = _WORD_RANGE.findall(before.source) if before.cell_type == "markdown" else []
            if found:
                low, high = found[-1]
                ranges[meta.get("grade_id", "")] = (int(low), int(high))
                break
    return ranges


def check_notebook(layout: Layout, path: str | Path, *, assignment: str | None = None,
                   visible_only: bool = False) -> CheckResult:
    """Grade one notebook in a temporary course directory and report every question."""
    path = Path(path)
    nb = read_notebook(path)
    assignment, notebook_name = identify(layout, nb, path, assignment)
    full = layout.has_solutions() and not visible_only
    report, problem = _grade(layout, assignment, notebook_name, path, full)
    return CheckResult(path, assignment, full, report, written_answers(nb),
                       hidden_available=layout.has_solutions(), word_ranges=word_ranges(nb),
                       sandbox_problem=problem)


def _grade(layout: Layout, assignment: str, notebook_name: str, path: Path,
           full: bool) -> tuple[GradeReport, str | None]:
    """Grade the notebook as ``course autograde`` would; (report, why not sandboxed)."""
    from ..kernel.sandbox import sandbox_problem
    from .batch import Grader, Options, kernel_hide, report_of, scratch_folder

    problem = sandbox_problem()
    with _private_kernel_dirs(), scratch_folder() as tmp:
        grader = Grader(layout, Options(jobs=1, sandbox=problem is None), Path(tmp),
                        hide=kernel_hide(layout))
        source = layout.solutions / assignment if full else layout.exercises / assignment
        job = grader.job(assignment, "you", {notebook_name: path.resolve()}, source=source,
                         header=full)
        (result,) = list(grader.run([job]))
    return report_of(assignment, result), problem


def format_check(result: CheckResult) -> str:
    """The per-question report that ``course check`` prints."""
    lines = [f"{result.notebook}: {result.assignment}"]
    if result.full_tests:
        lines.append("Graded with all the tests, visible and hidden, as your instructor would.")
    elif result.hidden_available:
        lines.append("Graded with the VISIBLE tests only, as you asked (--visible-only): a "
                     "grade from your instructor, with the hidden tests, may be lower.")
    else:
        lines.append("Graded with the VISIBLE tests only: the hidden tests are not in this copy "
                     "of the course (it has no solutions/ folder), so a grade from your "
                     "instructor may be lower.")
    if result.sandbox_problem:
        lines.append(f"Your code ran without the grading sandbox ({result.sandbox_problem}); "
                     "the tests and the guard are your instructor's.")
    if result.report.error:
        lines.append(f"nbgrader could not grade the notebook: {result.report.error}")
        return "\n".join(lines)
    lines.append("")
    for cell in result.report.cells:
        if cell.kind == "autograded":
            verdict = "passed" if cell.full_marks else "FAILED"
            lines.append(f"  {cell.score or 0:>3g}/{cell.max_score:<3g} {verdict:<7} {cell.label}")
            for message in cell.messages:
                lines.append(f"  {'':15} {message}")
        else:
            answer = result.answers.get(cell.grade_id, "").strip()
            if not answer or answer == "YOUR ANSWER HERE":
                note = "graded by hand; not answered yet"
            else:
                words = len(answer.split())
                note = f"graded by hand; your answer has {words} words"
                if cell.grade_id in result.word_ranges:
                    low, high = result.word_ranges[cell.grade_id]
                    verdict = " — too long" if words > high else " — too short" \
                        if words < low else ""
                    note += f" (asked: {low}–{high}){verdict}"
            lines.append(f"  {'-':>3}/{cell.max_score:<3g} {'':<7} {cell.label}")
            lines.append(f"  {'':15} {note}")
    report = result.report
    manual = sum(c.max_score for c in report.cells if c.kind != "autograded")
    lines.append("")
    lines.append(f"Autograded: {report.auto_score:g} / {report.auto_max:g}"
                 + (f"; {manual:g} more points are graded by hand." if manual else "."))
    return "\n".join(lines)
