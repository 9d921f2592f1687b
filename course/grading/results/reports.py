"""What grading one submission gave: a score and the messages for every graded cell."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass
class CellResult:
    """The grade of one graded cell of one submission."""

    grade_id: str
    kind: str  # autograded, manual or task
    label: str
    score: float | None  # None: not graded yet (a manual or task cell)
    max_score: float
    needs_manual_grade: bool = False
    messages: list[str] = field(default_factory=list)
    failed_line: int | None = None  # the line of the test cell that raised, if known

    @property
    def full_marks(self) -> bool:
        return self.score is not None and self.score >= self.max_score


@dataclass
class GradeReport:
    """What autograding one submission gave: every graded cell, in notebook order."""

    assignment: str
    student: str
    cells: list[CellResult] = field(default_factory=list)
    error: str | None = None  # nbgrader could not grade the submission at all

    @property
    def autograded(self) -> list[CellResult]:
        return [c for c in self.cells if c.kind == "autograded"]

    @property
    def auto_score(self) -> float:
        return sum(c.score or 0.0 for c in self.autograded)

    @property
    def auto_max(self) -> float:
        return sum(c.max_score for c in self.autograded)

    @property
    def needs_manual_grade(self) -> list[CellResult]:
        return [c for c in self.cells if c.needs_manual_grade]

    def cell(self, grade_id: str) -> CellResult:
        for c in self.cells:
            if c.grade_id == grade_id:
                return c
        raise KeyError(grade_id)


def cell_messages(cell) -> list[str]:
    """Why a graded code cell failed, from its outputs: errors and anything on stderr."""
    out = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            value = str(output.get("evalue", "")).strip()
            first = _CELL_FILE.sub("", value.splitlines()[0]) if value else ""
            name = output.get("ename", "Error")
            if name == "NotImplementedError" and not first:
                out.append("not answered yet: the function still raises NotImplementedError()")
            else:
                out.append(f"{name}: {first}"[:400] if first else str(name))
        elif output.get("output_type") == "stream" and output.get("name") == "stderr":
            text = str(output.get("text", "")).strip()
            if text:
                out.append(f"wrote to stderr: {text.splitlines()[0][:300]}")
    return out


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_CELL_FILE = re.compile(r" \(\d+\.py, line \d+\)")  # where IPython compiled a cell: noise
_CELL_FRAME = re.compile(r"Cell In\[\d+\], line (\d+)")


def failed_line(cell) -> int | None:
    """The line of a code cell at which it raised, read from IPython's traceback.

    The first ``Cell In[n], line L`` frame of the traceback is the cell itself (later frames
    are functions it called). None when there is no error, or no such frame (a timeout, a
    kernel that died, output on stderr only).
    """
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            text = _ANSI.sub("", "\n".join(output.get("traceback", [])))
            match = _CELL_FRAME.search(text)
            return int(match.group(1)) if match else None
    return None


def answer_problem(cell) -> str | None:
    """Why an answer (solution) cell did not run cleanly, said for a student; None if it did.

    A failed test after such a cell usually fails *because of* it (a NameError for a function
    the cell never defined), so the cause is reported first.
    """
    for output in cell.get("outputs", []):
        if output.get("output_type") != "error":
            continue
        name = output.get("ename", "Error")
        if name == "NotImplementedError" and "raise NotImplementedError" in cell.get("source", ""):
            return "not answered yet: the answer cell above still says raise NotImplementedError()"
        if name in ("KeyboardInterrupt", "CellTimeoutError"):
            return ("the answer cell above ran past the time limit (60 s unless your instructor "
                    "set another) and was stopped: an endless loop, or very slow code?")
        line = failed_line(cell)
        where = f" (line {line})" if line else ""
        return f"the answer cell above failed{where}: {cell_messages({'outputs': [output]})[0]}"
    return None

