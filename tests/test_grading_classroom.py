"""A small simulated class through autograde -> (hand grading) -> feedback -> grades, with the
exact scores each student must get, through the ``course`` command."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from nbgrader.api import Gradebook

from course.cli import main
from course.grading.authoring.release import assignment_secrets

from .test_grading_support import (
    ESSAY,
    PS1,
    PS1_NB,
    PS1_POINTS,
    REPO,
    full_marks_answers,
    grading_snapshot,
    snapshot,
    solution_source,
    student_notebook,
    write,
    wrong_answer,
)

pytestmark = pytest.mark.slow

#: What each simulated student should score on each autograded question.
EXPECTED = {
    "alice": dict(PS1_POINTS),  # everything right
    "bob": {q: 0 for q in PS1_POINTS},  # handed in the blank release
    "carol": {**{q: 0 for q in PS1_POINTS}, "fulfilment_spending_and_assets": 2,  # partly right
              "behaviour_use_responsible_games": 3, "next_tier_boundaries": 2},
    "dave": {**PS1_POINTS, "fulfilment_spending_and_assets": 0,  # two plausible mistakes
             "weighted_score_range_and_rounding": 0},
}
ALICE_ESSAY_POINTS = 4


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    inbox, grading = root / "inbox", root / "grading"
    write(student_notebook(full_marks_answers(), essay=ESSAY), inbox / "alice" / PS1 / PS1_NB)
    write(student_notebook(), inbox / "bob" / PS1 / PS1_NB)
    write(student_notebook({g: solution_source(g) for g in
                            ["fulfilment_score", "behaviour_score", "points_to_next_tier"]}),
          inbox / "carol.ipynb")  # a flat folder and nbgrader's layout, mixed
    write(student_notebook({**full_marks_answers(),
                            "fulfilment_score": wrong_answer("fulfilment_assets_swapped"),
                            "weighted_score": wrong_answer("weighted_score_bankers_rounding")}),
          inbox / "dave" / PS1 / PS1_NB)
    crash = student_notebook({"fulfilment_score": "import os\nos._exit(1)"})
    write(crash, inbox / "eve" / PS1 / PS1_NB)  # kills its kernel: reported, batch goes on
    (inbox / "notes.txt").write_text("not a notebook")
    (inbox / "zoe.ipynb").write_text("{ half a notebook")
    inbox_before, repo_before = snapshot(inbox), grading_snapshot(REPO.root)
    return {"inbox": inbox, "grading": grading, "inbox_before": inbox_before,
            "repo_before": repo_before}


@pytest.fixture(scope="module")
def autograded(graded_class):
    import io
    from contextlib import redirect_stderr, redirect_stdout

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["autograde", PS1, "--submissions", str(graded_class["inbox"]),
                     "--grading-dir", str(graded_class["grading"])])
    return {**graded_class, "code": code, "out": out.getvalue(), "err": err.getvalue()}


def test_autograde_scores_every_student_exactly(autograded):
    for student, scores in EXPECTED.items():
        total = sum(scores.values())
        assert re.search(rf"^  {student}\s+{total:g}/15 autograded", autograded["out"], re.M), \
            autograded["out"]


def test_autograde_reports_bad_files_and_exits_non_zero(autograded):
    assert autograded["code"] == 1
    assert re.search(r"^  eve\s+error: Kernel died", autograded["out"], re.M), autograded["out"]
    assert "1 submission(s) could not be graded" in autograded["err"]
    assert "1 file(s) not used (listed below)" not in autograded["out"]  # eve: an error
    assert "2 file(s) not used (listed below)" in autograded["out"]
    assert "notes.txt: not a notebook" in autograded["out"]
    assert "zoe.ipynb is not a notebook: invalid JSON" in autograded["out"]
    assert "Traceback" not in autograded["err"] + autograded["out"]


def test_submissions_and_repository_are_untouched(autograded):
    assert snapshot(autograded["inbox"]) == autograded["inbox_before"]
    assert grading_snapshot(REPO.root) == autograded["repo_before"]


def test_grading_folder_is_an_nbgrader_course(autograded):
    grading = autograded["grading"]
    assert (grading / "gradebook.db").is_file()
    config = (grading / "nbgrader_config.py").read_text()
    # its own copy of the course's configuration, not a path to the checkout
    assert str(REPO.root) not in config and str(grading.resolve()) in config
    assert (grading / "course_config.py").read_text() == REPO.config_file.read_text()
    for student in EXPECTED:
        assert (grading / "autograded" / student / PS1 / PS1_NB).is_file()


@pytest.fixture(scope="module")
def hand_graded(autograded):
    """The instructor grades alice's written answer, as formgrader would."""
    db = f"sqlite:///{autograded['grading'].resolve() / 'gradebook.db'}"
    with Gradebook(db) as gb:
        grade = gb.find_grade("design_choice", PS1, PS1, "alice")
        grade.manual_score = ALICE_ESSAY_POINTS
        gb.db.commit()
    return autograded


def test_feedback_shows_scores_but_no_secrets(hand_graded, capsys):
    grading = hand_graded["grading"]
    # bob's, carol's and dave's written answers are not graded yet: refused, then --partial
    assert main(["feedback", PS1, "--grading-dir", str(grading)]) == 1
    err = capsys.readouterr().err
    assert "3 written answer(s) of 3 student(s) still await hand grading" in err
    assert "(bob, carol, dave)" in err
    assert main(["feedback", PS1, "--partial", "--grading-dir", str(grading)]) == 0
    out = capsys.readouterr().out
    secrets = assignment_secrets(REPO, PS1)
    for student in EXPECTED:
        page = grading / "feedback" / student / PS1 / PS1_NB.replace(".ipynb", ".html")
        assert str(page) in out
        html = page.read_text()
        for kind in ("hidden test", "mark scheme"):
            leaked = [line for line in secrets[kind] if line in html]
            assert not leaked, (student, kind, leaked[:2])
        assert "BEGIN HIDDEN TESTS" not in html and "MARK SCHEME" not in html
        assert "hidden tests: not shown" in html
    dave = (grading / "feedback" / "dave" / PS1 / "ps1-build-the-score.html").read_text()
    assert "Halves should round up" in dave  # the message that explains the lost points
    alice = (grading / "feedback" / "alice" / PS1 / "ps1-build-the-score.html").read_text()
    total = sum(EXPECTED["alice"].values()) + ALICE_ESSAY_POINTS
    assert f"{PS1} (Score: {total:.1f} / 20.0)" in " ".join(re.sub(r"<[^>]+>", " ", alice).split())


def test_grades_table_and_per_question_summary(hand_graded, capsys):
    grading = hand_graded["grading"]
    assert main(["grades", PS1, "--grading-dir", str(grading)]) == 0
    out = capsys.readouterr().out
    table = pd.read_csv(grading / "grades" / f"grades-{PS1}.csv").set_index("student")
    # Everyone who handed in something is listed: eve's kernel died, zoe's file is not JSON
    assert sorted(table.index) == sorted([*EXPECTED, "eve", "zoe"])
    assert table.loc[["eve", "zoe"], list(PS1_POINTS)].isna().all().all()  # not zero
    assert "Kernel died" in table.loc["eve", "status"]
    assert "not graded" in table.loc["zoe", "status"] and "invalid JSON" in table.loc["zoe",
                                                                                       "status"]
    assert pd.isna(table.loc["zoe", "score"])
    assert (table.loc[list(EXPECTED), "status"] == "graded").all()
    assert re.search(r"^  zoe\s+not graded: .*invalid JSON", out, re.M), out
    table = table.drop(index="zoe")
    for student, scores in EXPECTED.items():
        for question, points in scores.items():
            assert table.loc[student, question] == points, (student, question)
    totals = {s: sum(v.values()) for s, v in EXPECTED.items()}
    totals["alice"] += ALICE_ESSAY_POINTS
    assert table.drop(index="eve")["score"].to_dict() == totals
    assert (table.drop(index="eve")["max_score"] == 20).all()
    assert table.loc["alice", "awaiting_manual_grading"] == 0
    assert table.loc["bob", "awaiting_manual_grading"] == 1
    questions = pd.read_csv(grading / "grades" / f"questions-{PS1}.csv").set_index("question")
    for question in PS1_POINTS:  # over the graded submissions only
        mean = sum(EXPECTED[s][question] for s in EXPECTED) / len(EXPECTED)
        assert questions.loc[question, "mean"] == pytest.approx(mean)
    assert questions.loc["design_choice", "graded"] == 1
    assert questions.loc["design_choice", "mean"] == ALICE_ESSAY_POINTS
    assert (grading / "grades" / f"histogram-{PS1}.png").stat().st_size > 1000
    assert "per question:" in out and "still have written answers" in out
    assert re.search(r"^scores \(provisional: \d+ answer\(s\) not graded yet count as 0\):$", out, re.M)


def test_grades_refuse_an_output_folder_inside_the_repository(hand_graded, capsys):
    code = main(["grades", PS1, "--grading-dir", str(hand_graded["grading"]),
                 "--out", str(REPO.root / "grades")])
    assert code == 2 and "inside the course repository" in capsys.readouterr().err
    assert not (REPO.root / "grades").exists()
