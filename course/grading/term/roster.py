"""The class list: read from the LMS's own export, kept in the grading folder's gradebook.

Three formats are read, told apart by their header row:

* a **Canvas** gradebook export: ``Student, ID, SIS User ID, SIS Login ID, Section``, then
  one column per assignment, a ``Points Possible`` row under the header (``Student`` is
  Canvas's sortable name, ``Last, First``);
* a **Moodle** grade export: ``First name, Last name`` (or ``Surname``), ``ID number``,
  ``Email address`` and perhaps ``Username``, then the grade items;
* a plain CSV: ``id,first_name,last_name,email,section``.

Each student is mapped to the id their submissions use (``id_from``): ``login`` by default
(Canvas's SIS Login ID; Moodle's Username, or the part of the email before ``@`` when the
export has no Username; the plain CSV's ``id``), or ``sis`` (SIS User ID / ID number),
``email``, ``lms`` (Canvas's own numeric ID). Names and emails go into nbgrader's ``student``
table (``first_name``, ``last_name``, ``email``, ``lms_user_id``); sections and LMS logins into
``scored_roster`` (:mod:`.tables`).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from ..layout import STUDENT_ID, GradingError
from .tables import ROSTER, ensure_tables

ID_SOURCES = ("login", "sis", "email", "lms")
PLAIN_HEADER = "id,first_name,last_name,email,section"
CANVAS_TEST_STUDENT = "Student, Test"


@dataclass
class RosterEntry:
    """One student of the class list."""

    student: str  # the id their submissions use
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    section: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    lms_id: str = ""
    id_number: str = ""

    @property
    def name(self) -> str:
        return display_name(self.first_name, self.last_name)


@dataclass
class Roster:
    """What :func:`read_roster` found in a file."""

    format: str  # canvas, moodle or csv
    entries: list[RosterEntry]
    notes: list[str] = field(default_factory=list)


def display_name(first: str | None, last: str | None) -> str:
    """``first last``, or whichever is given (a one-part name, e.g. 王小明, is kept whole)."""
    return " ".join(part for part in (first or "", last or "") if part).strip()


def read_text(path: Path, what: str) -> str:
    """A CSV file's text (UTF-8, with or without Excel's byte-order mark), or a clear error."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise GradingError(f"{path} does not exist (or is not a file).")
    data = path.read_bytes()
    if data[:2] == b"PK" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise GradingError(f"{path} is a spreadsheet, not CSV; save or export {what} as CSV "
                           "(UTF-8) and try again.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise GradingError(f"{path} is not UTF-8 text; export {what} again as CSV UTF-8 "
                           "(names with accents or Chinese characters need it).") from None


def _rows(text: str) -> list[list[str]]:
    return [row for row in csv.reader(io.StringIO(text, newline="")) if any(c.strip() for c in row)]


def detect_format(header: list[str]) -> str:
    """``canvas``, ``moodle`` or ``csv`` from a header row, else a :class:`GradingError`."""
    names = {h.strip().lower() for h in header}
    if {"student", "id"} <= names and names & {"sis login id", "sis user id"}:
        return "canvas"
    if "first name" in names and names & {"last name", "surname"} and \
            names & {"email address", "id number"}:
        return "moodle"
    if "id" in names and names & {"first_name", "last_name", "email"}:
        return "csv"
    shown = ", ".join(h.strip() for h in header[:6]) + (", ..." if len(header) > 6 else "")
    raise GradingError(
        f"unknown roster format (its header is: {shown}); give a Canvas gradebook export "
        "(Student, ID, SIS User ID, SIS Login ID, Section, ...), a Moodle grade export (First "
        f"name, Last name, ID number, Email address) or a CSV with the header {PLAIN_HEADER}.")


def read_roster(path: Path, id_from: str = "login") -> Roster:
    """Read a class list (Canvas export, Moodle export or plain CSV); see the module.

    Raises :class:`GradingError`, naming the rows, for a student without a usable id or two
    students with the same one: nothing is imported from a file with such rows.
    """
    if id_from not in ID_SOURCES:
        raise GradingError(f"--id-from must be one of {', '.join(ID_SOURCES)}, not {id_from!r}.")
    rows = _rows(read_text(path, "the class list"))
    if not rows:
        raise GradingError(f"{path} is empty; export the class list again.")
    header = [h.strip() for h in rows[0]]
    kind = detect_format(header)
    col = {h.lower(): i for i, h in enumerate(header)}

    def get(row: list[str], *names: str) -> str:
        for name in names:
            i = col.get(name.lower())
            if i is not None and i < len(row):
                return row[i].strip()
        return ""

    roster = Roster(kind, [])
    problems: list[str] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if kind == "canvas":
            student_cell = get(row, "Student")
            if student_cell == "Points Possible" or not (get(row, "ID") or
                                                         get(row, "SIS Login ID")):
                continue  # Points Possible, Manual Posting and other non-student rows
            if student_cell == CANVAS_TEST_STUDENT:
                roster.notes.append(f"row {number}: Canvas's Test Student was left out")
                continue
            last, _, first = student_cell.partition(", ")
            entry = RosterEntry("", first.strip(), last.strip(), section=get(row, "Section"),
                                sis_user_id=get(row, "SIS User ID"),
                                sis_login_id=get(row, "SIS Login ID"), lms_id=get(row, "ID"))
            source = {"login": ("SIS Login ID", entry.sis_login_id),
                      "sis": ("SIS User ID", entry.sis_user_id),
                      "lms": ("ID", entry.lms_id), "email": ("email", "")}[id_from]
            if id_from == "email":
                raise GradingError("a Canvas gradebook export has no email column; use "
                                   "--id-from login (SIS Login ID) or sis (SIS User ID).")
        elif kind == "moodle":
            entry = RosterEntry("", get(row, "First name"), get(row, "Last name", "Surname"),
                                get(row, "Email address"), section=get(row, "Department"),
                                id_number=get(row, "ID number"),
                                sis_login_id=get(row, "Username"))
            if id_from == "login":
                if "username" in col:
                    source = ("Username", entry.sis_login_id)
                else:
                    source = ("the email before @", entry.email.partition("@")[0]
                              if "@" in entry.email else "")
            elif id_from == "sis":
                source = ("ID number", entry.id_number)
            elif id_from == "email":
                source = ("Email address", entry.email)
            else:
                raise GradingError("a Moodle export has no LMS user id column; use --id-from "
                                   "login, sis (ID number) or email.")
        else:
            entry = RosterEntry("", get(row, "first_name"), get(row, "last_name"),
                                get(row, "email"), get(row, "section"))
            entry.sis_login_id = get(row, "id")
            source = ("email", entry.email) if id_from == "email" else ("id", get(row, "id"))
        label, student = source
        who = entry.name or f"row {number}"
        if not student:
            problems.append(f"row {number} ({who}) has no {label}")
            continue
        if not STUDENT_ID.match(student):
            problems.append(f"row {number} ({who}): {student!r} from {label} is not a usable "
                            "student id (letters, digits and _ . @ + -)")
            continue
        if student in seen:
            problems.append(f"rows {seen[student]} and {number} have the same {label} "
                            f"{student!r}")
            continue
        seen[student] = number
        entry.student = student
        roster.entries.append(entry)
    if kind == "moodle" and id_from == "login" and "username" not in col:
        roster.notes.append("ids are the part of each email before @ (the export has no "
                            "Username column); --id-from chooses another column")
    if problems:
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise GradingError(f"{path}: {'; '.join(problems[:5])}{more}. Nothing was imported: "
                           "fix those rows, or choose where ids come from with --id-from "
                           f"({', '.join(ID_SOURCES)}).")
    if not roster.entries:
        raise GradingError(f"{path} lists no students; export the class list again.")
    return roster


@dataclass
class ImportReport:
    """What importing a roster found, against the submissions in the gradebook."""

    imported: int
    not_on_roster: dict[str, list[str]]  # assignment -> students who handed in, not listed
    no_submission: dict[str, list[str]]  # assignment -> listed students without a submission


def import_roster(gb, roster: Roster) -> ImportReport:
    """Store ``roster`` in the open nbgrader ``Gradebook`` ``gb``, replacing the last one.

    Students who are in the gradebook but not on the new roster keep their grades.
    """
    ensure_tables(gb)
    gb.db.execute(ROSTER.delete())
    for entry in roster.entries:
        student = gb.update_or_create_student(entry.student)
        student.first_name = entry.first_name or None
        student.last_name = entry.last_name or None
        student.email = entry.email or None
        student.lms_user_id = entry.lms_id or None
        gb.db.execute(ROSTER.insert().values(
            student=entry.student, section=entry.section, sis_user_id=entry.sis_user_id,
            sis_login_id=entry.sis_login_id, lms_id=entry.lms_id, id_number=entry.id_number,
            source=roster.format))
    gb.db.commit()
    listed = {e.student for e in roster.entries}
    not_on, missing = {}, {}
    for assignment in gb.assignments:
        handed_in = {s.student.id for s in assignment.submissions}
        if not handed_in:
            continue
        not_on[assignment.name] = sorted(handed_in - listed)
        missing[assignment.name] = sorted(listed - handed_in)
    return ImportReport(len(roster.entries), not_on, missing)


def roster_entries(gb) -> list[RosterEntry]:
    """The stored roster, sorted by last name, first name and id (empty if none imported)."""
    ensure_tables(gb)
    rows = gb.db.execute(ROSTER.select()).mappings().all()
    entries = []
    for row in rows:
        try:
            student = gb.find_student(row["student"])
        except Exception:  # nbgrader.api.MissingEntry: removed by hand
            student = None
        entries.append(RosterEntry(
            row["student"], (student.first_name if student else "") or "",
            (student.last_name if student else "") or "",
            (student.email if student else "") or "", row["section"] or "",
            row["sis_user_id"] or "", row["sis_login_id"] or "", row["lms_id"] or "",
            row["id_number"] or ""))
    return sorted(entries, key=lambda e: (e.last_name.lower(), e.first_name.lower(), e.student))


def stored_roster(gb) -> Roster:
    """The stored roster as a :class:`Roster` (what :func:`import_roster` takes), with the
    format it was first read from."""
    row = gb.db.execute(ROSTER.select().limit(1)).mappings().first()
    return Roster((row["source"] if row else None) or "csv", roster_entries(gb))


def roster_map(gb) -> dict[str, RosterEntry]:
    """``{student id: entry}``; students in the gradebook but not on the roster get an entry
    with the names and email nbgrader has for them, and no section."""
    entries = {e.student: e for e in roster_entries(gb)}
    for student in gb.students:
        if student.id not in entries:
            entries[student.id] = RosterEntry(student.id, student.first_name or "",
                                              student.last_name or "", student.email or "",
                                              lms_id=student.lms_user_id or "")
    return entries


def on_roster(gb, student: str) -> bool:
    """Whether ``student`` is on the imported roster (False when none is imported)."""
    ensure_tables(gb)
    return gb.db.execute(ROSTER.select().where(ROSTER.c.student == student)).first() is not None


def has_roster(gb) -> bool:
    ensure_tables(gb)
    return gb.db.execute(ROSTER.select().limit(1)).first() is not None

