"""The explorers, as a student meets them: JupyterLab, Run All, then move a slider.

For each lesson with an explorer, the lesson is opened and run once (Run ▸ Run All Cells),
then three tests look at the result: no cell shows an error; every control of the explorer
has a name a screen reader can announce; moving the explorer's first slider with the
keyboard (as a person can, and as a screen-reader user must) changes the pixels of its
figure. Screenshots of each step go to _build/browser/; the README's pictures
(docs/images/) come from them.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from .conftest import LESSONS, readme_image
from .jupyterlab import (
    changed_share,
    error_outputs,
    explorer_titled,
    open_notebook,
    run_all,
)

pytestmark = pytest.mark.browser

# (lesson number, the explorer's title as its heading shows it, a name for files, the label
# of the slider to move: one whose move changes the figure's data, not just its title (the
# first slider if no slider has that label), arrow-key presses, and whether its picture is
# one of the README's)
EXPLORERS = [
    ("03", "Weights explorer", "weights-explorer", "Credit history", 10, True),
    ("04", "Persona explorer", "persona-explorer", "Bills paid via Lotus Pay", 10, True),
    ("05", "Incentive simulator", "incentive-simulator", "Behaviour & preferences weight", 3,
     False),
    ("06", "Dependency simulator", "dependency-simulator", "Platform-use reward", 2, False),
    ("07", "Surveillance dial", "surveillance-dial", "Place of payment kept", 10, True),
    ("08", "Fairness audit", "fairness-audit", "Score needed (threshold)", 10, False),
]

#: ARIA roles of interactive controls: each needs an accessible name.
CONTROL_ROLES = {"slider", "checkbox", "combobox", "button", "spinbutton", "textbox", "radio",
                 "listbox", "switch", "tab", "searchbox"}


def lesson(number: str):
    found = sorted(LESSONS.glob(f"{number}-*.ipynb"))
    if not found:
        pytest.skip(f"waiting for lesson {number}: there is no lessons/{number}-*.ipynb yet")
    return found[0]


def unnamed(aria_snapshot: str, roles=CONTROL_ROLES | {"img"}) -> list[str]:
    """Entries of a Playwright ARIA snapshot with one of ``roles`` and no accessible name."""
    bad = []
    for line in aria_snapshot.splitlines():
        match = re.match(r'^\s*-\s*(\w+)(?:\s+"([^"]*)")?', line)
        if match and match.group(1) in roles and not (match.group(2) or "").strip():
            bad.append(match.group(1))
    return bad


@pytest.fixture(scope="module", params=EXPLORERS, ids=[e[2] for e in EXPLORERS])
def ran(request, lab, browser, shots):
    """The lesson of one explorer, opened in JupyterLab and run top to bottom."""
    number, title, slug, slider, presses, readme = request.param
    notebook = lesson(number)
    step = f"{number}-{slug}"
    # Tall enough for a whole explorer (controls and figure) on screen at once
    context = browser.new_context(viewport={"width": 1400, "height": 1700})
    context.set_default_timeout(30_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        try:
            open_notebook(page, lab, f"lessons/{notebook.name}")
            shots(page, f"{step}-1-opened")
            run_all(page)
            shots(page, f"{step}-2-ran-all")
        except Exception:
            shots(page, f"FAILED-{step}-setup")
            raise
        yield SimpleNamespace(page=page, notebook=notebook, title=title, slug=slug, step=step,
                              slider=slider, presses=presses, readme=readme,
                              page_errors=errors)
    finally:
        context.close()


def find_explorer(ran):
    explorer = explorer_titled(ran.page, ran.title)
    assert explorer.count(), (f"{ran.notebook.name}: no explorer (a widget with a figure and "
                              f"a slider) after Run All; expected the {ran.title}")
    explorer.evaluate("el => el.scrollIntoView({block: 'start'})")
    return explorer


def test_lesson_runs_top_to_bottom_without_errors(ran):
    errors = error_outputs(ran.page)
    assert not errors, f"{ran.notebook.name} shows error output(s) after Run All:\n" + (
        "\n---\n".join(e[-1500:] for e in errors))
    assert not ran.page_errors, f"JavaScript errors in the page: {ran.page_errors}"


def test_explorer_controls_have_names_a_screen_reader_announces(ran):
    explorer = find_explorer(ran)
    snapshot = explorer.aria_snapshot()
    controls = [line.strip().rstrip(":") for line in snapshot.splitlines()
                if (m := re.match(r"^\s*-\s*(\w+)", line))
                and m.group(1) in CONTROL_ROLES | {"img"}]
    assert controls, f"{ran.title}: no controls found in\n{snapshot}"
    missing = unnamed(snapshot)
    assert not missing, (
        f"{ran.title}: {len(missing)} element(s) without an accessible name, so a screen "
        f"reader announces only their role: {', '.join(sorted(set(missing)))}. (ipywidgets 8 "
        "names neither slider handles nor images: jupyter-widgets/ipywidgets#2650.) "
        "The explorer's controls as a screen reader meets them:\n" + "\n".join(controls))


def test_moving_a_slider_redraws_the_figure(ran, shots):
    page = ran.page
    explorer = find_explorer(ran)
    image = explorer.locator("img.widget-image").first
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=image.element_handle(), polling=100)
    before = image.screenshot()
    shots(explorer, f"{ran.step}-3-explorer-before")
    # For the README: the explorer from its title down to its figure
    box, figure = explorer.bounding_box(), image.bounding_box()
    picture = shots(page, f"{ran.step}-3-readme", clip={
        "x": box["x"], "y": box["y"], "width": box["width"],
        "height": figure["y"] + figure["height"] - box["y"] + 6})

    labelled = explorer.locator(".widget-slider", has=page.locator(
        ".widget-label", has_text=ran.slider)).get_by_role("slider")
    slider = labelled.first if labelled.count() else explorer.get_by_role("slider").first
    name = slider.evaluate(
        "el => el.getAttribute('aria-label') || "
        "el.closest('.widget-slider')?.querySelector('.widget-label')?.textContent || 'slider'")
    value_before = slider.get_attribute("aria-valuenow")
    slider.focus()
    for _ in range(ran.presses):
        slider.press("ArrowRight")
    page.wait_for_function("([s, v]) => s.getAttribute('aria-valuenow') !== v",
                           arg=[slider.element_handle(), value_before], polling=100,
                           timeout=10_000)
    value_after = slider.get_attribute("aria-valuenow")

    share = 0.0
    for _ in range(240):  # a figure follows within a moment, a simulation in seconds: 60 s
        page.wait_for_timeout(250)
        share = changed_share(before, image.screenshot())
        if share > 0.001:
            break
    page.wait_for_timeout(500)  # let the last key press's redraw land before the picture
    shots(explorer, f"{ran.step}-4-explorer-after")
    assert share > 0.001, (f"{ran.title}: moving '{name.strip()}' from {value_before} to "
                           f"{value_after} did not change its figure ({share:.3%} of pixels)")
    assert not error_outputs(page), "an error output appeared after moving the slider"
    message = explorer.locator(".widget-output").first.inner_text()
    assert "Error" not in message, f"{ran.title} reports an error after the move: {message}"
    assert not ran.page_errors, f"JavaScript errors in the page: {ran.page_errors}"
    if ran.readme:
        readme_image(picture, ran.slug)
