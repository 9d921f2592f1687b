"""``course bundle --student``: the course without its solutions, as one zip file.

For instructors who teach for credit: the zip holds the lessons, the exercises, the data sets
and the ``course`` package (with what is needed to install it), and nothing from
``solutions/`` or ``tests/`` (whose wrong answers are near-solutions). After writing it, every
text file inside is scanned for solution code, hidden tests and mark schemes; if any is found
the zip is deleted and the command fails.

The zip is reproducible: members are sorted and carry a fixed timestamp.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path, PurePosixPath

from ..layout import GradingError, Layout
from ..notebooks import all_strings, find_leaks
from .release import all_secrets

TOP = "scored"
#: Files at the root of the repository that a student edition needs (its README is NOTE: the
#: repository's speaks to instructors and developers, of files the edition does not have).
ROOT_FILES = ["LICENSE", "LICENSE.md", "LICENSE.txt", "pyproject.toml", "Makefile",
              "nbgrader_config.py"]
#: Folders copied whole (minus clutter).
FOLDERS = ["course", "lessons", "exercises", "datasets"]
SKIP_PARTS = {"__pycache__", ".ipynb_checkpoints", ".DS_Store", ".pytest_cache"}
SKIP_SUFFIXES = {".pyc", ".pyo", ".db", ".db-journal"}
FIXED_TIME = (2019, 1, 1, 0, 0, 0)  # the paper's year; any fixed date makes the zip repeatable

NOTE = """\
# Scored — student edition

**Scored** is a Jupyter course: step by step, on synthetic consumer data, you build a simplified
gamified credit score — the *Lotus Score* of a fictional payment platform, modelled on public
descriptions of Alipay's Sesame Credit — and then study what such a score does to people:
**incentives**, **dependency** and **surveillance**. All data are synthetic.

This edition holds the lessons, the exercises, the data sets and the `course` package. It has
no solutions and no hidden tests: those stay with your instructor.

## Start

You need Python 3.11 or newer, `make`, and a network connection to PyPI. In this folder, run

```bash
make lab
```

It creates `.venv`, installs the course, and starts JupyterLab, printing a URL (with a token)
to open in your browser. Begin with `lessons/00-welcome-cashless-china.ipynb`, which explains
how the course works.

## Lessons and exercises

- `lessons/00-…` to `lessons/08-…`: read and run them in order.
- `exercises/ps1-…` to `exercises/ps5-…`: graded notebooks. Fill in the cells marked
  `YOUR CODE HERE` (and *YOUR ANSWER HERE* for written answers), then hand them in as your
  instructor says.

To check an exercise before you hand it in, open a terminal in JupyterLab (*File ▸ New ▸
Terminal*) and run

```bash
course check exercises/ps1-build-the-score/ps1-build-the-score.ipynb
```

(outside JupyterLab: `.venv/bin/course check …`). In this edition it runs the **visible**
tests only; your instructor grades with hidden tests too, so a passing check is not yet a full
mark.
"""


def student_members(layout: Layout) -> list[tuple[str, Path | None]]:
    """The (name in the zip, file) pairs of the student edition, sorted by name."""
    members: dict[str, Path | None] = {f"{TOP}/README.md": None}  # the students' README
    for name in ROOT_FILES:
        path = layout.root / name
        if path.is_file():
            members[f"{TOP}/{name}"] = path
    for folder in FOLDERS:
        base = layout.root / folder
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            relative = path.relative_to(layout.root)
            if not path.is_file() or SKIP_PARTS.intersection(relative.parts) or \
                    path.suffix in SKIP_SUFFIXES or path.name.startswith("."):
                continue
            members[f"{TOP}/{relative.as_posix()}"] = path
    return sorted(members.items())


def make_student_bundle(layout: Layout, out: str | Path) -> tuple[Path, int]:
    """Write the student edition zip; return its path and number of files."""
    out = Path(out).expanduser()
    if out.suffix != ".zip":
        raise GradingError(f"{out} should end in .zip.")
    if out.is_dir():
        raise GradingError(f"{out} is a folder; give the path of the zip file to write.")
    if not out.parent.is_dir():
        raise GradingError(f"the folder {out.parent} does not exist.")
    out = out.resolve()
    if layout.root in out.parents and not out.parent.name.startswith(("dist", "build")):
        raise GradingError(f"{out} is inside the course repository; write the bundle elsewhere "
                           "(or into dist/).")
    if not layout.exercises.is_dir():
        raise GradingError(f"{layout.exercises} is missing; run `course release` first.")
    members = student_members(layout)
    tmp = out.with_suffix(".zip.part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, path in members:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, NOTE.encode() if path is None else path.read_bytes())
    problems = scan_bundle(tmp, layout)
    if problems:
        tmp.unlink()
        hint = (" exercises/ must be exactly the release (were answers written into it?): "
                "restore it with `git checkout exercises/` or regenerate it with "
                "`course release`, then bundle again."
                if any("/exercises/" in p for p in problems) else "")
        raise GradingError("the bundle would leak course secrets, so it was not written: "
                           + "; ".join(problems[:3]) + "." + hint)
    tmp.replace(out)
    return out, len(members)


def scan_bundle(path: Path, layout: Layout) -> list[str]:
    """Secrets (solution, hidden test, mark scheme lines) or solution files inside a zip."""
    problems = []
    secrets = all_secrets(layout) if layout.has_solutions() else {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            parts = PurePosixPath(name).parts
            if "solutions" in parts or "tests" in parts or name.endswith("gradebook.db"):
                problems.append(f"{name} must not be in a student edition")
                continue
            if name.endswith(".csv") or not secrets:
                continue
            data = archive.read(name)
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                continue
            if name.endswith(".ipynb"):
                try:
                    text = "\n".join(all_strings(json.loads(text)))
                except ValueError:
                    pass
            for kind, lines in find_leaks(secrets, text).items():
                problems.append(f"{name} contains {kind} text, e.g. {lines[0][:60]!r}")
    return problems
