"""The class server for real, shared by the hub tests (tests/test_hub.py) and the browser round
trip (tests/browser/test_hub_roundtrip.py): JupyterHub and its proxy on free ports, throwaway
Unix users, the test authenticator; everything removed afterwards, even on failure.

(No tests here; the module only keeps the fixture in one place.)
"""

from __future__ import annotations

import os
import platform
import shutil
import socket
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

from course.hub.server import start, stop
from course.hub.settings import Settings
from course.hub.users import remove_users

#: Marks of a test that starts the hub: it creates Unix users, so root on Linux only.
needs_root = [
    pytest.mark.slow,
    pytest.mark.skipif(platform.system() != "Linux", reason="the class server runs on Linux"),
    pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() != 0,
                       reason="the hub test creates Unix users: run it as root"),
    pytest.mark.skipif(not shutil.which("useradd"), reason="useradd is not installed"),
]


def real(test):
    for mark in needs_root:
        test = mark(test)
    return test


PASSWORD = "scored-test-pw"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_hub(students: int | list[str] = 2, *, memory: str = "4G", auth: str = "dummy",
                instructor: str | None = None):
    """Start the hub with ``students`` throwaway students and an instructor (random names,
    ``zs<tag>a``, ``zs<tag>b``, ...; ``zi<tag>``), the dummy authenticator with
    :data:`PASSWORD` (or ``auth="native"``, the default of ``make hub``: accounts sign up
    first); yield its :class:`Settings`. ``students`` may also be the list of names. Its
    state and exchange live in a temporary folder, ``settings.state.parent``, removed with
    the users and the hub afterwards."""
    tag = uuid.uuid4().hex[:5]
    names = list(students) if not isinstance(students, int) else \
        [f"zs{tag}{chr(ord('a') + i)}" for i in range(students)]
    instructor = instructor or f"zi{tag}"
    base = Path(tempfile.mkdtemp(prefix="scored-hub-"))
    base.chmod(0o755)  # students must reach the exchange and the hub's etc/jupyter
    s = Settings(state=base / "state", exchange=base / "exchange", port=free_port(),
                 hub_port=free_port(), proxy_api_port=free_port(), auth=auth,
                 password=PASSWORD, instructor=instructor, students=names, memory=memory)
    try:
        start(s)
        yield s
    finally:
        stop(s)
        remove_users([*names, instructor])
        shutil.rmtree(base, ignore_errors=True)


def token(s: Settings) -> dict:
    """The header of the hub's API token (the ``scored`` service)."""
    return {"Authorization": f"token {s.token_file.read_text().strip()}"}


def login(s: Settings, user: str, password: str):
    """Log in through the hub's login page (with its xsrf cookie); return the session and
    the reply (302 on success), not following the redirect."""
    import requests

    session = requests.Session()
    page = session.get(f"{s.url}/hub/login", timeout=10)
    assert page.status_code == 200
    xsrf = session.cookies.get("_xsrf")
    assert xsrf, "the login page set no _xsrf cookie"
    reply = session.post(f"{s.url}/hub/login?next=", timeout=30, allow_redirects=False,
                         data={"username": user, "password": password, "_xsrf": xsrf})
    return session, reply
