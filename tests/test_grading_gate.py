"""The release gate, with real nbgrader autograding: it passes on the repository, and it fails,
saying why, on a course built to break each of its rules."""

from __future__ import annotations

import pytest

from course.cli import main
from course.grading.authoring.gate import run_gate
from course.grading.authoring.release import regenerate
from course.grading.notebooks import read_notebook

from .test_grading_support import (
    REPO,
    add_wrong_answer,
    grading_snapshot,
    make_toy_course,
    write,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def repository_gate():
    before = grading_snapshot(REPO.root)
    result = run_gate(REPO)
    return result, before, grading_snapshot(REPO.root)


def test_gate_passes_on_every_assignment(repository_gate):
    result, _, _ = repository_gate
    failures = [f"{c.assignment}: {c.name}: {c.details}" for c in result.failures]
    assert result.ok, "\n".join(failures)
    names = {c.name.split(" (")[0] for c in result.checks}
    for assignment in REPO.assignments():
        checks = [c for c in result.checks if c.assignment == assignment]
        assert len(checks) >= 7, [c.name for c in checks]
    assert any(n.startswith("solution scores full marks") for n in names)
    assert "blank release scores zero on every autograded question" in names
    assert any(n.startswith("wrong answers lose their points") for n in names)
    assert any(n.startswith("hidden tests catch what the visible tests let pass") for n in names)


def test_gate_leaves_the_repository_unchanged(repository_gate):
    _, before, after = repository_gate
    assert after == before
    for name in ("gradebook.db", "submitted", "autograded", "feedback"):
        assert not (REPO.root / name).exists()


@pytest.fixture(scope="module")
def broken_toy(tmp_path_factory):
    """A toy course with one fault for each of the gate's checks."""
    layout = make_toy_course(tmp_path_factory.mktemp("toy") / "course")
    source = layout.solutions / "toy" / "toy.ipynb"
    regenerate(layout)
    # The solution of `negate` is wrong, so the solution cannot get full marks
    nb = read_notebook(source)
    for cell in nb.cells:
        if cell.get("id") == "negate-answer":
            cell.source = cell.source.replace("return -x", "return x")
    write(nb, source)
    # The release is then regenerated, but `double`'s test passes even when blank
    nb = read_notebook(source)
    for cell in nb.cells:
        if cell.get("id") == "double-tests":
            cell.source = cell.source.replace("double(3)", "3 * 2").replace("double(10)", "20")
    write(nb, source)
    regenerate(layout)
    # ... and someone edits exercises/ by hand, pasting in a hidden test
    release = layout.exercises / "toy" / "toy.ipynb"
    nb = read_notebook(release)
    nb.cells[0].source += "\n    assert square(10) == 100, \"square: wrong for 10.\""
    write(nb, release)
    # A "wrong" answer that is in fact right; no wrong answer at all for `negate`;
    # a shortcut said to pass the visible tests that fails them
    add_wrong_answer(layout, "square_right_after_all", "square", "square_tests",
                     "def square(x):\n    return x ** 2")
    add_wrong_answer(layout, "square_blatant", "square", "square_tests",
                     "def square(x):\n    return 2 * x", hidden=True)
    # An answer that never finishes: the per-cell timeout must fail it, and grading go on
    add_wrong_answer(layout, "square_hangs", "square", "square_tests",
                     "def square(x):\n    while True:\n        pass")
    return layout


@pytest.fixture(scope="module")
def broken_gate(broken_toy):
    result = run_gate(broken_toy)
    return {c.name.split(" (")[0]: c for c in result.checks if c.assignment == "toy"}


@pytest.mark.parametrize("check, detail", [
    ("solution scores full marks", "negate_tests: 0/1"),
    ("blank release scores zero on every autograded question", "double_tests: 1/1"),
    ("exercises/toy equals a fresh generation", "differs from generation: cell 0"),
    ("no solution, hidden test or mark scheme text in exercises/toy", "hidden test text"),
    ("wrong answers lose their points", "square_right_after_all.py"),
    ("wrong answers lose their points", "no wrong answer in tests/wrong_answers/toy/ loses "
                                        "negate_tests"),
    ("hidden tests catch what the visible tests let pass",
     "square_blatant.py is declared 'caught-by: hidden' but the visible tests already fail it"),
])
def test_gate_fails_and_says_why(broken_gate, check, detail):
    assert check in broken_gate, sorted(broken_gate)
    assert not broken_gate[check].ok
    assert any(detail in d for d in broken_gate[check].details), broken_gate[check].details


def test_a_wrong_answer_that_hangs_times_out_and_loses_its_points(broken_gate):
    check = broken_gate["wrong answers lose their points"]
    assert "(3 graded;" in check.name  # all three were graded, the hanging one included
    assert "square_hangs" not in "\n".join(check.details)


def test_gate_command_exit_codes(broken_toy, capsys):
    assert main(["--root", str(broken_toy.root), "gate", "no-such-assignment"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "there is no assignment called 'no-such-assignment'" in err


def test_release_grading_agrees_with_the_traceback_reading(broken_toy):
    """The fallback (grading a shortcut against the release for real) reaches the same verdict
    as reading the failing line from the full grading's traceback."""
    from course.grading.authoring.gate import _visible_only, load_wrong_answers
    from course.grading.workspace import temporary_workspace

    shortcut = [a for a in load_wrong_answers(broken_toy, "toy") if a.name == "square_blatant"]
    solution = {p.name: read_notebook(p) for p in broken_toy.notebooks("toy")}
    with temporary_workspace(broken_toy) as ws:
        ws.install_source("toy", broken_toy.solutions / "toy")
        generated = ws.generate("toy")
        problems = _visible_only(broken_toy, "toy", generated, solution, shortcut)
    assert len(problems) == 1 and "visible tests already fail it" in problems[0]
