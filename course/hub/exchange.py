"""nbgrader's exchange folder, the config students' servers read, and the Python they run.

nbgrader's shared-folder exchange wants its root writable by everyone (nbgrader's own
``ensure_root`` sets 0777); we add the sticky bit so that no student can rename or remove the
course's folder in it. nbgrader itself makes ``scored/outbound`` (0755), ``scored/inbound``
(0733 + setgid: students may write but not list) and ``scored/feedback`` (0711).
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

from . import HubError
from .settings import COURSE_ID, Settings

ROOT_MODE = 0o1777


def ensure_state(s: Settings) -> None:
    """The hub's own folder: readable (not writable) by students, who read its etc/jupyter."""
    s.state.mkdir(parents=True, exist_ok=True)
    s.state.chmod(0o755)


def ensure_exchange(s: Settings) -> Path:
    s.exchange.mkdir(parents=True, exist_ok=True)
    s.exchange.chmod(ROOT_MODE)
    for parent in s.exchange.resolve().parents:
        if not parent.stat().st_mode & stat.S_IXOTH:
            raise HubError(f"students cannot reach the exchange {s.exchange}: {parent} is not "
                           "searchable by others; put the exchange elsewhere "
                           "(SCORED_HUB_EXCHANGE) or chmod o+x that folder.")
    write_nbgrader_config(s)
    return s.exchange


def check_exchange(s: Settings) -> list[str]:
    """What is wrong with the exchange's permissions, each with what to do (empty: fine)."""
    problems = []
    if not s.exchange.is_dir():
        return [f"the exchange {s.exchange} does not exist; run `make hub` to make it."]
    mode = stat.S_IMODE(s.exchange.stat().st_mode)
    if mode & 0o777 != 0o777:
        problems.append(f"the exchange {s.exchange} has mode {mode:o}; nbgrader needs it "
                        f"writable by everyone: chmod {ROOT_MODE:o} {s.exchange}")
    return problems


#: What students' servers leave out: nbgrader's instructor tools (formgrader, course list,
#: create assignment). A student could turn them back on in their own settings, but they show
#: nothing without the instructor's files, which a student cannot read.
STUDENT_SERVER_EXTENSIONS = {"nbgrader.server_extensions.formgrader": False,
                             "nbgrader.server_extensions.course_list": False}
STUDENT_LAB_DISABLED = ["@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:course-list",
                        "@jupyter/nbgrader:create-assignment"]


def _exchange_lines(s: Settings) -> str:
    return ("c = get_config()  # noqa: F821\n"
            f"c.Exchange.root = {str(s.exchange)!r}\n"
            f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
            "c.Exchange.path_includes_course = False\n")


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.parent.chmod(0o755)
    path.write_text(text)
    path.chmod(0o644)
    return path


#: The instructor's server may be framed by pages of its own origin: JupyterLab's formgrader
#: panel. (Without subdomains, every user's server has the hub's origin: docs/deploy.md.)
INSTRUCTOR_FRAMES = "frame-ancestors 'self'"


def write_nbgrader_config(s: Settings) -> Path:
    """The students' settings folder (etc/jupyter: the exchange root and course id, the
    instructor's tools off) and the instructor's (etc/jupyter-instructor: the exchange, and
    the grading folder for the formgrader)."""
    s.jupyter_config.mkdir(parents=True, exist_ok=True)
    for folder in (s.state / "etc", s.jupyter_config):
        folder.chmod(0o755)
    path = _write(s.jupyter_config / "nbgrader_config.py",
                  "# Written by course.hub.exchange: nbgrader's exchange for the class server\n"
                  + _exchange_lines(s))
    _write(s.jupyter_config / "jupyter_server_config.d" / "scored-students.json",
           json.dumps({"ServerApp": {"jpserver_extensions": STUDENT_SERVER_EXTENSIONS}},
                      indent=1))
    _write(s.jupyter_config / "labconfig" / "page_config.json",
           json.dumps({"disabledExtensions": {name: True for name in STUDENT_LAB_DISABLED}},
                      indent=1))
    # JupyterHub's servers refuse to be framed at all (frame-ancestors 'none'); the
    # instructor's lets its own JupyterLab show the formgrader in a panel (a file of its own:
    # jupyter_server reads only extension switches from jupyter_server_config.d)
    _write(s.instructor_config / "jupyter_server_config.json",
           json.dumps({"ServerApp": {"tornado_settings": {"headers": {
               "Content-Security-Policy": INSTRUCTOR_FRAMES}}}}, indent=1))
    grading = str(s.grading_dir)
    _write(s.instructor_config / "nbgrader_config.py",
           "# Written by course.hub.exchange: the instructor's server, nbgrader's exchange and\n"
           "# the grading folder of `course autograde --grading-dir` for the formgrader\n"
           "import os\n\n" + _exchange_lines(s) +
           f"grading = {grading!r}\n"
           "for name in ('course_config.py', 'nbgrader_config.py'):  # written by autograde\n"
           "    if os.path.isfile(os.path.join(grading, name)):\n"
           "        load_subconfig(os.path.join(grading, name))  # noqa: F821\n"
           "c.CourseDirectory.root = grading\n")
    return path


def reachable_by_others(path: Path) -> bool:
    """Whether a user other than root can reach ``path`` (every parent searchable)."""
    path = Path(path).resolve()
    return all(p.stat().st_mode & stat.S_IXOTH for p in [*path.parents, path])


def ensure_user_python(s: Settings) -> str:
    """A Python students' servers can run. When this one lives where students cannot reach
    (pyenv under /root, mode 700), a venv of the system's Python 3 is made in the hub's folder
    that loads this environment's packages (which must themselves be reachable), except those
    that need a newer Python than the system's: those it gets in versions for the system's
    Python, in its own site-packages, which come first (:func:`fit_packages`)."""
    if reachable_by_others(Path(sys.executable)):
        return sys.executable
    site = Path(sys.prefix) / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    site = site / "site-packages"
    if not reachable_by_others(site):
        raise HubError(f"students cannot reach this environment ({sys.prefix}); install the "
                       "course into a folder every user can read, e.g. /opt/scored.")
    system = Path(f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}")
    if not system.exists():
        raise HubError(f"this Python ({sys.executable}) is not reachable by students and "
                       f"{system} does not exist; install the course with a Python every "
                       "user can run.")
    env = s.state / "userenv"
    if not (env / "bin" / "python").exists():
        subprocess.run([str(system), "-m", "venv", "--without-pip", str(env)], check=True)
    own = env / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    (own / "site-packages" / "scored-course.pth").write_text(
        f"import site; site.addsitedir({str(site)!r})\n")
    fit_packages(site, own / "site-packages", system)
    os.chmod(env, 0o755)
    return str(env / "bin" / "python")


def too_new(site: Path, version: str) -> list[str]:
    """The distributions in ``site`` whose Requires-Python excludes Python ``version``."""
    from importlib.metadata import distributions

    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    found = []
    for dist in distributions(path=[str(site)]):
        needs = dist.metadata.get("Requires-Python")
        try:
            if needs and version not in SpecifierSet(needs):
                found.append(dist.metadata["Name"])
        except InvalidSpecifier:
            pass
    return sorted(set(found))


def fit_packages(site: Path, own: Path, system: Path) -> None:
    """Install into ``own`` (no dependencies, wheels only) the newest version that supports
    ``system``'s Python of each package in ``site`` that does not (e.g. soupsieve 4.1.4 needs
    Python 3.11.5, and nbconvert's HTML export, the formgrader's, fails on Debian's 3.11.2),
    unless ``own`` has it already."""
    from importlib.metadata import distributions

    from packaging.utils import canonicalize_name

    version = subprocess.run([str(system), "-c", "import platform; "
                              "print(platform.python_version())"], capture_output=True,
                             text=True, check=True).stdout.strip()
    have = {canonicalize_name(d.metadata["Name"]) for d in distributions(path=[str(own)])}
    missing = [n for n in too_new(site, version) if canonicalize_name(n) not in have]
    if not missing:
        return
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                           "--disable-pip-version-check", "--no-deps", "--only-binary=:all:",
                           f"--python-version={version}", "--target", str(own), *missing],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise HubError(f"{', '.join(missing)} in this environment need a newer Python than "
                       f"the system's {version}, which students' servers run, and versions "
                       f"for it could not be installed:\n{done.stderr.strip()[-1500:]}\n"
                       "Install the course with a Python every user can run (e.g. under "
                       "/opt), or let this machine reach PyPI.")
