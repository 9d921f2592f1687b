"""Find the submissions of one assignment in an inbox folder, reading but never changing it.

Two layouts are understood, and may be mixed: nbgrader's
``<student>/<assignment>/<notebook>.ipynb`` (with nbgrader's ``timestamp.txt``; the folder may
also be the parent of a ``submitted/`` folder, as an exchange collection is), and a flat folder
of ``<student>.ipynb`` files (for one-notebook assignments). What cannot be used is listed,
with what to do, and the others are collected anyway.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..layout import STUDENT_ID, GradingError, check_student_id
from ..notebooks import read_notebook


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
