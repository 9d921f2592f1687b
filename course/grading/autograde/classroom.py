"""Grade a class: collect submissions, autograde them, make feedback, tabulate grades.

Grading happens in the instructor's **grading folder** (default ``~/scored-grading``), an
nbgrader course directory kept outside the repository: submissions are *copied* into its
``submitted/``, nbgrader writes ``autograded/``, ``feedback/`` and ``gradebook.db`` there,
and the folder's own ``nbgrader_config.py`` lets formgrader open it for the written answers.
The submissions folder itself is only read.
"""

from __future__ import annotations

import ast
import dataclasses
import re
import shutil
from collections.abc import Callable
from pathlib import Path

from ..layout import GradingError, Layout, check_outside
from ..notebooks import graded_cells, read_notebook
from ..results.feedback import accessible_page
from ..workspace import GradeReport, Workspace
from .collect import Collected, Submission, collect_submissions  # noqa: F401

CONFIG_TEMPLATE = '''\
"""nbgrader configuration of a Scored grading folder (written by `course autograde`).

This folder is an nbgrader course directory kept outside the course repository, so that
student work and the gradebook never enter git. Run `jupyter lab` here and open formgrader
to grade the written answers by hand. It uses a copy of the course's own configuration,
course_config.py beside this file (refreshed by every `course` command that uses this folder),
so it keeps working if the course folder moves.
"""
c = get_config()  # noqa: F821
load_subconfig("course_config.py")  # noqa: F821
c.CourseDirectory.root = {root!r}
c.CourseDirectory.db_url = {db_url!r}
'''


class GradingFolder:
    """The instructor's nbgrader course directory for grading, outside the repository."""

    def __init__(self, path: Path, layout: Layout, *, create: bool = True,
                 db_url: str | None = None):
        self.layout = layout
        self.path = check_outside(Path(path), layout, "the grading folder")
        if not self.path.exists() and not create:
            raise GradingError(f"the grading folder {self.path} does not exist; run "
                               "`course autograde` first (or pass --grading-dir).")
        if self.path.exists() and not self.path.is_dir():
            raise GradingError(f"{self.path} is not a folder.")
        ours = (self.path / "gradebook.db").exists() or (
            (self.path / "nbgrader_config.py").exists()
            and "Scored grading folder" in (self.path / "nbgrader_config.py").read_text())
        if self.path.exists() and not ours:
            if not create:
                raise GradingError(f"{self.path} is not a grading folder (it has no gradebook); "
                                   "run `course autograde` first (or pass --grading-dir).")
            if any(self.path.iterdir()):
                raise GradingError(f"{self.path} is neither empty nor a Scored grading folder; "
                                   "choose a new or empty folder for grading.")
        self.path.mkdir(parents=True, exist_ok=True)
        self.db_url = db_url or self._configured_db_url() or \
            f"sqlite:///{self.path / 'gradebook.db'}"
        self._write_config()
        self.ws = Workspace(self.path, layout, db_url=self.db_url)

    def _configured_db_url(self) -> str | None:
        """The gradebook URL this folder was set up with (``--db-url`` is remembered)."""
        config = self.path / "nbgrader_config.py"
        if config.is_file():
            match = re.search(r"^c\.CourseDirectory\.db_url = (.+)$", config.read_text(), re.M)
            if match:
                try:
                    return ast.literal_eval(match.group(1))
                except (ValueError, SyntaxError):
                    return None
        return None

    def _write_config(self) -> None:
        """This folder's nbgrader configuration: a copy of the course's, then its own paths."""
        if not self.layout.config_file.is_file():
            raise GradingError(f"{self.layout.config_file} is missing; it configures nbgrader "
                               "for the course.")
        _write_if_changed(self.path / "course_config.py",
                          self.layout.config_file.read_text(encoding="utf-8"))
        if self.layout.header.is_file():  # the shared header, for formgrader's own generate
            header = self.path / self.layout.header.relative_to(self.layout.root)
            header.parent.mkdir(parents=True, exist_ok=True)
            _write_if_changed(header, self.layout.header.read_text(encoding="utf-8"))
        _write_if_changed(self.path / "nbgrader_config.py",
                          CONFIG_TEMPLATE.format(root=str(self.path), db_url=self.db_url))

    def prepare(self, assignment: str) -> None:
        """Copy the assignment's source in and (re)generate it, updating the gradebook."""
        self.ws.install_source(assignment, self.layout.solutions / assignment)
        self.ws.generate(assignment)

    def notebook_names(self, assignment: str) -> list[str]:
        return [p.stem for p in self.layout.notebooks(assignment)]

    def autograded_students(self, assignment: str) -> list[str]:
        base = self.path / "autograded"
        return sorted(p.name for p in base.iterdir() if (p / assignment).is_dir()) \
            if base.is_dir() else []

    def source_cells(self, assignment: str) -> list:
        folder = self.ws.source(assignment)
        cells = []
        for path in sorted(folder.glob("*.ipynb")):
            cells += [c for c in graded_cells(read_notebook(path))
                      if c.kind in ("autograded", "manual", "task")]
        return cells


def autograde_class(layout: Layout, assignment: str, submissions: Path, grading_dir: Path, *,
                    emit: Callable[[str], None] | None = None, options=None,
                    db_url: str | None = None, progress=None,
                    ) -> tuple[list[GradeReport], Collected]:
    """Autograde every submission found in ``submissions`` into the grading folder.

    Each submission is graded in a worker of its own, its kernel sandboxed (see
    :mod:`course.grading.autograde.batch`); ``options`` (:class:`batch.Options`) sets the number of
    parallel jobs, the sandbox and the limits. One submission that cannot be graded is
    reported and the others go on. Returns the reports; :func:`autograde_outcomes` also gives
    the flags for manual review.
    """
    outcomes, collected = autograde_outcomes(layout, assignment, submissions, grading_dir,
                                             emit=emit, options=options, db_url=db_url,
                                             progress=progress)
    return [o.report for o in outcomes], collected


def autograde_outcomes(layout: Layout, assignment: str, submissions: Path, grading_dir: Path, *,
                       emit: Callable[[str], None] | None = None, options=None,
                       db_url: str | None = None, progress=None):
    """As :func:`autograde_class`, returning :class:`batch.Outcome` records."""
    from ..kernel.sandbox import sandbox_problem
    from .batch import Options, autograde_batch
    from .store import Store

    emit = emit or (lambda line: None)
    options = options or Options()
    layout.require(assignment)
    if not layout.has_solutions():
        raise GradingError("autograding needs the assignment sources in solutions/, which "
                           "this copy of the course does not have.")
    if options.sandbox and sandbox_problem():
        raise GradingError(
            f"grading kernels cannot be sandboxed here: {sandbox_problem()}. Without the "
            "sandbox, student code runs as you and can read and change anything you can; "
            "pass --no-sandbox only if you accept that.")
    source = check_outside(Path(submissions), layout, "the submissions folder",
                           example="~/scored-inbox/ps1")
    folder = GradingFolder(grading_dir, layout, db_url=db_url)
    inbox = folder.path / "submitted"
    if source in (folder.path, inbox) or inbox in source.parents:
        raise GradingError(f"{submissions} is the grading folder's own copy of the "
                           "submissions; point --submissions at the students' original files.")
    collected = collect_submissions(submissions, assignment, folder.notebook_names(assignment))
    unknown = sorted(set(options.regrade) - {"all"} - {s.student for s in collected.submissions})
    if unknown:
        raise GradingError(f"--regrade names {', '.join(unknown)}, who handed in nothing in "
                           f"{submissions}; name students of the submissions folder, or all.")

    def prepare() -> None:  # while the workers start
        folder.prepare(assignment)
        for sub in collected.submissions:  # the grading folder keeps a copy of what was graded
            target = folder.ws.submit(sub.student, assignment, sub.files)
            if sub.timestamp is not None:
                shutil.copyfile(sub.timestamp, target / "timestamp.txt")

    mode = "sandboxed" if options.sandbox else "NOT sandboxed"
    emit(f"autograding {len(collected.submissions)} submission(s) of {assignment} in "
         f"{folder.path} ({options.jobs} at a time, kernels {mode})")
    options = dataclasses.replace(options, hide=[*options.hide, source])

    def line(outcome) -> None:
        report = outcome.report
        if outcome.failed:
            status = f"GRADING FAILED: {report.error}" + (
                f" ({outcome.kept})" if outcome.kept else " (a plain rerun tries again)")
        elif report.error:
            status = f"error: {report.error}"
        else:
            status = f"{report.auto_score:g}/{report.auto_max:g} autograded"
        if outcome.flags:
            status += "  FLAGGED for manual review"
        notes = outcome.notes + (["unchanged since it was last graded"] if outcome.skipped
                                 else [])
        emit(f"  {outcome.student:<24} {status}" + (f"  ({'; '.join(notes)})" if notes else ""))

    outcomes = autograde_batch(layout, assignment, folder.path, folder.db_url,
                               collected.submissions, options, emit=line, progress=progress,
                               prepare=prepare)
    with Store(folder.path, folder.db_url) as store:
        store.record_not_graded(assignment, collected.not_graded)
    for outcome in outcomes:
        if outcome.skipped:
            line(outcome)
    return outcomes, collected


def feedback_class(layout: Layout, assignment: str, grading_dir: Path,
                   students: list[str] | None = None, *, partial: bool = False,
                   ) -> tuple[dict[str, list[Path]], list[str], dict[str, int]]:
    """Make HTML feedback for autograded students (without hidden tests or mark schemes).

    Returns the pages made per student, one message per student whose feedback failed (the
    others are still made), and ``{student: answers not graded yet}`` for the students with
    written answers still to grade by hand: their feedback is not made unless ``partial``
    (then their pages say "not graded yet" for those answers). Late penalties are re-applied
    first, so that pages show them for the hand scores as they are now.
    """
    from ..term.deadlines import reapply_late_penalties

    layout.require(assignment)
    folder = GradingFolder(grading_dir, layout, create=False)
    done = folder.autograded_students(assignment)
    if not done:
        raise GradingError(f"nothing is autograded for {assignment} in {folder.path}; run "
                           "`course autograde` first.")
    if students:
        unknown = sorted(set(students) - set(done))
        if unknown:
            raise GradingError(f"no autograded {assignment} for {', '.join(unknown)} in "
                               f"{folder.path}.")
        done = [s for s in done if s in students]
    awaiting = {}
    with folder.ws.api.gradebook as gb:
        reapply_late_penalties(gb, assignment)
        for student in done:
            try:
                submission = gb.find_submission(assignment, student)
            except Exception:  # nbgrader.api.MissingEntry: reported by generate_feedback
                continue
            count = sum(1 for nb in submission.notebooks for g in nb.grades
                        if g.manual_score is None and g.auto_score is None)
            if count:
                awaiting[student] = count
    made, problems = {}, []
    for student in done:
        if student in awaiting and not partial:
            continue
        try:
            made[student] = folder.ws.generate_feedback(assignment, student)
            for page in made[student]:
                if Path(page).suffix == ".html":
                    html = Path(page).read_text(encoding="utf-8")
                    Path(page).write_text(accessible_page(html), encoding="utf-8")
        except GradingError as error:
            problems.append(f"{student}: {error}")
    return made, problems, awaiting


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
