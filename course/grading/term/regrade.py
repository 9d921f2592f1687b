"""Regrade requests: recorded, then settled by regrading one submission, old and new score kept.

A request names a submission (and perhaps a question) and the student's reason. The
instructor changes a hand score in formgrader, or a test in ``solutions/``, then settles it
(``course regrade ASSIGNMENT STUDENT --settle``): that one submission is graded again (only if
what it is graded with changed; hand scores are kept), its late penalty re-applied, and every
open request of it is closed with the score before and after. ``course grades`` lists them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from ..layout import GradingError
from .deadlines import _score, penalty_of
from .tables import REGRADES, ensure_tables


@dataclass(frozen=True)
class Request:
    """One regrade request as stored."""

    id: int
    assignment: str
    student: str
    question: str | None
    reason: str
    requested: datetime
    old_score: float | None
    status: str  # open or settled
    settled: datetime | None
    new_score: float | None
    note: str | None

    def line(self) -> str:
        what = f"{self.question}: " if self.question else ""
        if self.status == "open":
            return (f"#{self.id} {self.student:<20} open     {what}{self.reason} "
                    f"(score {self.old_score:g} when asked)")
        note = f"; {self.note}" if self.note else ""
        return (f"#{self.id} {self.student:<20} settled  {what}{self.reason} "
                f"({self.old_score:g} -> {self.new_score:g}{note})")


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


def final_score(gb, assignment: str, student: str) -> float:
    """The submission's score after its late penalty, read from the gradebook now."""
    submission = gb.find_submission(assignment, student)
    total = sum(_score(g) for nb in submission.notebooks for g in nb.grades)
    return round(total - penalty_of(submission), 6)


def _submission(gb, assignment: str, student: str):
    try:
        return gb.find_submission(assignment, student)
    except Exception:  # nbgrader.api.MissingEntry
        raise GradingError(f"there is no graded {assignment} from {student!r} in the gradebook; "
                           "check the id (`course grades` lists the students).") from None


def request_regrade(gb, assignment: str, student: str, reason: str,
                    question: str | None = None) -> Request:
    """Record a regrade request; returns it (with the score it had when asked)."""
    if not reason or not reason.strip():
        raise GradingError("say why with --reason TEXT (the student's words, or yours).")
    submission = _submission(gb, assignment, student)
    if question is not None:
        names = sorted({g.name for nb in submission.notebooks for g in nb.grades})
        if question not in names:
            raise GradingError(f"{assignment} has no question {question!r}; the questions are: "
                               f"{', '.join(names)}.")
    ensure_tables(gb)
    result = gb.db.execute(REGRADES.insert().values(
        assignment=assignment, student=student, question=question, reason=reason.strip(),
        requested=_now(), old_score=final_score(gb, assignment, student), status="open"))
    gb.db.commit()
    return requests(gb, assignment, ids=[result.inserted_primary_key[0]])[0]


def requests(gb, assignment: str, student: str | None = None, *, status: str | None = None,
             ids: list[int] | None = None) -> list[Request]:
    """The requests for ``assignment`` (oldest first), optionally of one student or status."""
    ensure_tables(gb)
    query = REGRADES.select().where(REGRADES.c.assignment == assignment)
    if student is not None:
        query = query.where(REGRADES.c.student == student)
    if status is not None:
        query = query.where(REGRADES.c.status == status)
    if ids is not None:
        query = query.where(REGRADES.c.id.in_(ids))
    rows = gb.db.execute(query.order_by(REGRADES.c.id)).mappings().all()
    return [Request(**dict(row)) for row in rows]


def settle(gb, assignment: str, student: str, note: str | None = None) -> list[Request]:
    """Close every open request of one submission with its score now; commit.

    Call it after the submission was regraded (see the module). Raises a
    :class:`GradingError` when the submission has no open request.
    """
    open_ = requests(gb, assignment, student, status="open")
    if not open_:
        raise GradingError(f"{student} has no open regrade request for {assignment}; record "
                           f"one with `course regrade {assignment} {student} --reason TEXT`.")
    new = final_score(gb, assignment, student)
    gb.db.execute(REGRADES.update().where(REGRADES.c.id.in_([r.id for r in open_])).values(
        status="settled", settled=_now(), new_score=new, note=note))
    gb.db.commit()
    return requests(gb, assignment, ids=[r.id for r in open_])
