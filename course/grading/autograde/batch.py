"""Grade a batch of submissions safely: one sandboxed worker each, N at once, merged serially.

Each submission is graded by a worker process of its own (``python -m
course.grading.autograde.batch --worker JOB``) in a **temporary nbgrader course** of its own: a copy of
the assignment's source and a fresh gradebook that knows only the assignment. The worker runs
real ``nbgrader autograde`` there, with

* the kernel in the bubblewrap sandbox (:mod:`course.grading.kernel.sandbox`), unless
  ``sandbox=False``;
* nbgrader's Execute preprocessor replaced by :class:`course.grading.kernel.guard.GuardedExecute`,
  which neutralises and reports in-kernel tricks;
* the rest of nbgrader's pipeline unchanged (test cells overwritten from the gradebook, the
  per-cell timeout, output limits, stderr rules).

The main process runs up to ``jobs`` workers at once, kills a worker (and every process of its
kernel's user) that outlives its time limit, and **merges** each result into the grading
folder's gradebook in one writer: the submission's autograded notebooks are swapped in with
one rename, then its grades, comments, flag and a status row (``scored_autograde``: the
digest of what was graded, and the outcome) are written in **one transaction**. A submission
whose digest is already recorded is not graded again, so a batch killed at any point (even
SIGKILL) is completed by running it again, with no duplicated and no stale grades.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..layout import GradingError, Layout
from ..results.reports import CellResult, GradeReport

STATUS_TABLE = "scored_autograde"
AUTOGRADE_PREPROCESSORS = [
    "course.grading.kernel.guard.GuardedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]


@dataclass
class Options:
    """How a batch is graded."""

    jobs: int = 1
    sandbox: bool = True
    timeout: int | None = None  # seconds per cell; None: nbgrader_config.py's
    memory_mb: int | None = None
    nproc: int | None = None
    submission_timeout: float | None = None  # seconds per submission; None: from timeout
    hide: list[Path] = field(default_factory=list)  # extra folders the kernel must not see


@dataclass
class Outcome:
    """What happened to one submission of the batch."""

    student: str
    report: GradeReport
    flags: list[str] = field(default_factory=list)  # reasons for manual review
    zeroed: list[str] = field(default_factory=list)  # questions scored zero for a trick
    notes: list[str] = field(default_factory=list)
    skipped: bool = False  # already graded, unchanged since
    seconds: float = 0.0


# -- the main process ----------------------------------------------------------------------
def digest(layout: Layout, assignment: str, files: dict[str, Path], timestamp: Path | None,
           options: Options) -> str:
    """What a grade depends on: the submitted bytes, the assignment's source, the settings."""
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(name.encode() + b"\0" + Path(files[name]).read_bytes() + b"\0")
    h.update(Path(timestamp).read_bytes() if timestamp else b"-")
    for path in sorted((layout.solutions / assignment).rglob("*")):
        if path.is_file() and ".ipynb_checkpoints" not in path.parts:
            h.update(path.name.encode() + path.read_bytes())
    h.update(repr((options.sandbox, options.timeout, options.memory_mb, options.nproc)).encode())
    return h.hexdigest()


def _ensure_status_table(gb) -> None:
    from sqlalchemy import text

    gb.db.execute(text(
        f"CREATE TABLE IF NOT EXISTS {STATUS_TABLE} (assignment VARCHAR(128) NOT NULL, "
        "student VARCHAR(128) NOT NULL, digest VARCHAR(64) NOT NULL, "
        "outcome TEXT NOT NULL, PRIMARY KEY (assignment, student))"))
    gb.db.commit()


def recorded(db_url: str, assignment: str) -> dict[str, tuple[str, dict]]:
    """``{student: (digest, outcome)}`` of the submissions already merged."""
    from nbgrader.api import Gradebook
    from sqlalchemy import text

    with Gradebook(db_url) as gb:
        _ensure_status_table(gb)
        rows = gb.db.execute(text(f"SELECT student, digest, outcome FROM {STATUS_TABLE} "
                                  "WHERE assignment = :a"), {"a": assignment}).fetchall()
    return {row[0]: (row[1], json.loads(row[2])) for row in rows}


def merge(grading_root: Path, db_url: str, assignment: str, result: dict, key: str) -> None:
    """Put one worker's result into the grading folder and its gradebook, atomically."""
    from nbgrader.api import Gradebook
    from sqlalchemy import text

    student = result["student"]
    dest = grading_root / "autograded" / student / assignment
    staged = dest.parent / f".{assignment}.incoming"
    if staged.exists():
        shutil.rmtree(staged)
    source = Path(result.get("autograded_dir") or "/nonexistent")
    if source.is_dir():
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(source, staged)
        if dest.exists():
            shutil.rmtree(dest)
        staged.rename(dest)
    elif dest.exists():  # a failed regrade leaves no stale notebooks behind
        shutil.rmtree(dest)
    grades = {(g["notebook"], g["name"]): g["auto_score"] for g in result.get("grades", [])}
    comments = {(c["notebook"], c["name"]): c["auto_comment"]
                for c in result.get("comments", [])}
    outcome = {k: result.get(k) for k in ("error", "flags", "zeroed", "notes")}
    with Gradebook(db_url) as gb:
        _ensure_status_table(gb)
        gb.update_or_create_student(student)
        timestamp = result.get("timestamp")
        submission = gb.update_or_create_submission(assignment, student, **(
            {"timestamp": datetime.fromisoformat(timestamp)} if timestamp else {}))
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                if result.get("error"):
                    grade.auto_score = None
                    grade.needs_manual_grade = True
                    continue
                grade.auto_score = grades.get((notebook.name, grade.name))
                grade.needs_manual_grade = (grade.manual_score is not None
                                            or grade.auto_score is None)
            for comment in notebook.comments:
                comment.auto_comment = None if result.get("error") else \
                    comments.get((notebook.name, comment.name))
            notebook.flagged = bool(result.get("flags"))
        gb.db.execute(text(f"DELETE FROM {STATUS_TABLE} WHERE assignment = :a AND "
                           "student = :s"), {"a": assignment, "s": student})
        gb.db.execute(text(f"INSERT INTO {STATUS_TABLE} (assignment, student, digest, outcome)"
                           " VALUES (:a, :s, :d, :o)"),
                      {"a": assignment, "s": student, "d": key, "o": json.dumps(outcome)})
        gb.db.commit()  # grades, comments, flag and status: one transaction


class Progress:
    """done/total, failures and time left, on one line of stderr (a bar on a terminal)."""

    def __init__(self, total: int, stream=None):
        self.total, self.done, self.failed = total, 0, 0
        self.stream = stream or sys.stderr
        self.start = time.monotonic()
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    def update(self, failed: bool) -> None:
        self.done += 1
        self.failed += failed
        elapsed = time.monotonic() - self.start
        left = elapsed / self.done * (self.total - self.done)
        width = 24
        bar = "#" * round(width * self.done / max(self.total, 1))
        line = (f"[{bar:<{width}}] {self.done}/{self.total} done, {self.failed} failed, "
                f"about {left:.0f} s left")
        if self.tty:
            end = "\n" if self.done == self.total else ""
            self.stream.write(f"\r{line}{end}")
        else:
            self.stream.write(f"progress: {line}\n")
        self.stream.flush()


def record_not_graded(db_url: str, assignment: str, not_graded: dict[str, str]) -> None:
    """Note in the gradebook the students whose submission could not be used, and why.

    They get a status row without grades, so ``course grades`` lists them ("not graded:
    ...") instead of leaving them out; an empty digest makes the next run grade whatever
    they hand in next. Grades they earned earlier stay in the gradebook.
    """
    if not not_graded:
        return
    from nbgrader.api import Gradebook
    from sqlalchemy import text

    with Gradebook(db_url) as gb:
        _ensure_status_table(gb)
        for student, reason in sorted(not_graded.items()):
            outcome = {"error": f"not graded: {reason}", "flags": [], "zeroed": [],
                       "notes": [], "not_graded": True}
            gb.db.execute(text(f"DELETE FROM {STATUS_TABLE} WHERE assignment = :a AND "
                               "student = :s"), {"a": assignment, "s": student})
            gb.db.execute(text(f"INSERT INTO {STATUS_TABLE} (assignment, student, digest, "
                               "outcome) VALUES (:a, :s, '', :o)"),
                          {"a": assignment, "s": student, "o": json.dumps(outcome)})
        gb.db.commit()


def autograde_batch(layout: Layout, assignment: str, grading_root: Path, db_url: str,
                    submissions: list, options: Options, *,
                    emit: Callable[[Outcome], None] | None = None,
                    progress: Progress | None = None) -> list[Outcome]:
    """Grade ``submissions`` (:class:`classroom.Submission`) and merge them; see the module."""
    from ..workspace import Workspace

    emit = emit or (lambda outcome: None)
    remove_stale_batches()
    known = recorded(db_url, assignment)
    keys = {s.student: digest(layout, assignment, s.files, s.timestamp, options)
            for s in submissions}
    outcomes: dict[str, Outcome] = {}
    todo = []
    for sub in submissions:
        if sub.student in known and known[sub.student][0] == keys[sub.student]:
            outcomes[sub.student] = _recorded_outcome(layout, grading_root, db_url, assignment,
                                                      sub, known[sub.student][1])
        else:
            todo.append(sub)
    progress = progress or Progress(len(todo))
    progress.total = len(todo)
    if not todo:
        return [outcomes[s.student] for s in submissions]
    timeout = options.timeout or _config_timeout(layout)
    limit = options.submission_timeout or (60 + 8 * timeout)
    base_uid = 200000 + (os.getpid() % 100000) * 16
    slots = list(range(max(1, options.jobs)))
    lock = threading.Lock()
    with tempfile.TemporaryDirectory(prefix=f"scored-batch-{os.getpid()}-") as tmp:
        template = Path(tmp) / "template"
        ws = Workspace(template / "course", layout)
        ws.install_source(assignment, layout.solutions / assignment)
        ws.generate(assignment)
        hide = [layout.solutions, layout.root / "tests", grading_root,
                *[Path(p) for p in options.hide]]

        def run(sub):
            with lock:
                slot = slots.pop()
            try:
                return _run_worker(layout, assignment, sub, template / "course", Path(tmp),
                                   options, timeout, limit, base_uid + slot, hide)
            finally:
                with lock:
                    slots.append(slot)

        with ThreadPoolExecutor(max_workers=max(1, options.jobs)) as pool:
            futures = [pool.submit(run, sub) for sub in todo]
            for future in as_completed(futures):
                result = future.result()
                merge(grading_root, db_url, assignment, result, keys[result["student"]])
                shutil.rmtree(result["workdir"], ignore_errors=True)
                outcome = _outcome(assignment, result)
                outcomes[outcome.student] = outcome
                progress.update(bool(outcome.report.error))
                emit(outcome)
    return [outcomes[s.student] for s in submissions]


#: What a cell stopped at the time limit shows (nbclient's error, or the interrupt it sent).
TIMEOUT_ERRORS = ("CellTimeoutError", "KeyboardInterrupt")


def remove_stale_batches() -> list[Path]:
    """Remove the temporary folders of batches that were killed (their process is gone).

    A batch works in ``<tmp>/scored-batch-<pid>-*``; one killed with SIGKILL cannot clean up,
    so the next batch does. Folders of live batches, and of other users, are left alone.
    """
    removed = []
    for folder in Path(tempfile.gettempdir()).glob("scored-batch-*-*"):
        try:
            pid = int(folder.name.split("-")[2])
        except (IndexError, ValueError):
            continue
        try:
            os.kill(pid, 0)
            continue  # still running
        except ProcessLookupError:
            pass
        except PermissionError:
            continue  # another user's, and running
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            removed.append(folder)
    return removed


def _config_timeout(layout: Layout) -> int:
    from ..workspace import load_config

    return int(load_config(layout).Execute.get("timeout", 60) or 60)


def _recorded_outcome(layout, grading_root, db_url, assignment, sub, outcome) -> Outcome:
    if outcome.get("error"):
        report = GradeReport(assignment, sub.student, error=outcome["error"])
    else:
        report = _grading_workspace(layout, grading_root, db_url).report(assignment, sub.student)
    return Outcome(sub.student, report, outcome.get("flags") or [], outcome.get("zeroed") or [],
                   outcome.get("notes") or [], skipped=True)


_WORKSPACES: dict = {}


def _grading_workspace(layout, grading_root, db_url):
    from ..workspace import Workspace

    key = (str(grading_root), db_url)
    if key not in _WORKSPACES:
        _WORKSPACES[key] = Workspace(grading_root, layout, db_url=db_url)
    return _WORKSPACES[key]


def _outcome(assignment: str, result: dict) -> Outcome:
    report = GradeReport(assignment, result["student"], error=result.get("error"))
    report.cells = [CellResult(**c) for c in result.get("cells", [])]
    return Outcome(result["student"], report, result.get("flags") or [],
                   result.get("zeroed") or [], result.get("notes") or [],
                   seconds=result.get("seconds", 0.0))


def _run_worker(layout, assignment, sub, template, tmp: Path, options: Options, timeout: int,
                limit: float, uid: int, hide: list[Path]) -> dict:
    from ..kernel.sandbox import kill_user_processes

    workdir = Path(tempfile.mkdtemp(prefix="w-", dir=tmp))
    job = {
        "root": str(layout.root), "assignment": assignment, "student": sub.student,
        "files": {name: str(path) for name, path in sub.files.items()},
        "timestamp": str(sub.timestamp) if sub.timestamp else None,
        "template": str(template), "workdir": str(workdir), "sandbox": options.sandbox,
        "uid": uid if options.sandbox else 0, "timeout": timeout,
        "memory_mb": options.memory_mb, "nproc": options.nproc,
        "hide": [str(p) for p in hide], "batch_pid": os.getpid(),
    }
    (workdir / "job.json").write_text(json.dumps(job))
    start = time.monotonic()
    with open(workdir / "worker.log", "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "course.grading.autograde.batch", "--worker",
                                 str(workdir / "job.json")], stdout=log, stderr=log,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            proc.wait(timeout=limit)
            timed_out = False
        except subprocess.TimeoutExpired:
            timed_out = True
        finally:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
            proc.wait()
            kill_user_processes(uid if options.sandbox else 0)
    seconds = time.monotonic() - start
    result_file = workdir / "result.json"
    if not timed_out and result_file.is_file():
        result = json.loads(result_file.read_text())
    else:
        if timed_out:
            error = (f"grading took longer than {limit:.0f} s and was stopped (an endless loop "
                     "that ignores interrupts?)")
        else:
            tail = (workdir / "worker.log").read_text(errors="replace").strip().splitlines()
            error = f"the grading process died (exit code {proc.returncode})" + (
                f": {tail[-1][:200]}" if tail else "")
        result = {"student": sub.student, "error": error, "cells": [], "grades": [],
                  "comments": [], "flags": [], "zeroed": [], "notes": []}
    result.update(workdir=str(workdir), seconds=seconds)
    result["notes"] = list(sub.notes) + list(result.get("notes") or [])
    return result


# -- the worker process --------------------------------------------------------------------
def _repair(folder: Path) -> list[str]:
    """Make the grading copy of a submission gradable where nbgrader would crash on it.

    A graded cell duplicated by the student (same ``grade_id`` twice) makes nbgrader's
    autograde fail; the copies after the first lose their nbgrader metadata (the genuine cell
    is restored from the gradebook anyway). Only the grading copy is changed.
    """
    notes = []
    for path in sorted(folder.glob("*.ipynb")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        seen, changed = set(), False
        for cell in data.get("cells", []) if isinstance(data, dict) else []:
            meta = cell.get("metadata", {}).get("nbgrader") if isinstance(cell, dict) else None
            grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
            if grade_id is None:
                continue
            if grade_id in seen:
                del cell["metadata"]["nbgrader"]
                changed = True
                notes.append(f"ignored a duplicate of graded cell {grade_id}")
            seen.add(grade_id)
        if changed:
            path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return notes



def _timeout_notes(folder: Path, limit: int) -> list[str]:
    """Say which answers were stopped at the time limit (their questions lost their points)."""
    import nbformat

    stopped = []
    for path in sorted(folder.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if any(o.get("output_type") == "error" and o.get("ename") in TIMEOUT_ERRORS
                   for o in cell.get("outputs", [])):
                meta = cell.get("metadata", {}).get("nbgrader", {})
                stopped.append(meta.get("grade_id") or cell.get("id") or "a cell")
    if not stopped:
        return []
    return [f"stopped at the {limit} s limit: {', '.join(stopped)} (an endless loop, or slow "
            "code; --timeout changes the limit)"]


def _worker(job_file: Path) -> int:
    try:  # die with the batch (PR_SET_PDEATHSIG): a killed batch leaves no worker behind
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    job = json.loads(Path(job_file).read_text())
    if job.get("batch_pid") and os.getppid() != job["batch_pid"]:
        return 1  # the batch died before the line above took effect: no orphan grading
    workdir = Path(job["workdir"])
    result = {"student": job["student"], "cells": [], "grades": [], "comments": [],
              "flags": [], "zeroed": [], "notes": [], "error": None}
    start = time.monotonic()
    try:
        result.update(_grade(job, workdir))
    except GradingError as error:
        result["error"] = str(error)
    except Exception as error:  # noqa: BLE001 - one submission must never stop the batch
        result["error"] = f"{type(error).__name__}: {str(error)[:300]}"
    result["seconds"] = time.monotonic() - start
    (workdir / "result.json").write_text(json.dumps(result))
    return 0


def _grade(job: dict, workdir: Path) -> dict:
    rundir, share = workdir / "run", workdir / "share"
    rundir.mkdir()
    os.environ["JUPYTER_PATH"] = str(share)
    os.environ["JUPYTER_RUNTIME_DIR"] = str(rundir)
    os.environ["IPYTHONDIR"] = str(workdir / "ipython")
    from ..kernel.guard import read_guard_log
    from ..layout import Layout
    from ..kernel.sandbox import SandboxSpec, write_kernelspec
    from ..workspace import Workspace

    layout = Layout(Path(job["root"]))
    course = workdir / "course"
    shutil.copytree(job["template"], course)
    assignment, student = job["assignment"], job["student"]
    spec = SandboxSpec(workdir=course / "autograded" / student / assignment, rundir=rundir,
                       hide=[Path(p) for p in job["hide"]],
                       readable=[Path(sys.prefix), Path(sys.base_prefix),
                                 Path(os.path.realpath(sys.executable)).parent.parent,
                                 layout.root], uid=job["uid"])
    if job.get("memory_mb"):
        spec.memory_mb = job["memory_mb"]
    if job.get("nproc"):
        spec.nproc = job["nproc"]
    kernel = write_kernelspec(share, spec, sandbox=job["sandbox"])
    guard_log = workdir / "guard.jsonl"
    extra = {
        "Execute": {"kernel_name": kernel, "timeout": job["timeout"], "extra_arguments": []},
        "GuardedExecute": {"guard_log": str(guard_log)},
        "KernelManager": {"transport": "ipc", "ip": str(rundir / "k"),
                          "connection_file": str(rundir / "kernel.json")},
        "Autograde": {"autograde_preprocessors": AUTOGRADE_PREPROCESSORS},
    }
    ws = Workspace(course, layout, extra_config=extra)
    target = ws.submit(student, assignment, {n: Path(p) for n, p in job["files"].items()})
    if job.get("timestamp"):
        shutil.copyfile(job["timestamp"], target / "timestamp.txt")
    notes = _repair(target)
    report = ws.autograde(assignment, student)
    if report.error and "A cell timed out" in report.error:
        report.error = (f"a cell ran past the {job['timeout']} s limit and would not stop when "
                        "interrupted (an endless loop that ignores KeyboardInterrupt?)")
    zero, reasons = read_guard_log(guard_log)
    if not report.error:
        notes += _timeout_notes(ws.autograded(student, assignment), job["timeout"])
    out: dict = {"error": report.error, "flags": reasons, "zeroed": sorted(zero), "notes": notes}
    if report.error and "GuardError" in (report.error or ""):
        out["error"] = report.error
    grades, comments = [], []
    with ws.api.gradebook as gb:
        submission = gb.find_submission(assignment, student)
        out["timestamp"] = submission.timestamp.isoformat() if submission.timestamp else None
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                score = grade.auto_score
                if grade.name in zero and score is not None:
                    score = 0.0
                grades.append({"notebook": notebook.name, "name": grade.name,
                               "auto_score": None if score is None else float(score)})
            for comment in notebook.comments:
                comments.append({"notebook": notebook.name, "name": comment.name,
                                 "auto_comment": comment.auto_comment})
    out["grades"], out["comments"] = grades, comments
    for cell in report.cells:
        if cell.grade_id in zero and cell.score:
            cell.score = 0.0
            cell.messages.append("scored zero: the submission tampered with the tests")
    out["cells"] = [dataclasses.asdict(c) for c in report.cells]
    folder = ws.autograded(student, assignment)
    out["autograded_dir"] = str(folder) if folder.is_dir() and not report.error else None
    return out


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        sys.exit(_worker(Path(sys.argv[2])))
    print("usage: python -m course.grading.autograde.batch --worker JOB.json", file=sys.stderr)
    sys.exit(2)
