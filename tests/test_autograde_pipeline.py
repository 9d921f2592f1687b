"""The grading pipeline an instructor can bet a term on (issue 11).

Each test reproduces a failure seen with the earlier grader: a rerun with a bad option wiped
good grades; a failed attempt was cached as a result; a guard that could not start scored an
honest student as a cheater; a second clone graded from the wrong folder; a SIGKILLed batch
left kernels running; a kernel killed by the memory limit said nothing about memory.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import redirect_stderr, redirect_stdout
from multiprocessing import Pipe
from pathlib import Path

import pytest

from course.cli import main
from course.grading.autograde.protocol import FAILED, Job, Result
from course.grading.kernel import sandbox

from .test_grading_support import PS1, PS1_NB, REPO, full_marks_answers, student_notebook, write

COURSE = str(Path(sys.executable).parent / "course")
needs_sandbox = pytest.mark.skipif(sandbox.sandbox_problem() is not None,
                                   reason=f"no sandbox here: {sandbox.sandbox_problem()}")


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def totals(db: Path) -> dict[str, float]:
    with sqlite3.connect(db) as con:
        return dict(con.execute(
            "SELECT s.student_id, SUM(COALESCE(g.auto_score, 0)) FROM grade g "
            "JOIN submitted_notebook n ON n.id = g.notebook_id "
            "JOIN submitted_assignment s ON s.id = n.assignment_id "
            "GROUP BY s.student_id").fetchall())


def inbox_of(folder: Path, students: dict[str, dict]) -> Path:
    for student, answers in students.items():
        write(student_notebook(answers), folder / student / PS1 / PS1_NB)
    return folder


# -- the protocol and the worker ---------------------------------------------------------
def test_job_and_result_round_trip_through_json():
    job = Job(id="1", assignment=PS1, student="ann", files=(("a.ipynb", "/x/a.ipynb"),),
              source="/s", course_root="/c", scratch="/t", hide=("/h",), notes=("n",))
    assert Job.from_json(job.to_json()) == job
    result = Result("1", "ann", status=FAILED, failure="why", cells=({"grade_id": "q"},),
                    flags=("f",), extra={"kept": "x"})
    assert Result.from_json(result.to_json()) == result
    assert not result.ok


def test_a_worker_whose_scheduler_is_gone_does_nothing():
    """A worker forked just before its scheduler was killed exits instead of grading."""
    from course.grading.autograde.worker import serve

    ours, theirs = Pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            serve(theirs, parent=1)  # "our parent is init": the scheduler is gone
        finally:
            os._exit(3)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 1


# -- never lose a grade ----------------------------------------------------------------------
@pytest.mark.slow
@needs_sandbox
def test_a_rerun_with_a_bad_option_keeps_good_grades_and_names_the_memory_limit(tmp_path):
    inbox = inbox_of(tmp_path / "inbox", {"ann": full_marks_answers(), "ben": {}})
    grading = tmp_path / "grading"
    common = ["autograde", PS1, "--submissions", str(inbox), "--grading-dir", str(grading),
              "--jobs", "2"]
    assert run(common)[0] == 0
    db = grading / "gradebook.db"
    before = totals(db)
    assert before == {"ann": 15.0, "ben": 0.0}
    # unchanged submissions are not regraded, whatever the options
    code, out, _ = run([*common, "--memory", "200"])
    assert code == 0 and out.count("unchanged since it was last graded") == 2
    # forced, every attempt fails: the grades stay, the failure says what to do
    code, out, err = run([*common, "--memory", "200", "--regrade", "all"])
    assert code == 1
    assert out.count("GRADING FAILED") == 2 and out.count("the earlier grade is kept") == 2
    assert "memory limit" in out and "raise --memory" in out
    assert "2 earlier grade(s) kept, nothing replaced" in err
    assert totals(db) == before
    assert (grading / "autograded" / "ann" / PS1 / PS1_NB).is_file()
    code, out, _ = run(["grades", PS1, "--grading-dir", str(grading)])
    assert "this grade is kept" in out
    # a plain rerun does not grade them again: the kept grades are for these submissions
    code, out, _ = run(common)
    assert code == 0 and out.count("unchanged since it was last graded") == 2


@pytest.mark.slow
@needs_sandbox
def test_a_failed_attempt_is_not_cached_and_a_plain_rerun_retries_it(tmp_path):
    inbox = inbox_of(tmp_path / "inbox", {"ann": full_marks_answers()})
    grading = tmp_path / "grading"
    common = ["autograde", PS1, "--submissions", str(inbox), "--grading-dir", str(grading)]
    code, out, _ = run([*common, "--memory", "200"])
    assert code == 1 and "GRADING FAILED" in out and "a plain rerun tries again" in out
    assert totals(grading / "gradebook.db").get("ann") in (None, 0.0)
    code, out, _ = run(common)
    assert code == 0, out
    assert "15/15 autograded" in out and "unchanged" not in out


@pytest.mark.slow
@needs_sandbox
def test_a_guard_that_cannot_start_is_a_grading_failure_not_tampering(tmp_path):
    from course.grading.autograde.batch import Options
    from course.grading.autograde.classroom import autograde_outcomes
    from course.grading.kernel import kernel_guard

    inbox = inbox_of(tmp_path / "inbox", {"ann": full_marks_answers()})
    # the kernel sees an empty guard module: it cannot start, before any student code runs
    options = Options(hide=[Path(kernel_guard.__file__)])
    outcomes, _ = autograde_outcomes(REPO, PS1, inbox, tmp_path / "grading", options=options)
    (ann,) = outcomes
    assert ann.failed and not ann.flags and not ann.zeroed
    assert "grading guard could not start" in ann.report.error
    assert "tampered" not in ann.report.error


# -- the folder you are in -------------------------------------------------------------------
def _copy_course(target: Path) -> Path:
    target.mkdir(parents=True)
    for name in ("nbgrader_config.py", "solutions", "exercises"):
        source = REPO.root / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copyfile(source, target / name)
    return target


@pytest.mark.slow
@needs_sandbox
def test_a_second_clone_grades_from_its_own_folder_sandboxed(tmp_path):
    clone = _copy_course(tmp_path / "clone")  # under /tmp: hidden from kernels by the sandbox
    marker = clone / "solutions" / PS1 / PS1_NB
    marker.write_text(marker.read_text() + "\n")  # differs from the installed checkout's
    inbox = inbox_of(tmp_path / "inbox", {"ann": full_marks_answers()})
    grading = tmp_path / "grading"
    done = subprocess.run([COURSE, "autograde", PS1, "--submissions", str(inbox),
                           "--grading-dir", str(grading)], cwd=clone / "solutions",
                          capture_output=True, text=True, timeout=600,
                          env={k: v for k, v in os.environ.items() if k != "SCORED_ROOT"})
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"using the course folder {clone.resolve()} (the folder you are in)" in done.stdout
    assert "kernels sandboxed" in done.stdout and "15/15 autograded" in done.stdout
    assert (grading / "solutions" / PS1 / PS1_NB).read_bytes() == marker.read_bytes()
    # the grading folder names neither checkout: it keeps working if they move
    config = (grading / "nbgrader_config.py").read_text()
    assert str(clone) not in config and str(REPO.root) not in config
    moved = tmp_path / "moved"
    clone.rename(moved)
    done = subprocess.run([COURSE, "--root", str(moved), "grades", PS1, "--grading-dir",
                           str(grading)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    from traitlets.config.loader import PyFileConfigLoader

    loaded = PyFileConfigLoader("nbgrader_config.py", path=str(grading)).load_config()
    assert "course.grading.results.feedback.HideSecrets" in \
        loaded.GenerateFeedback.preprocessors


# -- no orphans ------------------------------------------------------------------------------
def _grading_processes(uids: range) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and entry.stat().st_uid in uids:
                found.append(int(entry.name))
        except OSError:
            continue
    return found


@pytest.mark.slow
@needs_sandbox
def test_a_sigkilled_batch_leaves_no_kernel_running(tmp_path):
    from course.grading.autograde.pool import batch_uids

    inbox = inbox_of(tmp_path / "inbox", {f"s{i}": full_marks_answers() for i in range(4)})
    batch = subprocess.Popen([COURSE, "autograde", PS1, "--submissions", str(inbox),
                              "--grading-dir", str(tmp_path / "grading"), "--jobs", "2"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    uids = batch_uids(batch.pid)
    deadline = time.monotonic() + 240
    while not _grading_processes(uids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _grading_processes(uids), "no kernel ever started"
    batch.send_signal(signal.SIGKILL)
    batch.wait()
    deadline = time.monotonic() + 10
    while _grading_processes(uids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _grading_processes(uids), "kernels outlived their batch"


@pytest.mark.skipif(os.geteuid() != 0, reason="starting a process as a grading user needs root")
def test_orphan_cleanup_spares_the_kernels_of_a_live_batch_wherever_it_grades():
    """A batch grading in a folder of its own (the gate, a test) still owns its kernels: a
    concurrent batch's clean-up must not kill them (it did: a long answer died mid-run)."""
    from course.grading.autograde.batch import _descends_from_block, kill_orphan_kernels
    from course.grading.autograde.pool import batch_uids

    uid = batch_uids()[15]  # this process's block, with no scored-batch folder of its own
    kernel = subprocess.Popen(["sleep", "30"], user=uid, group=uid)
    try:
        block = os.getpid() % 100000
        assert _descends_from_block(kernel.pid, block)
        assert not _descends_from_block(kernel.pid, (block + 7) % 100000)
        kill_orphan_kernels()  # this process's own clean-up, and another batch's:
        subprocess.run([sys.executable, "-c", "from course.grading.autograde.batch import "
                        "kill_orphan_kernels; kill_orphan_kernels()"], check=True)
        time.sleep(0.2)
        assert kernel.poll() is None, "the live batch's kernel was killed"
    finally:
        kernel.kill()
        kernel.wait()
