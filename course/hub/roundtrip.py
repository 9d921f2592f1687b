"""The round trip through nbgrader's exchange: release, collect, and feedback back.

Each step uses nbgrader's own exchange classes (``ExchangeReleaseAssignment``,
``ExchangeCollect``, ``ExchangeReleaseFeedback``) on a temporary nbgrader course folder, so
the exchange looks exactly as nbgrader's Assignments panel expects.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from . import HubError
from .settings import COURSE_ID, Settings


def _config(s: Settings, root: Path, assignment: str, **extra):
    from traitlets.config import Config

    c = Config()
    c.CourseDirectory.root = str(root)
    c.CourseDirectory.course_id = COURSE_ID
    c.CourseDirectory.assignment_id = assignment
    # nbgrader opens a gradebook on collect; keep it in the temporary folder
    c.CourseDirectory.db_url = f"sqlite:///{root / 'exchange-gradebook.db'}"
    c.Exchange.root = str(s.exchange)
    c.Exchange.path_includes_course = False
    for key, value in extra.items():
        section, trait = key.split("__")
        c[section][trait] = value
    return c


def _run(cls, config) -> None:
    from ..grading.workspace import prepare_environment

    prepare_environment()  # nbgrader's alembic on PATH, quiet logs
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange import ExchangeError

    coursedir = CourseDirectory(config=config)
    step = cls(coursedir=coursedir, authenticator=Authenticator(config=config), config=config)
    try:
        step.start()
    except ExchangeError as error:
        raise HubError(f"nbgrader's exchange refused: {error}") from None


def _check_exchange(s: Settings) -> None:
    from .exchange import check_exchange

    problems = check_exchange(s)
    if problems:
        raise HubError("; ".join(problems))


def release(s: Settings, layout, assignment: str) -> Path:
    """Put the student version (``exercises/ASSIGNMENT``) into the exchange's outbound."""
    from nbgrader.exchange.default import ExchangeReleaseAssignment

    assignment = layout.require(assignment)
    source = layout.exercises / assignment
    if not source.is_dir():
        raise HubError(f"{source} does not exist; run `course release {assignment}` first.")
    _check_exchange(s)
    with tempfile.TemporaryDirectory(prefix="scored-release-") as tmp:
        shutil.copytree(source, Path(tmp) / "release" / assignment,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        _run(ExchangeReleaseAssignment,
             _config(s, Path(tmp), assignment, ExchangeReleaseAssignment__force=True))
    return s.exchange / COURSE_ID / "outbound" / assignment


def collect(s: Settings, assignment: str, inbox: Path) -> dict[str, Path]:
    """Copy every student's latest submission, with nbgrader's ``timestamp.txt``, into
    ``inbox/ASSIGNMENT/submitted/STUDENT/ASSIGNMENT/`` (what ``course autograde --submissions
    inbox/ASSIGNMENT`` reads). A submission already collected is updated only when the student
    submitted again (nbgrader's collect compares timestamps); nothing is deleted."""
    from nbgrader.exchange.default import ExchangeCollect

    _check_exchange(s)
    inbox = Path(inbox).expanduser().resolve()
    target = inbox / assignment
    target.mkdir(parents=True, exist_ok=True)
    _run(ExchangeCollect, _config(s, target, assignment, ExchangeCollect__update=True))
    (target / "exchange-gradebook.db").unlink(missing_ok=True)
    submitted = target / "submitted"
    return {p.name: p / assignment for p in sorted(submitted.iterdir())
            if (p / assignment).is_dir()} if submitted.is_dir() else {}


def collect_problems(s: Settings, assignment: str, got: dict[str, Path]) -> list[str]:
    """What the instructor should know about the collected submissions ``got``: a student not
    on the class roster, a notebook renamed or missing. Each says what to do; every submission
    is kept as it came."""
    released = s.exchange / COURSE_ID / "outbound" / assignment
    expected = sorted(p.name for p in released.glob("*.ipynb"))
    roster = set(s.roster())
    problems = []
    for student, folder in got.items():
        if roster and student not in roster:
            problems.append(f"{student} is not on the class roster but submitted {assignment}; "
                            f"the submission is kept in {folder}. Add them to the roster and "
                            "restart the hub (`make hub`), or move that folder out of the "
                            "inbox before grading.")
        have = sorted(p.name for p in folder.glob("*.ipynb"))
        for name in (n for n in expected if n not in have):
            others = [n for n in have if n not in expected]
            if others:
                problems.append(
                    f"{student} submitted {', '.join(others)} but no {name} (renamed?): "
                    f"autograde grades {name} only, so it would count as missing. Rename it in "
                    f"the inbox (mv '{folder / others[0]}' '{folder / name}') and grade, or ask "
                    f"{student} to submit again under the name {name}.")
            else:
                problems.append(f"{student}'s submission has no {name} (it has no notebook "
                                f"at all, in {folder}): ask them to submit it again.")
    return problems


def release_feedback(s: Settings, assignment: str, made: dict[str, list[Path]],
                     inbox: Path) -> list[str]:
    """Put each student's feedback pages into the exchange (nbgrader's release_feedback),
    where only that student finds them: nbgrader names each page by a hash of the student's
    own submission secret, which ``inbox`` holds beside each collected submission. Returns the
    students whose feedback was released."""
    from nbgrader.exchange.default import ExchangeReleaseFeedback

    collected = Path(inbox).expanduser().resolve() / assignment / "submitted"
    released, missing = [], []
    with tempfile.TemporaryDirectory(prefix="scored-feedback-") as tmp:
        for student, pages in made.items():
            source = collected / student / assignment
            if not (source / "submission_secret.txt").exists():
                missing.append(student)
                continue
            folder = Path(tmp) / "feedback" / student / assignment
            folder.mkdir(parents=True)
            for page in pages:
                shutil.copyfile(page, folder / Path(page).name)
            for name in ("timestamp.txt", "submission_secret.txt"):
                shutil.copyfile(source / name, folder / name)
            released.append(student)
        if released:
            _run(ExchangeReleaseFeedback, _config(s, Path(tmp), assignment))
    if missing:
        raise HubError(f"no collected submission in {collected} for {', '.join(missing)}: "
                       "their feedback cannot be released through the exchange (it was "
                       "written; hand it over another way, or collect with `course hub "
                       "collect` and grade again).")
    return released
