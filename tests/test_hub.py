"""The class server for real: JupyterHub and its proxy on a free port, throwaway Unix users,
the test authenticator; a student logs in through the login page and gets a running server."""

from __future__ import annotations

import os
import platform
import time
from pathlib import Path

import pytest

from course.grading.kernel.sandbox import proc_stat
from course.hub import HubError
from course.hub.exchange import check_exchange
from course.hub.server import preflight, start
from course.hub.settings import Settings

from .hub_support import (
    free_port,
    login,
    open_lab,
    processes_of,
    real,
    running_hub,
    token,
    use_hub,
)

requests = pytest.importorskip("requests")


@pytest.fixture(scope="module")
def hub():
    with running_hub(2) as s:
        yield s


@real
def test_hub_api_answers_and_knows_the_accounts(hub):
    reply = requests.get(f"{hub.url}/hub/api/", timeout=5)
    assert reply.status_code == 200 and "version" in reply.json()
    users = requests.get(f"{hub.url}/hub/api/users", headers=token(hub), timeout=5)
    assert users.status_code == 200, users.text
    # allowed users appear in the hub's database at start-up
    names = {u["name"]: u for u in users.json()}
    assert set(hub.students) | {hub.instructor} <= set(names)
    assert names[hub.instructor]["admin"] and not names[hub.students[0]]["admin"]
    assert not check_exchange(hub)
    assert (hub.exchange.stat().st_mode & 0o7777) == 0o1777


@real
def test_wrong_password_is_refused(hub):
    _, reply = login(hub, hub.students[0], "not-the-password")
    assert reply.status_code == 403


@real
def test_student_logs_in_and_gets_a_running_server(hub):
    student = hub.students[1]
    # the server answers through the proxy, as the student, and runs as the student's Unix user
    session, lab = open_lab(hub, student)
    assert lab.status_code == 200 and "JupyterLab" in lab.text, lab.text[:300]
    status = session.get(f"{hub.url}/user/{student}/api/status", timeout=10)
    assert status.status_code == 200, status.text[:300]
    home = Path(f"/home/{student}")
    assert home.is_dir() and home.stat().st_uid != 0
    servers = [pid for pid, command in processes_of(home.stat().st_uid)
               if "jupyterhub.singleuser" in command]
    assert servers, f"no jupyterhub-singleuser process runs as {student}"
    # below the hub's priority (the spawner's nice), so that a busy class leaves it the CPU
    assert int(proc_stat(servers[0])[16]) - int(proc_stat(os.getpid())[16]) == hub.nice


@real
def test_taken_port_is_refused_with_who_holds_it(hub):
    taken = Settings(state=hub.state, exchange=hub.exchange, port=hub.port,
                     hub_port=free_port(), proxy_api_port=free_port())
    with pytest.raises(HubError, match=f"port {hub.port}.*taken by"):
        preflight(taken)


def quiet_settings(tmp_path) -> Settings:
    return Settings(state=tmp_path / "state", exchange=tmp_path / "exchange", port=free_port(),
                    hub_port=free_port(), proxy_api_port=free_port())


def test_not_root_is_refused_with_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setattr(platform, "system", lambda: "Linux")
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    with pytest.raises(HubError, match="as root.*sudo make hub"):
        preflight(quiet_settings(tmp_path))


def test_not_linux_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(platform, "system", lambda: "Darwin")
    with pytest.raises(HubError, match="Linux only"):
        preflight(quiet_settings(tmp_path))


def test_missing_proxy_is_refused_with_what_to_do(tmp_path, monkeypatch):
    import course.hub.server as server

    monkeypatch.setattr(platform, "system", lambda: "Linux")
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.setattr(server, "proxy_command", lambda: ["/nonexistent/chp"])
    with pytest.raises(HubError, match="configurable-http-proxy was not found.*npm ci"):
        preflight(quiet_settings(tmp_path))


def test_bad_user_names_are_refused_before_anything_is_made(tmp_path, monkeypatch):
    import course.hub.server as server

    monkeypatch.setattr(server, "preflight", lambda s: None)
    s = quiet_settings(tmp_path)
    s.students = ["Bad Name"]
    with pytest.raises(HubError, match="not usable as Unix user names: Bad Name"):
        start(s)
    assert not s.state.exists()


def test_exchange_with_wrong_permissions_is_reported(tmp_path):
    s = quiet_settings(tmp_path)
    s.exchange.mkdir()
    s.exchange.chmod(0o755)
    problems = check_exchange(s)
    assert problems and "chmod 1777" in problems[0]


def test_config_file_builds_the_documented_setup(tmp_path):
    from traitlets.config import Config

    from course.hub.settings import configure, from_env

    s = from_env({"SCORED_HUB_STATE": str(tmp_path), "SCORED_HUB_AUTH": "native",
                  "SCORED_HUB_STUDENTS": "ann,bob", "SCORED_HUB_MEMORY": "1G"})
    c = Config()
    configure(c, s)
    # nativeauthenticator by default (course.hub.native makes its login work on JupyterHub 6)
    assert c.JupyterHub.authenticator_class == "course.hub.native.CourseNativeAuthenticator"
    assert c.JupyterHub.spawner_class == "localprocess"
    # each server below the hub's priority, each of its processes capped at SCORED_HUB_MEMORY
    assert c.Spawner.cmd[:5] == ["nice", "-n", "10", "prlimit", f"--as={1 << 30}"]
    assert c.Authenticator.allowed_users == {"ann", "bob", "instructor"}
    assert [svc["name"] for svc in c.JupyterHub.services] == ["idle-culler"]
    assert str(s.exchange) == str(tmp_path / "exchange")


def test_release_and_collect_refuse_an_exchange_with_wrong_permissions(tmp_path, monkeypatch,
                                                                       capsys):
    from course.cli import main

    s = quiet_settings(tmp_path)
    use_hub(monkeypatch, s)
    assert main(["hub", "release", "concept-check"]) == 2
    assert "does not exist; run `make hub`" in capsys.readouterr().err
    s.exchange.mkdir()
    s.exchange.chmod(0o755)
    for command in (["hub", "release", "concept-check"],
                    ["hub", "collect", "concept-check", "--inbox", str(tmp_path / "in")]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert "has mode 755" in err and "chmod 1777" in err and "Traceback" not in err
    assert not (tmp_path / "in").exists()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc")
def test_stop_ends_what_the_hub_left_running(tmp_path):
    """A hub that dies before it has stopped its proxy and the users' servers (each in a
    session of its own) leaves them running: stop() ends them too."""
    import subprocess
    import sys

    from course.hub.server import stop

    s = quiet_settings(tmp_path)
    s.state.mkdir()
    child_pid = tmp_path / "child.pid"
    fake_hub = ("import subprocess, sys, time\n"
                "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'],"
                " start_new_session=True)\n"
                f"open({str(child_pid)!r}, 'w').write(str(p.pid))\n"
                "time.sleep(600)\n")
    hub_proc = subprocess.Popen([sys.executable, "-c", fake_hub], start_new_session=True)
    (s.state / "jupyterhub.pid").write_text(str(hub_proc.pid))
    deadline = time.monotonic() + 20
    while not (child_pid.exists() and child_pid.read_text()):
        assert time.monotonic() < deadline, "the fake hub did not start its server"
        time.sleep(0.1)
    server = int(child_pid.read_text())
    try:
        assert stop(s) is True
        assert hub_proc.poll() is not None
        time.sleep(0.3)
        state = Path(f"/proc/{server}/stat")
        assert not state.exists() or state.read_text().rsplit(")", 1)[1].split()[0] == "Z", \
            "the server the hub started outlived stop()"
        assert not (s.state / "jupyterhub.pid").exists()
    finally:
        for pid in (server, hub_proc.pid):
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass


def test_formgrader_is_the_instructors_only(tmp_path):
    """Students' servers read a settings folder that turns nbgrader's instructor tools off;
    the instructor's points the formgrader at the grading folder."""
    import json
    from types import SimpleNamespace

    from traitlets.config import Config

    from course.hub.exchange import write_nbgrader_config
    from course.hub.settings import configure

    s = quiet_settings(tmp_path)
    s.instructor, s.students = "teach", ["ann"]
    s.grading = tmp_path / "grading"
    write_nbgrader_config(s)
    c = Config()
    configure(c, s)
    path_of = c.Spawner.environment["JUPYTER_CONFIG_PATH"]
    as_user = lambda name: path_of(SimpleNamespace(user=SimpleNamespace(name=name)))  # noqa: E731
    assert as_user("ann").split(":")[0] == str(s.jupyter_config)
    assert as_user("teach").split(":")[0] == str(s.instructor_config)
    server = json.loads((s.jupyter_config / "jupyter_server_config.d" /
                         "scored-students.json").read_text())
    assert server["ServerApp"]["jpserver_extensions"][
        "nbgrader.server_extensions.formgrader"] is False
    lab = json.loads((s.jupyter_config / "labconfig" / "page_config.json").read_text())
    assert lab["disabledExtensions"]["@jupyter/nbgrader:formgrader"] is True
    assert not (s.instructor_config / "labconfig").exists()
    # the instructor's nbgrader config: the exchange and the grading folder's own settings
    from traitlets.config.loader import PyFileConfigLoader

    s.grading.mkdir()
    (s.grading / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.db_url = 'sqlite:////somewhere/gradebook.db'\n")
    loaded = PyFileConfigLoader("nbgrader_config.py", path=str(s.instructor_config)).load_config()
    assert loaded.CourseDirectory.root == str(s.grading)
    assert loaded.CourseDirectory.db_url == "sqlite:////somewhere/gradebook.db"
    assert loaded.Exchange.root == str(s.exchange)
    assert from_env_round_trip(s).grading == s.grading


def from_env_round_trip(s: Settings) -> Settings:
    from course.hub.settings import from_env

    return from_env(s.env())


def test_later_commands_know_the_class_from_the_running_hub(tmp_path):
    """`course hub collect` in a new shell (no SCORED_HUB_STUDENTS) reads the roster the hub
    was started with."""
    s = quiet_settings(tmp_path)
    s.students = []
    assert s.roster() == []
    s.state.mkdir(parents=True, exist_ok=True)
    s.roster_file.write_text("ann\nbob\n")
    assert s.roster() == ["ann", "bob"]
    s.students = ["cy"]
    assert s.roster() == ["cy"]
