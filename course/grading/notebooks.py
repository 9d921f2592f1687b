"""Reading notebooks: their graded cells, their secret text, and their canonical JSON."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .layout import GradingError

#: nbgrader's region delimiters (its defaults, which nbgrader_config.py keeps).
SOLUTION = ("BEGIN SOLUTION", "END SOLUTION")
HIDDEN_TESTS = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
MARK_SCHEME = ("BEGIN MARK SCHEME", "END MARK SCHEME")
REGIONS = {"solution": SOLUTION, "hidden test": HIDDEN_TESTS, "mark scheme": MARK_SCHEME}

#: A secret line shorter than this (after stripping) is too generic to count as a leak.
MIN_SECRET_CHARS = 16


def read_notebook(path: str | Path) -> nbformat.NotebookNode:
    """Read a notebook, or raise a :class:`GradingError` saying plainly why it is not one."""
    path = Path(path)
    if not path.exists():
        raise GradingError(f"{path} does not exist.")
    if path.is_dir():
        raise GradingError(f"{path} is a folder, not a notebook (.ipynb file).")
    if path.suffix != ".ipynb":
        raise GradingError(f"{path} is not a notebook: notebooks end in .ipynb.")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise GradingError(f"{path} is not a notebook: it is not UTF-8 text.") from None
    except json.JSONDecodeError as error:
        raise GradingError(f"{path} is not a notebook: invalid JSON ({error.msg} at line "
                           f"{error.lineno}).") from None
    try:
        nb = nbformat.reads(json.dumps(data), as_version=4)
        nbformat.validate(nb)
    except (nbformat.ValidationError, nbformat.reader.NotJSONError, KeyError, TypeError,
            AttributeError, ValueError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise GradingError(f"{path} is not a valid notebook: {first[:160]}") from None
    return nb


@dataclass(frozen=True)
class GradedCell:
    """One nbgrader cell of a notebook.

    ``kind`` is ``"autograded"`` (a test cell with points), ``"manual"`` (a manually graded
    answer), ``"task"`` (a manually graded task), ``"answer"`` (an autograded answer: the code
    the tests run) or ``"locked"`` (read-only, no points).
    """

    grade_id: str
    kind: str
    points: float
    source: str
    cell_type: str
    index: int

    @property
    def label(self) -> str:
        """A short human title: a test cell's docstring or a task's heading, else the id."""
        return cell_label(self.source) or self.grade_id


def cell_label(source: str) -> str:
    """The first line of a docstring or markdown heading at the top of a cell, if any."""
    text = source.strip()
    match = re.match(r'^[rR]?("""|\'\'\')\s*(.+?)\s*(?:\1|$)', text, re.S)
    if match:
        return match.group(2).splitlines()[0].strip()
    match = re.match(r"^#+\s*(.+)", text)
    return match.group(1).strip() if match else ""


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def cell_kind(cell) -> str | None:
    """The :class:`GradedCell` kind of a cell, or None for an ordinary cell."""
    meta = nbgrader_meta(cell)
    if not meta.get("grade_id"):
        return None
    if meta.get("task"):
        return "task"
    if meta.get("grade") and meta.get("solution"):
        return "manual"
    if meta.get("grade"):
        return "autograded" if cell.get("cell_type") == "code" else "manual"
    if meta.get("solution"):
        return "answer"
    if meta.get("locked"):
        return "locked"
    return None


def graded_cells(nb) -> list[GradedCell]:
    """All nbgrader cells of a notebook, in order."""
    out = []
    for index, cell in enumerate(nb.cells):
        kind = cell_kind(cell)
        if kind is None:
            continue
        meta = nbgrader_meta(cell)
        out.append(GradedCell(grade_id=meta["grade_id"], kind=kind,
                              points=float(meta.get("points") or 0), source=cell.source,
                              cell_type=cell.cell_type, index=index))
    return out


def split_regions(source: str, delimiters: tuple[str, str]) -> tuple[list[str], list[str]]:
    """Split a cell's lines into those outside and those inside the delimited regions."""
    begin, end = delimiters
    outside, inside = [], []
    within = False
    for line in source.splitlines():
        if begin in line:
            within = True
        elif end in line:
            within = False
        else:
            (inside if within else outside).append(line)
    return outside, inside


def significant(line: str) -> str | None:
    """A line stripped for comparison, or None if it is too generic to identify a secret."""
    text = line.strip()
    if len(text) < MIN_SECRET_CHARS or text.startswith("#") and len(text) < 40:
        return None
    if not re.search(r"[A-Za-z0-9]", text):
        return None
    return text


def secret_lines(nb) -> dict[str, set[str]]:
    """The lines of a source notebook that students must not see, by kind.

    Solution code, hidden tests and mark schemes, minus lines that also appear in the parts
    students do see (a repeated ``assert`` in a visible test is not a secret) and minus lines
    too generic to identify anything.
    """
    public: set[str] = set()
    secret: dict[str, set[str]] = {kind: set() for kind in REGIONS}
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        source = cell.source
        if cell.cell_type == "markdown" and meta.get("solution") and not any(
                SOLUTION[0] in line for line in source.splitlines()):
            # A manually graded answer without delimiters is replaced whole.
            secret["solution"].update(filter(None, map(significant, source.splitlines())))
            continue
        remaining = source
        for kind, delimiters in REGIONS.items():
            outside, inside = split_regions(remaining, delimiters)
            secret[kind].update(filter(None, map(significant, inside)))
            remaining = "\n".join(outside)
        public.update(filter(None, map(significant, remaining.splitlines())))
    return {kind: lines - public for kind, lines in secret.items()}


def all_strings(obj) -> list[str]:
    """Every string held anywhere in a JSON-like object (sources, outputs, metadata)."""
    out = []
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return out


def text_lines(text: str) -> set[str]:
    return {line.strip() for line in text.splitlines() if line.strip()}


def find_leaks(secrets: dict[str, set[str]], text: str) -> dict[str, list[str]]:
    """Which secret lines occur, as whole stripped lines, in ``text``."""
    seen = text_lines(text)
    return {kind: sorted(lines & seen) for kind, lines in secrets.items() if lines & seen}


def notebook_text(path: Path) -> str:
    """All the text of a notebook file (every string in its JSON), one string."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return "\n".join(all_strings(data))


def canonical_json(text: str) -> str:
    """A notebook's JSON in one fixed formatting: keys sorted, one-space indent, newline.

    Comparing canonical JSON compares *everything* in the notebook (sources, metadata,
    nbgrader checksums, cell ids) while ignoring only formatting: line endings, key order and
    indentation.
    """
    return json.dumps(json.loads(text), sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def describe_difference(expected: str, actual: str) -> str:
    """Say briefly where two notebooks' JSON first differ."""
    a, b = json.loads(expected), json.loads(actual)
    cells_a, cells_b = a.get("cells", []), b.get("cells", [])
    if len(cells_a) != len(cells_b):
        return f"{len(cells_b)} cells instead of {len(cells_a)}"
    for i, (ca, cb) in enumerate(zip(cells_a, cells_b)):
        if ca != cb:
            keys = sorted(k for k in set(ca) | set(cb) if ca.get(k) != cb.get(k))
            name = nbgrader_meta(ca).get("grade_id") or ca.get("id") or f"#{i}"
            return f"cell {i} ({name}) differs in {', '.join(keys)}"
    keys = sorted(k for k in set(a) | set(b) if k != "cells" and a.get(k) != b.get(k))
    return f"notebook {', '.join(keys)} differ" if keys else "formatting differs"
