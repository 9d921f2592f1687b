"""Long-lived grading workers, one per job slot, and the scheduler that feeds them.

The model is pytest-xdist's: a worker process per slot stays alive for the whole run and is
sent one :class:`~.protocol.Job` at a time over a pipe; it answers with one
:class:`~.protocol.Result`. The grading libraries (nbgrader, nbconvert, nbclient: seconds to
import) are imported once, in this process, before the workers are **forked** from it, so a
worker costs nothing to start and runs exactly the ``course`` package the command runs.

The scheduler is one thread (no locks, so forking a replacement worker is safe at any time):

* a worker that dies is replaced, and its job reported as a grading failure;
* a job that runs past its time limit has its worker (a process group of its own) and every
  process of the slot's kernel user killed; the worker is replaced and the job reported;
* between two jobs of a slot, whatever a kernel left running under the slot's user is killed.

Workers die with the scheduler (``PR_SET_PDEATHSIG``), and their kernels with them (see
:mod:`course.grading.kernel.launch`), so a batch killed even with SIGKILL leaves nothing.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection, Pipe, wait
from pathlib import Path

from ..layout import GradingError
from .protocol import Job, Result, failed

#: The first uid of the grading kernels' users; each batch takes 16 from its pid.
GRADING_UID_BASE = 200000
GRADING_UID_SPAN = 100000 * 16


def pid_block(pid: int) -> int:
    """Which block of 16 kernel users the batch run by process ``pid`` takes."""
    return pid % 100000


def uid_block(uid: int) -> int | None:
    """Which block ``uid`` is in, or None if it is not a grading kernel's user."""
    if GRADING_UID_BASE <= uid < GRADING_UID_BASE + GRADING_UID_SPAN:
        return (uid - GRADING_UID_BASE) // 16
    return None


def batch_uids(pid: int | None = None) -> range:
    """The kernel users of the batch run by process ``pid`` (default: this one)."""
    first = GRADING_UID_BASE + pid_block(pid or os.getpid()) * 16
    return range(first, first + 16)


def warm_up() -> None:
    """Import what grading needs, once, before workers are forked (they share it)."""
    import nbclient  # noqa: F401
    import nbconvert  # noqa: F401
    import nbformat  # noqa: F401
    from nbgrader.apps import NbGraderAPI  # noqa: F401
    from nbgrader.preprocessors import Execute  # noqa: F401

    from ..kernel import guard  # noqa: F401
    from ..workspace import prepare_environment

    prepare_environment()


@dataclass
class _Slot:
    index: int
    uids: tuple[int, ...]  # the kernel users this slot takes in turn (0: no sandbox)
    turn: int = 0
    pid: int = 0
    conn: Connection | None = None
    job: Job | None = None
    deadline: float = 0.0
    log: Path | None = None

    @property
    def uid(self) -> int:
        return self.uids[self.turn % len(self.uids)]

    def next_uid(self) -> int:
        """The next user in turn: a killed kernel's zombie, which init reaps only after a
        while, still counts against its user's process limit, so a user is not reused at
        once (waiting for the reaping cost seconds per submission)."""
        self.turn += 1
        return self.uid


class Pool:
    """``jobs`` forked workers grading :class:`Job` s; use as a context manager.

    Parameters
    ----------
    jobs : int
        How many submissions are graded at once.
    scratch : Path
        A private folder for the workers' logs.
    sandbox : bool
        Whether kernels run sandboxed as users of their own (then this process is root).
    limit : callable
        Seconds a job may take, from the job (the whole worker's time limit).
    """

    def __init__(self, jobs: int, scratch: Path, *, sandbox: bool,
                 limit: Callable[[Job], float]):
        self.scratch = Path(scratch)
        self.sandbox = sandbox
        self.limit = limit
        uids, n = batch_uids(), max(1, jobs)
        if sandbox and n > len(uids):
            raise GradingError(f"--jobs {n} is more than the sandbox allows: each job needs "
                               f"kernel users of its own, and a batch has {len(uids)}; use "
                               f"--jobs {len(uids)} or fewer")
        self.slots = [_Slot(i, tuple(uids[i::n]) if sandbox else (0,)) for i in range(n)]

    # -- workers ----------------------------------------------------------------------------
    def __enter__(self) -> Pool:
        warm_up()
        for slot in self.slots:
            self._start(slot)
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _start(self, slot: _Slot) -> None:
        from .worker import serve

        ours, theirs = Pipe()
        slot.log = self.scratch / f"worker-{slot.index}.log"
        parent = os.getpid()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the worker
            try:
                ours.close()
                fd = os.open(slot.log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
                os.dup2(fd, 1)
                os.dup2(fd, 2)
                serve(theirs, parent)
            finally:
                os._exit(0)
        theirs.close()
        slot.pid, slot.conn = pid, ours

    def _stop(self, slot: _Slot) -> None:
        from ..kernel.sandbox import kill_user_processes

        if slot.pid:
            try:
                os.killpg(slot.pid, signal.SIGKILL)
            except OSError:
                try:
                    os.kill(slot.pid, signal.SIGKILL)
                except OSError:
                    pass
            try:
                os.waitpid(slot.pid, 0)
            except ChildProcessError:
                pass
        if slot.conn is not None:
            slot.conn.close()
        slot.pid, slot.conn = 0, None
        for uid in slot.uids:
            kill_user_processes(uid, wait=0)

    def close(self) -> None:
        for slot in self.slots:
            if slot.conn is not None:
                slot.conn.close()  # the worker's recv() ends: it exits
        deadline = time.monotonic() + 5
        for slot in self.slots:
            while slot.pid and time.monotonic() < deadline:
                done, _ = os.waitpid(slot.pid, os.WNOHANG)
                if done:
                    slot.pid = 0
                    break
                time.sleep(0.02)
            self._stop(slot)

    def _log_tail(self, slot: _Slot) -> str:
        try:
            lines = slot.log.read_text(errors="replace").strip().splitlines()
        except (OSError, AttributeError):
            return ""
        return lines[-1][:200] if lines else ""

    # -- scheduling -------------------------------------------------------------------------
    def run(self, jobs: Iterable[Job], *, while_starting: Callable[[], None] | None = None
            ) -> Iterator[Result]:
        """Grade ``jobs``, yielding each :class:`Result` as soon as it is known.

        ``while_starting`` is called once, after the first jobs are sent: work for this
        process while the workers start their kernels.
        """
        from ..kernel.sandbox import kill_user_processes

        pending = deque(jobs)
        while pending or any(s.job for s in self.slots):
            for slot in self.slots:
                if slot.job is None and pending:
                    uid = slot.next_uid()
                    kill_user_processes(uid)  # left from its last turn: long gone, as a rule
                    job = replace(pending.popleft(), uid=uid)
                    if slot.conn is None:
                        self._start(slot)
                    slot.job, slot.deadline = job, time.monotonic() + self.limit(job)
                    slot.conn.send(job.to_json())
            if while_starting is not None:
                while_starting()
                while_starting = None
            busy = [s for s in self.slots if s.job is not None]
            wait_for = max(0.0, min(s.deadline for s in busy) - time.monotonic())
            ready = wait([s.conn for s in busy], timeout=wait_for)
            now = time.monotonic()
            for slot in busy:
                job, result = slot.job, None
                if slot.conn in ready:
                    try:
                        result = Result.from_json(slot.conn.recv())
                    except (EOFError, OSError):
                        tail = self._log_tail(slot)
                        self._stop(slot)
                        result = failed(job, "the grading worker died" + (
                            f" ({tail})" if tail else "") + "; run the command again")
                elif now >= slot.deadline:
                    self._stop(slot)
                    result = failed(job, f"grading took longer than {self.limit(job):.0f} s and "
                                         "was stopped (an endless loop that ignores interrupts, "
                                         "or a stuck kernel); run the command again")
                if result is None:
                    continue
                slot.job = None
                kill_user_processes(slot.uid, wait=0)  # what the kernel left running
                yield result
