"""The class server for real: JupyterHub and its proxy on a free port, throwaway Unix users,
the test authenticator; a student logs in through the login page and gets a running server."""

from __future__ import annotations

import contextlib
import os
import platform
import shutil
import socket
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from course.hub import HubError
from course.hub.exchange import check_exchange
from course.hub.server import preflight, start, stop
from course.hub.settings import Settings
from course.hub.users import remove_users

requests = pytest.importorskip("requests")

needs_root = [
    pytest.mark.slow,
    pytest.mark.skipif(platform.system() != "Linux", reason="the class server runs on Linux"),
    pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() != 0,
                       reason="the hub test creates Unix users: run it as root"),
    pytest.mark.skipif(not shutil.which("useradd"), reason="useradd is not installed"),
]


def real(test):
    for mark in needs_root:
        test = mark(test)
    return test

PASSWORD = "scored-test-pw"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_hub(students: list[str], instructor: str, **settings):
    """A hub and its proxy started for real on free ports, in a temporary folder; stopped,
    its Unix users removed and its folder deleted afterwards (even on failure)."""
    base = Path(tempfile.mkdtemp(prefix="scored-hub-"))
    base.chmod(0o755)  # students must reach the exchange and the hub's etc/jupyter
    settings = {"memory": "4G", **settings}
    s = Settings(state=base / "state", exchange=base / "exchange", port=free_port(),
                 hub_port=free_port(), proxy_api_port=free_port(), auth="dummy",
                 password=PASSWORD, instructor=instructor, students=students, **settings)
    try:
        start(s)
        yield s
    finally:
        stop(s)
        remove_users([*students, instructor])
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def hub():
    tag = uuid.uuid4().hex[:5]
    with running_hub([f"zs{tag}a", f"zs{tag}b"], f"zi{tag}") as s:
        yield s


def token(s: Settings) -> dict:
    return {"Authorization": f"token {s.token_file.read_text().strip()}"}


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


def login(s: Settings, user: str, password: str) -> tuple[requests.Session, requests.Response]:
    session = requests.Session()
    page = session.get(f"{s.url}/hub/login", timeout=10)
    assert page.status_code == 200
    xsrf = session.cookies.get("_xsrf")
    assert xsrf, "the login page set no _xsrf cookie"
    reply = session.post(f"{s.url}/hub/login?next=", timeout=30, allow_redirects=False,
                         data={"username": user, "password": password, "_xsrf": xsrf})
    return session, reply


@real
def test_wrong_password_is_refused(hub):
    _, reply = login(hub, hub.students[0], "not-the-password")
    assert reply.status_code == 403


@real
def test_student_logs_in_and_gets_a_running_server(hub):
    student = hub.students[1]
    session, reply = login(hub, student, PASSWORD)
    assert reply.status_code == 302, reply.text[:500]
    session.get(f"{hub.url}/hub/spawn", timeout=60)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        info = requests.get(f"{hub.url}/hub/api/users/{student}", headers=token(hub),
                            timeout=5).json()
        server = info.get("servers", {}).get("")
        if server and server.get("ready"):
            break
        time.sleep(0.5)
    else:
        pytest.fail(f"{student}'s server never became ready: {info}\n"
                    f"{(hub.state / 'jupyterhub.log').read_text()[-3000:]}")
    # the server answers through the proxy, as the student, and runs as the student's Unix user
    # (the first visit goes through the hub's OAuth to the student's server and back)
    lab = session.get(f"{hub.url}/user/{student}/lab", timeout=30)
    assert lab.status_code == 200 and "JupyterLab" in lab.text, lab.text[:300]
    status = session.get(f"{hub.url}/user/{student}/api/status", timeout=10)
    assert status.status_code == 200, status.text[:300]
    pid = int(server["pid"]) if "pid" in server else None
    home = Path(f"/home/{student}")
    assert home.is_dir() and home.stat().st_uid != 0
    if pid:
        assert os.stat(f"/proc/{pid}").st_uid == home.stat().st_uid


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
    assert c.JupyterHub.authenticator_class == "native"  # native by default, dummy for tests
    assert c.JupyterHub.spawner_class == "localprocess"
    assert c.Spawner.cmd[:2] == ["prlimit", f"--as={1 << 30}"]
    assert c.Authenticator.allowed_users == {"ann", "bob", "instructor"}
    assert [svc["name"] for svc in c.JupyterHub.services] == ["idle-culler"]
    assert str(s.exchange) == str(tmp_path / "exchange")


def test_release_and_collect_refuse_an_exchange_with_wrong_permissions(tmp_path, monkeypatch,
                                                                       capsys):
    from course.cli import main

    s = quiet_settings(tmp_path)
    for key, value in s.env().items():
        monkeypatch.setenv(key, value)
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
