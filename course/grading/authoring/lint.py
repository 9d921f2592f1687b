"""The course's rules for exercise sources, checked without running anything."""

from __future__ import annotations

import ast
import re

from ..layout import GradingError, Layout
from ..notebooks import (
    HIDDEN_TESTS,
    MARK_SCHEME,
    SOLUTION,
    graded_cells,
    read_notebook,
    split_regions,
)

#: How many autograded questions an assignment should have.
AUTOGRADED_RANGE = (3, 6)
READABLE_ID = re.compile(r"^[a-z][a-z0-9_]*$")
GENERATED_ID = re.compile(r"^cell-[0-9a-f]{6,}$")


# -- lint -----------------------------------------------------------------------------------
def lint_clean(nb, label: str) -> list[str]:
    problems = []
    spec = nb.metadata.get("kernelspec", {}).get("name")
    if spec != "python3":
        problems.append(f"{label}: kernelspec is {spec!r}, not 'python3'")
    ids = [cell.get("id") for cell in nb.cells]
    if None in ids or len(set(ids)) != len(ids):
        problems.append(f"{label}: every cell needs a unique id (nbformat 4.5)")
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count")):
            problems.append(f"{label}: cell {i} has outputs or an execution count; commit "
                            "notebooks cleared")
        extra = {"execution", "ExecuteTime", "collapsed", "scrolled"} & set(cell.metadata)
        if extra:
            problems.append(f"{label}: cell {i} has per-cell execution metadata "
                            f"({', '.join(sorted(extra))})")
    return problems


def lint_test_cell(cell, label: str) -> list[str]:
    where = f"{label}: test cell {cell.grade_id}"
    problems = []
    if not cell.label or cell.label == cell.grade_id:
        problems.append(f"{where} should start with a one-line docstring saying what it checks")
    visible, hidden = split_regions(cell.source, HIDDEN_TESTS)
    if not hidden:
        problems.append(f"{where} has no hidden tests (### BEGIN HIDDEN TESTS)")
    if "with quiet():" not in cell.source:
        problems.append(f"{where} should run its checks inside `with quiet():` so warnings "
                        "cannot fail it")
    try:
        tree = ast.parse(cell.source)
        visible_tree = ast.parse("\n".join(visible))
    except SyntaxError as error:
        return problems + [f"{where} is not valid Python: {error.msg} (line {error.lineno})"]
    bare = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Assert) and n.msg is None]
    if bare:
        problems.append(f"{where} has assert(s) without a message (line {bare[0]}): say what "
                        "is wrong")
    if not any(isinstance(n, ast.Assert) for n in ast.walk(visible_tree)):
        problems.append(f"{where} has no visible test (an assert outside the hidden region)")
    last = tree.body[-1] if tree.body else None
    if isinstance(last, ast.Expr):
        problems.append(f"{where} ends with an expression; nbgrader would read its value as "
                        "a partial score")
    return problems


def lint_assignment(layout: Layout, assignment: str) -> tuple[list[str], dict]:
    """Check an assignment's sources for the course's rules; return problems and a summary."""
    problems: list[str] = []
    cells = []
    notebooks = layout.notebooks(assignment)
    if not notebooks:
        return [f"solutions/{assignment} has no notebook"], {}
    for path in notebooks:
        label = f"solutions/{assignment}/{path.name}"
        try:
            nb = read_notebook(path)
        except GradingError as error:
            problems.append(str(error))
            continue
        problems += lint_clean(nb, label)
        for cell in graded_cells(nb):
            cells.append(cell)
            if not READABLE_ID.match(cell.grade_id) or GENERATED_ID.match(cell.grade_id):
                problems.append(f"{label}: grade_id {cell.grade_id!r} is not readable "
                                "(use snake_case words that say what it checks)")
            if cell.kind in ("autograded", "manual", "task") and cell.points <= 0:
                problems.append(f"{label}: graded cell {cell.grade_id} has no points")
            if cell.kind == "autograded":
                problems += lint_test_cell(cell, label)
            if cell.kind == "answer" and cell.cell_type == "code" and \
                    SOLUTION[0] not in cell.source:
                problems.append(f"{label}: answer cell {cell.grade_id} has no "
                                "### BEGIN SOLUTION region")
    ids = [c.grade_id for c in cells]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"solutions/{assignment}: grade_id {dup!r} is used more than once")
    auto = [c for c in cells if c.kind == "autograded"]
    manual = [c for c in cells if c.kind in ("manual", "task")]
    low, high = AUTOGRADED_RANGE
    if not low <= len(auto) <= high:
        problems.append(f"solutions/{assignment}: {len(auto)} autograded questions; the course "
                        f"asks for {low}-{high}")
    if not manual:
        problems.append(f"solutions/{assignment}: no manually graded written answer")
    if not any(MARK_SCHEME[0] in c.source for c in manual):
        problems.append(f"solutions/{assignment}: no mark scheme (=== BEGIN MARK SCHEME === in "
                        "a manually graded task cell)")
    summary = {
        "autograded": [c.grade_id for c in auto],
        "auto_points": sum(c.points for c in auto),
        "manual_points": sum(c.points for c in manual),
        "labels": {c.grade_id: c.label for c in cells},
    }
    return problems, summary
