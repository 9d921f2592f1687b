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

Every grading goes through the same function as ``course autograde`` (the guard, and the
bubblewrap sandbox wherever it is available), all of them on one pool of long-lived workers
(``jobs`` at a time), so what the gate proves is what students get. All grading happens in
temporary folders; the repository is only read.

The wrong answers' format is described in :mod:`course.grading.authoring.wrong_answers`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..autograde.batch import (
    Grader,
    Options,
    Progress,
    kernel_hide,
    report_of,
    scratch_folder,
)
from ..layout import GradingError, Layout
from ..notebooks import HIDDEN_TESTS, graded_cells, read_notebook
from ..workspace import GradeReport, Workspace
from .lint import lint_assignment, lint_clean
from .release import (
    assignment_secrets,
    compare_release,
    files_under,
    generate,
    leaks_in_files,
    stale_exercises,
)
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


def default_jobs() -> int:
    """How many gradings the gate runs at once: one per core, at most 8."""
    return max(1, min(8, os.cpu_count() or 1))


def gate_grader(layout: Layout, scratch: Path, jobs: int | None = None) -> Grader:
    """The grader the gate uses: autograde's, sandboxed wherever the sandbox works."""
    from ..kernel.sandbox import sandbox_problem

    options = Options(jobs=jobs or default_jobs(), sandbox=sandbox_problem() is None)
    return Grader(layout, options, scratch, hide=kernel_hide(layout))


@dataclass
class _Plan:
    """One assignment's gate: the checks done so far and the gradings still to do."""

    assignment: str
    checks: list[Check]
    autograded: list[str] = field(default_factory=list)
    wrong: list[WrongAnswer] = field(default_factory=list)
    solution: dict = field(default_factory=dict)
    generated: Path | None = None
    jobs: dict[str, str] = field(default_factory=dict)  # job id -> what it grades
    reports: dict[str, GradeReport] = field(default_factory=dict)
    flags: dict[str, list[str]] = field(default_factory=dict)
    unusable: list[str] = field(default_factory=list)  # wrong answers that do not apply
    shortcuts: list[WrongAnswer] = field(default_factory=list)  # declared caught-by: hidden
    shortcut_problems: list[str] = field(default_factory=list)

    def record(self, name: str, problems: list[str]) -> None:
        self.checks.append(Check(self.assignment, name, not problems, problems))


def _inputs(scratch: Path, student: str, notebooks: dict) -> dict[str, Path]:
    """Write notebooks to be graded as files a job can name."""
    folder = scratch / "inputs" / student
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, content in notebooks.items():
        if isinstance(content, (str, Path)):
            files[name] = Path(content)
        else:
            nbformat.write(content, folder / name)
            files[name] = folder / name
    return files


def _plan(layout: Layout, assignment: str, ws: Workspace, grader: Grader, scratch: Path,
          jobs: list) -> _Plan:
    """The checks that need no grading, and the jobs that the rest need."""
    plan = _Plan(assignment, [])
    problems, summary = lint_assignment(layout, assignment)
    points = (f"{len(summary.get('autograded', []))} autograded questions, "
              f"{summary.get('auto_points', 0):g} + {summary.get('manual_points', 0):g} "
              "manual points") if summary else "unreadable"
    plan.record(f"sources are well formed ({points})", problems)
    if not summary:
        return plan
    try:
        plan.wrong = load_wrong_answers(layout, assignment)
    except GradingError as error:
        plan.record("wrong answers are readable", [str(error)])
    label = f"exercises/{assignment}"
    try:
        plan.generated = generate(layout, ws, assignment)
    except GradingError as error:
        plan.record("nbgrader generates the release", [str(error)])
        return plan
    plan.record(f"{label} equals a fresh generation",
                compare_release(plan.generated, layout.exercises / assignment, label))
    plan.record(f"no solution, hidden test or mark scheme text in {label}",
                leaks_in_files(assignment_secrets(layout, assignment),
                               files_under(layout.exercises / assignment), label))
    plan.solution = {p.name: read_notebook(p) for p in layout.notebooks(assignment)}
    plan.autograded = summary["autograded"]

    def add(what: str, student: str, notebooks: dict) -> None:
        job = grader.job(assignment, student, _inputs(scratch / assignment, student, notebooks))
        plan.jobs[job.id] = what
        jobs.append(job)

    add("solution", "solution", {p.name: p for p in layout.notebooks(assignment)})
    add("blank", "blank", {p.name: p for p in sorted(plan.generated.glob("*.ipynb"))})
    for answer in plan.wrong:
        try:
            notebooks = apply_wrong_answer(plan.solution, answer)
        except GradingError as error:
            plan.unusable.append(str(error))
            continue
        add(f"wrong:{answer.name}", f"wrong-{answer.name}".replace("_", "-"), notebooks)
    return plan


def _judge(plan: _Plan) -> list:
    """The checks that need grades; returns the shortcuts to grade against the release."""
    solution, blank = plan.reports.get("solution"), plan.reports.get("blank")
    if solution is None or blank is None:
        return []
    problems = [solution.error] if solution.error else [
        _describe_score(solution, c.grade_id) for c in solution.autograded if not c.full_marks]
    problems += [f"the grading guard flagged the solution: {f}"
                 for f in plan.flags.get("solution", [])]
    plan.record(f"solution scores full marks ({solution.auto_score:g}/{solution.auto_max:g} "
                "autograded)", problems)
    problems = [blank.error] if blank.error else [
        _describe_score(blank, c.grade_id) for c in blank.autograded
        if c.score is None or c.score > 0]
    plan.record("blank release scores zero on every autograded question", problems)

    problems, caught, reports = list(plan.unusable), set(), {}
    for answer in plan.wrong:
        report = plan.reports.get(f"wrong:{answer.name}")
        if report is None:
            continue
        reports[answer.name] = report
        if report.error:
            problems.append(f"{answer.path.name}: grading failed: {report.error}")
            continue
        for grade_id in answer.loses:
            if grade_id not in plan.autograded:
                problems.append(f"{answer.path.name}: {grade_id!r} is not an autograded "
                                "question")
                continue
            cell = report.cell(grade_id)
            if cell.score is None or cell.score > 0:
                problems.append(f"{answer.path.name} ({answer.description}) does not lose "
                                f"{_describe_score(report, grade_id)}")
            else:
                caught.add(grade_id)
    for grade_id in plan.autograded:
        if grade_id not in caught:
            problems.append(f"no wrong answer in tests/wrong_answers/{plan.assignment}/ loses "
                            f"{grade_id}")
    plan.record(f"wrong answers lose their points ({len(reports)} graded; "
                f"{len(caught)}/{len(plan.autograded)} questions caught)", problems)
    shortcuts = [a for a in plan.wrong if a.hidden_only and a.name in reports
                 and not reports[a.name].error]
    plan.shortcuts = shortcuts
    if not shortcuts:
        return []
    plan.shortcut_problems, unsure = _visible_from_tracebacks(plan.solution, shortcuts, reports)
    return unsure


def gate_assignment(layout: Layout, assignment: str,
                    emit: Callable[[Check], None]) -> list[Check]:
    """Run every gate check for one assignment, emitting each result as it is known."""
    result = run_gate(layout, [assignment], emit=emit, header=False)
    return result.checks


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
                  shortcuts: list[WrongAnswer], grader: Grader | None = None) -> list[str]:
    """Grade shortcuts against the release (visible tests only): they must pass there."""
    problems = []
    with scratch_folder() as tmp:
        grader = grader or gate_grader(layout, Path(tmp))
        jobs, answers = [], {}
        for answer in shortcuts:
            student = f"visible-{answer.name}".replace("_", "-")
            files = _inputs(Path(tmp) / "visible", student,
                            apply_wrong_answer(solution, answer))
            job = grader.job(assignment, student, files, source=generated, header=False)
            jobs.append(job)
            answers[job.id] = answer
        for result in grader.run(jobs):
            answer, report = answers[result.job_id], report_of(assignment, result)
            if report.error:
                problems.append(f"{answer.path.name}: grading failed: {report.error}")
                continue
            for grade_id in answer.loses:
                if not report.cell(grade_id).full_marks:
                    problems.append(f"{answer.path.name} is declared 'caught-by: hidden' but the "
                                    f"visible tests already fail it: "
                                    f"{_describe_score(report, grade_id)}")
    return problems


def run_gate(layout: Layout, assignments: list[str] | None = None, *,
             emit: Callable[[Check], None] | None = None, jobs: int | None = None,
             header: bool = True, progress: bool = False) -> GateResult:
    """Run the gate for ``assignments`` (default: all in ``solutions/``).

    The gradings of all the assignments share one pool of ``jobs`` workers; each
    assignment's checks are emitted when its gradings are done.
    """
    start = time.perf_counter()
    result = GateResult()
    emit = emit or (lambda check: None)
    names = [layout.require(a) for a in assignments] if assignments else layout.assignments()
    if not layout.has_solutions():
        raise GradingError(f"{layout.solutions} has no assignments; the gate needs the sources.")
    if not assignments and header:
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
    with scratch_folder() as tmp:
        scratch = Path(tmp)
        grader = gate_grader(layout, scratch, jobs)
        ws = Workspace(scratch / "generated", layout)
        todo: list = []
        plans = [_plan(layout, a, ws, grader, scratch, todo) for a in names]
        owner = {job_id: plan for plan in plans for job_id in plan.jobs}
        bar = Progress(len(todo)) if progress else None
        with grader:
            for res in grader.run(todo):
                plan = owner[res.job_id]
                what = plan.jobs[res.job_id]
                plan.reports[what] = report_of(plan.assignment, res)
                plan.flags[what] = list(res.flags)
                if bar:
                    bar.update(not res.ok)
            for plan in plans:
                unsure = _judge(plan)
                if plan.shortcuts:
                    problems = list(plan.shortcut_problems)
                    if unsure:
                        problems += _visible_only(layout, plan.assignment, plan.generated,
                                                  plan.solution, unsure, grader)
                    plan.record(f"hidden tests catch what the visible tests let pass "
                                f"({len(plan.shortcuts)} shortcuts)", problems)
                for check in plan.checks:
                    emit(check)
                result.checks += plan.checks
    result.seconds = time.perf_counter() - start
    return result
