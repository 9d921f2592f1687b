"""nbgrader course directories, driven through ``nbgrader.apps.NbGraderAPI``.

A :class:`Workspace` is one nbgrader course directory: a temporary one (the gate, ``course
check``, ``course release``) or the instructor's grading folder (``course autograde``). It
loads the repository's ``nbgrader_config.py`` and points nbgrader at its own root and its own
gradebook, so that grading never writes into the repository.

:func:`grade_in_temporary_course` grades one submission in a course directory of its own; it
is the unit that a later sandbox (one kernel per bubblewrap jail) or a parallel runner can
wrap.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import re
import shutil
import sys
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import nbformat

from .layout import GradingError, Layout
from .notebooks import cell_kind, cell_label, nbgrader_meta
from .results.reports import CellResult, GradeReport, answer_problem, cell_messages, failed_line


@functools.cache
def prepare_environment() -> None:
    """Make nbgrader usable from a plain ``.venv/bin/course`` call, once per process.

    nbgrader runs the ``alembic`` command to stamp each new gradebook, and kernels are
    started as ``python``: both must come from this environment even when it is not
    activated. The stamp is the same for every gradebook, so it is computed once.
    """
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    import nbgrader.api

    original = nbgrader.api.get_alembic_version
    nbgrader.api.get_alembic_version = functools.cache(lambda: _alembic_head() or original())
    # nbgrader's SQLAlchemy use warns on every autograde; it is not the user's concern
    warnings.filterwarnings("ignore", module=r"nbgrader(\.|$)")
    warnings.filterwarnings("ignore", message=r".*not in session.*")
    for name in ("traitlets", "nbgrader", "NbGraderAPI"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _alembic_head() -> str | None:
    """The head revision of nbgrader's gradebook schema, read from its migration scripts.

    nbgrader stamps each new gradebook by running ``alembic heads`` in a subprocess, which
    takes seconds; the scripts state their revisions plainly, so read them instead. Returns
    None (and nbgrader's own way is used) if the history is not a single line.
    """
    from nbgrader.dbutil import ALEMBIC_DIR

    revisions, parents = set(), set()
    for script in (Path(ALEMBIC_DIR) / "versions").glob("*.py"):
        text = script.read_text(encoding="utf-8")
        revision = re.search(r"^revision\s*=\s*['\"](\w+)['\"]", text, re.M)
        parent = re.search(r"^down_revision\s*=\s*(?:['\"](\w+)['\"]|None)", text, re.M)
        if not revision or not parent:
            return None
        revisions.add(revision.group(1))
        if parent.group(1):
            parents.add(parent.group(1))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def load_config(layout: Layout):
    """The repository's nbgrader configuration, as a traitlets ``Config``."""
    from traitlets.config.loader import PyFileConfigLoader

    if not layout.config_file.is_file():
        raise GradingError(f"{layout.config_file} is missing; it configures nbgrader for "
                           "the course.")
    return PyFileConfigLoader(layout.config_file.name, path=str(layout.root)).load_config()


class Workspace:
    """One nbgrader course directory at ``root``, with its own gradebook.

    Parameters
    ----------
    root : Path
        The course directory (created if missing).
    layout : Layout
        The repository whose ``nbgrader_config.py`` is used.
    header : bool
        Whether generating an assignment adds the shared header notebook (True for
        ``solutions/`` sources; False when a released notebook serves as the source).
    db_url : str, optional
        The gradebook (default: ``gradebook.db`` in ``root``); any SQLAlchemy URL nbgrader
        accepts, e.g. ``postgresql://...``.
    extra_config : dict, optional
        ``{section: {trait: value}}`` set over the repository's configuration.
    """

    def __init__(self, root: Path, layout: Layout, *, header: bool = True,
                 db_url: str | None = None, extra_config: dict | None = None):
        prepare_environment()
        from nbgrader.apps import NbGraderAPI
        from nbgrader.coursedir import CourseDirectory

        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self.layout = layout
        config = load_config(layout)
        config.CourseDirectory.root = str(self.root)
        config.CourseDirectory.db_url = db_url or f"sqlite:///{self.root / 'gradebook.db'}"
        config.Exchange.root = str(self.root / "exchange")  # never used, never created
        config.NbGraderAPI.log_level = "ERROR"
        if not header:
            config.IncludeHeaderFooter.header = ""
        for section, values in (extra_config or {}).items():
            for key, value in values.items():
                config[section][key] = value
        self.config = config
        coursedir = CourseDirectory(config=config)
        self.source_name = coursedir.source_directory
        self.release_name = coursedir.release_directory
        with _quiet_logs():
            self.api = NbGraderAPI(coursedir=coursedir, config=config)

    # -- folders --------------------------------------------------------------------------
    def source(self, assignment: str) -> Path:
        return self.root / self.source_name / assignment

    def release(self, assignment: str) -> Path:
        return self.root / self.release_name / assignment

    def submitted(self, student: str, assignment: str) -> Path:
        return self.root / "submitted" / student / assignment

    def autograded(self, student: str, assignment: str) -> Path:
        return self.root / "autograded" / student / assignment

    def feedback_dir(self, student: str, assignment: str) -> Path:
        return self.root / "feedback" / student / assignment

    # -- steps ----------------------------------------------------------------------------
    def install_source(self, assignment: str, folder: Path) -> None:
        """Copy an assignment's source folder (solutions, or a release) into this course."""
        target = self.source(assignment)
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(folder, target, ignore=shutil.ignore_patterns(
            ".ipynb_checkpoints", "__pycache__", "*.pyc", ".DS_Store"))

    def generate(self, assignment: str) -> Path:
        """Run nbgrader's generate_assignment; return the release folder."""
        with _quiet_logs():
            result = self.api.generate_assignment(assignment)
        _raise_on_failure(result, f"generating {assignment}")
        return self.release(assignment)

    def submit(self, student: str, assignment: str, notebooks: dict[str, object]) -> Path:
        """Place a submission: ``{notebook file name: path or NotebookNode}``."""
        folder = self.submitted(student, assignment)
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        for name, content in notebooks.items():
            target = folder / name
            if isinstance(content, (str, Path)):
                shutil.copyfile(content, target)
            else:
                nbformat.write(content, target)
        return folder

    def autograde(self, assignment: str, student: str) -> GradeReport:
        """Autograde one placed submission with nbgrader and report every graded cell."""
        with _quiet_logs():
            result = self.api.autograde(assignment, student)
        if not result.get("success"):
            return GradeReport(assignment, student, error=_failure_line(result))
        return self.report(assignment, student)

    def report(self, assignment: str, student: str) -> GradeReport:
        """Read one submission's grades from the gradebook and messages from its notebooks."""
        report = GradeReport(assignment, student)
        with self.api.gradebook as gb:
            submission = gb.find_submission(assignment, student)
            for notebook in sorted(submission.notebooks, key=lambda n: n.name):
                grades = {g.name: g for g in notebook.grades}
                path = self.autograded(student, assignment) / f"{notebook.name}.ipynb"
                nb = nbformat.read(path, as_version=4) if path.exists() else None
                seen = set()
                causes: list[str] = []  # answer cells that failed since the last test
                for cell in nb.cells if nb is not None else []:
                    meta = nbgrader_meta(cell)
                    grade_id = meta.get("grade_id")
                    kind = cell_kind(cell)
                    if cell.cell_type == "code" and meta.get("solution") and \
                            not meta.get("grade"):
                        problem = answer_problem(cell)
                        causes += [problem] if problem else []
                        continue
                    if grade_id not in grades or kind not in ("autograded", "manual", "task"):
                        continue
                    seen.add(grade_id)
                    result = self._cell_result(grades[grade_id], kind, cell)
                    if kind == "autograded":
                        if not result.full_marks:
                            result.messages[:0] = causes
                        causes = []
                    report.cells.append(result)
                for name, grade in grades.items():  # a notebook that was not submitted
                    if name not in seen:
                        kind = "autograded" if grade.auto_score is not None and \
                            not grade.needs_manual_grade else "manual"
                        report.cells.append(CellResult(name, kind, name, grade.score,
                                                       float(grade.max_score),
                                                       bool(grade.needs_manual_grade)))
        return report

    @staticmethod
    def _cell_result(grade, kind: str, cell) -> CellResult:
        score = None
        if grade.manual_score is not None or grade.auto_score is not None:
            score = float(grade.score)
        messages = cell_messages(cell) if kind == "autograded" else []
        return CellResult(grade.name, kind, cell_label(cell.source) or grade.name, score,
                          float(grade.max_score), bool(grade.needs_manual_grade), messages,
                          failed_line(cell) if kind == "autograded" else None)

    def generate_feedback(self, assignment: str, student: str) -> list[Path]:
        with _quiet_logs():
            result = self.api.generate_feedback(assignment, student)
        _raise_on_failure(result, f"making feedback for {student}")
        return sorted(self.feedback_dir(student, assignment).glob("*.html"))


@contextlib.contextmanager
def temporary_workspace(layout: Layout, *, header: bool = True) -> Iterator[Workspace]:
    """A :class:`Workspace` in a fresh temporary folder, deleted afterwards."""
    with tempfile.TemporaryDirectory(prefix="scored-grading-") as tmp:
        yield Workspace(Path(tmp) / "course", layout, header=header)


def grade_in_temporary_course(layout: Layout, assignment: str, notebooks: dict[str, object], *,
                              source: Path | None = None, header: bool = True,
                              student: str = "student") -> GradeReport:
    """Grade one submission in a course directory of its own, then delete it.

    Parameters
    ----------
    notebooks : dict
        ``{notebook file name: path or NotebookNode}``, as the assignment names them.
    source : Path, optional
        The assignment's source folder; default ``solutions/<assignment>``.
    header : bool
        Whether the source gets the shared header when generated (False for a release).
    """
    with temporary_workspace(layout, header=header) as ws:
        ws.install_source(assignment, source or layout.solutions / assignment)
        ws.generate(assignment)
        ws.submit(student, assignment, notebooks)
        return ws.autograde(assignment, student)


@contextlib.contextmanager
def _quiet_logs() -> Iterator[None]:
    """Keep nbgrader's log chatter and SQLAlchemy warnings off the user's terminal."""
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            yield
        finally:
            root.setLevel(level)


_EXCEPTION_LINE = re.compile(r"^\s*[A-Za-z_.]*(?:Error|Exception|Exit): (.+)$")


def _failure_line(result: dict) -> str:
    """The most telling line of a failed nbgrader call: the exception that caused it."""
    text = (result.get("log") or "") + "\n" + (result.get("error") or "")
    for line in text.splitlines():
        match = _EXCEPTION_LINE.match(line)
        if match and "see the the above traceback" not in line and \
                "Please see the above" not in line:
            return match.group(1).strip()[:300]
    for line in text.splitlines():
        if line.startswith("[ERROR]"):
            return line.removeprefix("[ERROR]").strip()[:300]
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return lines[-1][:300] if lines else "nbgrader failed without saying why"


def _raise_on_failure(result: dict, what: str) -> None:
    if not result.get("success"):
        raise GradingError(f"nbgrader failed {what}: {_failure_line(result)}")
