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
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..layout import STUDENT_ID, GradingError, Layout, check_outside, check_student_id
from ..results.feedback import accessible_page
from ..notebooks import graded_cells, read_notebook
from ..workspace import GradeReport, Workspace

CONFIG_TEMPLATE = '''\
"""nbgrader configuration of a Scored grading folder (written by `course autograde`).

This folder is an nbgrader course directory kept outside the course repository, so that
student work and the gradebook never enter git. Run `jupyter lab` here and open formgrader
to grade the written answers by hand. It uses the course's own configuration:
"""
c = get_config()  # noqa: F821
load_subconfig({config!r})  # noqa: F821
c.CourseDirectory.root = {root!r}
c.CourseDirectory.db_url = {db_url!r}
'''


@dataclass
class Submission:
    """One student's notebooks for one assignment, where they were found."""

    student: str
    files: dict[str, Path]  # notebook name in the assignment -> submitted file
    timestamp: Path | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Collected:
    submissions: list[Submission] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # files that could not be used
    #: Students whose submission could not be used, with the reason (kept in the gradebook,
    #: so that ``course grades`` lists them instead of losing them)
    not_graded: dict[str, str] = field(default_factory=dict)


def _skipped(reason) -> str:
    return f"{str(reason).rstrip('.')}; skipped"


def _student_of(entry: Path) -> str | None:
    """The student a file or folder in the submissions folder belongs to, if it says."""
    name = entry.stem if entry.is_file() else entry.name
    return name if STUDENT_ID.match(name) and (entry.is_dir() or entry.suffix == ".ipynb") \
        else None


def collect_submissions(folder: Path, assignment: str, notebook_names: list[str]) -> Collected:
    """Find the submissions for ``assignment`` in ``folder``, reading but never changing it.

    Two layouts are understood, and may be mixed: nbgrader's
    ``<student>/<assignment>/<notebook>.ipynb`` (``folder`` may also be the parent of a
    ``submitted/`` folder), and a flat folder of ``<student>.ipynb`` files (for one-notebook
    assignments). A notebook with another name is accepted when it is the student's only one.
    """
    folder = Path(folder).expanduser()
    if not folder.exists():
        raise GradingError(f"the submissions folder {folder} does not exist.")
    if not folder.is_dir():
        raise GradingError(f"{folder} is not a folder; --submissions takes the folder that "
                           "holds the students' notebooks.")
    if (folder / "submitted").is_dir():
        folder = folder / "submitted"
    found = Collected()
    by_student: dict[str, Submission] = {}

    origins: dict[str, str] = {}

    def add(sub: Submission, origin: str) -> None:
        if sub.student in by_student:
            by_student[sub.student].notes.append(f"{origin} was ignored: a second submission")
            found.problems.append(
                f"{origin}: a second submission from {sub.student}; skipped "
                f"({origins[sub.student]} is graded; remove the copy you do not want graded and "
                "run again)")
        else:
            by_student[sub.student] = sub
            origins[sub.student] = origin

    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        try:
            if entry.is_file():
                if entry.suffix != ".ipynb":
                    found.problems.append(_skipped(f"{entry.name}: not a notebook (.ipynb)"))
                    continue
                if len(notebook_names) != 1:
                    found.problems.append(_skipped(
                        f"{entry.name}: {assignment} has {len(notebook_names)} notebooks, so "
                        "use the <student>/<assignment>/ layout"))
                    continue
                student = check_student_id(entry.stem, entry.name)
                read_notebook(entry)
                add(Submission(student, {f"{notebook_names[0]}.ipynb": entry}), entry.name)
            elif entry.is_dir():
                sub = _collect_student(entry, assignment, notebook_names)
                if sub is not None:
                    add(sub, f"{entry.name}/")
        except GradingError as error:
            reason = str(error).replace(f"{folder}{os.sep}", "")  # names as in the folder
            found.problems.append(_skipped(reason))
            student = _student_of(entry)
            if student is not None:
                found.not_graded[student] = reason
    found.submissions = [by_student[s] for s in sorted(by_student)]
    for student in by_student:  # another copy of theirs was fine
        found.not_graded.pop(student, None)
    if not found.submissions:
        detail = f" ({'; '.join(found.problems)})" if found.problems else ""
        raise GradingError(
            f"no submissions for {assignment} in {folder}: expected <student>/{assignment}/"
            f"<notebook>.ipynb folders or <student>.ipynb files{detail}.")
    return found


def _collect_student(folder: Path, assignment: str, names: list[str]) -> Submission | None:
    student = check_student_id(folder.name, f"{folder.name}/")
    inner = folder / assignment
    if not inner.is_dir():
        others = [p.name for p in folder.iterdir() if p.is_dir()]
        if not others and not any(folder.glob("*.ipynb")):
            return None  # an empty folder: nothing to report
        raise GradingError(f"{folder.name}/ has no {assignment}/ folder")
    notebooks = sorted(p for p in inner.glob("*.ipynb") if not p.name.startswith("."))
    for path in notebooks:
        read_notebook(path)
    sub = Submission(student, {}, timestamp=inner / "timestamp.txt"
                     if (inner / "timestamp.txt").is_file() else None)
    wanted = {f"{n}.ipynb" for n in names}
    for path in notebooks:
        if path.name in wanted:
            sub.files[path.name] = path
    if not sub.files and len(notebooks) == 1 and len(names) == 1:
        sub.files[f"{names[0]}.ipynb"] = notebooks[0]
        sub.notes.append(f"graded {notebooks[0].name} as {names[0]}.ipynb")
    extra = [p.name for p in notebooks if p not in sub.files.values()]
    if extra:
        sub.notes.append(f"ignored {', '.join(extra)} (not part of {assignment})")
    if not sub.files:
        raise GradingError(f"{folder.name}/{assignment}/ holds no notebook of the assignment "
                           f"(expected {', '.join(sorted(wanted))})")
    return sub


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
        text = CONFIG_TEMPLATE.format(config=str(self.layout.config_file), root=str(self.path),
                                      db_url=self.db_url)
        target = self.path / "nbgrader_config.py"
        if not target.exists() or target.read_text() != text:
            target.write_text(text)

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
    from .batch import Options, autograde_batch, record_not_graded
    from ..kernel.sandbox import sandbox_problem

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
        status = f"error: {report.error}" if report.error else \
            f"{report.auto_score:g}/{report.auto_max:g} autograded"
        if outcome.flags:
            status += "  FLAGGED for manual review"
        notes = outcome.notes + (["unchanged since it was last graded"] if outcome.skipped
                                 else [])
        emit(f"  {outcome.student:<24} {status}" + (f"  ({'; '.join(notes)})" if notes else ""))

    outcomes = autograde_batch(layout, assignment, folder.path, folder.db_url,
                               collected.submissions, options, emit=line, progress=progress)
    record_not_graded(folder.db_url, assignment, collected.not_graded)
    for outcome in outcomes:
        if outcome.skipped:
            line(outcome)
    return outcomes, collected


def feedback_class(layout: Layout, assignment: str, grading_dir: Path,
                   students: list[str] | None = None,
                   ) -> tuple[dict[str, list[Path]], list[str]]:
    """Make HTML feedback for autograded students (without hidden tests or mark schemes).

    Returns the pages made per student, and one message per student whose feedback failed
    (the others are still made).
    """
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
    made, problems = {}, []
    for student in done:
        try:
            made[student] = folder.ws.generate_feedback(assignment, student)
            for page in made[student]:
                if Path(page).suffix == ".html":
                    html = Path(page).read_text(encoding="utf-8")
                    Path(page).write_text(accessible_page(html), encoding="utf-8")
        except GradingError as error:
            problems.append(f"{student}: {error}")
    return made, problems
