"""Feedback without secrets: an nbconvert preprocessor for nbgrader's ``generate_feedback``.

Autograding restores each test cell from the gradebook, hidden tests included, and each task
cell with its mark scheme; nbgrader's feedback would show them all. ``nbgrader_config.py``
adds :class:`HideSecrets` to ``GenerateFeedback.preprocessors`` so that both ``course
feedback`` and plain ``nbgrader generate_feedback`` (or formgrader's button) leave them out.

The page is also made accessible: :class:`DescribeFigures` gives every figure an alt text
(its titles and axis labels, and the student's sentence under it), and
:func:`accessible_page`, which ``course feedback`` applies to each page nbgrader writes, adds
the page's language, underlined links dark enough to read, and output that wraps instead of
scrolling sideways out of a keyboard's reach.
"""

from __future__ import annotations

import re

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


IMAGE_MIMES = ("image/png", "image/jpeg", "image/svg+xml", "image/gif")
# Titles and axis labels a plotting call sets: set(title="…"), ax.set_xlabel("…"), plt.title("…")
_LABEL_CALL = re.compile(
    r"""\b(?:(?:set_)?(?P<call>title|xlabel|ylabel|suptitle)\(\s*(?P<q1>["'])(?P<a>.*?)(?P=q1)"""
    r"""|(?P<kw>title|xlabel|ylabel)\s*=\s*(?P<q2>["'])(?P<b>.*?)(?P=q2))""")


def describe_figure(source: str, note: str = "") -> str:
    """An alt text for a figure made by ``source``: its titles and axis labels, then ``note``.

    The feedback is made after grading, when the figure itself is gone, so the titles and axis
    labels are read from the plotting calls in the cell's code; ``note`` is the first paragraph
    of the markdown cell that follows (a student's own sentence about the plot).

    Examples
    --------
    >>> describe_figure('ax.set(title="Rates", xlabel="hukou", ylabel="share")', "Lower.")
    'Plot: Rates (x: hukou, y: share). Lower.'
    >>> describe_figure("plt.plot(x)")
    'Plot made by the code in this cell (it sets no title or axis labels).'
    """
    found: dict[str, list[str]] = {"suptitle": [], "title": [], "xlabel": [], "ylabel": []}
    for match in _LABEL_CALL.finditer(source):
        kind = match.group("call") or match.group("kw")
        text = " ".join((match.group("a") if match.group("call") else match.group("b")).split())
        if text and text not in found[kind]:
            found[kind].append(text)
    titles = found["suptitle"] + found["title"]
    axes = [f"{name}: {', '.join(found[key])}" for name, key in (("x", "xlabel"), ("y", "ylabel"))
            if found[key]]
    if titles or axes:
        alt = "Plot: " + ("; ".join(titles) or "untitled") + (
            f" ({', '.join(axes)})" if axes else "")
    else:
        alt = "Plot made by the code in this cell (it sets no title or axis labels)"
    note = " ".join(note.split())
    return f"{alt}. {note}" if note else f"{alt}."


class DescribeFigures(Preprocessor):
    """Give every image output an alt text that says what the plot shows.

    nbconvert's feedback template writes an ``<img>`` with no ``alt`` unless the output's
    metadata has one, so a screen reader announces nothing (or the file name). Images that
    already carry an alt text keep it.
    """

    enabled = Bool(True, help="Whether to add alt texts to figures").tag(config=True)

    def preprocess(self, nb, resources):
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            following = nb.cells[index + 1] if index + 1 < len(nb.cells) else None
            note = ""
            if following is not None and following.cell_type == "markdown":
                first = following.source.strip().split("\n\n")[0].strip()
                note = "" if first.startswith("#") or "YOUR ANSWER HERE" in first else first
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                for mime in IMAGE_MIMES:
                    if mime in data:
                        meta = output.setdefault("metadata", {}).setdefault(mime, {})
                        if not meta.get("alt"):
                            meta["alt"] = describe_figure(cell.source, note)
        return nb, resources


_ACCESSIBLE_STYLE = """<style type="text/css">
a, a:visited, div.nbgrader_cell .panel-heading a { color: #1d4f7c; text-decoration: underline; }
div.panel-primary > .panel-heading a, div.panel-primary > .panel-heading a:visited { color: #fff; }
div.panel-primary > .panel-heading { background-color: #2a6496; }
div.panel-primary > .panel-heading .pending { color: #fff; font-weight: bold; }
.highlight, .highlight pre, div.input_area { background: #fff; }
.highlight .c, .highlight .c1, .highlight .cm, .highlight .cs, .highlight .ch { color: #2e6060; }
.highlight .ow, .highlight .nb, .highlight .bp { color: #7a1fb8; }
div.output_subarea pre, div.output_area pre, div.output_text pre {
  white-space: pre-wrap; overflow-wrap: anywhere; overflow: visible;
}
</style>
"""


def accessible_page(page: str) -> str:
    """nbgrader's feedback HTML with its language stated and readable, reachable content.

    Idempotent: a page already changed is returned as it is.

    Examples
    --------
    >>> accessible_page("<html>\\n<head></head><body></body></html>")[:16]
    '<html lang="en">'
    """
    if 'data-scored-accessible' in page:
        return page
    page = re.sub(r"<html(?![^>]*\blang=)", '<html lang="en"', page, count=1)
    style = _ACCESSIBLE_STYLE.replace("<style", "<style data-scored-accessible", 1)
    return page.replace("</head>", style + "</head>", 1)
class GradingNotes(Preprocessor):
    """Say on the feedback page what is not final: unmarked answers, lateness and penalty.

    Runs after nbgrader's ``GetGrades``. A graded cell whose score is still to be given by
    hand gets ``metadata.nbgrader.pending`` (the page says "not graded yet", never 0), and
    the page's resources get ``pending`` (how many) and ``late`` (e.g. "submitted 1 day 3 h
    late: −10%"), which the course's ``feedback`` template (results/templates) shows.
    """

    enabled = Bool(True, help="Whether to mark unmarked answers and lateness").tag(config=True)

    def preprocess(self, nb, resources):
        from nbgrader.api import Gradebook

        from ..term.deadlines import lateness_of

        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            notebook = gb.find_submission_notebook(info["notebook"], info["assignment"],
                                                   info["student"])
            pending = {g.name for g in notebook.grades
                       if g.manual_score is None and g.auto_score is None}
            lateness = lateness_of(gb, info["assignment"], info["student"])
            info["late"] = None if lateness.unknown else lateness.description
        count = 0
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if meta.get("grade") or meta.get("task"):
                meta["pending"] = meta.get("grade_id") in pending
                count += meta["pending"]
        info["pending"] = count
        return nb, resources
