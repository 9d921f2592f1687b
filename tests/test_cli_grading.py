"""The ``course`` command: bad input gets one clear line and a non-zero exit; ``course check``
grades with every test and changes nothing; the student edition checks with visible tests."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from course.cli import main

from .test_grading_support import (
    PS1,
    PS1_NB,
    REPO,
    full_marks_answers,
    grading_snapshot,
    snapshot,
    solution_source,
    student_notebook,
    write,
    wrong_answer,
)

COURSE = str(Path(sys.executable).parent / "course")


def one_line_error(capsys, code, expected: str) -> str:
    captured = capsys.readouterr()
    assert code == 2, captured
    err = captured.err.strip()
    assert "\n" not in err and "Traceback" not in err, err
    assert expected in err, err
    return err


# -- bad input, everywhere ------------------------------------------------------------------
@pytest.fixture
def files(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "broken.ipynb").write_text("{ not json")
    write(student_notebook(), tmp_path / "inbox" / "amy" / PS1 / PS1_NB)
    import nbformat

    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")]),
                   tmp_path / "other.ipynb")
    return tmp_path


@pytest.mark.parametrize("argv, expected", [
    (["check", "{t}/missing.ipynb"], "missing.ipynb does not exist"),
    (["check", "{t}"], "is a folder, not a notebook"),
    (["check", "{t}/notes.txt"], "notes.txt is not a notebook: notebooks end in .ipynb"),
    (["check", "{t}/broken.ipynb"], "broken.ipynb is not a notebook: invalid JSON"),
    (["check", "{t}/other.ipynb"], "is not one of the course's exercise notebooks"),
    (["check", "{t}/inbox/amy/" + PS1 + "/" + PS1_NB, "--assignment", "ps9"],
     "there is no assignment called 'ps9'"),
    (["autograde", "ps9", "--submissions", "{t}/inbox", "--grading-dir", "{t}/g"],
     "there is no assignment called 'ps9'"),
    (["autograde", PS1, "--submissions", "{t}/nowhere", "--grading-dir", "{t}/g"],
     "does not exist"),
    (["autograde", PS1, "--submissions", "{t}/notes.txt", "--grading-dir", "{t}/g"],
     "is not a folder"),
    (["autograde", PS1, "--submissions", "{t}/inbox", "--grading-dir", str(REPO.root / "g")],
     "inside the course repository"),
    (["autograde", PS1, "--submissions", str(REPO.exercises), "--grading-dir", "{t}/g"],
     "the submissions folder"),
    (["feedback", PS1, "--grading-dir", "{t}/never-graded"], "does not exist"),
    (["grades", PS1, "--grading-dir", "{t}/never-graded"], "does not exist"),
    (["feedback", "ps9", "--grading-dir", "{t}/g"], "there is no assignment called 'ps9'"),
    (["gate", "ps9"], "there is no assignment called 'ps9'"),
    (["release", "ps9"], "there is no assignment called 'ps9'"),
    (["bundle", "--student", "{t}/out.tar"], "should end in .zip"),
    (["bundle", "--student", "{t}/no/such/dir/out.zip"], "does not exist"),
])
def test_bad_input_is_one_clear_line(files, capsys, argv, expected):
    argv = [a.replace("{t}", str(files)) for a in argv]
    one_line_error(capsys, main(argv), expected)
    assert not (REPO.root / "g").exists()


def test_feedback_and_grades_before_autograde(files, capsys):
    (files / "empty-grading").mkdir()
    one_line_error(capsys, main(["grades", PS1, "--grading-dir", str(files / "empty-grading")]),
                   "is not a grading folder")
    # a grading folder in which this assignment was never autograded
    (files / "empty-grading" / "nbgrader_config.py").write_text("# Scored grading folder\n")
    one_line_error(capsys, main(["feedback", PS1, "--grading-dir", str(files / "empty-grading")]),
                   "nothing is autograded")
    one_line_error(capsys, main(["grades", PS1, "--grading-dir", str(files / "empty-grading")]),
                   "has not been autograded")


def test_the_installed_command_never_shows_a_traceback(files):
    result = subprocess.run([COURSE, "check", str(files / "broken.ipynb")], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    usage = subprocess.run([COURSE, "autograde"], capture_output=True, text=True, timeout=120)
    assert usage.returncode == 2 and "--submissions" in usage.stderr


# -- course check -----------------------------------------------------------------------------
def report_lines(out: str) -> dict[str, str]:
    """``{question label prefix: 'score/max verdict'}`` from a check report."""
    found = {}
    for match in re.finditer(r"^\s+([\d.-]+)/(\S+)\s+(passed|FAILED)?\s*(Q\d)", out, re.M):
        found[match.group(4)] = f"{match.group(1)}/{match.group(2)} {match.group(3) or ''}".strip()
    return found


@pytest.mark.slow
def test_check_grades_with_all_tests_and_changes_nothing(tmp_path, capsys):
    work = tmp_path / "my work"
    notebook = write(student_notebook({
        "fulfilment_score": solution_source("fulfilment_score"),
        "behaviour_score": "def behaviour_score(dims):\n    return (1",  # a syntax error
        "weighted_score": wrong_answer("weighted_score_bankers_rounding"),
    }), work / "ps1 attempt.ipynb")
    before, repo_before = snapshot(work), grading_snapshot(REPO.root)
    code = main(["check", str(notebook)])
    out = capsys.readouterr().out
    assert code == 1
    assert "Graded with all the tests, visible and hidden" in out
    assert report_lines(out) == {"Q1": "2/2 passed", "Q2": "0/3 FAILED", "Q3": "0/3 FAILED",
                                 "Q4": "0/2 FAILED", "Q5": "0/3 FAILED", "Q6": "0/2 FAILED",
                                 "Q7": "-/5"}
    # a hidden test's message, without its code
    assert "Halves should round up" in out and "default_rng" not in out
    assert "NotImplementedError" in out and "Autograded: 2 / 15" in out
    assert "not answered yet" in out
    # The cause comes first: Q2's answer cell did not even compile
    q2 = out.split("Q2 ·", 1)[1].split("Q3 ·", 1)[0]
    assert "the answer cell above failed (line 2): SyntaxError: incomplete input" in q2, q2
    assert snapshot(work) == before
    assert grading_snapshot(REPO.root) == repo_before


@pytest.mark.slow
def test_check_full_marks_exit_zero(tmp_path, capsys):
    notebook = write(student_notebook(full_marks_answers(), essay="My answer " * 80),
                     tmp_path / "done.ipynb")
    assert main(["check", str(notebook)]) == 0
    out = capsys.readouterr().out
    assert "Autograded: 15 / 15" in out
    assert "your answer has 160 words (asked: 150–250)\n" in out  # within the range: no verdict


@pytest.mark.slow
def test_check_visible_only_in_a_full_checkout_says_so(tmp_path, capsys):
    notebook = write(student_notebook(full_marks_answers()), tmp_path / "done.ipynb")
    assert main(["check", str(notebook), "--visible-only"]) == 0
    out = capsys.readouterr().out
    assert "VISIBLE tests only, as you asked (--visible-only)" in out
    assert "no solutions/ folder" not in out


def test_check_refuses_a_notebook_of_another_assignment(capsys):
    notebook = REPO.exercises / PS1 / PS1_NB
    assert main(["check", str(notebook), "--assignment", "ps2-incentives"]) == 2
    err = capsys.readouterr().err
    assert "is not ps2-incentives: its graded cells are ps1-build-the-score's" in err


def test_check_compares_written_answers_with_the_length_asked():
    from course.grading.autograde.check import CheckResult, format_check
    from course.grading.results.reports import CellResult, GradeReport

    report = GradeReport(PS1, "you", [CellResult("design_choice", "task", "Q7", None, 5.0)])
    for words, verdict in [(100, " — too short"), (200, ""), (300, " — too long")]:
        result = CheckResult(Path("mine.ipynb"), PS1, True, report,
                             {"design_choice": "word " * words},
                             word_ranges={"design_choice": (150, 250)})
        assert f"your answer has {words} words (asked: 150–250){verdict}\n" in \
            format_check(result) + "\n"


@pytest.fixture(scope="module")
def student_edition(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("edition")
    assert main(["bundle", "--student", str(tmp / "scored.zip")]) == 0
    with zipfile.ZipFile(tmp / "scored.zip") as archive:
        archive.extractall(tmp)
    return tmp / "scored"


@pytest.mark.slow
def test_student_edition_checks_with_visible_tests_only(student_edition, tmp_path, capsys):
    assert not (student_edition / "solutions").exists()
    # a shortcut that passes the visible tests: only the hidden tests would catch it
    shortcut = wrong_answer("behaviour_no_responsible_cap")
    notebook = write(student_notebook({**full_marks_answers(), "behaviour_score": shortcut}),
                     tmp_path / "shortcut.ipynb")
    code = main(["--root", str(student_edition), "check", str(notebook)])
    out = capsys.readouterr().out
    assert "VISIBLE tests only" in out and "no solutions/ folder" in out
    assert code == 0 and report_lines(out)["Q2"] == "3/3 passed", out
    # the full checkout grades the same notebook with the hidden tests, and it fails
    assert main(["check", str(notebook)]) == 1
    out = capsys.readouterr().out
    assert report_lines(out)["Q2"] == "0/3 FAILED", out


def test_grading_folder_must_be_new_empty_or_ours(files, capsys):
    stranger = files / "my documents"
    stranger.mkdir()
    (stranger / "thesis.txt").write_text("precious")
    one_line_error(capsys, main(["autograde", PS1, "--submissions", str(files / "inbox"),
                                 "--grading-dir", str(stranger)]), "neither empty nor")
    one_line_error(capsys, main(["feedback", PS1, "--grading-dir", str(stranger)]),
                   "is not a grading folder")
    assert sorted(p.name for p in stranger.iterdir()) == ["thesis.txt"]


def test_the_command_skips_jsonschemas_iri_grammars_and_still_validates_notebooks():
    """rfc3987_syntax costs ~0.7 s of every command at import; the command keeps it out, and
    nbformat still rejects a notebook that breaks its schema."""
    code = (
        "import sys\n"
        "from course.cli import skip_iri_grammars\n"
        "skip_iri_grammars()\n"
        "import nbformat\n"
        "assert sys.modules.get('rfc3987_syntax') is None, 'rfc3987_syntax was loaded'\n"
        "nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1 + 1')])\n"
        "nbformat.validate(nb)\n"
        "nb.cells[0]['execution_count'] = 'one'\n"
        "try:\n"
        "    nbformat.validate(nb)\n"
        "except nbformat.ValidationError:\n"
        "    print('rejected')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "rejected"


@pytest.mark.parametrize("thread", [False, True])
def test_the_command_ends_with_mains_status_its_output_written_and_exit_handlers_run(
        tmp_path, thread):
    """``course`` (``course.cli.run``) skips Python's tear-down at exit, not what matters: the
    exit status, output still buffered for a file, exit handlers, and a thread still working
    (then it exits the usual way, waiting for the thread)."""
    script = (
        "import atexit, threading, time\n"
        "import course.cli as cli\n"
        "atexit.register(lambda: print('exit handler ran'))\n"
        "def main():\n"
        "    print('what the command printed')\n"
        + ("    threading.Thread(target=lambda: (time.sleep(0.5), print('thread done'))"
           ").start()\n" if thread else "")
        + "    return 3\n"
        "cli.main = main\n"
        "cli.run()\n")
    out = tmp_path / "out.txt"
    with out.open("w") as stdout:  # a file: block-buffered, as when output is redirected
        done = subprocess.run([sys.executable, "-c", script], stdout=stdout, timeout=60)
    assert done.returncode == 3
    lines = out.read_text().splitlines()
    assert lines == ["what the command printed", *(["thread done"] if thread else []),
                     "exit handler ran"]
