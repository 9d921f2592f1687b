"""The grading folder's gradebook, and the one object that writes it during autograding.

:class:`Store` opens nbgrader's gradebook once for a batch and merges each
:class:`~.protocol.Result` in **one transaction**: the autograded notebooks swapped in with one
rename, then grades, comments, the review flag and a status row (table ``scored_autograde``:
the digest of what was graded and the outcome). The rules that keep grades safe live here:

* a result that is a grading **failure** (not the student's doing) never replaces an earlier
  grade: the grade stays, and the status row notes the failed attempt. With no earlier grade,
  the status row says what went wrong, with an empty digest, so the next run tries again;
* a graded result that produced no grades at all (nbgrader could not run the notebook) does not
  replace earlier grades of the *same* submission either (a regrade that broke);
* otherwise the new result replaces the old one.

Which submissions are graded again at all is the batch's business (:mod:`.batch`): new or
changed ones, earlier failures, and those named with ``--regrade``.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .protocol import FAILED, GRADED, NOT_GRADED, Result

STATUS_TABLE = "scored_autograde"


@dataclass(frozen=True)
class Record:
    """What the gradebook remembers of one student's last autograding."""

    digest: str  # of the submission graded; "" if it must be graded again
    outcome: dict

    @property
    def good(self) -> bool:
        """The student has grades from a grading that worked."""
        return bool(self.outcome.get("has_grades")) or (
            self.outcome.get("status", GRADED) == GRADED and not self.outcome.get("error")
            and not self.outcome.get("not_graded"))


def ensure_status_table(gb) -> None:
    from sqlalchemy import text

    gb.db.execute(text(
        f"CREATE TABLE IF NOT EXISTS {STATUS_TABLE} (assignment VARCHAR(128) NOT NULL, "
        "student VARCHAR(128) NOT NULL, digest VARCHAR(64) NOT NULL, "
        "outcome TEXT NOT NULL, PRIMARY KEY (assignment, student))"))
    gb.db.commit()


def read_statuses(gb, assignment: str) -> dict[str, Record]:
    """``{student: Record}`` for ``assignment``, from an open gradebook."""
    from sqlalchemy import text

    ensure_status_table(gb)
    rows = gb.db.execute(text(f"SELECT student, digest, outcome FROM {STATUS_TABLE} "
                              "WHERE assignment = :a"), {"a": assignment}).fetchall()
    return {row[0]: Record(row[1], json.loads(row[2])) for row in rows}


class Store:
    """The gradebook of one grading folder, open for a batch (use as a context manager)."""

    def __init__(self, grading_root: Path, db_url: str):
        self.root = Path(grading_root)
        self.db_url = db_url
        self.gb = None

    def __enter__(self) -> Store:
        from nbgrader.api import Gradebook

        self.gb = Gradebook(self.db_url)
        ensure_status_table(self.gb)
        return self

    def __exit__(self, *exc) -> None:
        if self.gb is not None:
            self.gb.close()
            self.gb = None

    # -- reading ------------------------------------------------------------------------------
    def recorded(self, assignment: str) -> dict[str, Record]:
        records = read_statuses(self.gb, assignment)
        self.gb.db.commit()  # hold no lock while others write (formgrader, the setup)
        return records

    # -- writing ------------------------------------------------------------------------------
    def _write_status(self, assignment: str, student: str, digest: str, outcome: dict) -> None:
        from sqlalchemy import text

        self.gb.db.execute(text(f"DELETE FROM {STATUS_TABLE} WHERE assignment = :a AND "
                                "student = :s"), {"a": assignment, "s": student})
        self.gb.db.execute(text(f"INSERT INTO {STATUS_TABLE} (assignment, student, digest, "
                                "outcome) VALUES (:a, :s, :d, :o)"),
                           {"a": assignment, "s": student, "d": digest,
                            "o": json.dumps(outcome)})

    def merge(self, assignment: str, result: Result, digest: str, *,
              source: str = "") -> Result:
        """Put one result into the grading folder and the gradebook, keeping good grades.

        Returns the result, with ``extra["kept"]`` set when an earlier grade was kept.
        """
        previous = self.recorded(assignment).get(result.student)
        broke = result.status == FAILED or (result.error and not result.grades)
        if broke and previous is not None and previous.good:
            outcome = {**previous.outcome, "has_grades": True,
                       "last_failure": result.failure or result.error}
            same = previous.digest == digest
            self._write_status(assignment, result.student, previous.digest if same else "",
                               outcome)
            self.gb.db.commit()
            kept = "the earlier grade is kept" if same else \
                "the grade of the earlier submission is kept"
            return result.with_(extra={**result.extra, "kept": kept})
        if result.status == FAILED:
            self.gb.update_or_create_student(result.student)
            self._write_status(assignment, result.student, "", {
                "status": FAILED, "failure": result.failure, "flags": [], "zeroed": [],
                "notes": list(result.notes)})
            self.gb.db.commit()
            return result
        from ..term.deadlines import apply_late_penalty

        self._swap_notebooks(assignment, result)
        self._write_grades(assignment, result)
        self._write_status(assignment, result.student, digest, {
            "status": GRADED, "error": result.error, "flags": list(result.flags),
            "zeroed": list(result.zeroed), "notes": list(result.notes), "source": source})
        late = apply_late_penalty(self.gb, assignment, result.student)
        self.gb.db.commit()  # grades, comments, flag, late penalty and status: one transaction
        return result.with_(extra={**result.extra, "late": late}) if late else result

    def _swap_notebooks(self, assignment: str, result: Result) -> None:
        dest = self.root / "autograded" / result.student / assignment
        staged = dest.parent / f".{assignment}.incoming"
        if staged.exists():
            shutil.rmtree(staged)
        source = Path(result.autograded_dir or "/nonexistent")
        if source.is_dir():
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(source, staged)
            if dest.exists():
                shutil.rmtree(dest)
            staged.rename(dest)
        elif dest.exists():  # a regrade that gave no notebooks leaves no stale ones behind
            shutil.rmtree(dest)

    def _write_grades(self, assignment: str, result: Result) -> None:
        grades = {(g["notebook"], g["name"]): g["auto_score"] for g in result.grades}
        comments = {(c["notebook"], c["name"]): c["auto_comment"] for c in result.comments}
        gb = self.gb
        gb.update_or_create_student(result.student)
        submission = gb.update_or_create_submission(assignment, result.student, **(
            {"timestamp": datetime.fromisoformat(result.timestamp)} if result.timestamp
            else {}))
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                if result.error:
                    grade.auto_score = None
                    grade.needs_manual_grade = True
                    continue
                grade.auto_score = grades.get((notebook.name, grade.name))
                grade.needs_manual_grade = (grade.manual_score is not None
                                            or grade.auto_score is None)
            for comment in notebook.comments:
                comment.auto_comment = None if result.error else \
                    comments.get((notebook.name, comment.name))
            notebook.flagged = bool(result.flags)

    def record_not_graded(self, assignment: str, not_graded: dict[str, str]) -> None:
        """Note the students whose submission could not be used, and why.

        They get a status row without grades, so ``course grades`` lists them ("not graded:
        ...") instead of leaving them out; an empty digest makes the next run grade whatever
        they hand in next. Grades they earned earlier stay in the gradebook.
        """
        known = self.recorded(assignment)
        for student, reason in sorted(not_graded.items()):
            earlier = known.get(student)
            self._write_status(assignment, student, "", {
                "status": NOT_GRADED, "error": f"not graded: {reason}", "flags": [],
                "zeroed": [], "notes": [], "not_graded": True,
                "has_grades": bool(earlier and earlier.good)})
        self.gb.db.commit()
