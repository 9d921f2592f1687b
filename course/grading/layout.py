"""Where things are: the course repository, its assignments, and the instructor's grading folder."""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass
from pathlib import Path


class GradingError(Exception):
    """A problem with what the user asked for, reported as one line (no traceback)."""


#: Student ids become folder names and gradebook keys: keep them plain.
STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,63}$")


@dataclass(frozen=True)
class Layout:
    """The parts of a course repository that grading uses.

    Parameters
    ----------
    root : Path
        The repository: it holds ``nbgrader_config.py``, ``solutions/`` and ``exercises/``.
    """

    root: Path

    @property
    def config_file(self) -> Path:
        return self.root / "nbgrader_config.py"

    @property
    def solutions(self) -> Path:
        return self.root / "solutions"

    @property
    def exercises(self) -> Path:
        return self.root / "exercises"

    @property
    def header(self) -> Path:
        return self.solutions / "header.ipynb"

    @property
    def wrong_answers(self) -> Path:
        return self.root / "tests" / "wrong_answers"

    def has_solutions(self) -> bool:
        return self.solutions.is_dir() and bool(assignments_in(self.solutions))

    def assignments(self) -> list[str]:
        """The assignments, from ``solutions/`` (or ``exercises/`` in a student edition)."""
        return assignments_in(self.solutions if self.has_solutions() else self.exercises)

    def require(self, assignment: str) -> str:
        """Return ``assignment`` if it exists, else raise a :class:`GradingError` that helps."""
        known = self.assignments()
        if assignment in known:
            return assignment
        close = difflib.get_close_matches(assignment, known, n=1, cutoff=0.4)
        if not close:  # "ps1" should find "ps1-build-the-score"
            close = [a for a in known if a.startswith(assignment)][:1]
        hint = f" Did you mean {close[0]!r}?" if close else ""
        listing = ", ".join(known) if known else "none (solutions/ is empty)"
        raise GradingError(f"there is no assignment called {assignment!r}.{hint} "
                           f"The assignments are: {listing}.")

    def notebooks(self, assignment: str, *, released: bool = False) -> list[Path]:
        """The notebooks of one assignment, in ``solutions/`` or ``exercises/``."""
        folder = (self.exercises if released else self.solutions) / assignment
        return sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))


def assignments_in(folder: Path) -> list[str]:
    """Names of the sub-folders of ``folder`` that hold at least one notebook."""
    if not folder.is_dir():
        return []
    return sorted(
        p.name for p in folder.iterdir()
        if p.is_dir() and not p.name.startswith((".", "_")) and any(p.glob("*.ipynb"))
    )


def is_course_folder(path: Path) -> bool:
    """Whether ``path`` is a course folder: nbgrader_config.py, and solutions/ or exercises/."""
    return (path / "nbgrader_config.py").is_file() and (
        (path / "solutions").is_dir() or (path / "exercises").is_dir())


def locate_course(root: str | Path | None = None) -> tuple[Layout, str]:
    """Locate the course folder, and say why it is that one.

    In order: ``root`` if given (``--root``), the ``SCORED_ROOT`` environment variable, the
    course folder you are in (the current folder or one above it), then the checkout this
    package was installed from.
    """
    if root is not None or os.environ.get("SCORED_ROOT"):
        given = Path(root if root is not None else os.environ["SCORED_ROOT"])
        why = "--root" if root is not None else "SCORED_ROOT"
        candidate = given.expanduser().resolve()
        if is_course_folder(candidate):
            return Layout(candidate), why
        raise GradingError(
            f"{candidate} ({why}) is not a Scored course folder (it needs nbgrader_config.py "
            "and solutions/ or exercises/); point it at the course folder.")
    here = Path.cwd().resolve()
    for candidate in (here, *here.parents):
        if is_course_folder(candidate):
            return Layout(candidate), "the folder you are in"
    installed = Path(__file__).resolve().parents[2]
    if is_course_folder(installed):
        return Layout(installed), "the checkout this package was installed from"
    raise GradingError(
        f"{here} is not in a Scored course folder (one with nbgrader_config.py and solutions/ "
        "or exercises/); run the command inside the course folder, or pass --root or set "
        "SCORED_ROOT.")


def find_layout(root: str | Path | None = None) -> Layout:
    """The course folder (see :func:`locate_course`)."""
    return locate_course(root)[0]


def default_grading_dir() -> Path:
    """The instructor's grading folder: ``$SCORED_GRADING_DIR`` or ``~/scored-grading``."""
    return Path(os.environ.get("SCORED_GRADING_DIR") or Path.home() / "scored-grading")


def grading_dir(given: str | Path | None = None) -> Path:
    """The grading folder a command uses: the one ``given`` (``--grading-dir``, ``~``
    expanded), else :func:`default_grading_dir`."""
    return Path(given).expanduser() if given else default_grading_dir()


def check_outside(path: Path, layout: Layout, what: str, *,
                  example: str = "~/scored-grading") -> Path:
    """Refuse a folder for student data that lies inside the repository (it could enter git)."""
    path = path.expanduser().resolve()
    if path == layout.root or layout.root in path.parents:
        raise GradingError(
            f"{what} {path} is inside the course repository; student work and gradebooks must "
            f"never enter git. Choose a folder outside it (e.g. {example}).")
    return path


def check_student_id(student: str, origin: str) -> str:
    """Return ``student`` if it is a plain id, else raise a :class:`GradingError`."""
    if not STUDENT_ID.match(student):
        raise GradingError(
            f"{origin}: {student!r} is not a usable student id (letters, digits and _ . @ + -, "
            "starting with a letter or digit); rename it.")
    return student
