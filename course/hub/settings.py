"""What the class server is, read from the environment, and JupyterHub's config built from it.

Every setting has a ``SCORED_HUB_*`` variable; ``make hub`` and the tests set them, and
``deploy/hub/jupyterhub_config.py`` calls :func:`configure` with :func:`from_env`.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

COURSE_ID = "scored"
REPO = Path(__file__).resolve().parents[2]


@dataclass
class Settings:
    state: Path                   # the hub's own files: database, cookie secret, logs, pid
    exchange: Path                # nbgrader's exchange root (holds scored/)
    port: int = 8000              # the public URL, http://127.0.0.1:PORT
    hub_port: int = 8081          # the hub's internal API, behind the proxy
    proxy_api_port: int = 8001
    auth: str = "native"          # "native" (first-run passwords) or "dummy" (tests)
    password: str = ""            # the dummy authenticator's shared password
    instructor: str = "instructor"
    students: list[str] = field(default_factory=list)
    memory: str = "2G"            # per server: prlimit --as (address space of each process)
    cull_after: int = 3600        # seconds idle before a server is stopped
    nice: int = 10                # students' servers and kernels yield the CPU to the hub
    grading: Path | None = None   # the grading folder the instructor's formgrader shows

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def jupyter_config(self) -> Path:
        """The folder students' servers read nbgrader's exchange settings from."""
        return self.state / "etc" / "jupyter"

    @property
    def instructor_config(self) -> Path:
        """The folder the instructor's server reads nbgrader's settings from: the exchange and
        the grading folder, for the formgrader."""
        return self.state / "etc" / "jupyter-instructor"

    @property
    def grading_dir(self) -> Path:
        """``course autograde --grading-dir`` for the class: by default scored-grading in the
        instructor's home folder (the formgrader only shows folders under its server's root)."""
        if self.grading is not None:
            return self.grading
        import pwd

        try:
            home = Path(pwd.getpwnam(self.instructor).pw_dir)
        except KeyError:
            home = Path("/home") / self.instructor
        return home / "scored-grading"

    @property
    def roster_file(self) -> Path:
        """The accounts the running hub was started with, one per line (``make hub`` writes
        it), so that commands run later in another shell know the class."""
        return self.state / "roster.txt"

    def roster(self) -> list[str]:
        """The students: these settings', else the running hub's (:attr:`roster_file`)."""
        if self.students:
            return list(self.students)
        try:
            return [n for n in self.roster_file.read_text().split() if n]
        except OSError:
            return []

    @property
    def token_file(self) -> Path:
        return self.state / "api_token"

    def env(self) -> dict[str, str]:
        """The environment that makes :func:`from_env` give these settings back."""
        return {
            "SCORED_HUB_STATE": str(self.state), "SCORED_HUB_EXCHANGE": str(self.exchange),
            "SCORED_HUB_PORT": str(self.port), "SCORED_HUB_HUB_PORT": str(self.hub_port),
            "SCORED_HUB_PROXY_API_PORT": str(self.proxy_api_port),
            "SCORED_HUB_AUTH": self.auth, "SCORED_HUB_PASSWORD": self.password,
            "SCORED_HUB_INSTRUCTOR": self.instructor,
            "SCORED_HUB_STUDENTS": ",".join(self.students),
            "SCORED_HUB_MEMORY": self.memory, "SCORED_HUB_CULL_AFTER": str(self.cull_after),
            "SCORED_HUB_NICE": str(self.nice),
            **({"SCORED_HUB_GRADING": str(self.grading)} if self.grading else {}),
        }


def from_env(environ=None) -> Settings:
    e = os.environ if environ is None else environ
    state = Path(e.get("SCORED_HUB_STATE", "/srv/scored-hub")).expanduser()
    return Settings(
        state=state,
        exchange=Path(e.get("SCORED_HUB_EXCHANGE", str(state / "exchange"))).expanduser(),
        port=int(e.get("SCORED_HUB_PORT", "8000")),
        hub_port=int(e.get("SCORED_HUB_HUB_PORT", "8081")),
        proxy_api_port=int(e.get("SCORED_HUB_PROXY_API_PORT", "8001")),
        auth=e.get("SCORED_HUB_AUTH", "native"),
        password=e.get("SCORED_HUB_PASSWORD", ""),
        instructor=e.get("SCORED_HUB_INSTRUCTOR", "instructor"),
        students=[s for s in e.get("SCORED_HUB_STUDENTS", "").split(",") if s],
        memory=e.get("SCORED_HUB_MEMORY", "2G"),
        cull_after=int(e.get("SCORED_HUB_CULL_AFTER", "3600")),
        nice=int(e.get("SCORED_HUB_NICE", "10")),
        grading=Path(e["SCORED_HUB_GRADING"]).expanduser() if e.get("SCORED_HUB_GRADING")
        else None,
    )


def proxy_command() -> list[str]:
    """configurable-http-proxy as package-lock.json pins it (``npm ci``), else one on PATH."""
    local = REPO / "node_modules" / ".bin" / "configurable-http-proxy"
    return [str(local)] if local.exists() else ["configurable-http-proxy"]


def user_python(s: Settings) -> str:
    """The Python students' servers run: this one, or the shim :mod:`.exchange` makes when
    students cannot reach this one (e.g. a Python under /root)."""
    shim = s.state / "userenv" / "bin" / "python"
    return str(shim) if shim.exists() else sys.executable


def configure(c, s: Settings) -> None:
    """Fill JupyterHub's config object ``c`` from the settings."""
    c.JupyterHub.bind_url = s.url
    c.JupyterHub.hub_ip = "127.0.0.1"
    c.JupyterHub.hub_port = s.hub_port
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{s.proxy_api_port}"
    c.ConfigurableHTTPProxy.command = proxy_command()
    c.JupyterHub.db_url = f"sqlite:///{s.state / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(s.state / "jupyterhub_cookie_secret")
    c.JupyterHub.pid_file = str(s.state / "jupyterhub.pid")

    users = set(s.students) | {s.instructor}
    if s.auth == "dummy":
        c.JupyterHub.authenticator_class = "dummy"
        c.DummyAuthenticator.password = s.password
    else:
        # nativeauthenticator, with a login page that works on JupyterHub 6 (course.hub.native)
        c.JupyterHub.authenticator_class = "course.hub.native.CourseNativeAuthenticator"
        c.NativeAuthenticator.open_signup = False
        c.NativeAuthenticator.minimum_password_length = 8
    c.Authenticator.allowed_users = users
    c.Authenticator.admin_users = {s.instructor}

    # One real Unix user per account; each process of a server is capped by prlimit --as, and
    # runs at a lower priority (nice) than the hub and its proxy, so that 30 students
    # submitting at once do not keep the hub from answering (tests/test_hub_load.py)
    c.JupyterHub.spawner_class = "localprocess"
    c.Spawner.cmd = ["nice", "-n", str(s.nice), "prlimit", f"--as={_bytes(s.memory)}", "--",
                     user_python(s), "-m", "jupyterhub.singleuser"]
    c.Spawner.default_url = "/lab"
    # nbgrader's exchange settings first, then this environment's own Jupyter config and data
    # (JupyterLab, nbgrader's extensions), which a shim Python would not find by itself. The
    # students' folder also turns the formgrader and the course tools off; the instructor's
    # points the formgrader at the grading folder.
    c.Spawner.environment = {
        "JUPYTER_CONFIG_PATH": lambda spawner: jupyter_config_path(s, spawner.user.name),
        "JUPYTER_PATH": str(Path(sys.prefix) / "share" / "jupyter"),
    }
    c.Spawner.start_timeout = 60
    c.Spawner.http_timeout = 60

    services = [{"name": "idle-culler",
                 "command": [sys.executable, "-m", "jupyterhub_idle_culler",
                             f"--timeout={s.cull_after}"]}]
    roles = [{"name": "idle-culler", "services": ["idle-culler"],
              "scopes": ["list:users", "read:users:activity", "read:servers",
                         "delete:servers"]}]
    if s.token_file.exists():  # the token course.hub.server uses to watch the hub
        services.append({"name": "scored", "api_token": s.token_file.read_text().strip()})
        roles.append({"name": "scored", "services": ["scored"], "scopes": ["admin:users",
                      "admin:servers", "list:users", "read:users", "read:servers"]})
    c.JupyterHub.services = services
    c.JupyterHub.load_roles = roles


def jupyter_config_path(s: Settings, user: str) -> str:
    """JUPYTER_CONFIG_PATH of ``user``'s server: the instructor's or the students' settings
    first, then this environment's."""
    own = s.instructor_config if user == s.instructor else s.jupyter_config
    return f"{own}:{Path(sys.prefix) / 'etc' / 'jupyter'}"


def _bytes(size: str) -> int:
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    size = size.strip().upper()
    if size and size[-1] in units:
        return int(float(size[:-1]) * units[size[-1]])
    return int(size)


def dump(s: Settings) -> str:
    return json.dumps({k: str(v) for k, v in s.env().items()}, indent=1)
