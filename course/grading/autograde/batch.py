"""Grade a batch of submissions: collected -> :class:`~.pool.Pool` -> :class:`~.store.Store`.

Each submission becomes a :class:`~.protocol.Job`; the pool's long-lived workers grade jobs
N at once, each in a fresh sandboxed kernel (:mod:`.worker`); every result is merged into the
grading folder's gradebook by the store, one transaction each, as soon as it arrives.

What is graded again on a later run: a submission that is new or changed (its digest: the
submitted bytes and nbgrader's timestamp), one whose last attempt failed, and those named with
``--regrade``. Everything else is reported "unchanged since it was last graded". So a batch
killed at any point (even SIGKILL) is completed by running it again, with no duplicated and no
stale grades, and a rerun with a bad option cannot wipe good grades (see :mod:`.store`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..layout import Layout
from ..results.reports import CellResult, GradeReport
from .protocol import FAILED, Job, Result

BATCH_PREFIX = "scored-batch-"


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
    regrade: tuple[str, ...] = ()  # students to grade again although unchanged; "all"


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
    failed: bool = False  # grading failed (not the student's doing); nothing was replaced
    kept: str | None = None  # what was kept instead, when it failed


def digest(files: dict[str, Path], timestamp: Path | None) -> str:
    """What identifies a submission: the submitted bytes and nbgrader's timestamp."""
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(name.encode() + b"\0" + Path(files[name]).read_bytes() + b"\0")
    h.update(Path(timestamp).read_bytes() if timestamp else b"-")
    return h.hexdigest()


def source_digest(layout: Layout, assignment: str) -> str:
    """The version of the assignment's source (its tests) a submission was graded with."""
    h = hashlib.sha256()
    for path in sorted((layout.solutions / assignment).rglob("*")):
        if path.is_file() and ".ipynb_checkpoints" not in path.parts:
            h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()[:16]


def report_of(assignment: str, result: Result) -> GradeReport:
    """The per-cell report of a result (a failure reads as an error)."""
    report = GradeReport(assignment, result.student, error=result.failure or result.error)
    report.cells = [CellResult(**c) for c in result.cells]
    return report


def outcome_of(assignment: str, result: Result) -> Outcome:
    late = [result.extra["late"]] if result.extra.get("late") else []
    return Outcome(result.student, report_of(assignment, result), list(result.flags),
                   list(result.zeroed), list(result.notes) + late, seconds=result.seconds,
                   failed=result.status == FAILED, kept=result.extra.get("kept"))


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


# -- running jobs on a pool ----------------------------------------------------------------
def config_timeout(layout: Layout) -> int:
    from ..workspace import load_config

    return int(load_config(layout).Execute.get("timeout", 60) or 60)


def job_limit(options: Options, timeout: int) -> float:
    """Seconds one submission may take in all, before its worker is stopped."""
    return options.submission_timeout or (60 + 8 * timeout)


def kernel_hide(layout: Layout, *more: Path) -> list[Path]:
    """Folders no grading kernel may see: the sources, the tests, the grading data."""
    from .worker import package_root

    roots = {layout.root, package_root()}
    return [p for root in sorted(roots) for p in (root / "solutions", root / "tests")] + \
        [Path(p) for p in more]


@dataclass
class Grader:
    """Jobs for one assignment, graded on a :class:`~.pool.Pool` (autograde, gate, check)."""

    layout: Layout
    options: Options
    scratch: Path
    hide: list[Path] = field(default_factory=list)
    timeout: int = 0

    def __post_init__(self):
        self.timeout = self.options.timeout or config_timeout(self.layout)
        self._count = 0

    def job(self, assignment: str, student: str, files: dict[str, Path | str], *,
            source: Path | None = None, header: bool = True, timestamp: Path | None = None,
            notes: Iterable[str] = ()) -> Job:
        from .worker import package_root

        self._count += 1
        return Job(
            id=f"{self._count:05d}", assignment=assignment, student=student,
            files=tuple((name, str(path)) for name, path in sorted(files.items())),
            source=str(source or self.layout.solutions / assignment), header=header,
            course_root=str(self.layout.root), scratch=str(self.scratch),
            timestamp=str(timestamp) if timestamp else None, sandbox=self.options.sandbox,
            timeout=self.timeout, memory_mb=self.options.memory_mb, nproc=self.options.nproc,
            hide=tuple(str(p) for p in self.hide),
            readable=tuple(str(p) for p in {self.layout.root, package_root()}),
            notes=tuple(notes))

    def _pool(self, slots: int):
        from .pool import Pool

        limit = job_limit(self.options, self.timeout)
        return Pool(slots, self.scratch, sandbox=self.options.sandbox, limit=lambda job: limit)

    def __enter__(self) -> Grader:
        """Keep one pool of ``options.jobs`` workers for several :meth:`run` calls."""
        self._open = self._pool(max(1, self.options.jobs)).__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._open.close()
        self._open = None

    def run(self, jobs: list[Job], *, while_starting: Callable[[], None] | None = None
            ) -> Iterator[Result]:
        """Grade ``jobs`` on a pool of ``options.jobs`` workers (never more than jobs)."""
        if not jobs:
            if while_starting:
                while_starting()
            return
        if getattr(self, "_open", None) is not None:
            yield from self._open.run(jobs, while_starting=while_starting)
            return
        with self._pool(max(1, min(self.options.jobs, len(jobs)))) as pool:
            yield from pool.run(jobs, while_starting=while_starting)


def scratch_folder() -> tempfile.TemporaryDirectory:
    """A private temporary folder for one batch, named by its process (see below)."""
    remove_stale_batches()
    return tempfile.TemporaryDirectory(prefix=f"{BATCH_PREFIX}{os.getpid()}-")


def remove_stale_batches() -> list[Path]:
    """Clean up after batches that were killed: their folders and any kernel left running.

    A batch works in ``<tmp>/scored-batch-<pid>-*``, and its kernels run as users of its own
    (:func:`~.pool.batch_uids`); one killed with SIGKILL cannot clean up, so the next batch
    does. Folders and kernels of live batches, and folders of other users, are left alone.
    """
    from ..kernel.sandbox import kill_user_processes
    from .pool import batch_uids

    removed = []
    for folder in Path(tempfile.gettempdir()).glob(f"{BATCH_PREFIX}*-*"):
        try:
            pid = int(folder.name.split("-")[2])
        except (IndexError, ValueError):
            continue
        if _alive(pid):
            continue
        if os.geteuid() == 0:
            for uid in batch_uids(pid):
                kill_user_processes(uid)
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            removed.append(folder)
    if os.geteuid() == 0:
        kill_orphan_kernels()
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's, and running


def _parent(pid: int) -> int:
    from ..kernel.sandbox import proc_stat

    fields = proc_stat(pid)
    return int(fields[1]) if fields else 0


def _descends_from_block(pid: int, block: int) -> bool:
    """Whether a live process whose pid gives uid block ``block`` started ``pid``.

    A batch's kernels run under the batch process (batch, worker, bubblewrap, kernel), even
    when it grades in a folder of its own (the gate, `course check` in a test); an orphan's
    batch is gone, so its chain ends at init without passing one.
    """
    from .pool import pid_block

    seen = 0
    while pid > 1 and seen < 64:
        pid, seen = _parent(pid), seen + 1
        if pid > 1 and pid_block(pid) == block:
            return True
    return False


def kill_orphan_kernels() -> int:
    """Kill processes of grading users whose batch is gone; return how many."""
    from .pool import pid_block, uid_block

    live = {pid_block(int(f.name.split("-")[2])) for f in
            Path(tempfile.gettempdir()).glob(f"{BATCH_PREFIX}*-*")
            if f.name.split("-")[2].isdigit() and _alive(int(f.name.split("-")[2]))}
    live.add(pid_block(os.getpid()))
    killed = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            uid = entry.stat().st_uid
        except OSError:
            continue
        block = uid_block(uid)
        if block is not None and block not in live and \
                not _descends_from_block(int(entry.name), block):
            try:
                os.kill(int(entry.name), 9)
                killed += 1
            except OSError:
                pass
    return killed


# -- autograding a class -------------------------------------------------------------------
def autograde_batch(layout: Layout, assignment: str, grading_root: Path, db_url: str,
                    submissions: list, options: Options, *,
                    emit: Callable[[Outcome], None] | None = None,
                    progress: Progress | None = None,
                    prepare: Callable[[], None] | None = None) -> list[Outcome]:
    """Grade ``submissions`` (:class:`.collect.Submission`) and merge them; see the module.

    ``prepare`` (set up the grading folder) runs while the workers start.
    """
    from .store import Store

    emit = emit or (lambda outcome: None)
    keys = {s.student: digest(s.files, s.timestamp) for s in submissions}
    source = source_digest(layout, assignment)
    regrade_all = "all" in options.regrade
    outcomes: dict[str, Outcome] = {}
    with scratch_folder() as tmp, Store(grading_root, db_url) as store:
        known = store.recorded(assignment)
        todo = []
        for sub in submissions:
            record = known.get(sub.student)
            fresh = record is None or record.digest != keys[sub.student] or not record.digest
            if fresh or regrade_all or sub.student in options.regrade:
                todo.append(sub)
            else:
                outcomes[sub.student] = _recorded_outcome(layout, grading_root, db_url,
                                                          assignment, sub, record, source)
        progress = progress or Progress(len(todo))
        progress.total = len(todo)
        if not todo:
            if prepare:
                prepare()
            return [outcomes[s.student] for s in submissions]
        grader = Grader(layout, options, Path(tmp),
                        hide=kernel_hide(layout, grading_root, *options.hide))
        jobs = [grader.job(assignment, s.student, s.files, timestamp=s.timestamp,
                           notes=s.notes) for s in todo]
        for result in grader.run(jobs, while_starting=prepare):
            result = store.merge(assignment, result, keys[result.student], source=source)
            if result.workdir:
                shutil.rmtree(result.workdir, ignore_errors=True)
            outcome = outcome_of(assignment, result)
            outcomes[outcome.student] = outcome
            progress.update(bool(outcome.report.error))
            emit(outcome)
    return [outcomes[s.student] for s in submissions]


def _recorded_outcome(layout, grading_root, db_url, assignment, sub, record, source) -> Outcome:
    outcome = record.outcome
    notes = list(outcome.get("notes") or [])
    if outcome.get("source") and outcome["source"] != source:
        notes.append("graded with an earlier version of the assignment's tests; "
                     f"--regrade {sub.student} (or --regrade all) grades it again")
    if outcome.get("error") and not record.good:
        report = GradeReport(assignment, sub.student, error=outcome["error"])
    else:
        report = _grading_workspace(layout, grading_root, db_url).report(assignment, sub.student)
    return Outcome(sub.student, report, outcome.get("flags") or [], outcome.get("zeroed") or [],
                   notes, skipped=True)


_WORKSPACES: dict = {}


def _grading_workspace(layout, grading_root, db_url):
    from ..workspace import Workspace

    key = (str(grading_root), db_url)
    if key not in _WORKSPACES:
        _WORKSPACES[key] = Workspace(grading_root, layout, db_url=db_url)
    return _WORKSPACES[key]
