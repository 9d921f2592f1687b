"""Feedback without secrets: an nbconvert preprocessor for nbgrader's ``generate_feedback``.

Autograding restores each test cell from the gradebook, hidden tests included, and each task
cell with its mark scheme; nbgrader's feedback would show them all. ``nbgrader_config.py``
adds :class:`HideSecrets` to ``GenerateFeedback.preprocessors`` so that both ``course
feedback`` and plain ``nbgrader generate_feedback`` (or formgrader's button) leave them out.
"""

from __future__ import annotations

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from ..notebooks import HIDDEN_TESTS, MARK_SCHEME

HIDDEN_NOTE = "# (hidden tests: not shown)"


def _strip(source: str, delimiters: tuple[str, str], note: str | None) -> tuple[str, bool]:
    begin, end = delimiters
    if begin not in source:
        return source, False
    lines, within, noted = [], False, False
    for line in source.splitlines():
        if begin in line:
            within = True
            if note and not noted:
                indent = line[: len(line) - len(line.lstrip())]
                lines.append(indent + note)
                noted = True
        elif end in line:
            within = False
        elif not within:
            lines.append(line)
    return "\n".join(lines), True


class HideSecrets(Preprocessor):
    """Remove hidden tests and mark schemes, and tracebacks that could quote hidden tests.

    In a cell that had hidden tests, each error keeps its name and message (the assertion
    message written for students) but loses the traceback, whose context lines would show
    the hidden code.
    """

    # nbconvert runs a preprocessor only if it is enabled; registered by name, it is not
    enabled = Bool(True, help="Whether to hide hidden tests and mark schemes").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        cell.source, had_hidden = _strip(cell.source, HIDDEN_TESTS, HIDDEN_NOTE)
        cell.source, _ = _strip(cell.source, MARK_SCHEME, None)
        if had_hidden and cell.cell_type == "code":
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [f"{output.get('ename', 'Error')}: "
                                           f"{output.get('evalue', '')}"]
        return cell, resources
