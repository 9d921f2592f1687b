"""The students' Unix accounts: one per student, from a list or the course roster."""

from __future__ import annotations

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
