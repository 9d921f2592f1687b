"""`make lab` really serves the course in JupyterLab, on loopback, with a token."""

import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_path(port: int) -> str:
    """PATH in the environment of the JupyterLab server listening on ``port``."""
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes().split(b"\0")
            if f"--port={port}".encode() in cmdline and any(b"jupyter" in a for a in cmdline):
                environ = (proc / "environ").read_bytes().split(b"\0")
                return next(e[5:].decode() for e in environ if e.startswith(b"PATH="))
        except (OSError, StopIteration):
            continue
    raise AssertionError(f"no JupyterLab process for port {port}")


@pytest.mark.slow
def test_make_lab_serves_the_course():
    if not (ROOT / ".venv" / "bin" / "jupyter").exists():
        pytest.skip("no .venv here: run through `make test`, which creates it")
    port = free_port()
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"PORT={port}"], cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
        env={**os.environ, "JUPYTER_PLATFORM_DIRS": "1"},
    )
    try:
        token, seen = None, []
        deadline = time.time() + 120
        while time.time() < deadline and token is None:
            line = proc.stdout.readline()
            if not line:
                if proc.poll() is not None:
                    break
                continue
            seen.append(line)
            match = re.search(rf"http://127\.0\.0\.1:{port}/lab\S*\?token=(\w+)", line)
            if match:
                token = match.group(1)
        assert token, "make lab printed no URL with a token:\n" + "".join(seen[-30:])
        listing, error = None, None
        for _ in range(40):  # the URL is printed a moment before requests are answered
            try:
                with urllib.request.urlopen(
                        f"http://127.0.0.1:{port}/api/contents?token={token}", timeout=30) as r:
                    listing = r.read().decode()
                break
            except OSError as exc:
                error = exc
                time.sleep(0.5)
        assert listing is not None, f"JupyterLab did not answer: {error}"
        for folder in ["course", "datasets"]:
            assert f'"name": "{folder}"' in listing or f'"name":"{folder}"' in listing
        # Only loopback: the server is not listening on other addresses
        assert "--ip=127.0.0.1" in (ROOT / "Makefile").read_text()
        # Its terminals inherit its PATH, which starts with the course's environment: there
        # `course check ...` works, as lesson 00 tells students
        path = server_path(port)
        assert path.split(os.pathsep)[0] == str(ROOT / ".venv" / "bin"), path
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
