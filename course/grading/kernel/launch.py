"""Start a grading kernel with resource limits, as an unprivileged user.

Run as a *script* (``python .../launch.py OPTIONS -- -f CONNECTION_FILE``), never
imported: inside the bubblewrap sandbox it is the first program, still root, and it

1. sets the limits: address space (memory), number of processes, size of files written, no
   core dumps;
2. hands the kernel's own folders (its working folder and the folder of its connection file)
   to the grading user, then drops to that user (a uid of its own, without capabilities), so
   the limits hold and nothing beyond those folders is writable;
3. asks to be killed when its parent dies, and has ipykernel's own parent poller end the
   kernel if its parent changes (so a killed grader leaves no kernel behind, even when the
   death signal is lost); then checks that the grader that started it (``--grader PID``) is
   still its ancestor, and exits if not: a grader killed while bubblewrap was starting left
   bubblewrap orphaned before it could ask for its own death signal, and the kernel ran on;
4. sends the kernel's stderr to ``kernel-stderr.log`` beside the connection file, where the
   grader reads why a kernel died (a ``MemoryError`` names the memory limit);
5. runs ``ipykernel_launcher`` with the remaining arguments.

It imports nothing but the standard library, so that nothing runs before the limits are set.
"""

import ctypes
import os
import resource
import runpy
import signal
import sys


def _options(argv):
    opts, rest = {}, list(argv)
    while rest and rest[0] != "--":
        key, value = rest[0], rest[1]
        opts[key.lstrip("-")] = int(value)
        rest = rest[2:]
    return opts, rest[1:]


def _hand_over(path, uid):
    for root, dirs, files in os.walk(path):
        os.chown(root, uid, uid)
        for name in files:
            os.chown(os.path.join(root, name), uid, uid, follow_symlinks=False)


def _parent_of(pid):
    with open(f"/proc/{pid}/stat") as stat:
        text = stat.read()
    return int(text[text.rindex(")") + 2:].split()[1])  # the field after the state


def _grader_alive(grader, depth=4):
    """Whether ``grader`` is this process's parent, or its parent's parent... (``depth`` up)."""
    try:
        pid = os.getpid()
        for _ in range(depth):
            pid = _parent_of(pid)
            if pid == grader:
                return True
            if pid <= 1:
                return False
    except (OSError, ValueError, IndexError):
        return True  # no /proc to ask (not Linux): the death signal and the poller must do
    return False


def main(argv):
    opts, kernel_args = _options(argv)
    for limit, key in ((resource.RLIMIT_AS, "mem"), (resource.RLIMIT_NPROC, "nproc"),
                       (resource.RLIMIT_FSIZE, "fsize")):
        if opts.get(key):
            resource.setrlimit(limit, (opts[key], opts[key]))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    uid = opts.get("uid", -1)
    if uid > 0 and os.geteuid() == 0:
        _hand_over(os.getcwd(), uid)
        if "-f" in kernel_args:
            connection = kernel_args[kernel_args.index("-f") + 1]
            _hand_over(os.path.dirname(os.path.abspath(connection)), uid)
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    try:  # PR_SET_PDEATHSIG (after setuid, which clears it)
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if opts.get("grader") and not _grader_alive(opts["grader"]):
        sys.stderr.write(f"the grader (process {opts['grader']}) that started this kernel is "
                         "gone: not starting\n")
        sys.exit(1)
    # ipykernel ends the kernel when its parent is no longer this one (bwrap, or the worker)
    os.environ["JPY_PARENT_PID"] = str(os.getppid())
    if "-f" in kernel_args:
        folder = os.path.dirname(os.path.abspath(kernel_args[kernel_args.index("-f") + 1]))
        try:
            log = os.open(os.path.join(folder, "kernel-stderr.log"),
                          os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            os.dup2(log, 2)
            os.close(log)
        except OSError:
            pass
    if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
        del sys.path[0]  # this script's folder is not the kernel's business
    sys.argv = ["ipykernel_launcher", *kernel_args]
    runpy.run_module("ipykernel_launcher", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
