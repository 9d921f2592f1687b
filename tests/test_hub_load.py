"""Load on the class server (issue 13, item 4): 30 students fetch and submit ps1 at once with
nbgrader's own commands, each as their own Unix user at their server's priority, while the
hub started for real keeps answering its API (every request, within the poller's timeout); the
collect then holds all 30, each with its own timestamp and notebook.

How fast the API answers meanwhile is a figure of ``make bench`` (tests/benchmarks/bench_hub.py),
not asserted here: this machine is shared."""

from __future__ import annotations

import uuid

import pytest

from course.cli import main
from course.hub.exchange import ensure_user_python

from .hub_support import Poller, fetch_and_submit_at_once, needs_root, running_hub, use_hub

pytestmark = needs_root

ASSIGNMENT = "ps1-build-the-score"
STUDENTS = 30


@pytest.fixture(scope="module")
def crowded_hub():
    tag = uuid.uuid4().hex[:4]
    students = [f"zl{tag}{i:02d}" for i in range(STUDENTS)]
    with running_hub(students, instructor=f"zi{tag}") as s:
        yield s


def test_thirty_students_submit_at_once_and_the_collect_gets_each_their_own(
        crowded_hub, monkeypatch, capsys, tmp_path):
    s = crowded_hub
    use_hub(monkeypatch, s)
    python = ensure_user_python(s)
    assert main(["hub", "release", ASSIGNMENT]) == 0

    with Poller(f"{s.url}/hub/api/") as poller:
        took = fetch_and_submit_at_once(s, python, ASSIGNMENT)
    assert len(poller.latencies) > 20, "the hub's API was polled too rarely to tell"
    assert not poller.failures, poller.failures[:5]
    worst = max(poller.latencies)
    print(f"30 fetches + submissions in {took:.1f} s; hub API worst {worst:.3f} s over "
          f"{len(poller.latencies)} requests")

    inbound = s.exchange / "scored" / "inbound"
    held = {}
    for folder in inbound.iterdir():
        student = folder.name.split("+", 1)[0]
        held.setdefault(student, []).append((folder / "timestamp.txt").read_text().strip())
    assert sorted(held) == sorted(s.students), "the exchange did not get every submission"
    assert all(len(stamps) == 1 for stamps in held.values())

    inbox = tmp_path / "inbox"
    capsys.readouterr()
    assert main(["hub", "collect", ASSIGNMENT, "--inbox", str(inbox)]) == 0
    out = capsys.readouterr().out
    assert f"collected {STUDENTS} submission(s)" in out
    import nbformat

    for student in s.students:
        folder = inbox / ASSIGNMENT / "submitted" / student / ASSIGNMENT
        stamp = (folder / "timestamp.txt").read_text().strip()
        assert stamp == held[student][0], f"{student}'s timestamp is not the exchange's"
        assert f"{student:<24} {stamp}" in out
        nb = nbformat.read(folder / f"{ASSIGNMENT}.ipynb", as_version=4)
        markers = [c.source for c in nb.cells if "marker-" in c.source]
        assert markers == [f"written by marker-{student}"], (student, markers)
