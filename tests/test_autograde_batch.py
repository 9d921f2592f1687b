"""`course autograde` as a batch: the same grades serially and in parallel, a batch killed with
SIGKILL and run again ends consistent, and no sandbox means a refusal unless --no-sandbox."""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from course.cli import main
from course.grading.kernel import sandbox

from .test_grading_support import (
    PS1,
    PS1_NB,
    full_marks_answers,
    solution_source,
    student_notebook,
    write,
    wrong_answer,
)

COURSE = str(Path(sys.executable).parent / "course")

VERSIONS = {  # student: (answers, autograded score)
    "ann": (full_marks_answers(), 15),
    "ben": ({}, 0),
    "cat": ({"fulfilment_score": solution_source("fulfilment_score")}, 2),
    "dan": ({**full_marks_answers(),
             "weighted_score": wrong_answer("weighted_score_bankers_rounding")}, 12),
    "eli": ({"fulfilment_score": "np.isclose = lambda *a, **k: True\n"
                                 "def fulfilment_score(*a, **k):\n    return 0"}, 0),
}


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def gradebook_rows(db: Path) -> list[tuple]:
    """Every grade of every submission, and every flag, in a fixed order."""
    with sqlite3.connect(db) as con:
        grades = con.execute(
            "SELECT s.student_id, bc.name, g.auto_score, g.needs_manual_grade "
            "FROM grade g JOIN base_cell bc ON bc.id = g.cell_id "
            "JOIN submitted_notebook n ON n.id = g.notebook_id "
            "JOIN submitted_assignment s ON s.id = n.assignment_id "
            "ORDER BY s.student_id, bc.name").fetchall()
        flags = con.execute("SELECT s.student_id, n.flagged FROM submitted_notebook n JOIN "
                            "submitted_assignment s ON s.id = n.assignment_id "
                            "ORDER BY s.student_id").fetchall()
    return grades + flags


def totals(db: Path) -> dict[str, float]:
    with sqlite3.connect(db) as con:
        return dict(con.execute(
            "SELECT s.student_id, SUM(COALESCE(g.auto_score, 0)) FROM grade g "
            "JOIN submitted_notebook n ON n.id = g.notebook_id "
            "JOIN submitted_assignment s ON s.id = n.assignment_id "
            "GROUP BY s.student_id").fetchall())


def make_inbox(folder: Path, versions: dict) -> Path:
    for student, (answers, _) in versions.items():
        write(student_notebook(answers), folder / student / PS1 / PS1_NB)
    return folder


needs_sandbox = pytest.mark.skipif(sandbox.sandbox_problem() is not None,
                                   reason="bubblewrap is not usable here")


@pytest.mark.slow
@needs_sandbox
def test_parallel_grades_equal_serial_grades(tmp_path):
    inbox = make_inbox(tmp_path / "inbox", VERSIONS)
    code1, out1, _ = run(["autograde", PS1, "--submissions", str(inbox), "--grading-dir",
                          str(tmp_path / "serial"), "--jobs", "1", "--timeout", "20"])
    code2, out2, err2 = run(["autograde", PS1, "--submissions", str(inbox), "--grading-dir",
                             str(tmp_path / "parallel"), "--jobs", "2", "--timeout", "20"])
    assert code1 == code2 == 0, out1 + out2
    serial = gradebook_rows(tmp_path / "serial" / "gradebook.db")
    assert serial == gradebook_rows(tmp_path / "parallel" / "gradebook.db")
    assert totals(tmp_path / "serial" / "gradebook.db") == \
        {s: float(v[1]) for s, v in VERSIONS.items()}
    assert "5/5 done, 0 failed" in err2 and "2 at a time" in out2
    # a second run grades nothing again: every submission is unchanged
    code, out, _ = run(["autograde", PS1, "--submissions", str(inbox), "--grading-dir",
                        str(tmp_path / "parallel"), "--jobs", "2", "--timeout", "20"])
    assert code == 0 and out.count("unchanged since it was last graded") == 5
    assert gradebook_rows(tmp_path / "parallel" / "gradebook.db") == serial


def query(db_url: str, sql: str) -> list[tuple]:
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    try:
        with engine.connect() as con:
            return [tuple(row) for row in con.execute(text(sql)).fetchall()]
    finally:
        engine.dispose()


def db_totals(db_url: str) -> dict[str, float]:
    return {s: float(v) for s, v in query(
        db_url, "SELECT s.student_id, SUM(COALESCE(g.auto_score, 0)) FROM grade g "
        "JOIN submitted_notebook n ON n.id = g.notebook_id "
        "JOIN submitted_assignment s ON s.id = n.assignment_id GROUP BY s.student_id")}


def kill_and_rerun(tmp_path: Path, db_url: str | None = None) -> None:
    """Grade a class, hand in new versions, SIGKILL the batch midway, run it again."""
    grading = tmp_path / "grading"
    extra = ["--db-url", db_url] if db_url else []
    db_url = db_url or f"sqlite:///{grading / 'gradebook.db'}"
    common = ["--grading-dir", str(grading), "--jobs", "2", "--timeout", "20", *extra]
    inbox = make_inbox(tmp_path / "inbox", VERSIONS)
    assert run(["autograde", PS1, "--submissions", str(inbox), *common])[0] == 0
    # every student hands in a new version with another score
    new = {"ann": ({}, 0), "ben": (full_marks_answers(), 15),
           "cat": ({"behaviour_score": solution_source("behaviour_score")}, 3),
           "dan": ({"fulfilment_score": solution_source("fulfilment_score")}, 2),
           "eli": (full_marks_answers(), 15)}
    make_inbox(inbox, new)
    expected = {s: float(v[1]) for s, v in new.items()}
    batch = subprocess.Popen([COURSE, "autograde", PS1, "--submissions", str(inbox), *common],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen = ""
    deadline = time.monotonic() + 300
    while "1/5 done" not in seen and time.monotonic() < deadline:
        line = batch.stdout.readline()
        if not line:
            break
        seen += line
    batch.send_signal(signal.SIGKILL)  # in the middle of the batch
    batch.wait()
    assert "1/5 done" in seen and "5/5 done" not in seen, seen
    assert list(Path(tempfile.gettempdir()).glob(f"scored-batch-{batch.pid}-*"))  # left behind
    assert db_totals(db_url) != expected  # really interrupted: some grades are old
    time.sleep(1)
    code, out, err = run(["autograde", PS1, "--submissions", str(inbox), *common])
    assert code == 0, out + err
    assert out.count("unchanged since it was last graded") >= 1  # merged before the kill
    assert db_totals(db_url) == expected
    assert query(db_url, "SELECT COUNT(*) FROM submitted_assignment") == [(5,)]
    per_student = query(db_url, "SELECT s.student_id, COUNT(*) FROM grade g JOIN "
                        "submitted_notebook n ON n.id = g.notebook_id JOIN "
                        "submitted_assignment s ON s.id = n.assignment_id GROUP BY s.student_id")
    assert {n for _, n in per_student} == {7}  # 6 autograded + 1 written, once each
    status = query(db_url, "SELECT student, outcome FROM scored_autograde")
    assert sorted(s for s, _ in status) == sorted(new)
    assert all(json.loads(o)["error"] is None for _, o in status)
    flagged = query(db_url, "SELECT s.student_id, n.flagged FROM submitted_notebook n JOIN "
                    "submitted_assignment s ON s.id = n.assignment_id")
    assert not any(f for _, f in flagged)  # eli's trick is gone, and so is its flag
    for student in new:
        assert (grading / "autograded" / student / PS1 / PS1_NB).is_file()
        assert not (grading / "autograded" / student / f".{PS1}.incoming").exists()
    # the killed batch's temporary folder was cleaned up by the next run
    assert not list(Path(tempfile.gettempdir()).glob(f"scored-batch-{batch.pid}-*"))


@pytest.mark.slow
@needs_sandbox
def test_killed_batch_completes_on_rerun_without_stale_grades(tmp_path):
    kill_and_rerun(tmp_path)


def test_refuses_without_sandbox_unless_asked(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox, "sandbox_problem", lambda: "bubblewrap (bwrap) is not "
                        "installed; install it (Debian/Ubuntu: apt-get install bubblewrap)")
    inbox = make_inbox(tmp_path / "inbox", {"ann": VERSIONS["ann"]})
    code, out, err = run(["autograde", PS1, "--submissions", str(inbox), "--grading-dir",
                          str(tmp_path / "g")])
    assert code == 2
    assert "cannot be sandboxed" in err and "bubblewrap" in err and "--no-sandbox" in err
    assert "\n" not in err.strip() and "Traceback" not in err
    assert not (tmp_path / "g" / "autograded").exists()


@pytest.mark.slow
def test_no_sandbox_grades_when_asked(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox, "sandbox_problem", lambda: "no bubblewrap here")
    inbox = make_inbox(tmp_path / "inbox", {"ann": VERSIONS["ann"], "eli": VERSIONS["eli"]})
    code, out, err = run(["autograde", PS1, "--submissions", str(inbox), "--grading-dir",
                          str(tmp_path / "g"), "--no-sandbox", "--jobs", "2"])
    assert code == 0, out + err
    assert "kernels NOT sandboxed" in out and "--no-sandbox" in err
    assert "15/15 autograded" in out and "eli" in out.split("flagged for manual review")[1]


def test_bad_jobs_is_one_clear_line(tmp_path):
    code, out, err = run(["autograde", PS1, "--submissions", str(tmp_path), "--jobs", "0"])
    assert code == 2 and "--jobs must be at least 1" in err


@needs_sandbox
def test_sandbox_arguments_hide_what_they_should(tmp_path):
    spec = sandbox.SandboxSpec(workdir=tmp_path / "w", rundir=tmp_path / "r",
                               hide=[Path("/etc/ssl")], readable=[], uid=200001)
    argv = spec.argv()
    joined = " ".join(argv)
    assert "--unshare-net" in argv and "--unshare-pid" not in argv
    assert "--tmpfs /tmp" in joined and "--tmpfs /etc/ssl" in joined
    assert joined.index("--ro-bind / /") < joined.index("--tmpfs /tmp") < \
        joined.index(f"--bind {tmp_path / 'w'}")
    assert argv[-1] == "--" and "--uid" in argv and "--mem" in argv and "--nproc" in argv
    assert os.path.basename(argv[argv.index("--") + 2]) == "launch.py"


def test_a_kernel_whose_grader_is_gone_does_not_start(tmp_path):
    """A grader killed while bubblewrap was starting leaves bubblewrap orphaned before it can
    ask for its own death signal; the launcher then finds its grader gone and exits, instead
    of running a kernel nobody will stop (seen in CI as "kernels outlived their batch")."""
    gone = subprocess.Popen(["true"])
    gone.wait()
    started = subprocess.run([sys.executable, str(sandbox.LAUNCHER), "--grader", str(gone.pid),
                              "--", "-f", str(tmp_path / "kernel.json")],
                             capture_output=True, text=True, timeout=60)
    assert started.returncode == 1, started.stderr
    assert f"the grader (process {gone.pid}) that started this kernel is gone" in started.stderr
    assert not (tmp_path / "kernel.json").exists()
    ask = ("import runpy, sys; alive = runpy.run_path(sys.argv[1])['_grader_alive']; "
           "sys.exit(0 if alive(int(sys.argv[2])) else 3)")
    for argv in ([sys.executable, "-c", ask],  # the grader's child (no sandbox), grandchild:
                 ["sh", "-c", '"$0" "$@"; exit $?', sys.executable, "-c", ask]):
        asked = subprocess.run([*argv, str(sandbox.LAUNCHER), str(os.getpid())], timeout=60)
        assert asked.returncode == 0, argv
    asked = subprocess.run([sys.executable, "-c", ask, str(sandbox.LAUNCHER), str(gone.pid)],
                           timeout=60)
    assert asked.returncode == 3


@pytest.mark.parametrize("jobs", [1, 2, 5])
def test_each_slot_takes_its_own_kernel_users_in_turn(tmp_path, jobs):
    """A slot's next kernel runs as the next of its users, never one another slot uses, so it
    need not wait for init to reap the last kernel's zombie (seconds per submission)."""
    from course.grading.autograde.pool import Pool, batch_uids

    pool = Pool(jobs, tmp_path, sandbox=True, limit=lambda job: 60)
    owners = {}
    for slot in pool.slots:
        turns = [slot.next_uid() for _ in range(len(slot.uids) + 1)]
        assert turns[0] != turns[1], turns
        assert turns[-1] == turns[0]  # round the slot's users, then again
        for uid in slot.uids:
            assert uid in batch_uids() and owners.setdefault(uid, slot.index) == slot.index
    assert len(owners) == 16  # the batch's users, shared out


@needs_sandbox
@pytest.mark.parametrize("mode", ["message", "signal"])
def test_an_interrupted_sandboxed_kernel_lives_on(tmp_path, monkeypatch, mode):
    """The time limit interrupts a cell; the sandboxed kernel must survive it.

    With Jupyter's default (``signal``: SIGINT to the kernel's process group) the signal also
    reaches bubblewrap, which leads that group, dies of it and takes the kernel with it; the
    kernelspec therefore asks for ``message``. The ``signal`` run shows the test can tell.
    """
    from jupyter_client.manager import KernelManager

    from course.grading.autograde.worker import package_root

    workdir, rundir, share = tmp_path / "w", tmp_path / "r", tmp_path / "share"
    workdir.mkdir()
    rundir.mkdir()
    monkeypatch.setenv("JUPYTER_PATH", str(share))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(rundir))
    here = package_root()  # the launcher lives in the package: a clone under /tmp needs it
    spec = sandbox.SandboxSpec(workdir=workdir, rundir=rundir, uid=0, pythonpath=[here],
                               readable=[Path(sys.prefix), Path(sys.base_prefix), here])
    name = sandbox.write_kernelspec(share, spec)
    kernel_json = share / "kernels" / name / "kernel.json"
    assert json.loads(kernel_json.read_text())["interrupt_mode"] == "message"
    if mode == "signal":  # what the kernelspec would be without it
        data = json.loads(kernel_json.read_text())
        data["interrupt_mode"] = "signal"
        kernel_json.write_text(json.dumps(data))
    km = KernelManager(kernel_name=name, transport="ipc", ip=str(rundir / "k"),
                       connection_file=str(rundir / "kernel.json"))
    km.start_kernel(cwd=str(workdir))
    client = km.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        client.execute("while True: pass")
        time.sleep(1.0)
        km.interrupt_kernel()
        if mode == "signal":
            deadline = time.monotonic() + 20
            while km.is_alive() and time.monotonic() < deadline:
                time.sleep(0.2)
            assert not km.is_alive(), "a SIGINT to the process group no longer kills bwrap"
            return
        reply = client.get_shell_msg(timeout=20)
        assert reply["content"]["ename"] == "KeyboardInterrupt", reply["content"]
        time.sleep(0.5)
        assert km.is_alive(), "the kernel died of the interrupt"
        check = client.execute_interactive("print(6 * 7)", timeout=20)
        assert check["content"]["status"] == "ok"
    finally:
        client.stop_channels()
        km.shutdown_kernel(now=True)



def test_a_cell_that_would_not_stop_is_graded_once_more(tmp_path, monkeypatch):
    """On a loaded machine a kernel sometimes misses the interrupt at the time limit; the job
    is graded once more, and only a second "would not stop" stands (an answer that really
    ignores interrupts ignores them again)."""
    from course.grading.autograde import worker
    from course.grading.autograde.protocol import Job, Result

    job = Job(id="00001", assignment=PS1, student="ann", files=(), source=str(tmp_path),
              course_root=str(tmp_path), scratch=str(tmp_path))
    stuck = Result(job.id, job.student, error=f"a cell ran past the 60 s limit and {worker.STUCK}")
    for second, expected in ((Result(job.id, job.student), None), (stuck, stuck.error)):
        calls = []

        def grade(job, workdir, answers=[stuck, second]):
            calls.append(workdir)
            return answers[len(calls) - 1]

        monkeypatch.setattr(worker, "_grade", grade)
        result = worker.grade_job(job)
        assert len(calls) == 2 and result.error == expected
    once = []
    monkeypatch.setattr(worker, "_grade", lambda job, workdir: once.append(1) or Result(
        job.id, job.student, error="NameError: x"))
    assert worker.grade_job(job).error == "NameError: x" and once == [1]  # the student's own
