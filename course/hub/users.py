"""The students' Unix accounts: one per student, from a list or the course roster."""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
from pathlib import Path

from . import HubError

UNIX_NAME = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")


def check_names(names: list[str]) -> None:
    bad = [n for n in names if not UNIX_NAME.match(n)]
    if bad:
        raise HubError(f"not usable as Unix user names: {', '.join(bad)} (lower-case letters, "
                       "digits, _ and -, starting with a letter; at most 32). Use the roster's "
                       "login ids (course roster import --id-from login).")


def exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def ensure_users(names: list[str]) -> list[str]:
    """Create the accounts that do not exist yet (home folder, bash); return those created.
    Existing accounts are left as they are."""
    check_names(names)
    if not shutil.which("useradd"):
        raise HubError("useradd was not found; install Debian's passwd package.")
    created = []
    for name in names:
        if not exists(name):
            subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", name],
                           check=True, capture_output=True, text=True)
            created.append(name)
        home = Path(pwd.getpwnam(name).pw_dir)
        if not home.is_dir():
            raise HubError(f"{name} has no home folder ({home}); create it "
                           f"(mkhomedir_helper {name}) or remove the account and run again.")
        home.chmod(0o700)  # Debian's useradd leaves homes readable by everyone
    return created


#: What each student finds in their home folder, under ``~/scored/``: the student edition's
#: notebooks (assignments also come through the exchange, in the Assignments panel).
HOME_FOLDERS = ("lessons", "exercises")


def fill_homes(names: list[str], layout) -> tuple[dict[str, int], list[str]]:
    """Copy the student edition's lessons and exercises into each student's ``~/scored/``;
    return how many files each got, and what went wrong for whom (one student's home never
    stops the others').

    The copy runs as the student (``runuser``), so it can only write what the student could,
    and it never replaces a file the student already has (``cp --no-clobber``): a notebook a
    student has worked in is never overwritten. To start one afresh, they delete their copy.
    """
    import tempfile

    from ..grading.authoring.bundle import TOP, student_members

    members = [(name, path) for name, path in student_members(layout)
               if path is not None and name.split("/")[1] in HOME_FOLDERS]
    copied, problems = {}, []
    with tempfile.TemporaryDirectory(prefix="scored-homes-") as tmp:
        stage = Path(tmp)
        stage.chmod(0o755)  # the students read it
        for name, source in members:
            target = stage / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        for folder in [stage / TOP, *(stage / TOP).rglob("*")]:
            folder.chmod(0o755 if folder.is_dir() else 0o644)
        for student in names:
            home = Path(pwd.getpwnam(student).pw_dir)
            new = [n for n, _ in members if not os.path.lexists(home / n)]
            done = subprocess.run(["runuser", "-u", student, "--", "cp", "-R", "--no-clobber",
                                   str(stage / TOP), str(home)], capture_output=True, text=True)
            if done.returncode != 0:
                problems.append(f"could not copy the lessons into {home}/{TOP} as {student}: "
                                f"{done.stderr.strip()[:300]}; check that {home}/{TOP} is a "
                                f"folder of {student}'s, then start the hub again")
                continue
            copied[student] = len(new)
    return copied, problems


def remove_users(names: list[str]) -> None:
    """Remove accounts and their home folders (the tests' throwaway users)."""
    for name in names:
        if exists(name):
            subprocess.run(["userdel", "--remove", name], capture_output=True, text=True)


def students_from_roster(grading_dir) -> list[str]:
    """The student ids of the course roster (``course roster import``), as Unix names."""
    from ..grading.autograde.classroom import GradingFolder
    from ..grading.layout import find_layout
    from ..grading.term.roster import roster_entries

    folder = GradingFolder(grading_dir, find_layout(None))
    with folder.ws.api.gradebook as gb:
        ids = [entry.student for entry in roster_entries(gb)]
    if not ids:
        raise HubError(f"the roster in {grading_dir} is empty; run `course roster import FILE` "
                       "first, or list the students with --students.")
    check_names(ids)
    return ids


def share_roster(source: Path, target: Path, owner: str) -> int:
    """Copy the roster of grading folder ``source`` into grading folder ``target`` (made if
    need be, then handed to ``owner``); return how many students it holds (0: same folder).

    The hub takes its accounts from the roster in ``source`` (``course roster import``),
    while the formgrader shows ``target``, the class's grading folder in the instructor's
    home: with the copy, the formgrader shows the students' names and ``course grades --lms``
    finds their LMS ids there too. A roster already in ``target`` is replaced.
    """
    from ..grading.autograde.classroom import GradingFolder
    from ..grading.layout import find_layout
    from ..grading.term.roster import import_roster, stored_roster

    if Path(source).resolve() == Path(target).resolve():
        return 0
    layout = find_layout(None)
    with GradingFolder(source, layout).ws.api.gradebook as gb:
        roster = stored_roster(gb)
    with GradingFolder(target, layout).ws.api.gradebook as gb:
        import_roster(gb, roster)
    user = pwd.getpwnam(owner)
    for folder, _, files in os.walk(target):
        for path in [folder, *(os.path.join(folder, f) for f in files)]:
            os.chown(path, user.pw_uid, user.pw_gid, follow_symlinks=False)
    return len(roster.entries)
