"""Plausible wrong answers, kept with the tests, that the gate proves are caught.

Each is a Python file in ``tests/wrong_answers/<assignment>/`` whose header comments say what
it is::

    # Forgets that the responsible part counts at most 1.
    # replaces: behaviour_score
    # loses: behaviour_use_responsible_games
    # caught-by: hidden            (optional: the visible tests pass it)
    def behaviour_score(...):
        ...

The whole file becomes the source of the answer cell ``replaces`` in an otherwise correct
solution notebook; grading it must cost the student every point of the test cells in
``loses``.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path

from ..layout import GradingError, Layout

_HEADER_KEY = re.compile(r"^#\s*(replaces|loses|caught-by)\s*:\s*(.*?)\s*$")


@dataclass(frozen=True)
class WrongAnswer:
    """A plausible wrong answer to one question, kept with the tests."""

    path: Path
    description: str
    replaces: str
    loses: tuple[str, ...]
    hidden_only: bool
    code: str

    @property
    def name(self) -> str:
        return self.path.stem


def load_wrong_answers(layout: Layout, assignment: str) -> list[WrongAnswer]:
    """Read ``tests/wrong_answers/<assignment>/*.py``; raise on a malformed header."""
    folder = layout.wrong_answers / assignment
    answers = []
    for path in sorted(folder.glob("*.py")) if folder.is_dir() else []:
        code = path.read_text(encoding="utf-8")
        keys: dict[str, str] = {}
        description = ""
        for line in code.splitlines():
            if not line.startswith("#"):
                break
            match = _HEADER_KEY.match(line)
            if match:
                keys[match.group(1)] = match.group(2)
            elif not description:
                description = line.lstrip("# ").strip()
        missing = [k for k in ("replaces", "loses") if not keys.get(k)]
        if missing:
            raise GradingError(f"{path}: the header needs '# {missing[0]}: ...' (see "
                               "course/grading/gate.py for the format).")
        caught = keys.get("caught-by", "").lower()
        if caught not in ("", "hidden"):
            raise GradingError(f"{path}: 'caught-by' may only be 'hidden', not {caught!r}.")
        answers.append(WrongAnswer(
            path=path, description=description or path.stem, replaces=keys["replaces"],
            loses=tuple(x.strip() for x in keys["loses"].split(",") if x.strip()),
            hidden_only=caught == "hidden", code=code.rstrip("\n")))
    return answers


def apply_wrong_answer(notebooks: dict[str, object], answer: WrongAnswer) -> dict[str, object]:
    """A copy of the solution notebooks with one answer cell replaced by the wrong answer."""
    result, hits = {}, 0
    for name, nb in notebooks.items():
        nb = copy.deepcopy(nb)
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if meta.get("grade_id") == answer.replaces and meta.get("solution"):
                cell.source = answer.code
                hits += 1
        result[name] = nb
    if hits != 1:
        raise GradingError(f"{answer.path}: there is no answer cell {answer.replaces!r} to "
                           "replace in the solution.")
    return result
