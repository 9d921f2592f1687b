"""Grade tables from a grading folder's gradebook: per student, per question, a histogram."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..autograde.classroom import GradingFolder
from ..layout import GradingError, Layout, check_outside
from .lms import safe_cell
from ..term.deadlines import assess, late_policy, reapply_late_penalties
from ..term.roster import RosterEntry, roster_map

#: Okabe-Ito blue: readable with every common colour-vision deficiency.
BAR_COLOUR = "#0072B2"


@dataclass
class GradeTables:
    assignment: str
    students: pd.DataFrame  # one row per student
    questions: pd.DataFrame  # one row per graded cell
    max_score: float

    @property
    def awaiting(self) -> int:
        """Written answers not graded by hand yet (the totals are provisional while > 0)."""
        return int(self.students["awaiting_manual_grading"].sum())


def grade_tables(layout: Layout, assignment: str, grading_dir: Path) -> GradeTables:
    """Read every submission's grades for ``assignment`` from the grading folder's gradebook."""
    layout.require(assignment)
    folder = GradingFolder(grading_dir, layout, create=False)
    cells = folder.source_cells(assignment)
    if not cells:
        raise GradingError(f"{assignment} has not been autograded in {folder.path}; run "
                           "`course autograde` first.")
    rows = []
    with folder.ws.api.gradebook as gb:
        try:
            record = gb.find_assignment(assignment)
        except Exception:  # nbgrader.api.MissingEntry
            raise GradingError(f"{assignment} is not in the gradebook of {folder.path}; run "
                               "`course autograde` first.") from None
        reapply_late_penalties(gb, assignment)  # hand scores may have changed since
        people = roster_map(gb)
        policy = late_policy(gb, assignment)
        for submission in record.submissions:
            grades = {g.name: g for nb in submission.notebooks for g in nb.grades}
            awaiting = sum(1 for g in grades.values()
                           if g.needs_manual_grade and g.manual_score is None)
            person = people.get(submission.student.id) or RosterEntry(submission.student.id)
            row = {
                "student": submission.student.id,
                "name": person.name,
                "email": person.email,
                "section": person.section,
                "score": float(submission.score) - float(submission.late_submission_penalty or 0),
                "max_score": float(submission.max_score),
                "late": assess(policy, submission).description or "",
                "late_penalty": float(submission.late_submission_penalty or 0),
                "awaiting_manual_grading": awaiting,
            }
            for cell in cells:
                grade = grades.get(cell.grade_id)
                pending = grade is None or (grade.needs_manual_grade and grade.manual_score is None)
                row[cell.grade_id] = None if pending else float(grade.score)
            rows.append(row)
        statuses = _statuses(gb, assignment)
    graded = {row["student"] for row in rows}
    full_marks = float(sum(cell.points for cell in cells))
    for row in rows:
        row["status"] = _status(statuses.get(row["student"]), has_grades=True)
    for student, outcome in statuses.items():  # handed in, but nothing could be graded
        if student not in graded and outcome.get("not_graded"):
            person = people.get(student) or RosterEntry(student)
            rows.append({"student": student, "name": person.name, "email": person.email,
                         "section": person.section, "score": np.nan,
                         "max_score": full_marks, "late": "",
                         "late_penalty": 0.0, "awaiting_manual_grading": 0,
                         **{cell.grade_id: None for cell in cells},
                         "status": _status(outcome, has_grades=False)})
    if not rows:
        raise GradingError(f"no submissions of {assignment} in {folder.path}; run "
                           "`course autograde` first.")
    students = pd.DataFrame(rows).sort_values("student", ignore_index=True)
    students.insert(6, "percent", (100 * students["score"] / students["max_score"]).round(1))
    rows = []
    for cell in cells:
        graded = students[cell.grade_id].dropna()
        rows.append({
            "question": cell.grade_id,
            "kind": cell.kind,
            "points": cell.points,
            "graded": len(graded),
            "mean": graded.mean() if len(graded) else np.nan,
            "full_marks_pct": 100 * (graded >= cell.points).mean() if len(graded) else np.nan,
            "zero_pct": 100 * (graded == 0).mean() if len(graded) else np.nan,
            "label": cell.label,
        })
    questions = pd.DataFrame(rows)
    questions[["mean", "full_marks_pct", "zero_pct"]] = questions[
        ["mean", "full_marks_pct", "zero_pct"]].round(2)
    return GradeTables(assignment, students, questions, float(students["max_score"].max()))


def _statuses(gb, assignment: str) -> dict[str, dict]:
    """Each student's last autograding outcome for ``assignment`` (see :mod:`..autograde.store`)."""
    from ..autograde.store import read_statuses

    return {student: record.outcome for student, record in read_statuses(gb, assignment).items()}


def _status(outcome: dict | None, *, has_grades: bool) -> str:
    """One phrase for the grades table: graded, flagged, or why not graded."""
    if not outcome:
        return "graded"
    if outcome.get("not_graded"):
        latest = outcome.get("error", "not graded")
        return f"{latest}; these grades are from an earlier submission" if has_grades \
            else latest
    if outcome.get("status") == "failed":
        return f"grading failed: {outcome.get('failure')}; run course autograde again"
    if outcome.get("error"):
        return f"not graded: {outcome['error']}"
    notes = [n for n in outcome.get("notes") or [] if not n.startswith("graded ")]
    if outcome.get("last_failure"):
        notes.append(f"the last regrade failed ({outcome['last_failure']}); this grade is kept")
    notes = "; ".join(notes)
    if outcome.get("flags"):
        return "graded, flagged for manual review" + (f"; {notes}" if notes else "")
    return f"graded; {notes}" if notes else "graded"


def text_histogram(scores: pd.Series, max_score: float, bins: int = 10, width: int = 40) -> str:
    """A terminal histogram of total scores in ``bins`` equal bands from 0 to ``max_score``.

    Each band includes its lower edge; the last also includes ``max_score``.
    """
    scores = np.asarray(scores, dtype=float)
    counts, edges = np.histogram(scores[~np.isnan(scores)], bins=bins, range=(0, max_score))
    top = max(int(counts.max()), 1)
    lines = []
    for count, low, high in zip(counts, edges[:-1], edges[1:]):
        bar = "#" * round(width * count / top)
        lines.append(f"  {low:5.4g} to {high:<5.4g}| {bar} {count}")
    return "\n".join(lines)


def save_histogram(tables: GradeTables, path: Path) -> Path:
    """Draw the score histogram as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5))
    scores = tables.students["score"].dropna()
    ax.hist(scores, bins=10, range=(0, tables.max_score), color=BAR_COLOUR, edgecolor="white")
    ax.set_xlabel(f"score (out of {tables.max_score:g})")
    ax.set_ylabel("students")
    title = f"{tables.assignment}: scores of {len(scores)} graded submissions"
    if tables.awaiting:
        title += (f"\nprovisional: {tables.awaiting} answer(s) not graded yet count as 0")
    ax.set_title(title, fontsize=10)
    ax.yaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def write_grade_tables(tables: GradeTables, out_dir: Path, layout: Layout) -> list[Path]:
    """Write ``grades-<a>.csv``, ``questions-<a>.csv`` and ``histogram-<a>.png``."""
    out_dir = check_outside(Path(out_dir), layout, "the grades folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    a = tables.assignment
    paths = [out_dir / f"grades-{a}.csv", out_dir / f"questions-{a}.csv",
             out_dir / f"histogram-{a}.png"]
    shown = tables.students.copy()
    for column in ("name", "email", "section"):  # from the roster: never run as formulas
        shown[column] = shown[column].map(safe_cell)
    shown.to_csv(paths[0], index=False)
    tables.questions.to_csv(paths[1], index=False)
    save_histogram(tables, paths[2])
    return paths


def format_questions(questions: pd.DataFrame) -> str:
    """The per-question summary as an aligned text table."""
    shown = questions.rename(columns={"full_marks_pct": "full marks %", "zero_pct": "zero %"})
    shown = shown[["question", "kind", "points", "graded", "mean", "full marks %", "zero %"]]
    return shown.to_string(index=False, na_rep="-", float_format=lambda x: f"{x:.3g}")
