"""Due dates, late penalties and extensions, on nbgrader's own model.

* The due date is nbgrader's ``Assignment.duedate`` (UTC); it is given in ISO 8601 **with a
  time zone** (``2026-12-04T17:00+08:00``), a naive date is refused.
* The late policy (``scored_late_policy``): none by default; or a percentage of the points
  per day *or part of a day* late, and/or a score of zero once a cut-off (days after the due
  date) has passed.
* An extension (``scored_extension``) is a new due date or a number of days added; it is
  copied into nbgrader's ``SubmittedAssignment.extension`` when penalties are applied.
* Lateness is nbgrader's ``SubmittedAssignment.total_seconds_late``: the submission's
  ``timestamp`` (read from the ``timestamp.txt`` nbgrader's exchange writes) against its due
  date with any extension. A submission without ``timestamp.txt`` (a flat file) has no
  trustworthy time (a file's modification time changes when it is copied), so it gets no
  penalty and is reported as of unknown lateness.
* The penalty in points is set on nbgrader's ``SubmittedNotebook.late_submission_penalty``
  (which nbgrader's own feedback and formgrader subtract): the percentage of the assignment's
  points, never more than what was scored.

:func:`apply_late_penalty` works inside the caller's transaction (the Store's merge);
:func:`reapply_late_penalties` re-applies every submission of an assignment after a due date,
policy, extension or hand score changed, without running any notebook.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from ..layout import GradingError
from .tables import EXTENSIONS, LATE_POLICY, ensure_tables

DAY = 86400.0
_RELATIVE = re.compile(r"^\+(\d+(?:\.\d+)?)d$")
#: What the instructor's tables say of a submission without timestamp.txt (not the student's).
UNKNOWN = "handed in without timestamp.txt: lateness unknown, no late penalty"


def parse_due(text: str) -> datetime:
    """An ISO 8601 date and time with a time zone, as naive UTC (nbgrader's convention)."""
    value = text.strip()
    try:
        moment = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        raise GradingError(f"{text!r} is not an ISO 8601 date and time; write it like "
                           "2026-12-04T17:00+08:00 (or 2026-12-04T09:00Z for UTC).") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        example = value if "T" in value or " " in value else f"{value}T23:59"
        raise GradingError(f"{text!r} has no time zone, so nobody can tell when it is; add one, "
                           f"e.g. {example}+08:00 (or Z for UTC).")
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


@dataclass(frozen=True)
class LatePolicy:
    """How late work loses points (``penalty_per_day`` percent; ``zero_after_days``)."""

    penalty_per_day: float = 0.0
    zero_after_days: float | None = None
    due_text: str = ""

    def describe(self) -> str:
        parts = []
        if self.penalty_per_day:
            parts.append(f"-{self.penalty_per_day:g}% of the points per day or part of a day late")
        if self.zero_after_days is not None:
            parts.append(f"zero after {_days(self.zero_after_days)} late")
        return "; ".join(parts) or "no late penalty"


def _days(days: float) -> str:
    return f"{days:g} day" + ("" if days == 1 else "s")


def set_due(gb, assignment: str, due_text: str, *, penalty_per_day: float = 0.0,
            zero_after_days: float | None = None) -> tuple[datetime, int]:
    """Set ``assignment``'s due date and late policy, and re-apply its penalties.

    Returns the due date (naive UTC) and how many submissions' penalties changed.
    """
    due = check_due(due_text, penalty_per_day, zero_after_days)
    ensure_tables(gb)
    record = gb.update_or_create_assignment(assignment)
    record.duedate = due
    gb.db.execute(LATE_POLICY.delete().where(LATE_POLICY.c.assignment == assignment))
    gb.db.execute(LATE_POLICY.insert().values(assignment=assignment, due_text=due_text.strip(),
                                              penalty_per_day=penalty_per_day,
                                              zero_after_days=zero_after_days))
    changed = reapply_late_penalties(gb, assignment)  # commits
    return due, changed


def check_due(due_text: str, penalty_per_day: float = 0.0,
              zero_after_days: float | None = None) -> datetime:
    """The due date (naive UTC) if it and the policy are valid, else a :class:`GradingError`."""
    due = parse_due(due_text)
    if not 0 <= penalty_per_day <= 100:
        raise GradingError(f"--penalty-per-day is a percentage of the points, from 0 to 100, "
                           f"not {penalty_per_day:g}.")
    if zero_after_days is not None and zero_after_days <= 0:
        raise GradingError(f"--zero-after is a number of days after the due date (more than 0), "
                           f"not {zero_after_days:g}.")
    return due


def late_policy(gb, assignment: str) -> LatePolicy | None:
    """The assignment's policy, or None if no due date was set with ``course due``."""
    ensure_tables(gb)
    row = gb.db.execute(LATE_POLICY.select().where(
        LATE_POLICY.c.assignment == assignment)).mappings().first()
    if row is None:
        return None
    return LatePolicy(row["penalty_per_day"] or 0.0, row["zero_after_days"], row["due_text"] or "")


def parse_extension(text: str, due: datetime) -> tuple[datetime | None, float | None]:
    """``+Nd`` (days added) or a new due date; returns ``(until, days)``."""
    match = _RELATIVE.match(text.strip())
    if match:
        days = float(match.group(1))
        if days <= 0:
            raise GradingError("an extension of +0d changes nothing; give +1d or more.")
        return None, days
    if text.strip().startswith(("+", "-")):
        raise GradingError(f"{text!r} is not an extension; give +Nd (e.g. +2d) or a new due "
                           "date like 2026-12-06T17:00+08:00.")
    until = parse_due(text)
    if until <= due:
        raise GradingError(f"{text} is not after the due date ({due:%Y-%m-%d %H:%M} UTC); an "
                           "extension must give more time.")
    return until, None


def grant_extension(gb, assignment: str, student: str, text: str) -> tuple[datetime, int]:
    """Give ``student`` until a new date (or ``+Nd``); returns their due date (UTC) and how many
    penalties changed. The student must be on the roster and the assignment have a due date."""
    from .roster import has_roster, on_roster

    ensure_tables(gb)
    due = _duedate(gb, assignment)
    if due is None:
        raise GradingError(f"{assignment} has no due date yet; set one first with `course due "
                           f"{assignment} DATETIME`.")
    if not has_roster(gb):
        raise GradingError("there is no roster yet; import one with `course roster import "
                           "FILE` before granting extensions.")
    if not on_roster(gb, student):
        raise GradingError(f"{student!r} is not on the roster; check the id (`course roster` "
                           "lists them) or import the current class list.")
    until, days = parse_extension(text, due)
    gb.db.execute(EXTENSIONS.delete().where((EXTENSIONS.c.assignment == assignment)
                                            & (EXTENSIONS.c.student == student)))
    gb.db.execute(EXTENSIONS.insert().values(assignment=assignment, student=student,
                                             until=until, days=days, granted=text.strip()))
    changed = reapply_late_penalties(gb, assignment)
    return until or due + timedelta(days=days), changed


def extensions(gb, assignment: str) -> dict[str, timedelta]:
    """``{student: extension}`` granted with ``course extend`` for ``assignment``."""
    ensure_tables(gb)
    due = _duedate(gb, assignment)
    out = {}
    for row in gb.db.execute(EXTENSIONS.select().where(
            EXTENSIONS.c.assignment == assignment)).mappings():
        if row["days"] is not None:
            out[row["student"]] = timedelta(days=row["days"])
        elif due is not None and row["until"] is not None:
            out[row["student"]] = max(row["until"] - due, timedelta(0))
    return out


def _duedate(gb, assignment: str) -> datetime | None:
    try:
        return gb.find_assignment(assignment).duedate
    except Exception:  # nbgrader.api.MissingEntry
        return None


def describe_lateness(seconds: float) -> str:
    """``1 day 3 h``, ``5 h 10 min``, ``12 min`` (rounded down; at least 1 min)."""
    seconds = max(seconds, 60.0)
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(f"{days} day" + ("" if days == 1 else "s"))
    if hours:
        parts.append(f"{hours} h")
    if not days and minutes:
        parts.append(f"{minutes} min")
    return " ".join(parts)


@dataclass(frozen=True)
class Lateness:
    """How late one submission was and what it costs."""

    seconds: float | None  # None: no timestamp, lateness unknown
    percent: float  # of the points
    description: str | None  # None: on time, or no due date

    @property
    def unknown(self) -> bool:
        return self.seconds is None


def assess(policy: LatePolicy | None, submission) -> Lateness:
    """The lateness of a nbgrader ``SubmittedAssignment`` under ``policy``."""
    if submission.assignment.duedate is None:
        return Lateness(0.0, 0.0, None)
    if submission.timestamp is None:
        return Lateness(None, 0.0, UNKNOWN)
    seconds = float(submission.total_seconds_late)
    if seconds <= 0:
        return Lateness(0.0, 0.0, None)
    policy = policy or LatePolicy()
    late = f"submitted {describe_lateness(seconds)} late"
    if policy.zero_after_days is not None and seconds > policy.zero_after_days * DAY:
        return Lateness(seconds, 100.0, f"{late}, after the {_days(policy.zero_after_days)} "
                                        "cut-off: scored 0")
    days = math.ceil(seconds / DAY)
    percent = min(100.0, days * policy.penalty_per_day)
    if not percent:
        return Lateness(seconds, 0.0, f"{late} (no late penalty)")
    return Lateness(seconds, percent, f"{late}: \u2212{percent:g}%")


def _score(grade) -> float:
    value = grade.manual_score if grade.manual_score is not None else grade.auto_score
    return float(value or 0.0) + float(grade.extra_credit or 0.0)


def apply_late_penalty(gb, assignment: str, student: str) -> str | None:
    """Set the late penalty of one submission on nbgrader's model; return its description.

    Works in ``gb``'s open transaction and does not commit (the caller does). The penalty is
    the policy's percentage of the assignment's points, at most what the submission scored,
    spread over its notebooks' ``late_submission_penalty``. Returns e.g. "submitted 1 day 3 h
    late: −10%", or None when the submission is on time or the assignment has no due date.
    """
    ensure_tables(gb)
    try:
        submission = gb.find_submission(assignment, student)
    except Exception:  # nbgrader.api.MissingEntry
        return None
    granted = extensions(gb, assignment).get(student)
    if granted is not None:
        submission.extension = granted
    lateness = assess(late_policy(gb, assignment), submission)
    scores = {nb.name: sum(_score(g) for g in nb.grades) for nb in submission.notebooks}
    maximum = sum(float(g.max_score or 0) for nb in submission.notebooks for g in nb.grades)
    left = min(sum(scores.values()), lateness.percent / 100 * maximum)
    for notebook in sorted(submission.notebooks, key=lambda n: n.name):
        share = min(left, scores[notebook.name])
        notebook.late_submission_penalty = round(share, 6) if share > 0 else None
        left -= share
    gb.db.flush()
    return lateness.description


def penalty_of(submission) -> float:
    """The late penalty (points) nbgrader holds for a ``SubmittedAssignment``."""
    return float(sum(nb.late_submission_penalty or 0.0 for nb in submission.notebooks))


def reapply_late_penalties(gb, assignment: str) -> int:
    """Re-apply the penalty of every submission of ``assignment``; commit; return how many
    changed. No notebook is run: it reads the due date, extensions and the scores."""
    try:
        record = gb.find_assignment(assignment)
    except Exception:  # nbgrader.api.MissingEntry
        gb.db.commit()
        return 0
    changed = 0
    for submission in list(record.submissions):
        before = penalty_of(submission)
        apply_late_penalty(gb, assignment, submission.student.id)
        changed += abs(penalty_of(submission) - before) > 1e-9
    gb.db.commit()
    return changed


def lateness_of(gb, assignment: str, student: str) -> Lateness:
    """The current lateness of one submission (for grades and feedback)."""
    submission = gb.find_submission(assignment, student)
    return assess(late_policy(gb, assignment), submission)
