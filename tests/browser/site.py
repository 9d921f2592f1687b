"""Build the course site once per test session (tests/test_site.py and the axe check)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "_build" / "site-report.json"
_built: dict = {}


def build_site() -> tuple[Path, dict]:
    """Run docs/website/build.py (as `make site` does) in its own process, once per session.

    Returns the HTML folder and the build's report (``_build/site-report.json``) with the
    build's exit code and output added.
    """
    if "report" not in _built:
        REPORT.unlink(missing_ok=True)
        result = subprocess.run([sys.executable, str(ROOT / "docs" / "website" / "build.py")],
                                cwd=ROOT, capture_output=True, text=True, timeout=1800)
        if not REPORT.exists():
            pytest.fail("the site build wrote no report:\n" + result.stdout[-3000:]
                        + result.stderr[-3000:])
        report = json.loads(REPORT.read_text())
        report["exit_code"] = result.returncode
        report["output"] = result.stdout + result.stderr
        _built["report"] = report
    report = _built["report"]
    return Path(report["html"]), report
