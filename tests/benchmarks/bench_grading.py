"""Autograding time per submission, against the floor of a trivial one-cell notebook.

Kernel start-up dominates autograding, so the floor is measured in the same run: nbgrader
autograding a notebook whose only cell is one passing test, in the same temporary course
directory. Each assignment's solution is then autograded as a submission the same way. The
aim is under 1.5x the floor: the exercises themselves should add little to grading time.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from course.grading.layout import find_layout
from course.grading.notebooks import read_notebook
from course.grading.workspace import temporary_workspace

from ._util import Result

FLOOR = "floor"


def _floor_source(folder: Path) -> Path:
    """A one-cell assignment: a single autograded test that passes."""
    source = folder / FLOOR
    source.mkdir(parents=True)
    cell = new_code_cell('"""Floor · one trivial test."""\nassert True, "never fails"',
                         id="only-test")
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": "only_test", "locked": True,
                                 "points": 1, "schema_version": 3, "solution": False}
    nb = new_notebook(cells=[cell], metadata={"kernelspec": {
        "display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}})
    nbformat.write(nb, source / f"{FLOOR}.ipynb")
    return source


def _time_one(ws, assignment: str, notebooks: dict, student: str) -> float:
    ws.submit(student, assignment, notebooks)
    start = time.perf_counter()
    report = ws.autograde(assignment, student)
    seconds = time.perf_counter() - start
    if report.error or report.auto_score != report.auto_max:
        raise RuntimeError(f"{assignment} did not grade cleanly: {report.error or report}")
    return seconds


def run(quick: bool = False) -> list[Result]:
    layout = find_layout()
    rounds = 1 if quick else 7
    assignments = layout.assignments()[:1] if quick else layout.assignments()
    results = []
    with tempfile.TemporaryDirectory() as tmp, temporary_workspace(layout, header=False) as ws:
        ws.install_source(FLOOR, _floor_source(Path(tmp)))
        ws.generate(FLOOR)
        floor_nb = {f"{FLOOR}.ipynb": ws.release(FLOOR) / f"{FLOOR}.ipynb"}
        _time_one(ws, FLOOR, floor_nb, "warm-up")  # imports, first kernel
        for assignment in assignments:
            ws.install_source(assignment, layout.solutions / assignment)
            ws.generate(assignment)
        for assignment in assignments:
            solution = {p.name: read_notebook(p) for p in layout.notebooks(assignment)}
            floor, measured = [], []
            for i in range(rounds):  # interleaved, so that both see the same machine load
                floor.append(_time_one(ws, FLOOR, floor_nb, f"floor-{assignment}-{i}"))
                measured.append(_time_one(ws, assignment, solution, f"solution-{i}"))
            results.append(Result(
                name=f"autograde one {assignment} submission",
                value=statistics.median(measured), unit="s",
                baseline="trivial one-cell notebook", baseline_value=statistics.median(floor),
                higher_is_better=False, aim="under 1.5x the floor (ratio above 0.67x)"))
    return results
