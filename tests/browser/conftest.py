"""Browser tests: JupyterLab and the course site in headless Chromium, driven by Playwright.

Fixtures here start one JupyterLab server for the whole session, from the project's own
environment, on a free loopback port with a random token, serving *copies* of ``lessons/``
and ``exercises/`` (and ``nbgrader_config.py``, as ``make lab`` does) in a temporary folder:
JupyterLab saves notebooks, and the repository must never be touched (the ``lab`` fixture
checks the notebooks it opened on teardown). The browser is Debian's ``chromium``
(Playwright cannot download its own browsers here); without it, or without the
``playwright`` Python package, every test here is skipped with the reason.

Screenshots of each step go to ``_build/browser/`` (gitignored). The README pictures,
``docs/images/*.png``, are written from the same screenshots when missing, or always when
``SCORED_UPDATE_README_IMAGES=1`` is set. ``SCORED_LESSONS_DIR`` and ``SCORED_EXERCISES_DIR``
point the tests (and the site build) at other folders, e.g. drafts.

Deselect these tests with ``-m "not browser"``.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .site import build_site

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("SCORED_CHROMIUM", "/usr/bin/chromium"))
SHOTS = ROOT / "_build" / "browser"
README_IMAGES = ROOT / "docs" / "images"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
#: What to test: lessons/ and exercises/, or other folders (e.g. drafts) named by
#: SCORED_LESSONS_DIR and SCORED_EXERCISES_DIR.
LESSONS = Path(os.environ.get("SCORED_LESSONS_DIR", ROOT / "lessons")).resolve()
EXERCISES = Path(os.environ.get("SCORED_EXERCISES_DIR", ROOT / "exercises")).resolve()
SOLUTIONS = ROOT / "solutions"
#: Folders the JupyterLab of the tests serves copies of, by their name there.
ORIGINALS = {"lessons": LESSONS, "exercises": EXERCISES}

# The flags that work here as root, without a display or network (see NOTES.md); Playwright
# adds a fresh, empty --user-data-dir of its own.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]

# JupyterLab settings for a quiet, deterministic session: no news or update pop-ups over the
# notebook, no autosave, every cell rendered (no windowing), and a light theme.
LAB_OVERRIDES = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false",
                                                    "checkForUpdates": False},
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False},
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Light"},
}


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser: drives JupyterLab or the course site in headless Chromium "
                   "(deselect with -m 'not browser')")


# -- What the browser tests need ---------------------------------------------------------------

def missing_requirement() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not CHROMIUM.exists():
        return (f"{CHROMIUM} is missing: install Debian's package `chromium` "
                "(apt-get install chromium; .ci/run does this)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return ("the Python package `playwright` is not installed in this environment "
                "(it belongs in the test extra: pip install playwright)")
    return None


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright."""
    reason = missing_requirement()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def shots():
    """Save a screenshot of a step: ``shots(page_or_locator, "03-weights-after")``."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*.png"):  # only this session's pictures, none left from before
        old.unlink()
    saved: list[Path] = []

    def save(target, name: str, **options) -> Path:
        path = SHOTS / f"{name}.png"
        target.screenshot(path=str(path), **options)
        saved.append(path)
        return path

    save.saved = saved
    return save


def readme_image(source: Path, name: str, *, max_width: int = 760) -> Path:
    """Write a small copy of a screenshot for the README (docs/images/NAME.png).

    Only when it is missing, or when SCORED_UPDATE_README_IMAGES=1, so that a test run does
    not rewrite committed pictures with slightly different pixels.
    """
    from PIL import Image

    target = README_IMAGES / f"{name}.png"
    if target.exists() and os.environ.get("SCORED_UPDATE_README_IMAGES") != "1":
        return target
    README_IMAGES.mkdir(parents=True, exist_ok=True)
    with Image.open(source) as image:
        image = image.convert("RGB")
        if image.width > max_width:
            image = image.resize((max_width, round(image.height * max_width / image.width)),
                                 Image.LANCZOS)
        image.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(
            target, optimize=True)
    return target


# -- JupyterLab --------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree_digest(*folders: Path) -> dict[str, str]:
    """sha256 of every file under ``folders`` (relative path -> digest)."""
    digests = {}
    for folder in folders:
        if folder.exists():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    digests[str(path)] = hashlib.sha256(
                        path.read_bytes()).hexdigest()
    return digests


class Lab:
    """A running JupyterLab: ``url(path)`` gives a page address with the token."""

    def __init__(self, base: str, token: str, root: Path, log: Path):
        self.base, self.token, self.root, self.log = base, token, root, log
        #: Served paths that a test opened (relative to ``root``), e.g. lessons/03-….ipynb
        self.opened: set[str] = set()

    def url(self, path: str = "lab") -> str:
        sep = "&" if "?" in path else "?"
        return f"{self.base}/{path}{sep}token={self.token}"

    def api(self, path: str):
        with urllib.request.urlopen(self.url(f"api/{path}"), timeout=30) as response:
            return json.loads(response.read())


@pytest.fixture(scope="session")
def lab(browser, tmp_path_factory):
    """JupyterLab from this environment, serving copies of lessons/ and exercises/."""
    watched = list(ORIGINALS.values())
    before = tree_digest(*watched)
    home = tmp_path_factory.mktemp("lab")
    root = home / "course"
    root.mkdir()
    assert not root.resolve().is_relative_to(ROOT), "JupyterLab must not serve the repository"
    for name, source in ORIGINALS.items():
        if source.exists():
            shutil.copytree(source, root / name,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    # As with `make lab`, which serves the repository: nbgrader's Validate reads this file
    if (ROOT / "nbgrader_config.py").exists():
        shutil.copy(ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
    (root / "datasets").symlink_to(ROOT / "datasets")  # read-only use, 11 MB
    settings = home / "settings"
    settings.mkdir()
    (settings / "overrides.json").write_text(json.dumps(LAB_OVERRIDES))
    token, port = secrets.token_hex(16), free_port()
    env = {**os.environ,
           "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_DATA_DIR": str(home / "data"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "IPYTHONDIR": str(home / "ipython"),
           "JUPYTER_PLATFORM_DIRS": "1", "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
           f"--port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={root}", f"--LabApp.app_settings_dir={settings}",
           f"--LabApp.workspaces_dir={home / 'workspaces'}", "--LabApp.news_url=None",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log = home / "jupyterlab.log"
    with open(log, "wb") as log_file:
        proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log_file,
                                stderr=subprocess.STDOUT, start_new_session=True)
    server = Lab(f"http://127.0.0.1:{port}", token, root, log)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                server.api("status")
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not start:\n" + log.read_text()[-3000:])
                time.sleep(0.5)
        yield server
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    # The notebooks the browser opened (and JupyterLab may have saved) are copies: the
    # originals in the repository are as they were. (Only those are compared: other
    # files may be edited by a person while the tests run.)
    after = tree_digest(*watched)
    originals = {str(ORIGINALS[rel.split("/")[0]] / rel.split("/", 1)[1])
                 for rel in server.opened if rel.split("/")[0] in ORIGINALS}
    changed = sorted(k for k in originals if before.get(k) != after.get(k))
    assert not changed, f"the browser session changed files in the repository: {changed}"


@pytest.fixture
def page(browser, request):
    """A fresh browser page (own cookies and storage); screenshot on failure."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                  device_scale_factor=1)
    context.set_default_timeout(30_000)
    tab = context.new_page()
    messages: list[str] = []
    tab.on("pageerror", lambda error: messages.append(f"page error: {error}"))
    tab.messages = messages
    yield tab
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        SHOTS.mkdir(parents=True, exist_ok=True)
        try:
            tab.screenshot(path=str(SHOTS / f"FAILED-{request.node.name}.png"), full_page=False)
        except Exception:  # noqa: BLE001 - a screenshot must not hide the real failure
            pass
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report


# -- The course site (for the accessibility check) ---------------------------------------------

@pytest.fixture(scope="session")
def site_html():
    """The built site (``make site``), built now if needed: the same build as
    tests/test_site.py's, cached, so whichever runs second costs seconds."""
    return build_site()
