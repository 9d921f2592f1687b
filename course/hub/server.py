"""Checks before starting, start and stop of the hub (``make hub``, ``make hub-stop``)."""

from __future__ import annotations

import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from ..grading.kernel.sandbox import proc_stat
from . import HubError
from .exchange import ensure_exchange, ensure_state, ensure_user_python
from .settings import REPO, Settings, proxy_command
from .users import check_names, ensure_users, fill_homes

CONFIG = REPO / "deploy" / "hub" / "jupyterhub_config.py"


def port_holder(port: int) -> str | None:
    """Who listens on 127.0.0.1:port (``ss``'s process column), or None when it is free."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
            return None
        except OSError:
            pass
    if shutil.which("ss"):
        out = subprocess.run(["ss", "-Hltnp", f"sport = :{port}"], capture_output=True,
                             text=True).stdout.strip()
        if out:
            return out.split()[-1]
    return "another program"


def preflight(s: Settings) -> None:
    """Refuse, saying what to do, when the hub cannot start here."""
    if platform.system() != "Linux":
        raise HubError(f"the class server runs on Linux only (this is {platform.system()}): it "
                       "makes one Unix user per student. Use a Linux server, or Kubernetes "
                       "(docs/deploy.md).")
    if os.geteuid() != 0:
        raise HubError("the class server must be started as root (it creates the students' "
                       "Unix users and starts their servers as them): run `sudo make hub`.")
    for port, what in [(s.port, "the hub's public port"), (s.hub_port, "the hub's API port"),
                       (s.proxy_api_port, "the proxy's API port")]:
        holder = port_holder(port)
        if holder:
            raise HubError(f"port {port} ({what}) is taken by {holder}; stop that program "
                           f"(`make hub-stop` if it is an earlier hub) or choose another port "
                           f"with HUB_PORT=....")
    proxy = proxy_command()[0]
    if not (Path(proxy).exists() or shutil.which(proxy)):
        raise HubError("configurable-http-proxy was not found: run `npm ci` in the repository "
                       "(package.json pins it), or `npm install -g configurable-http-proxy`.")
    if not shutil.which("prlimit"):
        raise HubError("prlimit was not found (it caps each server's memory); install Debian's "
                       "util-linux package.")


def api_token(s: Settings) -> str:
    if not s.token_file.exists():
        s.token_file.write_text(secrets.token_hex(32))
        s.token_file.chmod(0o600)
    return s.token_file.read_text().strip()


def answers(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as reply:
            return reply.status == 200
    except OSError:
        return False


def start(s: Settings, *, wait: float = 60.0, layout=None) -> subprocess.Popen:
    """Set up (state folder, exchange, accounts, the students' copies of the lessons and
    exercises from ``layout``, default the course found as ``course`` finds it) and start
    JupyterHub in the background; return once its API answers. Its log is
    ``state/jupyterhub.log``."""
    from ..grading.layout import find_layout

    preflight(s)
    check_names([*s.students, s.instructor])
    ensure_state(s)
    ensure_users([*s.students, s.instructor])  # first: the grading folder is in a home folder
    ensure_exchange(s)
    ensure_user_python(s)
    for problem in fill_homes(s.students, layout or find_layout(None))[1]:
        print(f"course hub: {problem}", file=sys.stderr)
    api_token(s)
    s.roster_file.write_text("".join(f"{name}\n" for name in s.students))
    log = open(s.state / "jupyterhub.log", "ab")
    env = {**os.environ, **s.env(), "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)],
                            cwd=s.state, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    log.close()
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise HubError(f"JupyterHub stopped at start (exit {proc.returncode}); the end of "
                           f"its log:\n{tail(s.state / 'jupyterhub.log')}")
        if answers(f"{s.url}/hub/api/"):
            return proc
        time.sleep(0.3)
    stop(s)
    raise HubError(f"JupyterHub did not answer on {s.url} within {wait:.0f} s; the end of its "
                   f"log:\n{tail(s.state / 'jupyterhub.log')}")


def tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def descendants(pid: int) -> list[tuple[int, str]]:
    """Every process under ``pid`` (by /proc's parent links), each with its start time, so
    that a process id reused later is not taken for it."""
    children: dict[int, list[tuple[int, str]]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        fields = proc_stat(entry.name)
        if fields:
            children.setdefault(int(fields[1]), []).append((int(entry.name), fields[19]))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child[0])
    return found


def _alive(pid: int, started: str) -> bool:
    fields = proc_stat(pid)
    return bool(fields) and fields[19] == started and fields[0] != "Z"


def _end(processes: list[tuple[int, str]], wait: float = 5.0) -> None:
    """SIGTERM, then after ``wait`` seconds SIGKILL, each process still alive."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        left = [(p, t) for p, t in processes if _alive(p, t)]
        for pid, _ in left:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + wait
        while left and time.monotonic() < deadline:
            left = [(p, t) for p, t in left if _alive(p, t)]
            time.sleep(0.2)
        if not left:
            return


def stop(s: Settings, *, wait: float = 40.0) -> bool:
    """Stop the hub started from ``s.state``; return whether one was running.

    The hub stops its proxy, services and the users' servers itself (a server gets up to 20 s:
    SIGINT, SIGTERM, SIGKILL). Whatever of those is still running when the hub is gone (a hub
    that had to be killed leaves them all, each in its own session) is ended here, so that no
    server or kernel outlives the hub and the users can be removed."""
    pid_file = s.state / "jupyterhub.pid"
    try:
        pid = int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return False
    under = descendants(pid)  # the proxy, the services, the users' servers and their kernels
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pid_file.unlink(missing_ok=True)
        return False
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            os.waitpid(pid, os.WNOHANG)  # reap it when we started it (else it stays a zombie)
        except ChildProcessError:
            pass
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    else:
        os.killpg(pid, signal.SIGKILL)
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
    _end(under)
    pid_file.unlink(missing_ok=True)
    return True
