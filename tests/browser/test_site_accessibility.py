"""The course site passes axe-core in Chromium: no serious or critical violations.

The built site (``make site``) is served from a loopback HTTP server and each page —
the front page, every lesson, the datasheet, the references and the instructor's kit — is
checked with axe-core
(the npm package, ``node_modules/axe-core``) in the same headless Chromium as the other
browser tests. A screenshot of each page goes to _build/browser/site-*.png.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading

import pytest

from .conftest import AXE

pytestmark = pytest.mark.browser

#: axe-core impact levels that fail the test.
FAILING = {"serious", "critical"}


@pytest.fixture(scope="module")
def served(site_html):
    """The site on http://127.0.0.1:<free port>/ for the duration of this module."""
    html, report = site_html
    if not (html / "index.html").exists():
        pytest.fail("the site was not built:\n" + report.get("output", "")[-3000:])
    handler = functools.partial(_QuietHandler, directory=str(html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", html
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def site_pages(html):
    pages = ["index.html", "datasets/DATASHEET.html", "references.html"]
    pages += sorted(f"lessons/{p.name}" for p in (html / "lessons").glob("*.html"))
    pages += sorted(f"teaching/{p.name}" for p in (html / "teaching").glob("*.html"))
    return pages


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page; return its violations (all impacts)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: '
                                           + (n.failureSummary || '').slice(0, 300))}));
    }""")
    return result


def test_site_pages_have_no_serious_accessibility_violations(browser, served, shots):
    if not AXE.exists():
        pytest.skip("node_modules/axe-core is missing: run `make node_modules` (needs npm; "
                    "`make test` does it)")
    base, html = served
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    failures, checked = {}, []
    try:
        for path in site_pages(html):
            page.goto(f"{base}/{path}", wait_until="load")
            # MathJax typesets after load; let it finish so axe sees the final page
            page.evaluate("async () => { if (window.MathJax?.startup?.promise) "
                          "await MathJax.startup.promise; }")
            name = path.removesuffix(".html").replace("/", "-")
            shots(page, f"site-{name}")
            violations = axe_violations(page)
            checked.append(path)
            snapshot = page.locator("figure.scored-snapshot").first
            if snapshot.count():  # an explorer, as the static site shows it
                # (after the check: the theme's sticky header would cover the picture)
                page.add_style_tag(content=".bd-header, .bd-header-article, .skip-link "
                                           "{position: static !important}")
                snapshot.scroll_into_view_if_needed()
                shots(snapshot, f"site-{name}-explorer-snapshot")
            bad = [v for v in violations if v["impact"] in FAILING]
            if bad:
                failures[path] = bad
    finally:
        context.close()
    lessons = [p for p in checked if p.startswith("lessons/")]
    assert lessons or not (html / "lessons").exists(), "no lesson page was checked"
    assert any(p.startswith("teaching/") for p in checked), "no teaching page was checked"
    assert not failures, "serious or critical axe-core violations:\n" + json.dumps(
        failures, indent=1)[:8000]
