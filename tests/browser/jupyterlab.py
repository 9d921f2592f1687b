"""What a person does in JupyterLab, as Playwright steps: open, run all, read outputs."""

from __future__ import annotations

import io
import re

#: The notebook panel in front.
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"

# True when the kernel is idle and every code cell that has code shows an execution count.
ALL_CELLS_RAN = """() => {
  const panel = '.jp-NotebookPanel:not(.lm-mod-hidden) ';
  const indicator = document.querySelector(panel + '.jp-Notebook-ExecutionIndicator');
  if (!indicator || indicator.dataset.status !== 'idle') return false;
  const cells = [...document.querySelectorAll(panel + '.jp-CodeCell')];
  if (!cells.length) return false;
  return cells.every(cell => {
    const prompt = (cell.querySelector('.jp-InputPrompt') || {}).textContent || '';
    const code = (cell.querySelector('.cm-content') || {}).textContent || '';
    return /^\\[\\d+\\]:$/.test(prompt.trim()) || code.trim() === '';
  });
}"""


CELL_STATE = """() => [
  document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator')
    ?.dataset.status,
  [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell')].map(
    cell => (cell.querySelector('.jp-InputPrompt') || {}).textContent)]"""


def open_notebook(page, lab, path: str) -> None:
    """Open ``path`` (relative to the served folder) and wait for an idle kernel.

    ``?reset`` starts from an empty workspace, so only this notebook is open.
    """
    lab.opened.add(path)
    page.goto(lab.url(f"lab/tree/{path}?reset"))
    page.wait_for_selector(f"{PANEL} .jp-Notebook .jp-Cell", timeout=60_000)
    page.wait_for_selector(
        f"{PANEL} .jp-Notebook-ExecutionIndicator[data-status='idle']",
        timeout=90_000)
    accept_kernel_dialog(page)
    close_left_sidebar(page)


def accept_kernel_dialog(page, *, wait_ms: int = 3_000) -> None:
    """Accept JupyterLab's "Select Kernel" dialog (the notebook's own kernel) if it appears.

    JupyterLab occasionally asks even though the notebook names its kernel (a race while the
    session starts); left open, the dialog swallows every click.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    dialog = page.locator(".jp-Dialog", has_text="Select Kernel")
    try:
        dialog.wait_for(state="visible", timeout=wait_ms)
    except PlaywrightTimeout:
        return
    dialog.locator(".jp-mod-accept").click()
    dialog.wait_for(state="hidden", timeout=10_000)


def close_left_sidebar(page) -> None:
    """Give the notebook the full width: click the open tab of the left sidebar to fold it."""
    current = page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
    if current.count():
        current.first.click()
        page.wait_for_selector("#jp-left-stack", state="hidden")


def menu(page, top: str, item: str) -> None:
    """Click ``top`` in the menu bar, then ``item`` (once it is enabled) in its menu."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(top)}$")).click()
    entry = page.locator(".lm-Menu-item:not(.lm-mod-disabled) .lm-Menu-itemLabel",
                         has_text=re.compile(f"^{re.escape(item)}$")).first
    entry.wait_for(state="visible", timeout=10_000)
    entry.click()


def run_all(page, *, timeout_ms: int = 240_000) -> None:
    """Run ▸ Run All Cells, and wait until every cell ran and the kernel is idle."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    started = f"() => [...document.querySelectorAll('{PANEL} .jp-CodeCell .jp-InputPrompt')]" \
              ".some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))"
    for _ in range(3):
        # Make the notebook the current widget (a click on its first cell), then the menu
        page.locator(f"{PANEL} .jp-Notebook .jp-Cell").first.click()
        menu(page, "Run", "Run All Cells")
        try:
            page.wait_for_function(started, polling=100, timeout=10_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    else:
        raise AssertionError("Run ▸ Run All Cells started no cell, three times: "
                             f"{page.evaluate(CELL_STATE)}")
    try:
        page.wait_for_function(ALL_CELLS_RAN, polling=250, timeout=timeout_ms)
    except PlaywrightTimeout:
        raise AssertionError(f"Run All did not finish in {timeout_ms / 1000:.0f} s: kernel "
                             f"and prompts {page.evaluate(CELL_STATE)}") from None


def error_outputs(page) -> list[str]:
    """Text of every error output (a traceback) in the open notebook."""
    return page.locator(
        f"{PANEL} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']"
    ).all_inner_texts()


def stderr_outputs(page) -> list[str]:
    return page.locator(
        f"{PANEL} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
    ).all_inner_texts()


def explorers(page):
    """Every explorer on the page: a widget output holding a figure and a slider."""
    return page.locator(f"{PANEL} .jp-OutputArea-output:has(img.widget-image):has([role='slider'])")


def explorer_titled(page, title: str):
    """The explorer whose heading contains ``title`` (case-insensitive), else the first."""
    found = explorers(page)
    titled = found.filter(has=page.locator("h1, h2, h3, h4, h5",
                                           has_text=re.compile(re.escape(title), re.I)))
    return titled.first if titled.count() else found.first


def pixels(png: bytes):
    from PIL import Image

    return Image.open(io.BytesIO(png)).convert("RGB")


def changed_share(before: bytes, after: bytes) -> float:
    """Share of pixels that differ between two screenshots (1.0 if sizes differ)."""
    from PIL import ImageChops

    a, b = pixels(before), pixels(after)
    if a.size != b.size:
        return 1.0
    diff = ImageChops.difference(a, b).convert("L").point(lambda v: 255 if v > 16 else 0)
    return diff.histogram()[255] / (a.size[0] * a.size[1])
