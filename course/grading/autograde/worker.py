"""Grade one :class:`~.protocol.Job`: the one grading function of the course.

``course autograde``, the release gate and ``course check`` all grade through
:func:`grade_job`, so what the gate proves is what students get: real ``nbgrader autograde``
in a temporary nbgrader course of the job's own, with

* nbgrader's Execute preprocessor replaced by :class:`~course.grading.kernel.guard.GuardedExecute`,
  which neutralises and reports in-kernel tricks;
* the kernel in the bubblewrap sandbox (:mod:`course.grading.kernel.sandbox`) when the job
  asks for it, importing exactly the ``course`` package this process runs;
* the rest of nbgrader's pipeline unchanged (test cells overwritten from the gradebook, the
  per-cell timeout, output limits, stderr rules).

It runs in a worker process that lives for many jobs (:mod:`.pool`): the grading libraries
are imported once, and every job gets a fresh kernel. The assignment's source is generated
once per worker and copied for each job. A failure that is not the student's (see
:mod:`.protocol`) comes back as a ``failed`` result that says what to do.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import signal
import sys
import time
from pathlib import Path

from ..layout import GradingError, Layout
from .protocol import GRADED, Job, Result, failed

AUTOGRADE_PREPROCESSORS = [
    "course.grading.kernel.guard.GuardedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]

#: What a result says when a cell ran past the time limit and ignored the interrupt.
STUCK = "would not stop when interrupted"

#: How long an interrupted cell may take to report its KeyboardInterrupt (seconds).
IOPUB_TIMEOUT = 10

#: What a cell stopped at the time limit shows (nbclient's error, or the interrupt it sent).
TIMEOUT_ERRORS = ("CellTimeoutError", "KeyboardInterrupt")
#: What a kernel that could not start says (jupyter_client, nbclient).
STARTUP_ERRORS = ("before replying to kernel_info", "Kernel didn't respond",
                  "Kernel died before", "No such kernel")
MEMORY_SIGNS = ("MemoryError", "Cannot allocate memory", "std::bad_alloc", "Unable to allocate",
                "failed to map segment", "out of memory")


def package_root() -> Path:
    """The folder holding the ``course`` package this process runs."""
    import course

    return Path(course.__file__).resolve().parent.parent


# -- the templates: an assignment generated once per worker ----------------------------------
_TEMPLATES: dict[tuple, Path] = {}


def _template(job: Job, layout: Layout) -> Path:
    """A generated nbgrader course for the job's assignment and source, made once per process."""
    from ..workspace import Workspace

    key = (job.assignment, job.source, job.header, job.course_root, os.getpid())
    if key not in _TEMPLATES or not _TEMPLATES[key].is_dir():
        name = hashlib.sha256(repr(key).encode()).hexdigest()[:12]
        root = Path(job.scratch) / f"template-{os.getpid()}-{name}" / "course"
        if root.exists():
            shutil.rmtree(root)
        ws = Workspace(root, layout, header=job.header)
        ws.install_source(job.assignment, Path(job.source))
        ws.generate(job.assignment)
        _TEMPLATES[key] = root
    return _TEMPLATES[key]


# -- grading one job -----------------------------------------------------------------------
def grade_job(job: Job) -> Result:
    """Grade ``job`` and say what happened; never raises for a problem of the submission."""
    start = time.monotonic()
    workdir = Path(job.scratch) / f"job-{job.id}"
    try:
        result = _grade(job, workdir)
        if result.error and STUCK in result.error:
            # A kernel on a loaded machine sometimes misses the interrupt at the time limit;
            # one that really ignores interrupts ignores them again, so the verdict stands.
            result = _grade(job, workdir)
    except GradingError as error:
        result = failed(job, f"{error}")
    except Exception as error:  # noqa: BLE001 - one submission must never stop the batch
        result = failed(job, f"grading failed ({type(error).__name__}: {str(error)[:300]}); "
                             "run the command again, and if it keeps failing, report it with "
                             "the worker log")
    return result.with_(seconds=time.monotonic() - start, workdir=str(workdir))


def _environment(workdir: Path) -> tuple[Path, Path]:
    rundir, share = workdir / "run", workdir / "share"
    rundir.mkdir(parents=True)
    os.environ["JUPYTER_PATH"] = str(share)
    os.environ["JUPYTER_RUNTIME_DIR"] = str(rundir)
    os.environ["IPYTHONDIR"] = str(workdir / "ipython")
    return rundir, share


def _grade(job: Job, workdir: Path) -> Result:
    from ..kernel.guard import guard_start, read_guard_log
    from ..kernel.sandbox import SandboxSpec, write_kernelspec
    from ..workspace import Workspace

    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    layout = Layout(Path(job.course_root))
    template = _template(job, layout)
    rundir, share = _environment(workdir)
    course = workdir / "course"
    shutil.copytree(template, course)
    assignment, student = job.assignment, job.student
    here = package_root()
    readable = [Path(sys.prefix), Path(sys.base_prefix),
                Path(os.path.realpath(sys.executable)).parent.parent, here,
                *[Path(p) for p in job.readable]]
    spec = SandboxSpec(workdir=course / "autograded" / student / assignment, rundir=rundir,
                       hide=[Path(p) for p in job.hide], readable=readable, uid=job.uid,
                       pythonpath=[here])
    if job.memory_mb:
        spec.memory_mb = job.memory_mb
    if job.nproc:
        spec.nproc = job.nproc
    kernel = write_kernelspec(share, spec, sandbox=job.sandbox)
    guard_log = workdir / "guard.jsonl"
    extra = {
        # After a cell is interrupted at the time limit, nbclient waits `iopub_timeout` for the
        # kernel to finish printing the KeyboardInterrupt; its default (4 s) is too short for a
        # kernel sharing 2 busy cores, and the whole submission then fails as "would not stop".
        # Once the last cell has run, the kernel is killed at once rather than asked to shut
        # down and waited for: nothing of it is kept, and the sandbox ends what it leaves.
        "Execute": {"kernel_name": kernel, "timeout": job.timeout, "extra_arguments": [],
                    "iopub_timeout": IOPUB_TIMEOUT, "shutdown_kernel": "immediate"},
        "GuardedExecute": {"guard_log": str(guard_log)},
        "KernelManager": {"transport": "ipc", "ip": str(rundir / "k"),
                          "connection_file": str(rundir / "kernel.json")},
        "Autograde": {"autograde_preprocessors": AUTOGRADE_PREPROCESSORS},
    }
    ws = Workspace(course, layout, header=job.header, extra_config=extra)
    target = ws.submit(student, assignment, {name: Path(path) for name, path in job.files})
    if job.timestamp:
        shutil.copyfile(job.timestamp, target / "timestamp.txt")
    notes = list(job.notes) + repair(target)
    report = ws.autograde(assignment, student)
    started, why_not = guard_start(guard_log)
    died = bool(report.error) and ("Kernel died" in report.error or "DeadKernel" in report.error
                                   or any(s in report.error for s in STARTUP_ERRORS))
    memory = _memory_problem(job, rundir, ws.autograded(student, assignment), died)
    if memory:
        return failed(job, memory, notes=tuple(notes))
    # Before the first cell, only a kernel that died (or a guard that could not start) is the
    # machine's fault, retried on a rerun; nbgrader refusing the notebook itself (a tampered
    # schema version, say) is the submission's, and is reported as its grading error.
    if why_not or (report.error and not started and died):
        if why_not:
            return failed(job, f"the grading guard could not start in the kernel ({why_not}); "
                               "the kernel cannot import the course package it needs. Nothing "
                               "of the submission ran. Check that the course's environment is "
                               "readable (docs/sandbox.md) and run again", notes=tuple(notes))
        return failed(job, f"the grading kernel died before running the first cell "
                           f"({report.error}); run the command again, and see docs/sandbox.md "
                           "if it keeps failing", notes=tuple(notes))
    error = report.error
    if error and "A cell timed out" in error:
        error = (f"a cell ran past the {job.timeout} s limit and {STUCK} "
                 "(an endless loop that ignores KeyboardInterrupt?)")
    zero, reasons = read_guard_log(guard_log)
    if not error:
        notes += timeout_notes(ws.autograded(student, assignment), job.timeout)
    grades, comments, timestamp = _gradebook_rows(ws, assignment, student, zero)
    for cell in report.cells:
        if cell.grade_id in zero and cell.score:
            cell.score = 0.0
            cell.messages.append("scored zero: the submission tampered with the tests")
    folder = ws.autograded(student, assignment)
    return Result(job.id, student, status=GRADED, error=error,
                  cells=tuple(dataclasses.asdict(c) for c in report.cells),
                  grades=tuple(grades), comments=tuple(comments), flags=tuple(reasons),
                  zeroed=tuple(sorted(zero)), notes=tuple(notes), timestamp=timestamp,
                  autograded_dir=str(folder) if folder.is_dir() and not error else None)


def _gradebook_rows(ws, assignment: str, student: str, zero: set[str]):
    grades, comments = [], []
    with ws.api.gradebook as gb:
        submission = gb.find_submission(assignment, student)
        timestamp = submission.timestamp.isoformat() if submission.timestamp else None
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
    return grades, comments, timestamp


def _memory_problem(job: Job, rundir: Path, graded: Path, died: bool) -> str | None:
    """Say so if the memory limit stopped grading: the kernel died of it, or a setup cell of
    the course's own (not the student's answer) could not get the memory it needs."""
    from ..kernel.sandbox import DEFAULT_MEMORY_MB

    limit = job.memory_mb or DEFAULT_MEMORY_MB
    log = rundir / "kernel-stderr.log"
    text = log.read_text(errors="replace")[-20000:] if died and log.is_file() else ""
    for path in sorted(graded.glob("*.ipynb")) if graded.is_dir() else []:
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        for cell in nb.get("cells", []):
            meta = cell.get("metadata", {}).get("nbgrader", {}) or {}
            setup = meta.get("locked") and not meta.get("solution") and not meta.get("grade")
            for output in cell.get("outputs", []) if (setup or died) else []:
                if output.get("output_type") == "error":
                    text += f"\n{output.get('ename', '')}: {output.get('evalue', '')}"
    if any(sign in text for sign in MEMORY_SIGNS):
        return (f"the kernel used more than {limit} MB, its memory limit, and could not go on: "
                f"raise --memory (the default is {DEFAULT_MEMORY_MB}) and run again")
    if died and job.memory_mb and job.memory_mb < DEFAULT_MEMORY_MB:
        return (f"the kernel died under its {limit} MB memory limit (--memory), less than the "
                f"{DEFAULT_MEMORY_MB} MB default and likely too little for Python and the "
                "course's libraries: raise --memory and run again")
    return None


def repair(folder: Path) -> list[str]:
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


def timeout_notes(folder: Path, limit: int) -> list[str]:
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


# -- the worker process's loop -------------------------------------------------------------
def serve(conn, parent: int) -> None:
    """Grade the jobs that arrive on ``conn`` until it closes (run in a forked worker)."""
    try:  # die with the scheduler (PR_SET_PDEATHSIG): a killed batch leaves no worker behind
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(1)  # the scheduler died before the line above took effect: no orphan
    os.setpgid(0, 0)  # the scheduler kills this worker and what it started as one group
    while True:
        try:
            text = conn.recv()
        except (EOFError, OSError):
            break
        result = grade_job(Job.from_json(text))
        try:
            conn.send(result.to_json())
        except (OSError, BrokenPipeError):
            break
    os._exit(0)
