"""`course hub start` without --students takes the accounts from the course roster."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from course.cli import main
from course.hub import HubError
from course.hub.users import students_from_roster

CANVAS = Path(__file__).parent / "fixtures" / "term" / "canvas-export.csv"


def _logins() -> list[str]:
    rows = list(csv.DictReader(io.StringIO(CANVAS.read_text(encoding="utf-8-sig"))))
    return [r["SIS Login ID"] for r in rows if r["SIS Login ID"]]


def test_the_roster_gives_the_accounts(tmp_path, capsys):
    assert main(["roster", "import", str(CANVAS), "--grading-dir", str(tmp_path)]) == 0
    assert sorted(students_from_roster(tmp_path)) == sorted(_logins())


def test_ids_that_are_not_unix_names_are_refused_with_what_to_do(tmp_path, capsys):
    assert main(["roster", "import", str(CANVAS), "--id-from", "sis",  # S1001: not a Unix name
                 "--grading-dir", str(tmp_path)]) == 0
    with pytest.raises(HubError, match="not usable as Unix user names.*--id-from login"):
        students_from_roster(tmp_path)


def test_an_empty_roster_says_how_to_fill_it(tmp_path):
    from course.grading.autograde.classroom import GradingFolder
    from course.grading.layout import find_layout

    GradingFolder(tmp_path, find_layout(None))  # a grading folder with no roster yet
    with pytest.raises(HubError, match="roster .* is empty; run `course roster import FILE`"):
        students_from_roster(tmp_path)


def test_the_roster_is_shared_with_the_formgrader_folder(tmp_path, capsys):
    """The hub's accounts come from one grading folder's roster; share_roster copies it
    (names, emails, sections, LMS ids) into the formgrader's folder and hands that folder to
    the instructor."""
    import pwd

    from course.grading.autograde.classroom import GradingFolder
    from course.grading.layout import find_layout
    from course.grading.term.roster import roster_entries
    from course.hub.users import share_roster

    source, target = tmp_path / "roster", tmp_path / "formgrader"
    assert main(["roster", "import", str(CANVAS), "--grading-dir", str(source)]) == 0
    layout = find_layout(None)
    with GradingFolder(source, layout).ws.api.gradebook as gb:
        expected = roster_entries(gb)
    assert share_roster(source, target, "nobody") == len(expected) > 0
    with GradingFolder(target, layout).ws.api.gradebook as gb:
        assert roster_entries(gb) == expected
        named = {s.id: (s.first_name, s.last_name) for s in gb.students}
    assert all(named[e.student] == (e.first_name or None, e.last_name or None)
               for e in expected)
    nobody = pwd.getpwnam("nobody").pw_uid
    assert {p.stat().st_uid for p in [target, *target.rglob("*")]} == {nobody}
    assert share_roster(source, source, "nobody") == 0  # one folder for both: nothing to do
