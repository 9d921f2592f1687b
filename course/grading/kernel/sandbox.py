"""The grading kernel's sandbox: bubblewrap, resource limits and an unprivileged user.

Each submission's kernel is started by a kernelspec of its own (written by
:func:`write_kernelspec`) whose command is

    bwrap <namespaces and mounts> python launch.py <limits> -- -f {connection_file}

What the kernel sees (see docs/sandbox.md for what this does and does not protect against):

* the whole file system **read-only** (so the Python environment and the course package work),
  with these replaced by empty folders: ``/tmp`` (a private, empty, writable tmpfs), the
  instructor's home folder (the repository and the Python environment are put back read-only
  if they live there), the repository's ``solutions/`` and ``tests/``, the grading folder
  (gradebook, other students' work), the submissions inbox, and any extra folder asked for;
* **writable**: only its own working folder (its copy of the submission) and the folder of
  its connection file (the IPC sockets it talks over);
* **no network**: a network namespace of its own, with nothing in it but a down loopback;
  Jupyter talks to it over Unix sockets (``KernelManager.transport = "ipc"``), which work
  across the namespace because they are files;
* **limits** (set by :mod:`launch` before the kernel starts): address space, number of
  processes, size of written files, no core dumps; then it drops to a uid of its own, with
  no capabilities, so the process limit is enforced and root's powers are gone;
* death with its parent, and interrupts **by message**: the kernelspec's
  ``interrupt_mode`` is ``"message"``, so Jupyter asks the kernel over its control channel and
  ipykernel sends itself SIGINT. Jupyter's default, signalling the kernel's process group,
  would reach bubblewrap too (bubblewrap is that group's leader), which dies of it and takes
  the kernel with it: an endless loop interrupted at the time limit then showed up as "kernel
  died" or a missed interrupt, depending on which came first. (No ``--new-session``: the
  kernel has no controlling terminal anyway.)

The PID namespace is shared on purpose: ipykernel exits at once when it thinks its parent
died, which an own PID namespace makes it believe.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

LAUNCHER = Path(__file__).with_name("launch.py")
KERNEL_NAME = "scored-sandbox"

#: Defaults: generous for the exercises (the ps1 kernel peaks near 400 MB of address space
#: mapped by numpy/pandas), small enough that one runaway kernel cannot starve the machine.
DEFAULT_MEMORY_MB = 3072
DEFAULT_NPROC = 64
DEFAULT_FSIZE_MB = 256


@functools.cache
def sandbox_problem() -> str | None:
    """Why kernels cannot be sandboxed here, or None if they can."""
    if not sys.platform.startswith("linux"):
        return f"bubblewrap sandboxes need Linux (this is {sys.platform})"
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return ("bubblewrap (bwrap) is not installed; install it (Debian/Ubuntu: "
                "apt-get install bubblewrap)")
    try:
        probe = subprocess.run(
            [bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
             "--unshare-net", "--die-with-parent", "true"],
            capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bubblewrap does not run here ({error})"
    if probe.returncode != 0:
        first = (probe.stderr.strip().splitlines() or ["no message"])[0]
        return f"bubblewrap cannot create a sandbox here ({first[:200]})"
    if os.geteuid() != 0:
        return ("the sandbox drops each kernel to a user of its own, which needs root; run "
                "`course autograde` as root (e.g. in the grading container)")
    return None


@dataclass
class SandboxSpec:
    """What one kernel's sandbox lets it see, write and use."""

    workdir: Path  # the kernel's working folder: writable
    rundir: Path  # the connection file and IPC sockets: writable
    hide: list[Path] = field(default_factory=list)  # folders to show empty
    readable: list[Path] = field(default_factory=list)  # put back read-only if hidden
    uid: int = 0  # 0: keep root (tests of the launcher only)
    #: Put first on the kernel's sys.path: the folder holding the ``course`` package the
    #: grading command runs, so that the kernel imports exactly that package
    pythonpath: list[Path] = field(default_factory=list)
    memory_mb: int = DEFAULT_MEMORY_MB
    #: The process that starts the kernel: the kernel exits at once if that process is no
    #: longer its ancestor (it died while the sandbox was starting)
    grader: int = field(default_factory=os.getpid)
    nproc: int = DEFAULT_NPROC
    fsize_mb: int = DEFAULT_FSIZE_MB

    def argv(self, python: str = sys.executable) -> list[str]:
        args = ["bwrap", "--die-with-parent", "--unshare-net",
                "--unshare-ipc", "--unshare-uts", "--hostname", "grading",
                "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
        home = Path(os.environ.get("HOME") or "/root").resolve()
        hidden = [Path("/tmp")]
        if home.is_dir() and home != Path("/"):
            hidden.append(home)
        if Path("/run").is_dir():  # Unix sockets of local services (databases, docker, dbus)
            hidden.append(Path("/run"))
        for path in hidden:  # a private /tmp that the kernel's user can write to
            args += ["--perms", "1777" if path == Path("/tmp") else "0755", "--tmpfs", str(path)]
        rebound = []
        for path in self.readable:  # the environment and the course, if under home
            path = Path(path).resolve()
            if path.exists() and _under(path, hidden) and not _under(path, rebound):
                args += _parents(path, hidden) + ["--ro-bind", str(path), str(path)]
                rebound.append(path)
        for path in self.hide:
            path = Path(path).resolve()
            if not path.exists() or (_under(path, hidden) and not _under(path, rebound)):
                continue  # already invisible
            args += ["--tmpfs", str(path)] if path.is_dir() else \
                ["--ro-bind", "/dev/null", str(path)]
        for path in (self.rundir, self.workdir):
            path = Path(path).resolve()
            args += _parents(path, hidden) + ["--bind", str(path), str(path)]
        env = {"HOME": "/tmp", "TMPDIR": "/tmp", "PATH": f"{Path(python).parent}:/usr/bin:/bin",
               "LANG": os.environ.get("LANG", "C.UTF-8"), "IPYTHONDIR": "/tmp/.ipython",
               "MPLCONFIGDIR": "/tmp/.matplotlib", "MPLBACKEND": "Agg",
               "JUPYTER_RUNTIME_DIR": str(self.rundir), "PYTHONDONTWRITEBYTECODE": "1",
               "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
               "NBGRADER_EXECUTION": "autograde"}
        if os.environ.get("SCORED_ROOT"):
            env["SCORED_ROOT"] = os.environ["SCORED_ROOT"]
        if self.pythonpath:
            env["PYTHONPATH"] = os.pathsep.join(str(p) for p in self.pythonpath)
        args.append("--clearenv")
        for key, value in env.items():
            args += ["--setenv", key, value]
        args += ["--chdir", str(self.workdir), "--", python, str(LAUNCHER),
                 "--uid", str(self.uid), "--grader", str(self.grader),
                 "--mem", str(self.memory_mb * 2**20), "--nproc", str(self.nproc),
                 "--fsize", str(self.fsize_mb * 2**20), "--"]
        return args


def _parents(path: Path, hidden: list[Path]) -> list[str]:
    """bwrap arguments that make the folders above ``path`` in a hidden folder traversable.

    (bwrap would create them with mode 0700, which the kernel's user could not enter.)
    """
    args = []
    for top in hidden:
        if top in path.parents:
            for parent in reversed(path.parents):
                if top in parent.parents:
                    args += ["--perms", "0755", "--dir", str(parent)]
    return args


def _under(path: Path, folders) -> bool:
    return any(path == f or f in path.parents for f in folders)


def unsandboxed_argv(spec: SandboxSpec, python: str = sys.executable) -> list[str]:
    """The same launcher and limits without bubblewrap or a user change (``--no-sandbox``)."""
    return [python, str(LAUNCHER), "--grader", str(spec.grader),
            "--mem", str(spec.memory_mb * 2**20),
            "--fsize", str(spec.fsize_mb * 2**20), "--"]


def write_kernelspec(folder: Path, spec: SandboxSpec, *, sandbox: bool = True) -> str:
    """Write a kernelspec into ``folder/kernels/`` and return its name.

    Point ``JUPYTER_PATH`` at ``folder`` (and use the name as ``Execute.kernel_name``) to
    start grading kernels with it.
    """
    argv = spec.argv() if sandbox else unsandboxed_argv(spec)
    argv += ["-f", "{connection_file}", "--HistoryManager.hist_file=:memory:",
             "--IPKernelApp.log_level=ERROR"]
    target = Path(folder) / "kernels" / KERNEL_NAME
    target.mkdir(parents=True, exist_ok=True)
    kernelspec = {"argv": argv, "display_name": "Python 3 (Scored grading sandbox)",
                  "language": "python", "metadata": {"debugger": False},
                  # see the module docstring: a SIGINT to the process group kills bubblewrap
                  "interrupt_mode": "message"}
    if not sandbox and spec.pythonpath:  # the sandbox sets its own environment
        kernelspec["env"] = {"PYTHONPATH": os.pathsep.join(str(p) for p in spec.pythonpath)}
    (target / "kernel.json").write_text(json.dumps(kernelspec, indent=1))
    return KERNEL_NAME


def proc_stat(pid: int | str) -> list[str] | None:
    """The fields of ``/proc/PID/stat`` after the command name (state first, then the parent's
    pid; the start time is index 19), or None if there is no such process. (The kernel's
    launcher reads the same file itself: it may import nothing of the course.)"""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[-1].split()
    return fields if len(fields) > 19 else None


def user_processes(uid: int) -> list[int]:
    """The pids of every process that runs as ``uid`` (its real uid)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("Uid:"):
                if int(line.split()[1]) == uid:
                    pids.append(int(entry.name))
                break
    return pids


def kill_user_processes(uid: int, wait: float = 5.0) -> int:
    """SIGKILL every process that runs as ``uid`` (what a kernel left behind); return how many.

    Waits (up to ``wait`` seconds; 0: not at all) until they are gone: a process count limit
    (``--nproc``) counts them until they are reaped, so the next kernel of the same user would
    otherwise be refused its own processes and die before it starts.
    """
    if uid <= 0:
        return 0
    killed: set[int] = set()
    deadline = time.monotonic() + wait
    while True:
        pids = user_processes(uid)
        for pid in pids:
            try:
                os.kill(pid, 9)
                killed.add(pid)
            except OSError:
                pass
        if not pids or time.monotonic() >= deadline:
            return len(killed)
        time.sleep(0.02)
