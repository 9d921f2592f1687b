"""Generate ``exercises/`` from ``solutions/``, compare them, and scan for leaked secrets.

What "``exercises/`` equals what generation produces" means here: the same set of files in
each assignment folder; notebooks equal as JSON (every key and value, nbgrader's checksums and
cell ids included, compared after :func:`~course.grading.notebooks.canonical_json`, which
ignores only formatting such as key order, indentation and line endings); other files equal
byte for byte. Generation is deterministic, so a fresh generation of unchanged sources is
always equal, and any hand edit, stale file or missing file is caught.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..layout import GradingError, Layout
from ..notebooks import (
    canonical_json,
    describe_difference,
    find_leaks,
    notebook_text,
    read_notebook,
    secret_lines,
    text_lines,
)
from ..workspace import Workspace

_IGNORED = {".ipynb_checkpoints", "__pycache__", ".DS_Store"}


def files_under(folder: Path) -> dict[str, Path]:
    """Files below ``folder`` by relative POSIX path, skipping editor and cache clutter."""
    if not folder.is_dir():
        return {}
    return {
        p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*"))
        if p.is_file() and not _IGNORED.intersection(p.relative_to(folder).parts)
    }


def generate(layout: Layout, ws: Workspace, assignment: str) -> Path:
    """Generate one assignment's release in ``ws`` from the repository's solutions."""
    ws.install_source(assignment, layout.solutions / assignment)
    return ws.generate(assignment)


def compare_release(generated: Path, committed: Path, label: str) -> list[str]:
    """Differences between a fresh generation and the committed release; empty if equal."""
    fresh, kept = files_under(generated), files_under(committed)
    problems = []
    if not kept:
        return [f"{label} is missing"]
    for name in sorted(set(fresh) - set(kept)):
        problems.append(f"{label}/{name} is missing")
    for name in sorted(set(kept) - set(fresh)):
        problems.append(f"{label}/{name} is not produced by generation (stale or hand-made)")
    for name in sorted(set(fresh) & set(kept)):
        a, b = fresh[name], kept[name]
        if name.endswith(".ipynb"):
            try:
                expected = canonical_json(a.read_text(encoding="utf-8"))
                actual = canonical_json(b.read_text(encoding="utf-8"))
            except ValueError:
                problems.append(f"{label}/{name} is not valid notebook JSON")
                continue
            if expected != actual:
                problems.append(f"{label}/{name} differs from generation: "
                                f"{describe_difference(expected, actual)}")
        elif a.read_bytes() != b.read_bytes():
            problems.append(f"{label}/{name} differs from generation")
    return problems


def write_release(generated: Path, target: Path) -> None:
    """Replace ``target`` with the generated release, exactly as nbgrader wrote it."""
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(generated, target, ignore=shutil.ignore_patterns(*_IGNORED))


def stale_exercises(layout: Layout) -> list[str]:
    """Folders in ``exercises/`` that no assignment in ``solutions/`` generates."""
    if not layout.exercises.is_dir():
        return []
    sources = set(layout.assignments())
    return sorted(p.name for p in layout.exercises.iterdir()
                  if p.is_dir() and not p.name.startswith(".") and p.name not in sources)


def package_lines(layout: Layout) -> set[str]:
    """Stripped lines of the package's source and the lessons: public in every edition."""
    lines: set[str] = set()
    for path in sorted((layout.root / "course").rglob("*.py")):
        lines |= text_lines(path.read_text(encoding="utf-8"))
    # The lessons ship to every student, so a line they show gives nothing away
    for path in sorted((layout.root / "lessons").glob("*.ipynb")):
        lines |= text_lines(notebook_text(path))
    return lines


def assignment_secrets(layout: Layout, assignment: str) -> dict[str, set[str]]:
    """Secret lines (solutions, hidden tests, mark schemes) of one assignment's sources.

    A line that also appears in the ``course`` package's source or in a lesson is public (the
    package is the course's reference implementation, and both ship in every edition), so it
    is not a secret.
    """
    public = package_lines(layout)
    merged: dict[str, set[str]] = {}
    for path in layout.notebooks(assignment):
        for kind, lines in secret_lines(read_notebook(path)).items():
            merged.setdefault(kind, set()).update(lines - public)
    return merged


def all_secrets(layout: Layout) -> dict[str, set[str]]:
    merged: dict[str, set[str]] = {}
    for assignment in layout.assignments():
        for kind, lines in assignment_secrets(layout, assignment).items():
            merged.setdefault(kind, set()).update(lines)
    return merged


def _readable_text(path: Path, limit: int = 5_000_000) -> str | None:
    if path.suffix == ".ipynb":
        try:
            return notebook_text(path)
        except ValueError:
            return path.read_text(encoding="utf-8", errors="replace")
    if path.stat().st_size > limit:
        return None
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None


def leaks_in_files(secrets: dict[str, set[str]], files: dict[str, Path], label: str) -> list[str]:
    """One message per file that contains secret lines, quoting the first one."""
    problems = []
    for name, path in files.items():
        text = _readable_text(path)
        if text is None:
            continue
        for kind, lines in find_leaks(secrets, text).items():
            problems.append(f"{label}/{name} contains {len(lines)} line(s) of {kind} text, "
                            f"e.g. {lines[0][:70]!r}")
    return problems


def regenerate(layout: Layout, assignments: list[str] | None = None,
               ) -> tuple[list[Path], list[str]]:
    """Regenerate ``exercises/`` from ``solutions/`` (all assignments, or those named).

    Returns the notebooks written and the stale exercise folders removed (only when all
    assignments are regenerated). Generation runs in a temporary course directory; only
    ``exercises/`` in the repository is written.
    """
    from ..workspace import temporary_workspace

    names = [layout.require(a) for a in assignments] if assignments else layout.assignments()
    if not layout.has_solutions():
        raise GradingError(f"{layout.solutions} has no assignments to release.")
    written = []
    with temporary_workspace(layout) as ws:
        for assignment in names:
            generated = generate(layout, ws, assignment)
            target = layout.exercises / assignment
            write_release(generated, target)
            written += sorted(target.glob("*.ipynb"))
    removed = []
    if not assignments:
        for name in stale_exercises(layout):
            shutil.rmtree(layout.exercises / name)
            removed.append(name)
    return written, removed
