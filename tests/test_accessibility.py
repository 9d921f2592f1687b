"""Accessibility that can be checked without a browser.

- Headings: every notebook (lessons, solutions, exercises) and every markdown page of the
  site's own (the instructor's kit, the front page) has exactly one level-1 heading,
  first, and its headings never skip a level on the way down (``#`` then ``###`` is a skip),
  so that a screen reader's list of headings is an outline of the notebook.
- Labels: every control of every explorer in ``course.widgets`` has a label (a
  ``description``, which JupyterLab shows next to the control and the explorers also set as
  its ``aria-label``; or a ``tooltip``), so a screen reader can name it.

The alt texts of the site's images are checked in tests/test_site.py, those of feedback pages
in tests/browser/test_feedback_accessibility.py, and axe-core runs on both in tests/browser/.
"""

from __future__ import annotations

import inspect
import re
import subprocess
from pathlib import Path

import ipywidgets
import nbformat
import pytest
from markdown_it import MarkdownIt

import course.widgets

ROOT = Path(__file__).resolve().parent.parent
#: A fragment that nbgrader puts on top of every exercise; it is checked as part of them.
FRAGMENTS = {"solutions/header.ipynb"}
HTML_HEADING = re.compile(r"<h([1-6])\b", re.I)


def notebooks() -> list[str]:
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard",
                          "lessons/*.ipynb", "solutions/*.ipynb", "exercises/*.ipynb"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    found = sorted(p for p in out.splitlines() if p not in FRAGMENTS and (ROOT / p).exists())
    assert found, "no notebooks found under lessons/, solutions/ or exercises/"
    return found


def headings(markdown: str) -> list[tuple[int, str]]:
    """(level, text) of each heading in a markdown cell: ATX, setext and HTML ``<hN>``."""
    found = []
    tokens = MarkdownIt("commonmark").parse(markdown)
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            found.append((int(token.tag[1]), tokens[i + 1].content))
        elif token.type in ("html_block", "html_inline"):
            found.extend((int(m.group(1)), "(HTML heading)")
                         for m in HTML_HEADING.finditer(token.content))
        elif token.type == "inline" and token.children:
            found.extend((int(m.group(1)), "(HTML heading)") for child in token.children
                         if child.type == "html_inline"
                         for m in HTML_HEADING.finditer(child.content))
    return found


def heading_problems(nb) -> list[str]:
    """What is wrong with a notebook's heading outline (empty if nothing)."""
    outline = [(level, text, index) for index, cell in enumerate(nb.cells)
               if cell.cell_type == "markdown" for level, text in headings(cell.source)]
    if not outline:
        return ["no heading at all: start with one '# Title'"]
    problems = []
    top = [(text, index) for level, text, index in outline if level == 1]
    if len(top) != 1:
        problems.append(f"{len(top)} level-1 headings ({top[:3]}); a notebook needs exactly one")
    if outline[0][0] != 1:
        problems.append(f"the first heading, {outline[0][1]!r} (cell {outline[0][2]}), is "
                        f"level {outline[0][0]}, not the notebook's '# Title'")
    for (before, _, _), (level, text, index) in zip(outline, outline[1:]):
        if level > before + 1:
            problems.append(f"cell {index}: {'#' * level} {text!r} follows a level-{before} "
                            f"heading: it skips level {before + 1}")
    return problems


@pytest.mark.parametrize("path", notebooks())
def test_headings_go_in_order_with_one_title(path):
    nb = nbformat.read(ROOT / path, as_version=4)
    problems = heading_problems(nb)
    assert not problems, f"{path}:\n" + "\n".join(problems)


@pytest.mark.parametrize("page", sorted(p.relative_to(ROOT).as_posix() for p in [
    *(ROOT / "docs" / "teaching").glob("*.md"), ROOT / "docs" / "website" / "index.md"]))
def test_site_pages_written_in_markdown_have_ordered_headings(page):
    text = (ROOT / page).read_text(encoding="utf-8")
    problems = heading_problems(nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell(text)]))
    assert not problems, f"{page}:\n" + "\n".join(problems)


@pytest.mark.parametrize("cells, expected", [
    (["# Title\n\n## A\n\n### a\n\n## B"], []),
    (["# Title", "## A\n\n#### too deep"], ["skips level 3"]),
    (["## No title first", "# Title"], ["is level 2"]),
    (["# One", "# Two"], ["2 level-1 headings"]),
    (["# Title\n\n```python\n# a comment, not a heading\n```\n\n## A"], []),
    (["Title\n=====\n\nSection\n-------\n\n<h4>skip</h4>"], ["skips level 3"]),
    (["no heading"], ["no heading at all"]),
])
def test_the_heading_check_can_fail(cells, expected):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(c) for c in cells])
    problems = heading_problems(nb)
    assert len(problems) == len(expected), problems
    for problem, wanted in zip(problems, expected):
        assert wanted in problem, problems


# -- every widget control has a label -------------------------------------------------------
#: Widgets that show things and take no input (they need no label).
DISPLAY_ONLY = (ipywidgets.HTML, ipywidgets.HTMLMath, ipywidgets.Label, ipywidgets.Image,
                ipywidgets.Output, ipywidgets.Valid)


def explorer_factories() -> dict[str, object]:
    """Every explorer factory course.widgets exports: *_explorer, *_simulator, *_dial, …"""
    names = [n for n in course.widgets.__all__
             if re.fullmatch(r"[a-z_]+_(explorer|simulator|dial|audit)", n)]
    assert len(names) >= 8, names
    return {n: getattr(course.widgets, n) for n in names}


def build(factory, data):
    """Call an explorer factory with the data its parameters ask for (short simulations)."""
    params = inspect.signature(factory).parameters
    args = {"population": data["population"], "transactions": data["transactions"],
            "friendships": data["friendships"], "dimensions": data["dimensions"]}
    positional = [args[name] for name, p in params.items()
                  if p.kind is p.POSITIONAL_OR_KEYWORD and name in args]
    keywords = {"months": 6} if "months" in params else {}
    return factory(*positional, **keywords)


def all_widgets(widget):
    """The widget and everything inside it (boxes, accordions, tabs), depth first."""
    yield widget
    for child in getattr(widget, "children", ()) or ():
        yield from all_widgets(child)


def label_of(widget) -> str:
    text = " ".join(re.sub(r"<[^>]+>", " ", str(getattr(widget, "description", "") or "")).split())
    return text or str(getattr(widget, "tooltip", "") or "").strip()


def unlabelled(explorer) -> list[str]:
    missing = []
    for widget in all_widgets(explorer):
        interactive = isinstance(widget, (ipywidgets.ValueWidget, ipywidgets.Button))
        if not interactive or isinstance(widget, DISPLAY_ONLY):
            continue
        if not label_of(widget):
            value = getattr(widget, "value", None)
            options = getattr(widget, "options", None)
            missing.append(f"{type(widget).__name__}(value={value!r}"
                           + (f", options={list(options)[:4]!r}" if options else "") + ")")
    return missing


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(explorer_factories()))
def test_every_control_of_every_explorer_has_a_label(name, small):
    explorer = build(explorer_factories()[name], small)
    controls = [w for w in all_widgets(explorer)
                if isinstance(w, (ipywidgets.ValueWidget, ipywidgets.Button))
                and not isinstance(w, DISPLAY_ONLY)]
    assert controls, f"{name} has no controls at all"
    missing = unlabelled(explorer)
    assert not missing, f"{name}: controls without a label (description or tooltip): {missing}"


def test_the_label_check_can_fail():
    box = ipywidgets.VBox([ipywidgets.IntSlider(description="Weight"),
                           ipywidgets.HBox([ipywidgets.Dropdown(options=["a", "b"])]),
                           ipywidgets.Button(icon="refresh"),
                           ipywidgets.Button(icon="refresh", tooltip="Reset"),
                           ipywidgets.HTML("<b>not a control</b>")])
    assert unlabelled(box) == ["Dropdown(value='a', options=['a', 'b'])",
                               "Button(value=None)"]
