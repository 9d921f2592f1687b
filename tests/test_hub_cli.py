"""`make hub` / `course hub start` and `make hub-stop` as an instructor runs them: the hub on
127.0.0.1:8000, the URL and the accounts printed, everything stopped afterwards."""

from __future__ import annotations

import os
import pwd
import socket
import subprocess
import sys
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest

from course.hub.server import answers
from course.hub.users import remove_users

from .hub_support import free_port, real

ROOT = Path(__file__).resolve().parents[1]
COURSE = str(Path(sys.executable).parent / "course")


def _port_free(port: int) -> bool:
    with socket.socket() as sock:  # free to listen on (a closed connection may linger)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@contextmanager
def _class_by_command(prefix: str, **env: str):
    """Two throwaway students and an instructor (``<prefix><tag>a``, ``b``; ``<prefix>i<tag>``),
    a temporary folder for the hub's state and exchange, and the ``SCORED_HUB_*`` environment
    the `course hub` commands read (``env`` adds to it). Afterwards `course hub stop` runs (its
    result in ``.stopped``), and the accounts and the folder are removed."""
    tag = uuid.uuid4().hex[:5]
    base = Path(tempfile.mkdtemp(prefix="scored-hubcli-"))
    base.chmod(0o755)
    c = SimpleNamespace(students=[f"{prefix}{tag}a", f"{prefix}{tag}b"],
                        instructor=f"{prefix}i{tag}", base=base, stopped=None)
    c.env = {**os.environ, "SCORED_HUB_STATE": str(base / "state"),
             "SCORED_HUB_EXCHANGE": str(base / "exchange"),
             "SCORED_HUB_INSTRUCTOR": c.instructor, "SCORED_HUB_HUB_PORT": str(free_port()),
             "SCORED_HUB_PROXY_API_PORT": str(free_port()), **env}
    try:
        yield c
    finally:
        c.stopped = subprocess.run([COURSE, "hub", "stop"], env=c.env, capture_output=True,
                                   text=True, timeout=120)
        remove_users([*c.students, c.instructor])
        subprocess.run(["rm", "-rf", str(base)])


def test_make_hub_runs_course_hub_start_on_port_8000():
    dry = subprocess.run(["make", "-n", "hub", "HUB_STUDENTS=ann,bob"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    assert "course hub start --port 8000 --students ann,bob" in dry
    dry = subprocess.run(["make", "-n", "hub-stop"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    assert "course hub stop" in dry


@real
@pytest.mark.skipif(not _port_free(8000), reason="port 8000 is in use here; the hub tests on "
                    "free ports cover the rest")
def test_course_hub_start_prints_the_url_and_accounts_and_stop_ends_it():
    with _class_by_command("zc") as c:
        students, instructor, env = c.students, c.instructor, c.env
        started = subprocess.run([COURSE, "hub", "start", "--students", ",".join(students)],
                                 env=env, capture_output=True, text=True, timeout=120)
        assert started.returncode == 0, started.stdout + started.stderr
        out = started.stdout
        assert "JupyterHub is running on http://127.0.0.1:8000/" in out, out
        assert f"instructor (admin): {instructor}" in out and ", ".join(students) in out, out
        assert "http://127.0.0.1:8000/hub/signup" in out, out  # the default login: sign up
        assert answers("http://127.0.0.1:8000/hub/api/")
        again = subprocess.run([COURSE, "hub", "start", "--students", students[0]], env=env,
                               capture_output=True, text=True, timeout=120)
        assert again.returncode == 2 and "port 8000" in again.stderr, again.stderr
    stopped = c.stopped
    assert stopped.returncode == 0 and "JupyterHub stopped." in stopped.stdout, stopped.stdout
    assert not answers("http://127.0.0.1:8000/hub/api/") and _port_free(8000)

@real
def test_a_hub_started_from_the_roster_gives_the_formgrader_the_students_names():
    """`course hub start` without --students takes the accounts from the roster's grading
    folder, and copies the roster into the formgrader's (the instructor's ~/scored-grading,
    here SCORED_HUB_GRADING), handed to the instructor: the formgrader then shows names."""
    from course.grading.autograde.classroom import GradingFolder
    from course.grading.layout import find_layout

    with _class_by_command("zr") as c:
        students, instructor, base = c.students, c.instructor, c.base
        classlist = base / "classlist.csv"
        classlist.write_text("id,first_name,last_name,email,section\n"
                             f"{students[0]},Mei,Wang,mei@example.edu,A\n"
                             f"{students[1]},小明,王,xm@example.edu,B\n", encoding="utf-8")
        roster, formgrader = base / "roster-folder", base / "formgrader-folder"
        c.env["SCORED_HUB_GRADING"] = str(formgrader)
        env, port = c.env, free_port()
        imported = subprocess.run([COURSE, "roster", "import", str(classlist), "--grading-dir",
                                   str(roster)], env=env, capture_output=True, text=True)
        assert imported.returncode == 0, imported.stderr
        started = subprocess.run([COURSE, "hub", "start", "--port", str(port), "--grading-dir",
                                  str(roster)], env=env, capture_output=True, text=True,
                                 timeout=120)
        assert started.returncode == 0, started.stdout + started.stderr
        assert ", ".join(students) in started.stdout, started.stdout
        assert (f"roster: 2 student(s)' names and ids copied from {roster} into the "
                f"formgrader's grading folder {formgrader}") in started.stdout, started.stdout
        with GradingFolder(formgrader, find_layout(None)).ws.api.gradebook as gb:
            names = {s.id: (s.first_name, s.last_name, s.email) for s in gb.students}
        assert names == {students[0]: ("Mei", "Wang", "mei@example.edu"),
                         students[1]: ("小明", "王", "xm@example.edu")}
        owner = pwd.getpwnam(instructor).pw_uid
        assert {p.stat().st_uid for p in [formgrader, *formgrader.rglob("*")]} == {owner}
