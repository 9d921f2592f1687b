"""The class server (``make hub``), started for real: what one student costs, how soon they are
in, how many one 24 GB server holds, and whether the hub keeps answering while a class submits.

What a self-learner runs instead of the hub is JupyterLab itself (``make lab``), so that is the
baseline of the first two figures, started in the same run as a whole command:

* an idle student's server (logged in, JupyterLab loaded, no kernel): the memory (PSS, summed
  over every process of the student's Unix user) against ``jupyter lab``'s (PSS of its
  process tree) after its /lab page answered (aim: within 1.5x, a ratio of at least 0.67x);
* a working student's server: the same, with one kernel that has done what lesson 01 does
  (``import course``, the three datasets loaded, ipywidgets and matplotlib imported);
* students per 24 GB: 24 GiB less the hub's own memory (the hub, its proxy and the idle
  culler), divided by a working student's (aim: a class of 100 on one server);
* from the login page to a running JupyterLab (log in, the server spawned, the lab page
  loaded through the proxy) against ``jupyter lab`` from its start to its /lab page (aim:
  within 3x, a ratio of at least 0.33x: the hub starts the same server, plus its log-in);
* the hub API's worst answer while every student fetches and submits ps1 at once with
  nbgrader, their commands at the priority of their servers (``nice``, as the hub starts
  them) against the same load at the hub's own priority, what a spawner without ``nice``
  gives (aim: under 1 s throughout). 30 students; quick mode 3, and no baseline.

It needs root on Linux (it creates Unix users); otherwise it says so and measures nothing.
"""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from ._util import Result

ASSIGNMENT = "ps1-build-the-score"
WORK = ("import course, ipywidgets, matplotlib.pyplot\n"
        "people = course.load_dataset('population')\n"
        "transactions = course.load_dataset('transactions')\n"
        "friendships = course.load_dataset('friendships')\n")
GIB = 1 << 30


def why_not() -> str | None:
    """Why the hub cannot be measured here, or None."""
    if platform.system() != "Linux":
        return "the class server runs on Linux only"
    if os.geteuid() != 0:
        return "the class server creates Unix users: run `make bench` as root"
    if not shutil.which("useradd"):
        return "useradd is not installed"
    return None


def pss(pids) -> int:
    """Proportional set size, in bytes, of these processes together (shared pages split among
    the processes that share them, so the sum is what they cost the machine)."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
                    break
        except OSError:  # it ended meanwhile
            pass
    return total


def settle() -> None:
    """Let a server that has just answered finish what it does after (extension loading)."""
    time.sleep(3)


def plain_lab() -> tuple[float, int]:
    """``jupyter lab`` as ``make lab`` starts it: seconds from start to its /lab page, then the
    memory of its process tree."""
    import requests

    from course.hub.server import descendants

    from ..hub_support import free_port

    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="scored-bench-lab-"))
    argv = [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser",
            "--ip=127.0.0.1", f"--port={port}", "--allow-root", "--IdentityProvider.token=",
            f"--ServerApp.root_dir={folder}"]
    began = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{port}/lab", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if proc.poll() is not None or time.perf_counter() - began > 120:
                raise RuntimeError(f"jupyter lab did not start (exit {proc.poll()})")
            time.sleep(0.05)
        seconds = time.perf_counter() - began
        settle()
        return seconds, pss([proc.pid, *(pid for pid, _ in descendants(proc.pid))])
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


def student_uid(student: str) -> int:
    import pwd

    return pwd.getpwnam(student).pw_uid


def hub_pss(s) -> int:
    """The hub's own memory: the hub, its proxy and its services (not the users' servers,
    which run as the users)."""
    from course.hub.server import descendants

    def root_owned(pid: int) -> bool:
        try:
            return os.stat(f"/proc/{pid}").st_uid == 0
        except OSError:  # it ended meanwhile
            return False

    pid = int((s.state / "jupyterhub.pid").read_text())
    return pss([pid, *(p for p, _ in descendants(pid) if root_owned(p))])


def api_under_load(s, nice: int) -> tuple[float, float]:
    """Worst and 95th-percentile latency of the hub's API while every student fetches and
    submits at once, their commands at ``nice``."""
    from course.hub.exchange import ensure_user_python

    from ..hub_support import Poller, fetch_and_submit_at_once

    python = ensure_user_python(s)
    for earlier in (s.exchange / "scored" / "inbound").iterdir():  # the last round's
        shutil.rmtree(earlier)
    for student in s.students:
        shutil.rmtree(f"/home/{student}/{ASSIGNMENT}", ignore_errors=True)
    own, s.nice = s.nice, nice
    try:
        with Poller(f"{s.url}/hub/api/") as poller:
            fetch_and_submit_at_once(s, python, ASSIGNMENT)
    finally:
        s.nice = own
    if poller.failures:
        raise RuntimeError(f"the hub's API failed under load: {poller.failures[:3]}")
    latencies = sorted(poller.latencies)
    return latencies[-1], latencies[int(0.95 * (len(latencies) - 1))]


def run(quick: bool = False) -> list[Result]:
    reason = why_not()
    if reason:
        print(f"  (not measured: {reason})")
        return []
    from course.grading.layout import find_layout
    from course.hub.roundtrip import release

    from ..hub_support import open_lab, processes_of, run_in_kernel, running_hub

    n = 3 if quick else 30
    tag = uuid.uuid4().hex[:4]
    lab_seconds, lab_memory = plain_lab()
    with running_hub([f"zb{tag}{i:02d}" for i in range(n)], instructor=f"zbi{tag}") as s:
        first = s.students[0]
        logins = []
        for student in s.students[: 1 if quick else 3]:  # the first spawn also warms the disk
            began = time.perf_counter()
            session, lab = open_lab(s, student)
            logins.append(time.perf_counter() - began)
            if lab.status_code != 200:
                raise RuntimeError(f"{student}'s lab page: HTTP {lab.status_code}")
        login_seconds = statistics.median(logins)
        session, _ = open_lab(s, first)  # already running: only the session is new
        settle()
        uid = student_uid(first)
        idle = pss(pid for pid, _ in processes_of(uid))
        done = run_in_kernel(s, session, first, WORK)
        if done["status"] != "ok":
            raise RuntimeError(f"lesson 01's work failed in the kernel: {done}")
        settle()
        working = pss(pid for pid, _ in processes_of(uid))
        own = hub_pss(s)

        release(s, find_layout(None), ASSIGNMENT)
        worst, p95 = api_under_load(s, s.nice)
        plain = None if quick else api_under_load(s, 0)

    mib = 1 << 20
    results = [
        Result("idle student server (PSS)", idle / mib, "MiB", "jupyter lab (make lab)",
               lab_memory / mib, higher_is_better=False, aim="ratio >= 0.67x"),
        Result("working student server, lesson 01 loaded", working / mib, "MiB",
               higher_is_better=False, aim="(per student)"),
        Result("students per 24 GB server", (24 * GIB - own) / working, "students",
               aim=">= 100 (hub itself: %.0f MiB)" % (own / mib)),
        Result("login page to running JupyterLab", login_seconds, "s",
               "jupyter lab start to /lab", lab_seconds, higher_is_better=False,
               aim="ratio >= 0.33x"),
        Result(f"hub API worst answer, {n} submit at once", worst, "s",
               "students' commands not niced" if plain else "",
               plain[0] if plain else None, higher_is_better=False, aim="< 1 s"),
        Result(f"hub API 95th percentile, {n} submit at once", p95, "s",
               "students' commands not niced" if plain else "",
               plain[1] if plain else None, higher_is_better=False, aim="< 1 s"),
    ]
    return results
