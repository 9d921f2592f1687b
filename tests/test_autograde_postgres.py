"""The gradebook on a real PostgreSQL server (Debian's `postgresql`, started here on loopback):
a batch killed with SIGKILL and run again ends with exactly the new grades, once each."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from .test_autograde_batch import kill_and_rerun, needs_sandbox

pytestmark = [pytest.mark.slow, needs_sandbox]
BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"))), None) \
    if Path("/usr/lib/postgresql").is_dir() else None


@pytest.fixture(scope="module")
def postgres():
    if BIN is None or not (BIN / "initdb").exists():
        pytest.skip("PostgreSQL server binaries are not installed (apt-get install postgresql)")
    pytest.importorskip("psycopg2", reason="psycopg2 is needed to talk to PostgreSQL")
    data = Path(tempfile.mkdtemp(prefix="scored-pg-"))
    user = {}
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        account = pwd.getpwnam("postgres")
        os.chown(data, account.pw_uid, account.pw_gid)
        user = {"user": account.pw_uid, "group": account.pw_gid}
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    subprocess.run([BIN / "initdb", "-D", data / "db", "-U", "grader", "--auth=trust",
                    "-E", "UTF8"], check=True, capture_output=True, **user)
    subprocess.run([BIN / "pg_ctl", "-D", data / "db", "-l", data / "log", "-w", "-o",
                    f"-h 127.0.0.1 -p {port} -k {data}", "start"], check=True,
                   capture_output=True, **user)
    try:
        subprocess.run([BIN / "createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "grader",
                        "scored"], check=True, capture_output=True, **user)
        yield f"postgresql+psycopg2://grader@127.0.0.1:{port}/scored"
    finally:
        subprocess.run([BIN / "pg_ctl", "-D", data / "db", "-m", "immediate", "stop"],
                       capture_output=True, **user)
        shutil.rmtree(data, ignore_errors=True)


def test_killed_batch_completes_on_rerun_postgres(tmp_path, postgres):
    kill_and_rerun(tmp_path, postgres)
