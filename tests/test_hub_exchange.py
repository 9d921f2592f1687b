"""The round trip through nbgrader's exchange as real Unix users (no browser): the instructor
releases, two students fetch and submit with nbgrader's own commands, the instructor
collects; one student cannot read the other's submission."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

from course.cli import main
from course.hub.exchange import ensure_exchange, ensure_state, ensure_user_python
from course.hub.settings import Settings
from course.hub.users import ensure_users, remove_users

from .hub_support import as_user, mark, nbgrader, use_hub

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(platform.system() != "Linux", reason="nbgrader's exchange as Unix users "
                       "needs Linux"),
    pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() != 0,
                       reason="the exchange test creates Unix users: run it as root"),
    pytest.mark.skipif(not (shutil.which("useradd") and shutil.which("runuser")),
                       reason="useradd or runuser is not installed"),
]

ASSIGNMENT = "concept-check"


@pytest.fixture(scope="module")
def exchange():
    tag = uuid.uuid4().hex[:5]
    students = [f"zx{tag}a", f"zx{tag}b"]
    base = Path(tempfile.mkdtemp(prefix="scored-exchange-"))
    base.chmod(0o755)
    s = Settings(state=base / "state", exchange=base / "exchange", students=students)
    ensure_state(s)
    ensure_exchange(s)
    python = ensure_user_python(s)
    try:
        ensure_users(students)
        yield s, python, base
    finally:
        remove_users(students)
        shutil.rmtree(base, ignore_errors=True)


def test_release_fetch_submit_collect_as_students(exchange, monkeypatch, capsys):
    s, python, base = exchange
    use_hub(monkeypatch, s)
    assert main(["hub", "release", ASSIGNMENT]) == 0
    assert (s.exchange / "scored" / "outbound" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").exists()

    first, second = s.students
    for student in s.students:
        nbgrader(s, python, student, "fetch_assignment", ASSIGNMENT)
        notebook = Path(f"/home/{student}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb")
        assert notebook.exists()
        mark(notebook, student)
        nbgrader(s, python, student, "submit", ASSIGNMENT)

    # inbound is write-only for students (nbgrader's 0733 + setgid): another's submission
    # cannot be listed, and its folder name ends in nbgrader's random string (12 characters,
    # 72 bits), so it cannot be guessed either. (nbgrader makes the files themselves 0644:
    # whoever knows the full name could read them; no student can learn it.)
    inbound = s.exchange / "scored" / "inbound"
    assert oct(inbound.stat().st_mode & 0o7777) == oct(0o2733)
    theirs = next(p for p in inbound.iterdir() if p.name.startswith(f"{second}+"))
    assert len(theirs.name.rsplit("+", 1)[1]) == 12
    listing = as_user(s, python, first, "ls", str(inbound), check=False)
    assert listing.returncode != 0 and "Permission denied" in listing.stderr
    assert second not in listing.stdout
    guess = as_user(s, python, first, "ls", str(inbound / f"{second}+{ASSIGNMENT}"),
                    check=False)
    assert guess.returncode != 0
    listed = nbgrader(s, python, first, "list", "--inbound")
    assert second not in listed.stdout + listed.stderr
    home = as_user(s, python, first, "ls", f"/home/{second}", check=False)
    assert home.returncode != 0, "a student could list another student's home folder"

    inbox = base / "inbox"
    capsys.readouterr()
    assert main(["hub", "collect", ASSIGNMENT, "--inbox", str(inbox)]) == 0
    out = capsys.readouterr().out
    assert "collected 2 submission(s)" in out
    for student in s.students:
        folder = inbox / ASSIGNMENT / "submitted" / student / ASSIGNMENT
        assert (folder / f"{ASSIGNMENT}.ipynb").exists()
        stamp = (folder / "timestamp.txt").read_text().strip()
        assert stamp.endswith("UTC") and stamp in out
    assert not list(inbox.rglob("*.db")), "collect left a gradebook in the inbox"

    # course autograde reads the inbox as it is
    from course.grading.autograde.collect import collect_submissions

    found = collect_submissions(inbox / ASSIGNMENT, ASSIGNMENT, [f"{ASSIGNMENT}.ipynb"])
    assert sorted(sub.student for sub in found.submissions) == sorted(s.students)
    assert all(sub.timestamp for sub in found.submissions) and not found.problems


def test_feedback_goes_back_and_each_student_fetches_only_their_own(exchange, monkeypatch,
                                                                    capsys):
    s, python, base = exchange
    use_hub(monkeypatch, s)
    inbox = base / "inbox"
    if not (inbox / ASSIGNMENT / "submitted").is_dir():
        pytest.skip("needs the collect of the test before it")
    grading = base / "grading"
    assert main(["autograde", ASSIGNMENT, "--submissions", str(inbox / ASSIGNMENT),
                 "--grading-dir", str(grading), "--jobs", "1"]) == 0
    capsys.readouterr()
    # written answers are not hand-graded here: --partial
    assert main(["feedback", ASSIGNMENT, "--grading-dir", str(grading), "--partial",
                 "--release", "--inbox", str(inbox)]) == 0
    assert "released feedback of 2 student(s)" in capsys.readouterr().out
    pages = list((s.exchange / "scored" / "feedback").glob("*.html"))
    assert len(pages) == 2

    for student in s.students:
        nbgrader(s, python, student, "fetch_feedback", ASSIGNMENT)
        fetched = list(Path(f"/home/{student}/{ASSIGNMENT}/feedback").rglob("*.html"))
        assert len(fetched) == 1, fetched
        text = fetched[0].read_text()
        assert f"marker-{student}" in text
        others = [o for o in s.students if o != student]
        assert not any(f"marker-{o}" in text for o in others), "got another's feedback"
    # the feedback folder cannot be listed by students
    listing = as_user(s, python, s.students[0], "ls", str(s.exchange / "scored" / "feedback"),
                      check=False)
    assert listing.returncode != 0


def test_a_submission_after_the_collect_is_picked_up_by_the_next(exchange, monkeypatch,
                                                                  capsys):
    s, python, base = exchange
    use_hub(monkeypatch, s)
    inbox = base / "inbox"
    if not (inbox / ASSIGNMENT / "submitted").is_dir():
        pytest.skip("needs the collect of the first test")
    first, second = s.students
    stamp = lambda who: (inbox / ASSIGNMENT / "submitted" / who / ASSIGNMENT /  # noqa: E731
                         "timestamp.txt").read_text().strip()
    before = {who: stamp(who) for who in s.students}
    nbgrader(s, python, first, "submit", ASSIGNMENT)
    assert main(["hub", "collect", ASSIGNMENT, "--inbox", str(inbox)]) == 0
    assert stamp(first) > before[first]  # the later submission replaced the collected one
    assert stamp(second) == before[second]
    inbound = s.exchange / "scored" / "inbound"
    assert len([p for p in inbound.iterdir() if p.name.startswith(f"{first}+")]) == 2, \
        "the exchange keeps every submission"


def test_students_python_runs_every_package_and_exports_html(tmp_path):
    """The Python students' servers run may be a shim of the system's Python (this one being
    unreachable): each package it loads supports that Python, and nbconvert's HTML export,
    which the formgrader's submission page uses, works (soupsieve 4.1.4 needs 3.11.5 and
    failed on Debian's 3.11.2)."""
    s = Settings(state=tmp_path / "state", exchange=tmp_path / "exchange")
    ensure_state(s)
    python = ensure_user_python(s)
    if python == sys.executable:
        pytest.skip("this Python is reachable by students, so they run it: there is no shim")
    check = r'''
import importlib.metadata as md, platform, sys
from packaging.specifiers import SpecifierSet
seen, bad = set(), []
for dist in md.distributions():
    name = dist.metadata["Name"].lower()
    if name in seen:
        continue  # shadowed by the one earlier on sys.path
    seen.add(name)
    needs = dist.metadata.get("Requires-Python")
    if needs and platform.python_version() not in SpecifierSet(needs):
        bad.append(f"{name} {dist.version} needs Python {needs}")
import nbformat
from nbconvert import HTMLExporter
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("<img src='a.png'>")])
html, _ = HTMLExporter().from_notebook_node(nb)
print(len(seen), "packages;", "; ".join(bad) or "all fit", "; html", len(html))
sys.exit(1 if bad else 0)
'''
    env = {**os.environ, "JUPYTER_PATH": str(Path(sys.prefix) / "share" / "jupyter")}  # as the
    done = subprocess.run([python, "-c", check], capture_output=True, text=True, timeout=120,
                          env=env)  # spawner sets it (course.hub.settings.configure)
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    assert "all fit" in done.stdout


def test_collect_warns_of_a_renamed_notebook_and_a_user_not_on_the_roster(
        exchange, monkeypatch, capsys):
    """Both are collected and kept as they came; the collect says what to do about each."""
    s, python, base = exchange
    use_hub(monkeypatch, s)
    assert main(["hub", "release", ASSIGNMENT]) == 0
    stranger = f"zy{uuid.uuid4().hex[:5]}"  # a Unix user, not on the class roster
    renamer = s.students[1]
    try:
        ensure_users([stranger])
        nbgrader(s, python, stranger, "fetch_assignment", ASSIGNMENT)
        nbgrader(s, python, stranger, "submit", ASSIGNMENT)
        folder = Path(f"/home/{renamer}/{ASSIGNMENT}")
        if not (folder / f"{ASSIGNMENT}.ipynb").exists():
            nbgrader(s, python, renamer, "fetch_assignment", ASSIGNMENT)
        (folder / f"{ASSIGNMENT}.ipynb").rename(folder / "my answers.ipynb")
        nbgrader(s, python, renamer, "submit", ASSIGNMENT)

        inbox = base / "inbox-warnings"
        capsys.readouterr()
        assert main(["hub", "collect", ASSIGNMENT, "--inbox", str(inbox)]) == 0
        out, err = capsys.readouterr()
        submitted = inbox / ASSIGNMENT / "submitted"
        assert (submitted / stranger / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").exists()
        assert (submitted / renamer / ASSIGNMENT / "my answers.ipynb").exists()
        assert f"{stranger} is not on the class roster" in err and "kept in" in err
        assert f"{renamer} submitted my answers.ipynb but no {ASSIGNMENT}.ipynb" in err
        assert "mv '" in err and "Traceback" not in err
        assert not [line for line in err.splitlines() if s.students[0] in line], \
            "a student with nothing wrong was warned about"
    finally:
        remove_users([stranger])
