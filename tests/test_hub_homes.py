"""Each student's home folder on the class server holds the lessons and exercises, copied as
the student, and a copy the student has worked in is never replaced."""

from __future__ import annotations

import os
import platform
import pwd
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from course.grading.layout import find_layout
from course.hub.users import ensure_users, fill_homes, remove_users

pytestmark = [
    pytest.mark.skipif(platform.system() != "Linux", reason="the class server runs on Linux"),
    pytest.mark.skipif(os.geteuid() != 0, reason="the test creates Unix users: run it as root"),
    pytest.mark.skipif(not (shutil.which("useradd") and shutil.which("runuser")),
                       reason="useradd and runuser are not installed"),
]


@pytest.fixture
def student():
    name = f"zh{uuid.uuid4().hex[:6]}"
    ensure_users([name])
    try:
        yield name
    finally:
        remove_users([name])


def test_homes_get_the_lessons_and_keep_the_students_work(student):
    layout = find_layout(None)
    user = pwd.getpwnam(student)
    scored = Path(user.pw_dir) / "scored"
    expected = sorted(p.relative_to(layout.root).as_posix()
                      for folder in ("lessons", "exercises")
                      for p in (layout.root / folder).rglob("*.ipynb")
                      if ".ipynb_checkpoints" not in p.parts)
    assert fill_homes([student], layout) == ({student: len(_files(layout))}, [])
    got = sorted(p.relative_to(scored).as_posix() for p in scored.rglob("*.ipynb"))
    assert got == expected
    assert not list(scored.rglob("*.j2")) and not (scored / "solutions").exists()
    for path in [scored, *scored.rglob("*")]:
        assert path.stat().st_uid == user.pw_uid, f"{path} is not the student's"
    lesson = scored / expected[0]
    worked = "the student's own work\n"
    # the student changes one notebook and deletes another, then the hub starts again
    subprocess.run(["runuser", "-u", student, "--", "sh", "-c", 'cat > "$0" && rm "$1"',
                    str(lesson), str(scored / expected[1])], input=worked, text=True,
                   check=True)
    assert fill_homes([student], layout) == ({student: 1}, [])
    assert lesson.read_text() == worked
    assert (scored / expected[1]).read_bytes() == (layout.root / expected[1]).read_bytes()


def test_a_link_left_in_a_home_cannot_make_root_write_elsewhere(student, tmp_path):
    """The copy runs as the student: a link to a folder the student cannot write stays unused,
    and the problem is reported, not raised (one home never stops the hub)."""
    layout = find_layout(None)
    home = Path(pwd.getpwnam(student).pw_dir)
    target = tmp_path / "roots"
    target.mkdir(mode=0o755)
    subprocess.run(["runuser", "-u", student, "--", "ln", "-s", str(target), str(home / "scored")],
                   check=True)
    copied, problems = fill_homes([student], layout)
    assert copied == {} and len(problems) == 1, problems
    assert f"could not copy the lessons into {home}/scored as {student}" in problems[0]
    assert not any(target.iterdir())


def _files(layout):
    from course.grading.authoring.bundle import student_members

    return [n for n, p in student_members(layout)
            if p is not None and n.split("/")[1] in ("lessons", "exercises")]


def test_an_account_without_a_home_folder_is_refused_with_what_to_do():
    """An existing account whose home folder is missing (made by hand, or the folder removed)
    stops the setup with what to do, before anything is copied for anyone."""
    from course.hub import HubError

    name = f"zn{uuid.uuid4().hex[:6]}"
    subprocess.run(["useradd", "--no-create-home", "--home-dir", f"/home/{name}", name],
                   check=True)
    try:
        assert not Path(f"/home/{name}").exists()
        with pytest.raises(HubError, match=rf"{name} has no home folder.*mkhomedir_helper {name}"):
            ensure_users([name])
        assert not Path(f"/home/{name}").exists(), "the setup made a folder it was not asked to"
    finally:
        remove_users([name])
