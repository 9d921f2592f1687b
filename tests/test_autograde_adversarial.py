"""The adversarial corpus (tests/adversarial/), graded in ONE `course autograde --jobs 2` batch.

Every case must get exactly its expected outcome: a score, a flag for manual review, a reported
error or a skipped file; the sandbox probes must be blocked; nothing submitted is modified; and
no trick earns a point it would not have earned without the trick.
"""

from __future__ import annotations

import io
import re
import socket
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import nbformat
import pytest

from course.cli import main
from course.grading.kernel.sandbox import sandbox_problem

from .adversarial.cases import CASES
from .test_grading_support import PS1, PS1_NB, REPO, grading_snapshot, snapshot

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(sandbox_problem() is not None,
                                 reason=f"no sandbox here: {sandbox_problem()}")]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    inbox, grading = root / "inbox", root / "grading"
    inbox.mkdir()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    home = Path.home()
    home_file = next((p for p in sorted(home.iterdir()) if p.is_file()), home / ".profile")
    ctx = {"solutions": str(REPO.solutions / PS1 / PS1_NB),
           "solutions_dir": str(REPO.solutions / PS1),
           "gradebook": str(grading / "gradebook.db"),
           "other": str(inbox / "full" / PS1 / PS1_NB),
           "home_file": str(home_file), "repo_file": str(REPO.root / "probe-was-here.txt"),
           "port": listener.getsockname()[1]}
    for case in CASES:
        case.make(inbox, ctx)
    before, repo_before = snapshot(inbox), grading_snapshot(REPO.root)
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["autograde", PS1, "--submissions", str(inbox), "--grading-dir",
                     str(grading), "--jobs", "2", "--timeout", "10"])
    listener.close()
    (root / "output.txt").write_text(out.getvalue() + "\n--- stderr ---\n" + err.getvalue())
    return {"inbox": inbox, "grading": grading, "code": code, "out": out.getvalue(),
            "err": err.getvalue(), "before": before, "repo_before": repo_before}


def _line(out: str, student: str) -> str:
    match = re.search(rf"^  {re.escape(student)}\s+(.*)$", out, re.M)
    assert match, f"no line for {student}:\n{out}"
    return match.group(1)

def _flag_line(out: str, student: str) -> str | None:
    part = out.split("flagged for manual review", 1)
    if len(part) < 2:
        return None
    match = re.search(rf"^  {re.escape(student)}\s+(.*)$", part[1], re.M)
    return match.group(1) if match else None


def test_corpus_is_big_enough():
    assert len(CASES) >= 25
    assert len({c.student for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.student for c in CASES])
def test_case_outcome(corpus, case):
    out = corpus["out"]
    if case.problem:
        assert case.problem in out, out
        assert not re.search(rf"^  {case.student}\s", out, re.M)
        return
    line = _line(out, case.student)
    if case.error:
        assert line.startswith("error:") and case.error in line, line
    else:
        assert re.match(rf"{case.score:g}/15 autograded", line), line
    flag = _flag_line(out, case.student)
    if case.flag:
        assert flag is not None and "FLAGGED" in line, (line, out)
        assert ("scored 0" in flag) == case.zeroed, flag
    else:
        assert flag is None and "FLAGGED" not in line, (line, flag)
    if case.probe:
        nb = nbformat.read(corpus["grading"] / "autograded" / case.student / PS1 / PS1_NB,
                           as_version=4)
        text = "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                         for o in c.get("outputs", []) if o.get("output_type") == "stream")
        for expected in case.probe:
            assert expected in text, (expected, text)
        assert "uid 0" not in text


def test_answers_stopped_at_the_time_limit_are_named(corpus):
    line = _line(corpus["out"], "loop")
    assert "stopped at the 10 s limit: fulfilment_score" in line, line


def test_batch_summary_and_exit_code(corpus):
    assert corpus["code"] == 1  # some could not be graded
    errors = sum(1 for c in CASES if c.error)
    assert f"{errors} submission(s) could not be graded" in corpus["err"]
    assert "Traceback" not in corpus["out"] + corpus["err"]
    assert "3 done" not in corpus["err"] or "done" in corpus["err"]  # progress was shown
    assert re.search(r"\d+/\d+ done, \d+ failed, about \d+ s left", corpus["err"])


def test_submissions_and_repository_never_modified(corpus):
    assert snapshot(corpus["inbox"]) == corpus["before"]
    assert grading_snapshot(REPO.root) == corpus["repo_before"]
    assert not (REPO.root / "probe-was-here.txt").exists()


def _grading_user_processes() -> list[tuple[str, int]]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
                uid = int(status.split("Uid:")[1].split()[0])
            except (OSError, IndexError, ValueError):
                continue
            if uid >= 200000 and "State:\tZ" not in status:
                found.append((entry.name, uid))
    return found


def test_no_grading_user_process_survives(corpus):
    """Kernels and the processes they started (the fork bomb's 'sleep 600') are all gone."""
    import time

    deadline = time.monotonic() + 20  # processes killed at the very end may still be exiting
    while _grading_user_processes() and time.monotonic() < deadline:
        time.sleep(1)
    assert not _grading_user_processes()
