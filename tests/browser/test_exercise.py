"""An exercise, as a student does it: open it, answer a question, run its test, Validate.

Each exercise notebook in exercises/ is opened in JupyterLab. nbgrader's JupyterLab
extension must be active (its Validate button in the notebook toolbar and its menu). The
student runs the setup cell, types the answer to the first autograded question (taken from
the instructor's version in solutions/), runs it and the question's visible test cell (which
must pass: no error output), then presses Validate: nbgrader lists the questions still
unanswered as failing, and not the answered one. Finally every other answer is typed in too,
and Validate says the notebook passes all the tests.
"""

from __future__ import annotations

import json
import re

import nbformat
import pytest

from .conftest import EXERCISES, SOLUTIONS
from .jupyterlab import PANEL, open_notebook

pytestmark = pytest.mark.browser

SOLUTION_MARKER = re.compile(r"^\s*#+\s*(BEGIN|END) SOLUTION\s*$")


#: Every exercise notebook there is (one per assignment folder).
EXERCISE_NOTEBOOKS = sorted(EXERCISES.glob("ps*/*.ipynb"))


def answers(exercise) -> list[dict]:
    """Each autograded answer cell of ``exercise``: its index, grade id, the instructor's
    answer (the solution cell without its BEGIN/END SOLUTION lines) and its test cell."""
    student = nbformat.read(exercise, as_version=4)
    source = SOLUTIONS / exercise.parent.name / exercise.name
    if not source.exists():
        pytest.skip(f"no instructor version {source.relative_to(SOLUTIONS.parent)} to take "
                    "an answer from")
    solved = {c.metadata.get("nbgrader", {}).get("grade_id"): c
              for c in nbformat.read(source, as_version=4).cells}
    found = []
    for index, cell in enumerate(student.cells):
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("solution") or meta.get("grade"):
            continue
        answer = "\n".join(line for line in solved[meta["grade_id"]].source.splitlines()
                           if not SOLUTION_MARKER.match(line))
        test = next((j for j in range(index + 1, len(student.cells))
                     if student.cells[j].metadata.get("nbgrader", {}).get("grade")
                     and student.cells[j].cell_type == "code"), None)
        found.append({"index": index, "grade_id": meta["grade_id"], "answer": answer,
                      "test": test, "test_source": student.cells[test].source if test else ""})
    setup = [i for i, c in enumerate(student.cells)
             if c.cell_type == "code" and not c.metadata.get("nbgrader", {}).get("solution")
             and not c.metadata.get("nbgrader", {}).get("grade")
             and i < (found[0]["index"] if found else 0)]
    if not found:
        pytest.fail(f"{exercise.name} has no autograded answer cell")
    return setup, found


def cell(page, index: int):
    return page.locator(f"{PANEL} .jp-Notebook .jp-Cell").nth(index)


def run_cell(page, index: int) -> None:
    """Select cell ``index`` and run it (Ctrl+Enter), then wait for its execution count."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    target = cell(page, index)
    prompt = ("c => /^\\[(\\*|\\d+)\\]:$/"
              ".test(c.querySelector('.jp-InputPrompt').textContent.trim())")
    for _ in range(3):  # a key press can land before the notebook has the focus: try again
        target.locator(".jp-InputPrompt").click()
        page.keyboard.press("Control+Enter")
        try:
            page.wait_for_function(prompt, arg=target.element_handle(), polling=100,
                                   timeout=10_000)
            break
        except PlaywrightTimeout:
            continue
    page.wait_for_function(
        "c => /^\\[\\d+\\]:$/.test(c.querySelector('.jp-InputPrompt').textContent.trim())",
        arg=target.element_handle(), polling=100, timeout=120_000)


def type_answer(page, index: int, text: str) -> None:
    """Replace the code of cell ``index`` with ``text``, as typed (without auto-indent)."""
    editor = cell(page, index).locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(text)
    page.keyboard.press("Escape")  # back to command mode


def validate(page):
    """Press nbgrader's Validate; return its result dialog once it shows a result."""
    page.locator(f"{PANEL} .validate-button").click()
    dialog = page.locator(".jp-Dialog", has_text="Validation Results")
    dialog.locator(".jp-Dialog-body p").first.wait_for(timeout=240_000)
    return dialog


def close(dialog) -> None:
    dialog.locator("button.jp-mod-accept").click()
    dialog.wait_for(state="detached")


@pytest.mark.parametrize("exercise", EXERCISE_NOTEBOOKS or [None],
                         ids=[p.parent.name for p in EXERCISE_NOTEBOOKS] or ["none-yet"])
def test_validate_an_answer_in_jupyterlab(lab, page, shots, exercise):
    if exercise is None:
        pytest.skip("waiting for exercises/: no exercises/ps*/*.ipynb yet "
                    "(generated from solutions/ by `course release`)")
    setup, found = answers(exercise)
    first, rest = found[0], found[1:]
    step = f"exercise-{exercise.parent.name}"
    path = f"exercises/{exercise.parent.name}/{exercise.name}"

    open_notebook(page, lab, path)
    # nbgrader's JupyterLab extension is active: its Validate button and its menu
    assert page.locator(f"{PANEL} .validate-button").count() == 1, \
        "nbgrader's Validate button is missing from the notebook toolbar"
    assert page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").count() == 1, \
        "nbgrader's menu is missing from JupyterLab's menu bar"
    shots(page, f"{step}-1-opened")

    for index in setup:
        run_cell(page, index)
    type_answer(page, first["index"], first["answer"])
    run_cell(page, first["index"])
    assert first["test"] is not None, f"no test cell after answer {first['grade_id']}"
    run_cell(page, first["test"])
    cell(page, first["test"]).scroll_into_view_if_needed()
    shots(page, f"{step}-2-answered-{first['grade_id']}")
    errors = cell(page, first["test"]).locator(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']").all_inner_texts()
    assert not errors, f"the test of {first['grade_id']} fails on the instructor's answer: {errors}"

    dialog = validate(page)
    shots(page, f"{step}-3-validated-one-answer")
    text = dialog.inner_text()
    first_test_line = first["test_source"].strip().splitlines()[0]
    assert "The following cell failed" in text or not rest, text[:2000]
    assert first_test_line not in text, (
        f"Validate reports the answered question {first['grade_id']} as failing:\n{text[:3000]}")
    for other in rest:
        if other["test"] is not None:
            assert other["test_source"].strip().splitlines()[0] in text, (
                f"Validate did not list the unanswered {other['grade_id']} as failing")
    close(dialog)

    # Answer everything: Validate passes
    for other in rest:
        type_answer(page, other["index"], other["answer"])
    dialog = validate(page)
    shots(page, f"{step}-4-validated-all-answers")
    text = dialog.inner_text()
    assert "Success! Your notebook passes all the tests." in text, text[:3000]
    close(dialog)

    # What Validate saw is what was typed: the served copy holds the answers, exactly; the
    # exercise in the repository still has none
    saved = nbformat.read(lab.root / path, as_version=4)
    original = nbformat.read(exercise, as_version=4)
    for item in found:
        assert saved.cells[item["index"]].source == item["answer"], (
            f"the notebook saved for {item['grade_id']} differs from what was typed:\n"
            + json.dumps(saved.cells[item["index"]].source))
        assert original.cells[item["index"]].source != item["answer"], (
            f"the answer to {item['grade_id']} reached the repository's {exercise.name}")
