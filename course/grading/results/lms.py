"""Grades into the LMS: fill the instructor's Canvas export, or write Moodle's import CSV.

**Canvas.** The instructor exports the gradebook (Grades > Export > Export Entire
Gradebook) and gives it as the template. Its header is ``Student, ID, SIS User ID, SIS Login
ID, Section``, then one column per assignment titled ``Title (canvas id)``, then read-only
computed columns; the row under it starts with ``Points Possible``. The filled copy has the
assignment's scores in one column -- an existing one (``column``; or the one titled after the
assignment), else a new column named after the assignment, which Canvas imports as a new
assignment, with its points in the ``Points Possible`` row. Students are matched by SIS
Login ID, then SIS User ID (through the roster; else the submission id itself). Every other
cell is written as it was, except that a name that a spreadsheet would run as a formula is
quoted.

**Moodle.** Moodle's grade import (Grades > Import > CSV file) maps a column to the user's
email address or ID number, a column to the grade item, and a column to its feedback.

A cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) and comes
from a name or a comment is written with a leading ``'``, so that no spreadsheet runs it
(OWASP's advice on CSV injection). Totals that still count unmarked written answers as 0
are provisional and refused unless ``provisional=True``.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..layout import GradingError

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CANVAS_ID = re.compile(r"\(\d+\)\s*$")
POINTS_POSSIBLE = "Points Possible"


def safe_cell(text: str | None) -> str:
    """``text`` as a spreadsheet shows it and never runs it (a formula start is quoted)."""
    text = "" if text is None else str(text)
    return "'" + text if text.startswith(FORMULA_START) else text


def format_points(value: float) -> str:
    """Points as an LMS reads them: ``7``, ``7.5``, ``7.33`` (no exponent)."""
    return f"{round(float(value), 2):.2f}".rstrip("0").rstrip(".")


@dataclass
class LmsGrade:
    """One student's grade for export."""

    student: str
    score: float  # after the late penalty
    awaiting: int = 0  # written answers not graded yet
    feedback: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    id_number: str = ""
    sis_login_id: str = ""
    sis_user_id: str = ""


@dataclass
class Export:
    """What an export wrote and what the instructor should know about it."""

    path: Path
    column: str
    filled: list[str] = field(default_factory=list)  # students whose grade is in the file
    notes: list[str] = field(default_factory=list)


def refuse_provisional(grades: list[LmsGrade], provisional: bool) -> None:
    """Refuse totals that count unmarked written answers, unless ``provisional``."""
    pending = sorted(g.student for g in grades if g.awaiting)
    if pending and not provisional:
        shown = ", ".join(pending[:8]) + (f" and {len(pending) - 8} more" if len(pending) > 8
                                          else "")
        raise GradingError(
            f"{len(pending)} student(s) still have written answers not graded ({shown}), so "
            "their totals are provisional; grade them in formgrader first, or pass "
            "--provisional to export the totals so far. Nothing was written.")


@dataclass
class _Csv:
    rows: list[list[str]]
    bom: bool
    newline: str


def _read_csv(path: Path, what: str) -> _Csv:
    from ..term.roster import read_text

    raw = Path(path).expanduser().read_bytes() if Path(path).expanduser().is_file() else b""
    text = read_text(path, what)
    newline = "\r\n" if "\r\n" in text else "\n"
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return _Csv(rows, raw.startswith(b"\xef\xbb\xbf"), newline)


def write_csv(path: Path, rows: list[list[str]], *, bom: bool = False,
              newline: str = "\r\n") -> Path:
    """Write ``rows`` as UTF-8 CSV (with Excel's byte-order mark if ``bom``), all at once."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator=newline).writerows(rows)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.partial")
    tmp.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8"))
    tmp.replace(path)
    return path


def canvas_fill(template: Path, out: Path, assignment: str, max_points: float,
                grades: list[LmsGrade], *, column: str | None = None,
                provisional: bool = False) -> Export:
    """Fill the assignment's column of a Canvas gradebook export; see the module.

    Raises :class:`GradingError` (and writes nothing) for a file that is not a Canvas export,
    one without the ``Points Possible`` row, a ``column`` it does not have, or provisional
    totals without ``provisional``.
    """
    sheet = _read_csv(template, "the Canvas gradebook")
    rows = [list(r) for r in sheet.rows]
    if not rows:
        raise GradingError(f"{template} is empty; export the gradebook from Canvas again.")
    header = [h.strip() for h in rows[0]]
    if "Student" not in header or not {"SIS Login ID", "SIS User ID"} & set(header):
        raise GradingError(f"{template} is not a Canvas gradebook export (its header has no "
                           "Student and SIS Login ID / SIS User ID columns); export it in "
                           "Canvas with Grades > Export > Export Entire Gradebook.")
    name_col = header.index("Student")
    points_row = next((i for i, r in enumerate(rows[1:4], start=1)
                       if len(r) > name_col and r[name_col].strip() == POINTS_POSSIBLE), None)
    if points_row is None:
        raise GradingError(f"{template} has no 'Points Possible' row under its header, so "
                           "Canvas could not read it back; export the gradebook again from "
                           "Canvas (Grades > Export > Export Entire Gradebook) without editing "
                           "it.")
    assignment_cols = [h for h in header if _CANVAS_ID.search(h)]
    export = Export(Path(out), column or assignment)
    if column is not None:
        if column not in header:
            shown = ", ".join(repr(h) for h in assignment_cols[:10]) or "none"
            raise GradingError(f"{template} has no column {column!r}; its assignment columns "
                               f"are: {shown}. Give one of them exactly with --column, or leave "
                               "--column out to add a new column named after the assignment.")
        index = header.index(column)
    else:
        same = [h for h in header if h == assignment or
                (_CANVAS_ID.search(h) and _CANVAS_ID.sub("", h).strip() == assignment)]
        if same:
            index = header.index(same[0])
            export.column = same[0]
        else:
            last = max((header.index(h) for h in assignment_cols),
                       default=header.index("Section") if "Section" in header else len(header) - 1)
            index = last + 1
            for r in rows:
                while len(r) < index:
                    r.append("")
                r.insert(index, "")
            rows[0][index] = assignment
            rows[points_row][index] = format_points(max_points)
            export.notes.append(f"added a column {assignment!r} (Canvas imports it as a new "
                                f"assignment of {format_points(max_points)} points)")
            header = [h.strip() for h in rows[0]]
    if column is not None or export.column != assignment:
        have = rows[points_row][index].strip() if index < len(rows[points_row]) else ""
        try:
            differs = abs(float(have) - max_points) > 1e-9
        except ValueError:
            differs = False
        if differs:
            export.notes.append(f"{export.column!r} is worth {have} points in Canvas, the "
                                f"assignment {format_points(max_points)}: the scores are points "
                                "out of the assignment's; change it in Canvas if that is wrong")
    refuse_provisional(grades, provisional)
    by_login = {}
    by_sis = {}
    for grade in grades:
        by_login.setdefault(grade.student, grade)
        if grade.sis_login_id:
            by_login[grade.sis_login_id] = grade
        if grade.sis_user_id:
            by_sis[grade.sis_user_id] = grade
    login_col = header.index("SIS Login ID") if "SIS Login ID" in header else None
    sis_col = header.index("SIS User ID") if "SIS User ID" in header else None
    id_col = header.index("ID") if "ID" in header else None
    matched = set()
    unmatched_rows = 0
    for i, r in enumerate(rows):
        if i and len(r) > name_col:
            r[name_col] = safe_cell(r[name_col])
        if i == 0 or i == points_row:
            continue
        ident = r[id_col].strip() if id_col is not None and id_col < len(r) else ""
        login = r[login_col].strip() if login_col is not None and login_col < len(r) else ""
        sis = r[sis_col].strip() if sis_col is not None and sis_col < len(r) else ""
        if not (ident or login or sis):
            continue  # a non-student row (Manual Posting and the like)
        grade = by_login.get(login) if login else None
        grade = grade or (by_sis.get(sis) if sis else None)
        if grade is None:
            unmatched_rows += 1
            continue
        while len(r) <= index:
            r.append("")
        r[index] = format_points(grade.score)
        matched.add(grade.student)
        export.filled.append(grade.student)
    missing = sorted(g.student for g in grades if g.student not in matched)
    if not matched:
        raise GradingError(f"no student of {template} matches a graded submission (by SIS Login "
                           "ID or SIS User ID); import the roster from this export with `course "
                           "roster import` so ids map to Canvas logins. Nothing was written.")
    if missing:
        export.notes.append(f"not in the Canvas export, so not filled: {', '.join(missing)} "
                            "(enrolled late? add them in Canvas and export again)")
    if unmatched_rows:
        export.notes.append(f"{unmatched_rows} student(s) in the export have no graded "
                            "submission; their cells are left as they were")
    write_csv(export.path, rows, bom=sheet.bom, newline=sheet.newline)
    return export


MOODLE_HEADER = ["Email address", "ID number", "First name", "Last name"]


def moodle_export(out: Path, assignment: str, grades: list[LmsGrade], *,
                  provisional: bool = False) -> Export:
    """Write Moodle's grade-import CSV: email, ID number, names, the grade and feedback."""
    refuse_provisional(grades, provisional)
    usable = [g for g in grades if g.email or g.id_number]
    if not usable:
        raise GradingError("no graded student has an email address or ID number, which Moodle "
                           "matches on; import the roster from Moodle's export first (`course "
                           "roster import`). Nothing was written.")
    export = Export(Path(out), assignment)
    rows = [MOODLE_HEADER + [assignment, f"{assignment} feedback"]]
    for g in sorted(usable, key=lambda g: (g.last_name, g.first_name, g.student)):
        rows.append([safe_cell(g.email), safe_cell(g.id_number), safe_cell(g.first_name),
                     safe_cell(g.last_name), format_points(g.score), safe_cell(g.feedback)])
        export.filled.append(g.student)
    left = sorted(g.student for g in grades if not (g.email or g.id_number))
    if left:
        export.notes.append(f"not exported (no email or ID number on the roster): "
                            f"{', '.join(left)}")
    export.notes.append("in Moodle: Grades > Import > CSV file; map 'Email address' (or 'ID "
                        f"number') to the user, {assignment!r} to the grade item and "
                        f"'{assignment} feedback' to its feedback")
    write_csv(export.path, rows)
    return export
