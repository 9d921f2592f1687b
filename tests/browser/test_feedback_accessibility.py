"""A feedback page, as `course feedback` makes it, passes axe-core and describes its images.

One student's concept check — a few answers right, one wrong, a written answer, and a plot of
the student's own with a sentence about it — is autograded and turned into feedback with the
course's own commands (``course autograde`` and ``course feedback``, in a grading folder in a
temporary directory). The page is then checked in headless Chromium with axe-core (no serious
or critical violations), and every image on it must carry an alt text that says what the plot
shows: its title and axis labels, and the student's sentence under it.
"""

from __future__ import annotations

import copy
import io
import json
import re
from contextlib import redirect_stderr, redirect_stdout
from html.parser import HTMLParser

import nbformat
import pytest

from course.cli import main
from course.grading.layout import find_layout

from .conftest import AXE
from .test_site_accessibility import FAILING, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ASSIGNMENT = "concept-check"
REPO = find_layout()
ANSWERS = {"goodhart_answer": 'goodhart = "c"', "switching_cost_answer": 'switching_cost = "a"',
           "anonymous_traces_answer": 'anonymous_traces = "b"',
           "four_fifths_answer": "ratio = 0.37 / 0.68\nadverse_impact = True",
           "sesame_facts_answer": 'sesame_facts = "b"'}
PLOT = '''import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(5, 3))
ax.bar(["locals", "migrants"], [0.68, 0.37])
ax.axhline(0.8 * 0.68, ls=":")
ax.set(title="Selection rates at 600", xlabel="hukou", ylabel="share selected")
plt.show()'''
TAKEAWAY = "Migrants are selected at about half the locals' rate, below the four-fifths line."


class Images(HTMLParser):
    def __init__(self, text: str):
        super().__init__()
        self.images: list[dict] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))


@pytest.fixture(scope="module")
def feedback_page(tmp_path_factory):
    root = tmp_path_factory.mktemp("feedback")
    inbox, grading = root / "inbox", root / "grading"
    nb = copy.deepcopy(nbformat.read(REPO.exercises / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                                     as_version=4))
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in ANSWERS:
            cell.source = ANSWERS[grade_id]
        if cell.get("id") == "proxy_written_answer":
            cell.source = ("The score rewards bills paid through the platform, which migrants "
                           "use less, so platform use is a proxy for hukou. I would compare the "
                           "mean score of migrants and locals who repaid.")
    at = next(i for i, c in enumerate(nb.cells) if c.get("id") == "four_fifths-test") + 1
    nb.cells[at:at] = [nbformat.v4.new_code_cell(PLOT), nbformat.v4.new_markdown_cell(TAKEAWAY)]
    submission = inbox / "lin" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    submission.parent.mkdir(parents=True)
    nbformat.write(nb, submission)
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        # Without the sandbox: the sandboxed kernel draws with matplotlib's Agg backend, so a
        # student's plot would leave no image in the notebook to describe
        graded = main(["autograde", ASSIGNMENT, "--submissions", str(inbox),
                       "--grading-dir", str(grading), "--no-sandbox"])
        # --partial: the written answer (Q6) is not hand-graded in this test
        made = main(["feedback", ASSIGNMENT, "--grading-dir", str(grading), "--partial"])
    assert (graded, made) == (0, 0), out.getvalue()[-3000:] + err.getvalue()[-3000:]
    page = grading / "feedback" / "lin" / ASSIGNMENT / f"{ASSIGNMENT}.html"
    assert page.exists(), out.getvalue()[-3000:]
    return page


def test_feedback_images_say_what_the_plot_shows(feedback_page):
    text = feedback_page.read_text(encoding="utf-8")
    assert "Not quite" in text  # the wrong answer to Q2 is explained
    images = Images(text).images
    assert len(images) == 1, f"expected the student's one plot, found {len(images)} images"
    alt = images[0].get("alt") or ""
    for part in ("Selection rates at 600", "hukou", "share selected", "below the four-fifths"):
        assert part in alt, f"the plot's alt text {alt!r} lacks {part!r}"


def test_feedback_page_has_no_serious_accessibility_violations(browser, feedback_page, shots):
    if not AXE.exists():
        pytest.skip("node_modules/axe-core is missing: run `make node_modules` (needs npm; "
                    "`make test` does it)")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(feedback_page.as_uri(), wait_until="load")
        shots(page, "feedback-concept-check", full_page=True)
        violations = axe_violations(page)
    finally:
        context.close()
    bad = [v for v in violations if v["impact"] in FAILING]
    assert not bad, "serious or critical axe-core violations on the feedback page:\n" + \
        json.dumps(bad, indent=1)[:6000]
    assert not re.search(r"BEGIN HIDDEN TESTS|MARK SCHEME", feedback_page.read_text())
