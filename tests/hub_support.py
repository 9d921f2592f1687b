"""The class server for real, shared by the hub tests (tests/test_hub.py) and the browser round
trip (tests/browser/test_hub_roundtrip.py): JupyterHub and its proxy on free ports, throwaway
Unix users, the test authenticator; everything removed afterwards, even on failure.

(No tests here; the module keeps the fixture, and the helpers that act as a student, in one
place.)
"""

from __future__ import annotations

import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

from course.grading.kernel.sandbox import user_processes
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
                instructor: str | None = None, cull_after: int = 3600):
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
                 password=PASSWORD, instructor=instructor, students=names, memory=memory,
                 cull_after=cull_after)
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


def as_user(s: Settings, python: str, user: str, *args: str, check: bool = True):
    """Run ``args`` as ``user`` in their home folder, with the exchange settings their server
    has and at their server's priority (``nice``), as the Assignments panel would."""
    env = ["nice", "-n", str(s.nice), "env", f"HOME=/home/{user}",
           f"JUPYTER_CONFIG_PATH={s.jupyter_config}:{Path(sys.prefix) / 'etc' / 'jupyter'}"]
    done = subprocess.run(["runuser", "-u", user, "--", *env, *args], cwd=f"/home/{user}",
                          capture_output=True, text=True, timeout=120)
    if check:
        assert done.returncode == 0, f"{args} as {user}:\n{done.stdout}\n{done.stderr}"
    return done


def nbgrader(s, python, user, *args, check=True):
    """nbgrader's own command ``args`` for course ``scored``, as ``user``."""
    return as_user(s, python, user, python, "-m", "nbgrader", *args, "--course", "scored",
                   check=check)


def mark(notebook: Path, student: str) -> None:
    """A cell that says whose notebook it is (so feedback pages can be told apart)."""
    import nbformat

    stat = notebook.stat()
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell(f"written by marker-{student}"))
    nbformat.write(nb, notebook)
    os.chown(notebook, stat.st_uid, stat.st_gid)


class Poller:
    """GET ``url`` over and over in a thread while the ``with`` block runs; keeps every
    latency, and every request that failed or got no answer within ``timeout`` seconds."""

    def __init__(self, url: str, timeout: float = 10.0):
        import threading

        self.url, self.timeout, self.latencies, self.failures = url, timeout, [], []
        self.halt = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        import time

        import requests

        while not self.halt.is_set():
            began = time.monotonic()
            try:
                reply = requests.get(self.url, timeout=self.timeout)
                if reply.status_code != 200:
                    self.failures.append(f"HTTP {reply.status_code}")
            except requests.RequestException as error:
                self.failures.append(repr(error))
            self.latencies.append(time.monotonic() - began)
            self.halt.wait(0.1)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_):
        self.halt.set()
        self.thread.join(timeout=self.timeout + 5)


def fetch_and_submit_at_once(s: Settings, python: str, assignment: str) -> float:
    """Every student of ``s`` fetches ``assignment`` with nbgrader, marks it as theirs
    (:func:`mark`), and then all submit at the same moment, each as their own Unix user at
    their server's priority; return the seconds it all took. Re-raises the first failure."""
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    barrier = threading.Barrier(len(s.students))

    def one(student: str) -> None:
        nbgrader(s, python, student, "fetch_assignment", assignment)
        mark(Path(f"/home/{student}/{assignment}/{assignment}.ipynb"), student)
        barrier.wait(timeout=240)
        nbgrader(s, python, student, "submit", assignment)

    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(s.students)) as pool:
        list(pool.map(one, s.students))
    return time.monotonic() - began


def open_lab(s: Settings, student: str, password: str = PASSWORD, wait: float = 60.0):
    """Log ``student`` in through the login page, start their server as the hub's spawn page
    does, and load JupyterLab through the proxy (the first visit goes through the hub's OAuth
    to the student's server and back); return the session and the lab page's reply."""
    import time

    import requests

    session, reply = login(s, student, password)
    assert reply.status_code == 302, reply.text[:500]
    session.get(f"{s.url}/hub/spawn", timeout=wait)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        info = requests.get(f"{s.url}/hub/api/users/{student}", headers=token(s),
                            timeout=10).json()
        if info.get("servers", {}).get("", {}).get("ready"):
            break
        time.sleep(0.2)
    else:
        raise AssertionError(f"{student}'s server never became ready: {info}\n"
                             f"{(s.state / 'jupyterhub.log').read_text()[-3000:]}")
    return session, session.get(f"{s.url}/user/{student}/lab", timeout=30)


def processes_of(uid: int) -> list[tuple[int, str]]:
    """(pid, command line) of every process running as ``uid``."""
    found = []
    for pid in user_processes(uid):
        try:
            found.append((pid, Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
                          .decode(errors="replace")))
        except OSError:  # it ended meanwhile
            pass
    return found


def run_in_kernel(s: Settings, session, student: str, code: str) -> dict:
    """Start a kernel in ``student``'s running server through its REST API, as JupyterLab
    does, run ``code`` in it (through the kernel's own connection file, as root may) and
    return the execute reply's content (``status`` "ok" or "error", with ``ename``)."""
    import time

    from jupyter_client import BlockingKernelClient

    base = f"{s.url}/user/{student}"
    xsrf = session.cookies.get("_xsrf", path=f"/user/{student}/") or \
        session.cookies.get("_xsrf")
    reply = session.post(f"{base}/api/kernels", json={"name": "python3"}, timeout=60,
                         headers={"X-XSRFToken": xsrf or ""})
    assert reply.status_code == 201, f"no kernel started: HTTP {reply.status_code} {reply.text}"
    runtime = Path(f"/home/{student}/.local/share/jupyter/runtime")
    pattern = f"kernel-{reply.json()['id']}*.json"
    deadline = time.monotonic() + 60
    while not list(runtime.glob(pattern)):
        assert time.monotonic() < deadline, f"the kernel's connection file is not in {runtime}"
        time.sleep(0.2)
    client = BlockingKernelClient()
    client.load_connection_file(str(next(runtime.glob(pattern))))
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        return client.execute_interactive(code, timeout=120,
                                          output_hook=lambda _: None)["content"]
    finally:
        client.stop_channels()


def use_hub(monkeypatch, s: Settings) -> None:
    """Set the ``SCORED_HUB_*`` environment of ``s`` for this test, as ``make hub`` leaves it
    for the ``course hub`` commands."""
    for key, value in s.env().items():
        monkeypatch.setenv(key, value)
