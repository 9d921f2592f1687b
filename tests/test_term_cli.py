"""A term through the real ``course`` command: a Canvas roster imported, a due date with a
late policy, three submissions autograded (one 26 h late, one a flat file without
timestamp.txt), half-graded feedback, the Canvas export filled and compared cell by cell, an
extension, a regrade request settled, and Moodle's import file; bad input refused."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from course.cli import main

from .test_grading_support import (
    ESSAY,
    PS1,
    PS1_NB,
    full_marks_answers,
    student_notebook,
    write,
)

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parent / "fixtures" / "term"
CANVAS = FIXTURES / "canvas-export.csv"
MOODLE = FIXTURES / "moodle-export.csv"
COLUMN = "ps1-build-the-score (20482)"
HYPERLINK = '=HYPERLINK("http://example.invalid/x","click me")'
DUE = "2026-12-04T17:00+08:00"  # 09:00 UTC


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def cells(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def folder_state(path: Path) -> dict:
    return {str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(path.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def term(tmp_path_factory):
    from contextlib import redirect_stderr, redirect_stdout

    root = tmp_path_factory.mktemp("term")
    inbox, grading = root / "inbox", root / "grading"
    wchen = write(student_notebook(full_marks_answers(), essay=ESSAY),
                  inbox / "wchen" / PS1 / PS1_NB)
    (wchen.parent / "timestamp.txt").write_text("2026-12-05 11:00:00.000000 UTC")  # 26 h late
    wang = write(student_notebook(full_marks_answers()), inbox / "wangxm" / PS1 / PS1_NB)
    (wang.parent / "timestamp.txt").write_text("2026-12-04 08:30:00.000000 UTC")  # on time
    write(student_notebook(), inbox / "mallory.ipynb")  # a flat file: no timestamp
    out, err = io.StringIO(), io.StringIO()
    codes = []
    with redirect_stdout(out), redirect_stderr(err):
        codes.append(main(["roster", "import", str(CANVAS), "--grading-dir", str(grading)]))
        codes.append(main(["due", PS1, DUE, "--penalty-per-day", "10",
                           "--grading-dir", str(grading)]))
        codes.append(main(["autograde", PS1, "--submissions", str(inbox), "--grading-dir",
                           str(grading), "--jobs", "2"]))
    return {"grading": grading, "codes": codes, "out": out.getvalue(), "err": err.getvalue(),
            "db": f"sqlite:///{grading.resolve() / 'gradebook.db'}"}


def test_roster_due_and_autograde_apply_the_late_policy(term):
    out = term["out"]
    assert term["codes"] == [0, 0, 0], (out, term["err"])
    assert "imported 4 student(s) from a Canvas gradebook export" in out
    assert "Canvas's Test Student was left out" in out
    assert "no submission" not in out.split("autograding")[0]  # nothing graded yet
    assert re.search(r"^  wchen\s+15/15 autograded.*submitted 1 day 2 h late: \u221220%", out,
                     re.M), out
    assert re.search(r"without timestamp\.txt \(flat files: a file's modification time is not "
                     r"trusted\).*: mallory$", out, re.M), out
    with Gradebook(term["db"]) as gb:
        assert gb.find_submission(PS1, "wchen").late_submission_penalty == pytest.approx(4.0)
        assert gb.find_submission(PS1, "wangxm").late_submission_penalty == 0
        assert gb.find_student("wangxm").last_name == "王小明"


@pytest.mark.parametrize("argv, expected", [
    (["roster", "import", "{m}/grades.csv"], "unknown roster format"),
    (["due", PS1, "2026-12-04T17:00"], "has no time zone"),
    (["extend", "nobody", PS1, "+2d"], "'nobody' is not on the roster"),
    (["grades", PS1, "--lms", "canvas", "--template", str(CANVAS), "--column", "Homework 9",
      "--provisional"], "has no column 'Homework 9'"),
    (["grades", PS1, "--lms", "canvas", "--template", "{m}/no-points.csv", "--provisional"],
     "no 'Points Possible' row"),
    (["grades", PS1, "--lms", "canvas"], "--lms canvas needs --template"),
])
def test_bad_input_one_line_exit_2_nothing_written(term, tmp_path, capsys, argv, expected):
    (tmp_path / "grades.csv").write_text("name,score\nbob,3\n", encoding="utf-8")
    (tmp_path / "no-points.csv").write_text(
        "\n".join(line for line in CANVAS.read_text(encoding="utf-8-sig").splitlines()
                  if "Points Possible" not in line), encoding="utf-8")
    before = folder_state(term["grading"])
    argv = [a.replace("{m}", str(tmp_path)) for a in argv]
    code, out, err = run(capsys, *argv, "--grading-dir", term["grading"])
    assert code == 2, (out, err)
    assert "\n" not in err.strip() and "Traceback" not in err and expected in err, err
    assert folder_state(term["grading"]) == before


def test_a_term_walk(term, capsys):
    grading = term["grading"]
    g = ["--grading-dir", grading]

    # the roster lists the Chinese name as written
    code, out, _ = run(capsys, "roster", *g)
    assert code == 0 and re.search(r"^  wangxm\s+王小明\s", out, re.M), out

    # every written answer (a task cell) awaits hand grading: feedback is refused for all
    code, out, err = run(capsys, "feedback", PS1, *g)
    assert code == 1 and "3 written answer(s) of 3 student(s) still await hand grading" in err
    assert "feedback for 0 student(s)" in out
    # the instructor grades the two blank ones in formgrader; wchen's waits
    with Gradebook(term["db"]) as gb:
        for student in ("wangxm", "mallory"):
            gb.find_grade("design_choice", PS1, PS1, student).manual_score = 0
        gb.db.commit()

    # grades: names, sections, lateness and penalty; wchen's essay awaits hand grading
    code, out, _ = run(capsys, "grades", PS1, *g)
    assert code == 0 and "provisional: 1 answer(s) not graded yet count as 0" in out, out
    table = {row["student"]: row for row in csv.DictReader(
        (grading / "grades" / f"grades-{PS1}.csv").open(encoding="utf-8"))}
    assert (table["wchen"]["name"], table["wchen"]["section"]) == ("Wei Chen", "Lotus 101 A")
    assert table["wchen"]["late"] == "submitted 1 day 2 h late: \u221220%"
    assert float(table["wchen"]["late_penalty"]) == 4 and float(table["wchen"]["score"]) == 11
    assert table["mallory"]["name"] == f"Mallory {HYPERLINK}"  # Canvas: "Last, First"

    # feedback: refused for wchen (an answer awaits hand grading), then --partial and --zip
    code, out, err = run(capsys, "feedback", PS1, *g)
    assert code == 1 and "1 written answer(s) of 1 student(s) still await hand grading" in err
    page = grading / "feedback" / "wchen" / PS1 / PS1_NB.replace(".ipynb", ".html")
    assert not page.exists() and (grading / "feedback" / "wangxm").is_dir()
    code, out, err = run(capsys, "feedback", PS1, "--partial", "--zip", *g)
    assert code == 0, err
    text = " ".join(re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8")).split())
    assert re.search(r"Task \( ?not graded yet / 5\.0 ?\)", text), text[:2000]
    assert "submitted 1 day 2 h late: \u221220% (4.0 points taken off)" in text
    assert "provisional" in text
    mallory = grading / "feedback" / "mallory" / PS1 / PS1_NB.replace(".ipynb", ".html")
    html = mallory.read_text(encoding="utf-8")  # no timestamp: the student is told nothing
    assert 'class="late"' not in html and "timestamp.txt" not in html
    assert 'class="late"' in page.read_text(encoding="utf-8")
    with zipfile.ZipFile(grading / f"feedback-{PS1}.zip") as archive:
        assert sorted(archive.namelist()) == ["mallory.html", "wangxm.html", "wchen.html"]

    # Canvas: provisional totals refused, then exported on request, compared cell by cell
    out_file = grading / "grades" / f"canvas-{PS1}.csv"
    code, out, err = run(capsys, "grades", PS1, "--lms", "canvas", "--template", CANVAS, *g)
    assert code == 2 and "--provisional" in err and not out_file.exists()
    code, out, err = run(capsys, "grades", PS1, "--lms", "canvas", "--template", CANVAS,
                         "--provisional", *g)
    assert code == 0 and "PROVISIONAL" in out, err
    before, after = cells(CANVAS), cells(out_file)
    col = before[0].index(COLUMN)
    students = {r[3]: r for r in after[2:]}
    assert [students[s][col] for s in ("wchen", "wangxm", "mallory", "aokafor")] == \
        ["11", "15", "0", ""]
    for i, (old, new) in enumerate(zip(before, after)):
        assert len(old) == len(new)
        for j, (a, b) in enumerate(zip(old, new)):
            if j == col and old[3] in ("wchen", "wangxm", "mallory"):
                continue
            assert b == ("'" + a if a.startswith("=") else a), (i, j, a, b)
    assert after[4][0] == "'" + before[4][0] and before[4][0].startswith(HYPERLINK)

    # an extension re-applies the penalty without running anything
    code, out, _ = run(capsys, "extend", "wchen", PS1, "+2d", *g)
    assert code == 0 and "now has until 2026-12-06 09:00 UTC" in out and "not late" in out

    # hand grading done: the export is final; wchen 15 + 4
    with Gradebook(term["db"]) as gb:
        gb.find_grade("design_choice", PS1, PS1, "wchen").manual_score = 4
        gb.db.commit()
    code, out, err = run(capsys, "grades", PS1, "--lms", "canvas", "--template", CANVAS, *g)
    assert code == 0, err
    assert {r[3]: r[col] for r in cells(out_file)[2:]}["wchen"] == "19"

    # a regrade request: recorded, the hand score changed, settled with old and new score
    code, out, _ = run(capsys, "regrade", PS1, "wangxm", "--question", "design_choice",
                       "--reason", "I answered in the markdown cell below", *g)
    assert code == 0 and "recorded regrade request #1" in out
    with Gradebook(term["db"]) as gb:
        gb.find_grade("design_choice", PS1, PS1, "wangxm").manual_score = 2
        gb.db.commit()
    code, out, err = run(capsys, "regrade", PS1, "wangxm", "--settle", "--note", "read it", *g)
    assert code == 0 and "not run again" in out and "(15 -> 17; read it)" in out, out + err
    code, out, _ = run(capsys, "grades", PS1, *g)
    assert "regrade requests: 0 open, 1 settled" in out

    # Moodle: the roster from Moodle's export, then its grade-import file
    code, out, _ = run(capsys, "roster", "import", MOODLE, *g)
    assert code == 0 and "imported 4 student(s) from a Moodle grade export" in out
    assert "1 student(s) on the roster with no submission: aokafor" in out
    code, out, err = run(capsys, "grades", PS1, "--lms", "moodle", *g)
    assert code == 0, err
    rows = cells(grading / "grades" / f"moodle-{PS1}.csv")
    assert rows[0] == ["Email address", "ID number", "First name", "Last name", PS1,
                       f"{PS1} feedback"]
    by_email = {r[0]: r for r in rows[1:]}
    assert by_email["xiaoming.wang@example.edu"][1:5] == ["S1002", "小明", "王", "17"]
    assert by_email["mallory@example.edu"][2] == "'" + HYPERLINK
    assert by_email["wei.chen@example.edu"][4:] == ["19", "19/20"]
    assert by_email["mallory@example.edu"][4:] == ["0", "0/20"]  # no timestamp: nothing said
