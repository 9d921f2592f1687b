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
