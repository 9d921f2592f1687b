"""The course site (`make site`): it builds offline, and a reader can use it.

The site is built once per session (docs/website/build.py, cached in _build/). Then: every
lesson ran without an error and has a page with its outputs; the navigation lists the
lessons in order, with the datasheet and the references; every internal link and every
image resolves; every plot has an alt text; nothing is loaded from the internet.
"""

from __future__ import annotations

import hashlib
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest

from tests.browser.site import build_site

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted(Path(os.environ.get("SCORED_LESSONS_DIR", ROOT / "lessons")).glob(
    "[0-9][0-9]-*.ipynb"))

pytestmark = pytest.mark.slow

#: A call of an explorer's factory in a lesson: weights_explorer(…), surveillance_dial(…), …
EXPLORER_CALL = re.compile(r"\b[a-z]+(?:_[a-z]+)*_(?:explorer|dial|simulator|audit)\(")


class Page(HTMLParser):
    """What the tests need from one HTML page: links, images, ids, scripts."""

    def __init__(self, path: Path):
        super().__init__(convert_charrefs=True)
        self.path = path
        self.links: list[str] = []
        self.resources: list[tuple[str, str]] = []  # (tag, url) loaded by the page
        self.images: list[dict] = []
        self.ids: set[str] = set()
        self.text_parts: list[str] = []
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name"):
            if attrs.get(key):
                self.ids.add(attrs[key])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "img":
            self.images.append(attrs)
            self.resources.append((tag, attrs.get("src") or ""))
        if tag == "script" and attrs.get("src"):
            self.resources.append((tag, attrs["src"]))
        if tag == "link" and attrs.get("href") and attrs.get("rel") in ("stylesheet", "preload",
                                                                        "icon"):
            self.resources.append((tag, attrs["href"]))

    def handle_data(self, data):
        self.text_parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.text_parts).split())


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not url.startswith("//")


@pytest.fixture(scope="module")
def site():
    for module, package in (("sphinx", "sphinx"), ("myst_nb", "myst-nb"),
                            ("sphinx_book_theme", "sphinx-book-theme"),
                            ("linkify_it", "linkify-it-py")):
        try:
            __import__(module)
        except ImportError:
            pytest.skip(f"the Python package `{package}` is not installed in this environment "
                        "(the site build needs it: pip install sphinx myst-nb sphinx-book-theme "
                        "linkify-it-py)")
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in LESSONS}
    html, report = build_site()
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in LESSONS}
    assert before == after, "building the site changed a lesson notebook"
    return html, report


@pytest.fixture(scope="module")
def pages(site):
    html, _ = site
    return {path: Page(path) for path in html.rglob("*.html")
            if "_static" not in path.parts and "_sources" not in path.parts}


def lesson_page(html: Path, lesson: Path) -> Path:
    return html / "lessons" / f"{lesson.stem}.html"


def test_the_site_builds_offline_without_warnings(site):
    html, report = site
    failed = {name: r["error"] for name, r in report["lessons"].items() if r["error"]}
    assert not failed, "lessons failed while building the site:\n" + "\n".join(
        f"{name}: {error}" for name, error in failed.items())
    assert report["sphinx_exit"] == 0, report["output"][-3000:]
    assert not report["sphinx_warnings"], "Sphinx warnings:\n" + "\n".join(
        report["sphinx_warnings"])
    assert report["exit_code"] == 0, report["output"][-3000:]
    assert (html / "index.html").exists()


def test_every_lesson_has_a_page_with_its_outputs(site):
    html, report = site
    if not LESSONS:
        pytest.skip("waiting for lessons: no lessons/NN-*.ipynb yet")
    for lesson in LESSONS:
        page = lesson_page(html, lesson)
        assert page.exists(), f"no page for {lesson.name} (expected {page.relative_to(ROOT)})"
        nb = nbformat.read(lesson, as_version=4)
        title = next((m.group(1).strip() for c in nb.cells if c.cell_type == "markdown"
                      for m in [re.search(r"^#\s+(.+)$", c.source, re.M)] if m), None)
        parsed = Page(page)
        if title:
            words = re.sub(r"[*_`$]", "", title).split()
            assert " ".join(words[:3]) in parsed.text, f"{page.name} lacks its title {title!r}"
        has_code = any(c.cell_type == "code" and c.source.strip() for c in nb.cells)
        if has_code:
            outputs = page.read_text().count('class="cell_output')
            assert outputs, f"{page.name}: the lesson has code but its page shows no output"
        # Each explorer appears as a static snapshot with its figure
        shown = sum(len(EXPLORER_CALL.findall(c.source)) for c in nb.cells
                    if c.cell_type == "code")
        pictures = page.read_text().count("scored-snapshot-figure")
        assert pictures >= shown, (
            f"{page.name}: the lesson shows {shown} explorer(s) but the page has "
            f"{pictures} snapshot figure(s)")


def test_navigation_lists_lessons_in_order_then_datasheet_and_references(site, pages):
    html, _ = site
    index = pages[html / "index.html"]
    nav = [unquote(urlsplit(link).path) for link in index.links if is_local(link)]
    lesson_links = [link for link in nav if link.startswith("lessons/")]
    expected = [f"lessons/{lesson.stem}.html" for lesson in LESSONS]
    in_order = list(dict.fromkeys(lesson_links))
    assert in_order == expected, f"lesson navigation {in_order} != {expected}"
    assert "datasets/DATASHEET.html" in nav, "the datasheet is not linked from the front page"
    assert "references.html" in nav, "the references are not linked from the front page"
    datasheet = pages[html / "datasets" / "DATASHEET.html"]
    assert "synthetic" in datasheet.text.lower()
    references = pages[html / "references.html"]
    assert "10.1080/17544750.2019.1583261" in references.text, "the paper is not referenced"
    for lesson in LESSONS:
        nb = nbformat.read(lesson, as_version=4)
        if any(re.search(r"^#+\s+(references|further reading|sources)\b", c.source, re.I | re.M)
               for c in nb.cells if c.cell_type == "markdown"):
            assert f"lessons/{lesson.stem}.html" in references.links, (
                f"the references page does not collect {lesson.name}'s references")
    # Each lesson page links to the next one, in order
    for this, following in zip(LESSONS, LESSONS[1:], strict=False):
        links = pages[lesson_page(html, this)].links
        assert any(urlsplit(link).path.endswith(f"{following.stem}.html") for link in links), (
            f"{this.stem}'s page does not lead on to {following.stem}")


def test_internal_links_and_images_resolve(site, pages):
    html, _ = site
    broken = []
    for path, page in pages.items():
        for url in page.links + [url for _, url in page.resources]:
            if not url or not is_local(url) or url.startswith(("data:", "mailto:")):
                continue
            parts = urlsplit(url)
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{path.relative_to(html)}: {url} (no such file)")
                continue
            if parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else Page(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{path.relative_to(html)}: {url} (no such anchor)")
    assert not broken, f"{len(broken)} broken internal link(s):\n" + "\n".join(broken[:50])


def test_nothing_is_loaded_from_the_internet(site, pages):
    html, report = site
    external = sorted({f"{path.relative_to(html)}: <{tag}> {url}"
                       for path, page in pages.items() for tag, url in page.resources
                       if not is_local(url) and not url.startswith("data:")})
    if not report["mathjax_offline"]:
        external = [e for e in external if "mathjax" not in e.lower()]
    assert not external, "pages load resources from the internet:\n" + "\n".join(external[:30])


def test_every_plot_has_alt_text(site, pages):
    html, report = site
    if not LESSONS:
        pytest.skip("waiting for lessons: no lessons/NN-*.ipynb yet")
    missing = {name: r["missing_alt"] for name, r in report["lessons"].items()
               if r["missing_alt"]}
    assert not missing, (
        "plots without an alt text (no figure title or axis labels, and no one-line takeaway "
        f"in a markdown cell right after the plot): {missing}")
    for lesson in LESSONS:
        page = pages[lesson_page(html, lesson)]
        for image in page.images:
            alt = (image.get("alt") or "").strip()
            src = (image.get("src") or "")[:60]
            assert len(alt) >= 12 and not re.search(r"\.(png|svg|jpe?g)$", alt), (
                f"{lesson.stem}: image {src}… has no useful alt text ({alt!r})")
        figures = report["lessons"][lesson.name]["figures"]
        for alt in figures:
            assert alt in page.text or any(alt == (i.get("alt") or "") for i in page.images), (
                f"{lesson.stem}: the alt text {alt[:80]!r} did not reach the page")


def test_the_instructors_kit_is_on_the_site_and_linked_from_the_front_page(site, pages):
    html, _ = site
    kit = sorted((ROOT / "docs" / "teaching").glob("*.md"))
    assert kit, "docs/teaching/ has no pages"
    nav = [unquote(urlsplit(link).path) for link in pages[html / "index.html"].links
           if is_local(link)]
    for source in kit:
        page = html / "teaching" / f"{source.stem}.html"
        assert page.exists(), f"no page for docs/teaching/{source.name}"
        assert f"teaching/{source.stem}.html" in nav, (
            f"docs/teaching/{source.name} is not in the front page's navigation")
        title = next(line[2:].strip() for line in source.read_text().splitlines()
                     if line.startswith("# "))
        words = re.sub(r"[*_`]", "", title).split()
        assert " ".join(words[:3]) in pages[page].text, f"{page.name} lacks its title {title!r}"
    # Every lesson has instructor notes that link to it
    for lesson in LESSONS:
        notes = html / "teaching" / f"lesson-{lesson.name[:2]}.html"
        assert notes.exists(), f"no instructor notes for {lesson.name}"
        assert any(urlsplit(link).path.endswith(f"lessons/{lesson.stem}.html")
                   for link in pages[notes].links), f"{notes.name} does not link to {lesson.stem}"
