"""The class server's limits in action, on the hub started for real: a student's kernel that
asks for more memory than the cap gets a MemoryError (and the server goes on), and a server
nobody uses is stopped by the idle culler."""

from __future__ import annotations

import time

import pytest

from .hub_support import needs_root, open_lab, run_in_kernel, running_hub, token

requests = pytest.importorskip("requests")

pytestmark = needs_root

CULL_AFTER = 20  # seconds idle; the culler looks every CULL_AFTER / 2 seconds
MEMORY = "2G"  # make hub's default, per process


@pytest.fixture(scope="module")
def limited_hub():
    with running_hub(2, memory=MEMORY, cull_after=CULL_AFTER) as s:
        yield s


def server_of(s, student: str) -> dict | None:
    info = requests.get(f"{s.url}/hub/api/users/{student}", headers=token(s), timeout=10)
    return info.json().get("servers", {}).get("")


def test_a_kernel_past_the_memory_cap_gets_memory_error_and_the_server_goes_on(limited_hub):
    s = limited_hub
    student = s.students[0]
    session, lab = open_lab(s, student)
    assert lab.status_code == 200
    hog = run_in_kernel(s, session, student, "hog = bytearray(3 * 2**30)  # 3 GiB > 2G cap")
    assert hog["status"] == "error" and hog["ename"] == "MemoryError", hog
    fine = run_in_kernel(s, session, student, "small = bytearray(100 * 2**20)")
    assert fine["status"] == "ok", fine
    assert session.get(f"{s.url}/user/{student}/api/status", timeout=10).status_code == 200


def test_an_idle_server_is_stopped_by_the_culler(limited_hub):
    s = limited_hub
    student = s.students[1]
    _, lab = open_lab(s, student)
    assert lab.status_code == 200 and server_of(s, student)
    deadline = time.monotonic() + CULL_AFTER * 6
    while server_of(s, student) and time.monotonic() < deadline:
        time.sleep(1)
    assert not server_of(s, student), (
        f"{student}'s idle server still runs {CULL_AFTER * 6} s on; the hub's log:\n"
        f"{(s.state / 'jupyterhub.log').read_text()[-3000:]}")
    log = (s.state / "jupyterhub.log").read_text()
    assert "idle-culler" in log
