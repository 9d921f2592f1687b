"""The release gate: every exercise is well formed, fair, reproducible and leak-free.

For each assignment in ``solutions/`` (so adding one is adding a folder, plus its wrong
answers in ``tests/wrong_answers/<assignment>/``), the gate checks that

1. the source notebooks are well formed (:func:`lint_assignment`);
2. ``exercises/<assignment>`` equals a fresh ``nbgrader generate_assignment``;
3. no solution code, hidden test or mark scheme text appears in ``exercises/``;
4. the solution scores full marks under real ``nbgrader autograde``;
5. the blank release scores zero on every autograded question;
6. every wrong answer loses the points it declares, every autograded question is lost by at
   least one wrong answer, and wrong answers declared ``caught-by: hidden`` pass the visible
   tests yet lose their points to the hidden ones (read from where the test cell stopped;
   graded against the release when that is unknown).

All grading happens in temporary nbgrader course directories; the repository is only read.

The wrong answers' format is described in :mod:`course.grading.authoring.wrong_answers`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..layout import GradingError, Layout
from .lint import lint_assignment, lint_clean
from ..notebooks import HIDDEN_TESTS, graded_cells, read_notebook
from .release import (
    assignment_secrets,
    compare_release,
    files_under,
    generate,
    leaks_in_files,
    stale_exercises,
)
from ..workspace import GradeReport, temporary_workspace
from .wrong_answers import WrongAnswer, apply_wrong_answer, load_wrong_answers

__all__ = ["Check", "GateResult", "WrongAnswer", "apply_wrong_answer", "gate_assignment",
           "lint_assignment", "load_wrong_answers", "run_gate"]


@dataclass
class Check:
    """One line of the gate's report."""

    assignment: str
    name: str
    ok: bool
    details: list[str] = field(default_factory=list)


@dataclass
class GateResult:
    checks: list[Check] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]


# -- the gate -------------------------------------------------------------------------------
def _describe_score(report: GradeReport, grade_id: str) -> str:
    try:
        cell = report.cell(grade_id)
    except KeyError:
        return f"{grade_id}: not graded"
    text = f"{grade_id}: {cell.score:g}/{cell.max_score:g}" if cell.score is not None else \
        f"{grade_id}: ungraded"
    return text + (f" ({cell.messages[0]})" if cell.messages else "")


def gate_assignment(layout: Layout, assignment: str,
                    emit: Callable[[Check], None]) -> list[Check]:
    """Run every gate check for one assignment, emitting each result as it is known."""
    checks: list[Check] = []

    def record(name: str, problems: list[str]) -> None:
        check = Check(assignment, name, not problems, problems)
        checks.append(check)
        emit(check)

    problems, summary = lint_assignment(layout, assignment)
    points = (f"{len(summary.get('autograded', []))} autograded questions, "
              f"{summary.get('auto_points', 0):g} + {summary.get('manual_points', 0):g} "
              "manual points") if summary else "unreadable"
    record(f"sources are well formed ({points})", problems)
    if not summary:
        return checks
    try:
        wrong = load_wrong_answers(layout, assignment)
    except GradingError as error:
        record("wrong answers are readable", [str(error)])
        wrong = []

    label = f"exercises/{assignment}"
    with temporary_workspace(layout) as ws:
        try:
            generated = generate(layout, ws, assignment)
        except GradingError as error:
            record("nbgrader generates the release", [str(error)])
            return checks
        record(f"{label} equals a fresh generation",
               compare_release(generated, layout.exercises / assignment, label))
        secrets = assignment_secrets(layout, assignment)
        record(f"no solution, hidden test or mark scheme text in {label}",
               leaks_in_files(secrets, files_under(layout.exercises / assignment), label))

        solution = {p.name: read_notebook(p) for p in layout.notebooks(assignment)}
        release = {p.name: p for p in sorted(generated.glob("*.ipynb"))}
        autograded = summary["autograded"]

        ws.submit("solution", assignment, solution)
        report = ws.autograde(assignment, "solution")
        problems = [report.error] if report.error else [
            _describe_score(report, c.grade_id) for c in report.autograded if not c.full_marks]
        record(f"solution scores full marks ({report.auto_score:g}/{report.auto_max:g} "
               "autograded)", problems)

        ws.submit("blank", assignment, release)
        report = ws.autograde(assignment, "blank")
        problems = [report.error] if report.error else [
            _describe_score(report, c.grade_id) for c in report.autograded
            if c.score is None or c.score > 0]
        record("blank release scores zero on every autograded question", problems)

        problems, caught, reports = [], set(), {}
        for answer in wrong:
            student = f"wrong-{answer.name}".replace("_", "-")
            try:
                ws.submit(student, assignment, apply_wrong_answer(solution, answer))
            except GradingError as error:
                problems.append(str(error))
                continue
            report = reports[answer.name] = ws.autograde(assignment, student)
            if report.error:
                problems.append(f"{answer.path.name}: grading failed: {report.error}")
                continue
            for grade_id in answer.loses:
                if grade_id not in autograded:
                    problems.append(f"{answer.path.name}: {grade_id!r} is not an autograded "
                                    "question")
                    continue
                cell = report.cell(grade_id)
                if cell.score is None or cell.score > 0:
                    problems.append(f"{answer.path.name} ({answer.description}) does not lose "
                                    f"{_describe_score(report, grade_id)}")
                else:
                    caught.add(grade_id)
        for grade_id in autograded:
            if grade_id not in caught:
                problems.append(f"no wrong answer in tests/wrong_answers/{assignment}/ loses "
                                f"{grade_id}")
        record(f"wrong answers lose their points ({len(wrong)} graded; "
               f"{len(caught)}/{len(autograded)} questions caught)", problems)

        shortcuts = [a for a in wrong if a.hidden_only and a.name in reports
                     and not reports[a.name].error]
        if shortcuts:
            problems, unsure = _visible_from_tracebacks(solution, shortcuts, reports)
            if unsure:
                problems += _visible_only(layout, assignment, generated, solution, unsure)
            record(f"hidden tests catch what the visible tests let pass ({len(shortcuts)} "
                   "shortcuts)", problems)
    return checks


def _hidden_lines(solution: dict) -> dict[str, range]:
    """For each test cell, the 1-based line numbers of its hidden-test region."""
    regions = {}
    for nb in solution.values():
        for cell in graded_cells(nb):
            lines = cell.source.splitlines()
            begin = [i for i, line in enumerate(lines, 1) if HIDDEN_TESTS[0] in line]
            end = [i for i, line in enumerate(lines, 1) if HIDDEN_TESTS[1] in line]
            if begin and end:
                regions[cell.grade_id] = range(begin[0] + 1, end[-1])
    return regions


def _visible_from_tracebacks(solution: dict, shortcuts: list[WrongAnswer],
                             reports: dict[str, GradeReport]):
    """Decide from the full grading whether the visible tests alone would pass each shortcut.

    A test cell runs top to bottom and stops at the first failure, so if the line that
    raised lies in the hidden region, every visible test before it passed, and the release
    (which is the same cell without that region) would pass too. Shortcuts whose failing
    line is unknown are returned to be graded against the release for real.
    """
    regions = _hidden_lines(solution)
    problems, unsure = [], []
    for answer in shortcuts:
        report = reports[answer.name]
        for grade_id in answer.loses:
            cell = report.cell(grade_id)
            if cell.full_marks:
                continue  # already reported: it does not lose its points at all
            if cell.failed_line is None or grade_id not in regions:
                unsure.append(answer)
                break
            if cell.failed_line not in regions[grade_id]:
                problems.append(f"{answer.path.name} is declared 'caught-by: hidden' but the "
                                f"visible tests already fail it: "
                                f"{_describe_score(report, grade_id)}")
    return problems, unsure


def _visible_only(layout: Layout, assignment: str, generated: Path, solution: dict,
                  shortcuts: list[WrongAnswer]) -> list[str]:
    """Grade shortcuts against the release (visible tests only): they must pass there."""
    problems = []
    with temporary_workspace(layout, header=False) as ws:
        ws.install_source(assignment, generated)
        ws.generate(assignment)
        for answer in shortcuts:
            student = f"visible-{answer.name}".replace("_", "-")
            ws.submit(student, assignment, apply_wrong_answer(solution, answer))
            report = ws.autograde(assignment, student)
            if report.error:
                problems.append(f"{answer.path.name}: grading failed: {report.error}")
                continue
            for grade_id in answer.loses:
                with_visible = report.cell(grade_id)
                if not with_visible.full_marks:
                    problems.append(f"{answer.path.name} is declared 'caught-by: hidden' but the "
                                    f"visible tests already fail it: "
                                    f"{_describe_score(report, grade_id)}")
    return problems


def run_gate(layout: Layout, assignments: list[str] | None = None, *,
             emit: Callable[[Check], None] | None = None) -> GateResult:
    """Run the gate for ``assignments`` (default: all in ``solutions/``)."""
    start = time.perf_counter()
    result = GateResult()
    emit = emit or (lambda check: None)
    names = [layout.require(a) for a in assignments] if assignments else layout.assignments()
    if not layout.has_solutions():
        raise GradingError(f"{layout.solutions} has no assignments; the gate needs the sources.")
    if not assignments:
        problems = [f"exercises/{s} has no solutions/{s}; run `course release`"
                    for s in stale_exercises(layout)]
        if layout.header.exists():
            try:
                problems += lint_clean(read_notebook(layout.header), "solutions/header.ipynb")
            except GradingError as error:
                problems.append(str(error))
        check = Check("course", "the shared header is clean; every exercise has its source",
                      not problems, problems)
        result.checks.append(check)
        emit(check)
    for assignment in names:
        result.checks += gate_assignment(layout, assignment, emit)
    result.seconds = time.perf_counter() - start
    return result
