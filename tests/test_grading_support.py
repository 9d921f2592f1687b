"""Helpers for the grading tests: simulated students, tree snapshots, a toy course.

(No tests here; the module name only keeps it beside the tests that use it.)
"""

from __future__ import annotations

import copy
import hashlib
import shutil
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from course.grading.authoring.gate import load_wrong_answers
from course.grading.layout import Layout, find_layout

REPO = find_layout()
PS1 = "ps1-build-the-score"
PS1_NB = f"{PS1}.ipynb"
ANSWERS = ["fulfilment_score", "behaviour_score", "weighted_score", "points_to_next_tier", "auc",
           "validity"]
#: Points of each autograded question of ps1, in order.
PS1_POINTS = {
    "fulfilment_spending_and_assets": 2,
    "behaviour_use_responsible_games": 3,
    "weighted_score_range_and_rounding": 3,
    "next_tier_boundaries": 2,
    "auc_ranks_and_ties": 3,
    "validity_by_hukou": 2,
}
ESSAY = ("Lotus Pay sees little of people who pay few bills through it, so the thin-file rule "
         "pulls their credit history towards 0.35 whatever their real record. " * 3).strip()


def solution_source(grade_id: str, assignment: str = PS1) -> str:
    """The model answer of one answer cell, without nbgrader's solution delimiters."""
    nb = nbformat.read(REPO.solutions / assignment / f"{assignment}.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            return "\n".join(line for line in cell.source.splitlines()
                             if "BEGIN SOLUTION" not in line and "END SOLUTION" not in line)
    raise KeyError(grade_id)


def wrong_answer(name: str, assignment: str = PS1) -> str:
    for answer in load_wrong_answers(REPO, assignment):
        if answer.name == name:
            return answer.code
    raise KeyError(name)


def student_notebook(answers: dict[str, str] | None = None, essay: str | None = None):
    """The released ps1 notebook with some answer cells filled in, as a student would."""
    nb = nbformat.read(REPO.exercises / PS1 / PS1_NB, as_version=4)
    nb = copy.deepcopy(nb)
    answers = answers or {}
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
        if cell.get("id") == "design_choice_answer" and essay:
            cell.source = essay
    return nb


def full_marks_answers() -> dict[str, str]:
    return {g: solution_source(g) for g in ANSWERS}


def write(nb, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def snapshot(root: Path, skip: tuple[str, ...] = (".venv", ".git", "node_modules")) -> dict:
    """Every file under ``root`` with its content hash (to prove nothing changed)."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if rel.parts and rel.parts[0] in skip or "__pycache__" in rel.parts or \
                ".pytest_cache" in rel.parts or ".ipynb_checkpoints" in rel.parts:
            continue
        if path.is_file():
            out[rel.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def grading_snapshot(root: Path) -> dict:
    """The parts of the repository that grading could touch: its sources and its root."""
    snap = {}
    for part in ("solutions", "exercises", "tests/wrong_answers"):
        snap.update({f"{part}/{k}": v for k, v in snapshot(root / part).items()})
    snap["<root entries>"] = sorted(p.name for p in root.iterdir() if not _by_other_tests(p.name))
    return snap


# What other tests and tools write at the root while grading tests run beside them on other
# workers (the site build, caches, the environment): not grading's doing, so not compared.
OTHER_OUTPUTS = {"_build", ".hypothesis", ".pytest_cache", ".venv", "node_modules", "__pycache__"}


def _by_other_tests(name: str) -> bool:
    return name in OTHER_OUTPUTS or name.endswith(".egg-info")


# -- a toy course, to prove that the gate fails when it should ------------------------------
def _nbg(grade_id, **flags):
    meta = {"grade": False, "grade_id": grade_id, "locked": False, "schema_version": 3,
            "solution": False}
    meta.update(flags)
    return {"nbgrader": meta}


def toy_notebook():
    """A small, fast assignment with three autograded questions and a written one."""
    cells = [new_markdown_cell("# Toy", id="intro"),
             new_code_cell("from course.grading import quiet", id="setup",
                           metadata=_nbg("setup", locked=True))]
    for name, body in [("double", "return 2 * x"), ("square", "return x * x"),
                       ("negate", "return -x")]:
        cells.append(new_code_cell(
            f"def {name}(x):\n    ### BEGIN SOLUTION\n    {body}\n    ### END SOLUTION",
            id=f"{name}-answer", metadata=_nbg(name, solution=True)))
        expected = {"double": (3, 6, 10, 20), "square": (3, 9, 10, 100),
                    "negate": (3, -3, 10, -10)}[name]
        cells.append(new_code_cell(
            f'"""Toy · {name} works."""\nwith quiet():\n'
            f'    assert {name}({expected[0]}) == {expected[1]}, "{name}: wrong for 3."\n'
            f'    ### BEGIN HIDDEN TESTS\n'
            f'    assert {name}({expected[2]}) == {expected[3]}, "{name}: wrong for 10."\n'
            f'    ### END HIDDEN TESTS',
            id=f"{name}-tests", metadata=_nbg(f"{name}_tests", grade=True, locked=True, points=1)))
    cells.append(new_markdown_cell(
        "## Why?\n=== BEGIN MARK SCHEME ===\nAward 1 point for any reason at all.\n"
        "=== END MARK SCHEME ===", id="why",
        metadata=_nbg("why", task=True, locked=True, points=1)))
    cells.append(new_markdown_cell("YOUR ANSWER HERE", id="why-answer"))
    return new_notebook(cells=cells, metadata={"kernelspec": {
        "display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}})


def make_toy_course(root: Path) -> Layout:
    """A course folder with the repository's nbgrader config and one toy assignment."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO.config_file, root / "nbgrader_config.py")
    with open(root / "nbgrader_config.py", "a") as config:
        config.write("\n# The toy's cells are instant: time out quickly\nc.Execute.timeout = 5\n")
    write(toy_notebook(), root / "solutions" / "toy" / "toy.ipynb")
    shutil.copy(REPO.header, root / "solutions" / "header.ipynb")
    (root / "exercises").mkdir(exist_ok=True)
    (root / "tests" / "wrong_answers" / "toy").mkdir(parents=True, exist_ok=True)
    return Layout(root.resolve())


def add_wrong_answer(layout: Layout, name: str, replaces: str, loses: str, code: str,
                     hidden: bool = False, description: str = "a wrong answer") -> None:
    header = [f"# {description}", f"# replaces: {replaces}", f"# loses: {loses}"]
    if hidden:
        header.append("# caught-by: hidden")
    path = layout.wrong_answers / "toy" / f"{name}.py"
    path.write_text("\n".join(header) + "\n" + code + "\n")
