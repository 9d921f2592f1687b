"""The instructor's term on a real nbgrader gradebook: roster, due dates, late penalties,
extensions, regrade requests and the Canvas / Moodle files (fixtures in tests/fixtures/term,
written as those systems write them, with invented students)."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from course.grading.layout import GradingError
from course.grading.results.lms import LmsGrade, canvas_fill, moodle_export, safe_cell
from course.grading.term import deadlines, regrade, roster
from course.grading.workspace import prepare_environment

prepare_environment()  # nbgrader stamps a new gradebook with alembic from this environment

FIXTURES = Path(__file__).parent / "fixtures" / "term"
CANVAS = FIXTURES / "canvas-export.csv"
MOODLE = FIXTURES / "moodle-export.csv"
PLAIN = FIXTURES / "roster.csv"
A = "ps1-build-the-score"
HYPERLINK = '=HYPERLINK("http://example.invalid/x","click me")'


def cells(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


@pytest.fixture
def gb(tmp_path):
    """A gradebook with a two-notebook assignment (10 + 10 points, one written answer)."""
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as gb:
        gb.add_assignment(A)
        for nb in ("part1", "part2"):
            gb.add_notebook(nb, A)
        gb.add_grade_cell("q1", "part1", A, max_score=6, cell_type="code")
        gb.add_grade_cell("q2", "part1", A, max_score=4, cell_type="code")
        gb.add_grade_cell("essay", "part2", A, max_score=10, cell_type="markdown")
        yield gb


def submit(gb, student: str, *, q1=6.0, q2=4.0, essay=None, at: datetime | None = None):
    gb.update_or_create_student(student)
    sub = gb.add_submission(A, student, timestamp=at)
    for nb in sub.notebooks:
        for g in nb.grades:
            if g.name == "essay":
                g.manual_score = essay
                g.needs_manual_grade = essay is None
            else:
                g.auto_score = {"q1": q1, "q2": q2}[g.name]
                g.needs_manual_grade = False
    gb.db.commit()
    return sub


# -- roster ---------------------------------------------------------------------------------
def test_canvas_export_maps_logins_and_skips_points_possible_and_test_student():
    r = roster.read_roster(CANVAS)
    assert r.format == "canvas"
    assert [e.student for e in r.entries] == ["wchen", "wangxm", "mallory", "aokafor"]
    wang = r.entries[1]
    assert (wang.name, wang.sis_user_id, wang.lms_id, wang.section) == \
        ("王小明", "S1002", "4102", "Lotus 101 A")
    assert (r.entries[0].first_name, r.entries[0].last_name) == ("Wei", "Chen")
    assert r.entries[2].first_name == "Mallory" and r.entries[2].last_name == HYPERLINK
    assert any("Test Student" in n for n in r.notes)
    assert [e.student for e in roster.read_roster(CANVAS, "sis").entries][:2] == \
        ["S1001", "S1002"]


def test_moodle_export_and_plain_csv():
    m = roster.read_roster(MOODLE)
    assert m.format == "moodle"
    assert [(e.student, e.first_name, e.last_name, e.email, e.id_number) for e in m.entries][1] \
        == ("wangxm", "小明", "王", "xiaoming.wang@example.edu", "S1002")
    assert roster.read_roster(MOODLE, "email").entries[0].student == "wei.chen@example.edu"
    p = roster.read_roster(PLAIN)
    assert p.format == "csv" and [e.student for e in p.entries] == ["wchen", "wangxm", "lijing"]
    assert p.entries[2].name == "静 李"


def test_moodle_without_username_takes_the_email_before_at(tmp_path):
    text = MOODLE.read_text(encoding="utf-8").replace(",Username", ",Nickname")
    (tmp_path / "m.csv").write_text(text, encoding="utf-8")
    r = roster.read_roster(tmp_path / "m.csv")
    assert r.entries[0].student == "wei.chen" and "before @" in " ".join(r.notes)


@pytest.mark.parametrize("content, message", [
    ("name,score\nbob,3\n", "unknown roster format"),
    ("id,first_name,last_name,email,section\nwchen,W,C,w@x,A\nwchen,X,Y,x@x,B\n",
     "rows 2 and 3 have the same id 'wchen'"),
    ("id,first_name,last_name,email,section\n,W,C,w@x,A\n", r"row 2 \(W C\) has no id"),
    ("id,first_name,last_name,email,section\nw chen,W,C,w@x,A\n", "not a usable student id"),
])
def test_bad_rosters_are_refused_with_what_to_do(tmp_path, content, message):
    path = tmp_path / "r.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GradingError, match=message):
        roster.read_roster(path)


def test_non_utf8_and_spreadsheets_refused(tmp_path):
    (tmp_path / "latin.csv").write_bytes("id,first_name\nj,Jos\xe9\n".encode("latin-1"))
    with pytest.raises(GradingError, match="not UTF-8"):
        roster.read_roster(tmp_path / "latin.csv")
    (tmp_path / "x.csv").write_bytes(b"PK\x03\x04rest")
    with pytest.raises(GradingError, match="spreadsheet, not CSV"):
        roster.read_roster(tmp_path / "x.csv")


def test_import_stores_names_in_nbgrader_and_reports_who_is_missing(gb):
    submit(gb, "wchen")
    submit(gb, "stranger")
    report = roster.import_roster(gb, roster.read_roster(CANVAS))
    assert report.imported == 4
    assert report.not_on_roster == {A: ["stranger"]}
    assert report.no_submission == {A: ["aokafor", "mallory", "wangxm"]}
    wang = gb.find_student("wangxm")
    assert (wang.first_name, wang.last_name, wang.lms_user_id) == (None, "王小明", "4102")
    listed = roster.roster_entries(gb)  # sorted by last name
    assert [e.student for e in listed] == ["mallory", "wchen", "aokafor", "wangxm"]
    assert {e.student: e.section for e in listed}["mallory"] == "Lotus 101 B"
    # a second import replaces the roster; grades of students no longer on it stay
    roster.import_roster(gb, roster.read_roster(PLAIN))
    assert {e.student for e in roster.roster_entries(gb)} == {"wchen", "wangxm", "lijing"}
    assert gb.find_submission(A, "stranger").score == 10


def test_names_round_trip_through_the_gradebook_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'g.db'}"
    with Gradebook(url) as gb:
        roster.import_roster(gb, roster.read_roster(MOODLE))
    with Gradebook(url) as gb:  # read back from disk
        names = {e.student: e.name for e in roster.roster_entries(gb)}
    assert names["wangxm"] == "小明 王"
    assert names["mallory"] == f"{HYPERLINK} Mallory"


# -- due dates and late work ----------------------------------------------------------------
def test_due_dates_need_a_time_zone():
    assert deadlines.parse_due("2026-12-04T17:00+08:00") == datetime(2026, 12, 4, 9, 0)
    assert deadlines.parse_due("2026-12-04T09:00Z") == datetime(2026, 12, 4, 9, 0)
    for naive in ("2026-12-04T17:00", "2026-12-04"):
        with pytest.raises(GradingError, match="has no time zone"):
            deadlines.parse_due(naive)
    with pytest.raises(GradingError, match="not an ISO 8601"):
        deadlines.parse_due("next friday")


DUE = "2026-12-04T17:00+08:00"
DUE_UTC = datetime(2026, 12, 4, 9, 0)


def test_penalty_per_day_or_part_of_a_day(gb):
    submit(gb, "ontime", at=DUE_UTC - timedelta(minutes=5))
    submit(gb, "late26", at=DUE_UTC + timedelta(hours=26))  # 2 days started: -20%
    submit(gb, "late1m", at=DUE_UTC + timedelta(minutes=1))  # 1 day started: -10%
    submit(gb, "flat")  # no timestamp.txt
    _, changed = deadlines.set_due(gb, A, DUE, penalty_per_day=10)
    assert changed == 2
    # 20 points possible: -20% is 4 points, taken off nbgrader's late_submission_penalty
    assert deadlines.penalty_of(gb.find_submission(A, "late26")) == pytest.approx(4.0)
    assert deadlines.penalty_of(gb.find_submission(A, "late1m")) == pytest.approx(2.0)
    assert deadlines.penalty_of(gb.find_submission(A, "ontime")) == 0
    assert gb.find_submission(A, "late26").late_submission_penalty == pytest.approx(4.0)
    assert deadlines.lateness_of(gb, A, "late26").description == \
        "submitted 1 day 2 h late: \u221220%"
    assert deadlines.lateness_of(gb, A, "ontime").description is None
    flat = deadlines.lateness_of(gb, A, "flat")
    assert flat.unknown and "without timestamp.txt" in flat.description
    assert gb.find_assignment(A).duedate == DUE_UTC


def test_penalty_never_exceeds_the_score_and_zero_after_cut_off(gb):
    submit(gb, "weak", q1=1, q2=0, at=DUE_UTC + timedelta(hours=30))
    submit(gb, "verylate", at=DUE_UTC + timedelta(days=4))
    deadlines.set_due(gb, A, DUE, penalty_per_day=25, zero_after_days=3)
    assert deadlines.penalty_of(gb.find_submission(A, "weak")) == pytest.approx(1.0)
    assert deadlines.penalty_of(gb.find_submission(A, "verylate")) == pytest.approx(10.0)
    assert "after the 3 days cut-off: scored 0" in \
        deadlines.lateness_of(gb, A, "verylate").description
    assert regrade.final_score(gb, A, "verylate") == 0


def test_extension_removes_the_penalty_without_rerunning(gb):
    roster.import_roster(gb, roster.read_roster(CANVAS))
    submit(gb, "wchen", at=DUE_UTC + timedelta(hours=26))
    deadlines.set_due(gb, A, DUE, penalty_per_day=10)
    assert regrade.final_score(gb, A, "wchen") == pytest.approx(6.0)  # 10 - 20% of 20
    until, changed = deadlines.grant_extension(gb, A, "wchen", "+2d")
    assert until == DUE_UTC + timedelta(days=2) and changed == 1
    assert gb.find_submission(A, "wchen").extension == timedelta(days=2)
    assert regrade.final_score(gb, A, "wchen") == pytest.approx(10.0)
    # an absolute extension, then a due date moved: re-applied from nbgrader's model
    deadlines.grant_extension(gb, A, "wchen", "2026-12-05T10:00+08:00")  # 1 h after its 26 h
    assert deadlines.penalty_of(gb.find_submission(A, "wchen")) == pytest.approx(2.0)


def test_extension_refusals(gb):
    with pytest.raises(GradingError, match="no due date yet"):
        deadlines.grant_extension(gb, A, "wchen", "+1d")
    deadlines.set_due(gb, A, DUE)
    with pytest.raises(GradingError, match="no roster yet"):
        deadlines.grant_extension(gb, A, "wchen", "+1d")
    roster.import_roster(gb, roster.read_roster(CANVAS))
    with pytest.raises(GradingError, match="'nobody' is not on the roster"):
        deadlines.grant_extension(gb, A, "nobody", "+1d")
    with pytest.raises(GradingError, match="not after the due date"):
        deadlines.grant_extension(gb, A, "wchen", "2026-12-01T00:00Z")
    with pytest.raises(GradingError, match="no time zone"):
        deadlines.grant_extension(gb, A, "wchen", "2026-12-09T00:00")
    assert deadlines.extensions(gb, A) == {}


def test_bad_policy_values(gb):
    with pytest.raises(GradingError, match="from 0 to 100"):
        deadlines.set_due(gb, A, DUE, penalty_per_day=150)
    with pytest.raises(GradingError, match="more than 0"):
        deadlines.set_due(gb, A, DUE, zero_after_days=0)
    assert gb.find_assignment(A).duedate is None


def test_lateness_wording():
    assert deadlines.describe_lateness(26 * 3600) == "1 day 2 h"
    assert deadlines.describe_lateness(3 * 86400 + 60) == "3 days"
    assert deadlines.describe_lateness(5 * 3600 + 600) == "5 h 10 min"
    assert deadlines.describe_lateness(5) == "1 min"


# -- regrade requests -----------------------------------------------------------------------
def test_regrade_recorded_then_settled_with_old_and_new_score(gb):
    submit(gb, "wchen", q1=0, essay=5)
    request = regrade.request_regrade(gb, A, "wchen", "my q1 answer is right", question="q1")
    assert (request.status, request.old_score, request.question) == ("open", 9.0, "q1")
    with pytest.raises(GradingError, match="no question 'q9'"):
        regrade.request_regrade(gb, A, "wchen", "x", question="q9")
    with pytest.raises(GradingError, match="--reason"):
        regrade.request_regrade(gb, A, "wchen", "  ")
    with pytest.raises(GradingError, match="no graded"):
        regrade.request_regrade(gb, A, "nobody", "x")
    grade = gb.find_grade("q1", "part1", A, "wchen")
    grade.manual_score = 6
    gb.db.commit()
    settled = regrade.settle(gb, A, "wchen", note="q1 hand-scored")
    assert [(r.status, r.old_score, r.new_score) for r in settled] == [("settled", 9.0, 15.0)]
    assert "9 -> 15" in settled[0].line()
    with pytest.raises(GradingError, match="no open regrade request"):
        regrade.settle(gb, A, "wchen")


# -- Canvas and Moodle files ----------------------------------------------------------------
def grades_for_canvas():
    r = {e.student: e for e in roster.read_roster(CANVAS).entries}
    out = []
    for student, score in [("wchen", 17.5), ("wangxm", 12.0), ("mallory", 3.0),
                           ("latecomer", 9.0)]:
        e = r.get(student)
        out.append(LmsGrade(student, score, sis_login_id=e.sis_login_id if e else "",
                            sis_user_id=e.sis_user_id if e else ""))
    return out


def test_canvas_fill_changes_only_the_assignment_column(tmp_path):
    out = tmp_path / "canvas.csv"
    export = canvas_fill(CANVAS, out, A, 20, grades_for_canvas())
    assert export.column == "ps1-build-the-score (20482)"
    before, after = cells(CANVAS), cells(out)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf") and b"\r\n" in out.read_bytes()
    col = before[0].index("ps1-build-the-score (20482)")
    assert [r[col] for r in after[2:6]] == ["17.5", "12", "3", ""]
    for i, (old, new) in enumerate(zip(before, after)):
        for j, (a, b) in enumerate(zip(old, new)):
            if j == col and 2 <= i <= 4:
                continue
            if j == 0 and a.startswith("="):
                assert b == "'" + a  # the formula-looking name, quoted
                continue
            assert a == b, (i, j)
    assert len(before) == len(after) and all(len(a) == len(b) for a, b in zip(before, after))
    assert any("latecomer" in n for n in export.notes)
    assert not any("worth" in n for n in export.notes)
    other = canvas_fill(CANVAS, tmp_path / "other.csv", A, 15, grades_for_canvas())
    assert any("worth 20.00 points in Canvas, the assignment 15" in n for n in other.notes)


def test_canvas_new_column_with_points_possible(tmp_path):
    rows = cells(CANVAS)
    col = rows[0].index("ps1-build-the-score (20482)")
    trimmed = [r[:col] + r[col + 1:] for r in rows]
    template = tmp_path / "export.csv"
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows(trimmed)
    template.write_text(buf.getvalue(), encoding="utf-8")
    out = tmp_path / "filled.csv"
    canvas_fill(template, out, A, 20, grades_for_canvas())
    after = cells(out)
    assert after[0][:7] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                            "Quiz 1 (20481)", A]
    assert after[1][6] == "20" and after[2][6] == "17.5"
    assert after[0][7] == "Assignments Current Points"


def test_canvas_fill_refusals_write_nothing(tmp_path):
    out = tmp_path / "canvas.csv"
    with pytest.raises(GradingError, match="no column 'Homework 9'.*Quiz 1 \\(20481\\)"):
        canvas_fill(CANVAS, out, A, 20, grades_for_canvas(), column="Homework 9")
    no_points = tmp_path / "no-points.csv"
    no_points.write_text("\n".join(line for line in CANVAS.read_text(encoding="utf-8-sig")
                                   .splitlines() if "Points Possible" not in line),
                         encoding="utf-8")
    with pytest.raises(GradingError, match="no 'Points Possible' row"):
        canvas_fill(no_points, out, A, 20, grades_for_canvas())
    with pytest.raises(GradingError, match="not a Canvas gradebook export"):
        canvas_fill(MOODLE, out, A, 20, grades_for_canvas())
    pending = grades_for_canvas()
    pending[0].awaiting = 1
    with pytest.raises(GradingError, match="--provisional"):
        canvas_fill(CANVAS, out, A, 20, pending)
    assert not out.exists() and not list(tmp_path.glob(".*partial"))
    canvas_fill(CANVAS, out, A, 20, pending, provisional=True)
    assert out.exists()


def test_moodle_export_quotes_formulas(tmp_path):
    r = {e.student: e for e in roster.read_roster(MOODLE).entries}
    grades = [LmsGrade(s, 10.0, feedback=fb, first_name=r[s].first_name,
                       last_name=r[s].last_name, email=r[s].email, id_number=r[s].id_number)
              for s, fb in [("wangxm", "good"), ("mallory", "-5 for lateness")]]
    grades.append(LmsGrade("ghost", 4.0))
    export = moodle_export(tmp_path / "m.csv", A, grades)
    rows = cells(tmp_path / "m.csv")
    assert rows[0] == ["Email address", "ID number", "First name", "Last name", A,
                       f"{A} feedback"]
    by_email = {row[0]: row for row in rows[1:]}
    assert by_email["xiaoming.wang@example.edu"][2:5] == ["小明", "王", "10"]
    assert by_email["mallory@example.edu"][2] == "'" + HYPERLINK
    assert by_email["mallory@example.edu"][5] == "'-5 for lateness"
    assert any("ghost" in n for n in export.notes)


def test_safe_cell():
    assert [safe_cell(x) for x in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "Ada", "", None)] == \
        ["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "Ada", "", ""]


def test_extension_granted_before_the_submission_exists(gb):
    roster.import_roster(gb, roster.read_roster(CANVAS))
    deadlines.set_due(gb, A, DUE, penalty_per_day=10)
    deadlines.grant_extension(gb, A, "wangxm", "+2d")  # nothing handed in yet
    submit(gb, "wangxm", at=DUE_UTC + timedelta(hours=26))
    submit(gb, "wchen", at=DUE_UTC + timedelta(hours=26))
    # what the grading merge does for each submission, inside its transaction
    assert deadlines.apply_late_penalty(gb, A, "wangxm") is None
    assert deadlines.apply_late_penalty(gb, A, "wchen") == "submitted 1 day 2 h late: \u221220%"
    gb.db.commit()
    assert gb.find_submission(A, "wangxm").extension == timedelta(days=2)
    assert deadlines.penalty_of(gb.find_submission(A, "wangxm")) == 0
    assert deadlines.penalty_of(gb.find_submission(A, "wchen")) == pytest.approx(4.0)
