"""Build the course site: static HTML of the lessons, with their outputs, made offline.

    python docs/website/build.py            # or: make site
    open _build/site/index.html

What it does, in order:

1. **Execute** each lesson (``lessons/NN-*.ipynb``) in a fresh kernel, in the ``lessons/``
   folder, like a student running it top to bottom. Executed notebooks are cached in
   ``_build/.site-cache/`` under a key made of the notebook, the ``course`` package, the
   default data and this build's own code, so an unchanged lesson is not run again.
2. **Make the outputs static and accessible**, in the copy only (``lessons/`` is never
   written to):

   - JavaScript outputs (written for JupyterLab's page) are dropped;
   - each explorer (an ipywidgets view, which needs a live kernel) becomes a *static
     snapshot*: its controls and their starting values as text, its figure as an image, its
     summary tables — rendered from the widget state the kernel left behind;
   - each plot gets an alt text: the figure's own titles and axis labels (recorded by
     ``figure_alt.py``, run in the kernel before the lesson) followed by the one-line
     takeaway the lesson writes under the plot. An alt text set by the author in the cell's
     metadata (``"mystnb": {"image": {"alt": "..."}}``) wins.
3. **Assemble** ``_build/site-src/``: the lessons, the datasheet (``datasets/DATASHEET.md``),
   the instructor's kit (``docs/teaching/*.md``, under ``teaching/``),
   a references page collected from the lessons' *References* sections, the API reference
   (``api_reference.py``, from the package's docstrings, grouped by lesson), the landing page and
   the Sphinx configuration from ``docs/website/``, and MathJax from ``node_modules/`` so that
   formulas render without a network.
4. **Render** with Sphinx and myst-nb (execution off: step 1 did it) into ``_build/site/``.
   Sphinx's warnings go to ``_build/site-warnings.txt``; a summary of the build to
   ``_build/site-report.json``.

Exit status: 0 when every lesson ran without an error and Sphinx built the site; 1 otherwise
(the site is still built, with the failing lesson's outputs up to the error).
"""

from __future__ import annotations

import argparse
import base64
import concurrent.futures
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SITE_SOURCES = Path(__file__).resolve().parent
#: The instructor's kit (docs/teaching/*.md), published under teaching/ on the site.
TEACHING = ROOT / "docs" / "teaching"
FIGURE_ALT = SITE_SOURCES / "figure_alt.py"
BUILD = ROOT / "_build"
#: Bump when the way lessons are executed changes, to invalidate the cache.
EXECUTION_VERSION = "1"

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
IMAGE_MIMES = ("image/png", "image/svg+xml", "image/jpeg", "image/gif")


# -- 1. Execute, with a cache ------------------------------------------------------------------

def lesson_paths(lessons_dir: Path) -> list[Path]:
    """The lessons, in course order (``00-…`` to ``08-…``)."""
    return sorted(lessons_dir.glob("[0-9][0-9]-*.ipynb"))


def _hash_files(digest, paths) -> None:
    for path in sorted(paths):
        digest.update(str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path).encode())
        digest.update(path.read_bytes())


def environment_key() -> str:
    """What every lesson's output depends on besides the lesson itself."""
    digest = hashlib.sha256(EXECUTION_VERSION.encode())
    _hash_files(digest, (ROOT / "course").rglob("*.py"))
    _hash_files(digest, [p for p in (ROOT / "datasets").glob("*") if p.is_file()])
    _hash_files(digest, [FIGURE_ALT])
    digest.update(sys.version.encode())
    return digest.hexdigest()


def cache_path(lesson: Path, env_key: str) -> Path:
    key = hashlib.sha256(env_key.encode() + lesson.read_bytes()).hexdigest()[:20]
    return BUILD / ".site-cache" / f"{lesson.stem}.{key}.ipynb"


def execute_lesson(lesson: str, target: str, timeout: int) -> dict:
    """Run one lesson in a fresh kernel; write the executed notebook to ``target``.

    Runs in a worker process. Returns a small report; never raises for a failing cell.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    start = time.perf_counter()
    nb = nbformat.read(lesson, as_version=4)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", allow_errors=False,
        resources={"metadata": {"path": str(Path(lesson).parent)}},
        extra_arguments=[f"--IPKernelApp.exec_files={FIGURE_ALT}",
                         "--HistoryManager.hist_file=:memory:",
                         "--IPKernelApp.log_level=ERROR"],
    )
    error = None
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError) as exc:
        error = str(exc)[-3000:]
    except Exception as exc:  # noqa: BLE001 - e.g. a kernel that died; reported, not hidden
        error = f"{type(exc).__name__}: {exc}"
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(target).with_suffix(".tmp")
    nbformat.write(nb, tmp)
    if error is None:
        tmp.replace(target)
    else:  # keep the partial run for the page, but never cache it
        tmp.replace(Path(target).with_suffix(".failed.ipynb"))
    return {"lesson": Path(lesson).name, "seconds": round(time.perf_counter() - start, 1),
            "error": error, "cached": False}


def execute_all(lessons: list[Path], jobs: int, timeout: int, force: bool) -> dict[Path, dict]:
    env_key = environment_key()
    reports: dict[Path, dict] = {}
    todo = []
    for lesson in lessons:
        target = cache_path(lesson, env_key)
        if target.exists() and not force:
            reports[lesson] = {"lesson": lesson.name, "seconds": 0.0, "error": None,
                               "cached": True, "executed": target}
        else:
            todo.append((lesson, target))
    if todo:
        print(f"Executing {len(todo)} lesson(s) with {jobs} worker(s): "
              + ", ".join(lesson.name for lesson, _ in todo), flush=True)
        with concurrent.futures.ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(execute_lesson, str(lesson), str(target), timeout):
                       (lesson, target) for lesson, target in todo}
            for future in concurrent.futures.as_completed(futures):
                lesson, target = futures[future]
                report = future.result()
                report["executed"] = (target if report["error"] is None
                                      else target.with_suffix(".failed.ipynb"))
                reports[lesson] = report
                status = "ok" if report["error"] is None else "FAILED"
                print(f"  {lesson.name}: {status} in {report['seconds']} s", flush=True)
    # Drop cache entries of older versions of these lessons
    keep = {r["executed"].name for r in reports.values()}
    for old in (BUILD / ".site-cache").glob("*.ipynb"):
        if old.name not in keep:
            old.unlink()
    return reports


# -- 2. Static, accessible outputs -------------------------------------------------------------

def _plain(markdown: str) -> str:
    """Markdown to plain text, enough for an alt text."""
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"^\s*(>|[-*+]\s|\d+\.\s)\s*", "", text, flags=re.M)
    text = re.sub(r"(\*\*|__|\*|`|~~)", "", text)
    text = re.sub(r"\$([^$]*)\$", r"\1", text)
    return " ".join(html.unescape(text).split())


def takeaway(cells: list, index: int) -> str:
    """The first paragraph of the markdown cell right after code cell ``index``, if any."""
    if index + 1 >= len(cells) or cells[index + 1].cell_type != "markdown":
        return ""
    first = cells[index + 1].source.strip().split("\n\n")[0].strip()
    if not first or first.startswith("#"):
        return ""
    text = _plain(first)
    return text if len(text) <= 400 else text[:397].rsplit(" ", 1)[0] + "…"


def _join_alt(*parts: str) -> str:
    parts = [p.strip().rstrip(".") for p in parts if p and p.strip()]
    return ". ".join(parts) + "." if parts else ""


class WidgetSnapshot:
    """Render an ipywidgets view as static HTML from the widget state a kernel saved."""

    def __init__(self, state: dict):
        self.state = state.get("state", {})

    def model(self, ref) -> dict | None:
        model_id = ref[len("IPY_MODEL_"):] if isinstance(ref, str) and ref.startswith(
            "IPY_MODEL_") else ref
        return self.state.get(model_id)

    def image_uri(self, model: dict) -> str | None:
        fmt = model["state"].get("format", "png")
        for buffer in model.get("buffers", []):
            if buffer.get("path") == ["value"]:
                data = buffer["data"]
                if buffer.get("encoding") != "base64":
                    data = base64.b64encode(data.encode()).decode()
                return f"data:image/{'svg+xml' if fmt == 'svg' else fmt};base64,{data}"
        value = model["state"].get("value")
        if isinstance(value, str) and value:
            return f"data:image/{fmt};base64,{value}"
        return None

    def title(self, model: dict) -> str:
        """The explorer's title: the first heading in its HTML children."""
        for child in model["state"].get("children", []):
            sub = self.model(child)
            if sub is None:
                continue
            if sub["model_name"] in ("HTMLModel", "HTMLMathModel"):
                match = re.search(r"<h\d[^>]*>(.*?)</h\d>", sub["state"].get("value", ""), re.S)
                if match:
                    return _plain(match.group(1))
            elif "children" in sub["state"]:
                found = self.title(sub)
                if found:
                    return found
        return ""

    def settings(self, model: dict) -> list[tuple[str, str]]:
        """(description, value) of every control under ``model``, in display order."""
        found = []
        state = model["state"]
        name = model["model_name"]
        if "children" in state:
            for child in state["children"]:
                sub = self.model(child)
                if sub is not None:
                    found.extend(self.settings(sub))
            return found
        value = self.control_value(name, state)
        description = _plain(state.get("description") or "")
        if value is not None and description:
            found.append((description, value))
        return found

    @staticmethod
    def control_value(name: str, state: dict) -> str | None:
        if name in ("HTMLModel", "HTMLMathModel", "LabelModel", "ImageModel", "OutputModel",
                    "ButtonModel", "LayoutModel") or name.endswith("StyleModel"):
            return None
        if "index" in state and "_options_labels" in state:
            labels, index = state["_options_labels"], state["index"]
            if isinstance(index, (list, tuple)):
                return ", ".join(labels[i] for i in index) or "none"
            return labels[index] if index is not None and 0 <= index < len(labels) else "none"
        if "value" not in state:
            return None
        value = state["value"]
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, float):
            fmt = state.get("readout_format", ".2f")
            try:
                return format(value, fmt)
            except (ValueError, TypeError):
                return f"{value:g}"
        if isinstance(value, (list, tuple)):
            return " to ".join(str(v) for v in value)
        return str(value)

    def render(self, ref, alt_prefix: str) -> tuple[str, list[str]]:
        """HTML for the widget ``ref`` and the alt texts of its images."""
        model = self.model(ref)
        if model is None:
            return "", []
        alts: list[str] = []
        title = self.title(model)
        settings = self.settings(model)
        described = ", ".join(f"{d} {v}" for d, v in settings[:8])
        base_alt = _join_alt(f"{alt_prefix or title or 'Explorer'} figure at its starting settings"
                             + (f" ({described})" if described else ""))

        def walk(m: dict) -> str:
            name, state = m["model_name"], m["state"]
            if state.get("layout"):
                layout = self.model(state["layout"])
                if layout and layout["state"].get("display") == "none":
                    return ""
            if "children" in state:
                inner = "".join(walk(c) for c in map(self.model, state["children"]) if c)
                direction = "row" if name == "HBoxModel" else "column"
                return (f"<div class='scored-snapshot-box' style='display:flex;flex-wrap:wrap;"
                        f"flex-direction:{direction};gap:4px 16px'>{inner}</div>")
            if name in ("HTMLModel", "HTMLMathModel"):
                return f"<div>{state.get('value', '')}</div>"
            if name == "LabelModel":
                return f"<div>{html.escape(str(state.get('value', '')))}</div>"
            if name == "ImageModel":
                uri = self.image_uri(m)
                if not uri:
                    return ""
                tip = state.get("tooltip")
                alt = _join_alt(tip) if tip else base_alt
                alts.append(alt)
                return (f"<img class='scored-snapshot-figure' src='{uri}' "
                        f"alt='{html.escape(alt, quote=True)}' style='max-width:100%'>")
            if name == "OutputModel":
                return self.render_outputs(state.get("outputs", []), base_alt, alts)
            value = self.control_value(name, state)
            description = _plain(state.get("description") or "")
            if value is None or not description:
                return ""
            return (f"<div class='scored-snapshot-control'><span>{html.escape(description)}:"
                    f"</span> <strong>{html.escape(value)}</strong></div>")

        body = walk(model)
        name = title or alt_prefix or "widget"
        what = (f"the <strong>{html.escape(name)}</strong>" if title or alt_prefix
                else "this widget")
        note = (f"Static snapshot of {what} at its starting settings. Open the notebook in "
                "JupyterLab and run it to move the controls.")
        # tabindex: a keyboard user can scroll a snapshot whose tables are wider than the page
        return (f"<figure class='scored-snapshot' role='group' tabindex='0' "
                f"aria-label='{html.escape(name, quote=True)} (static snapshot)'>"
                f"<figcaption class='scored-snapshot-note'>{note}</figcaption>{body}</figure>",
                alts)

    @staticmethod
    def render_outputs(outputs: list, alt: str, alts: list[str]) -> str:
        parts = []
        for out in outputs:
            if out.get("output_type") == "stream":
                parts.append(f"<pre>{html.escape(''.join(out.get('text', '')))}</pre>")
            elif out.get("output_type") == "error":
                parts.append(f"<pre>{html.escape(out.get('ename', ''))}: "
                             f"{html.escape(out.get('evalue', ''))}</pre>")
            else:
                data = out.get("data", {})
                for mime in ("image/png", "image/jpeg"):
                    if mime in data:
                        one = _join_alt(out.get("metadata", {}).get(mime, {}).get("alt", "") or alt)
                        alts.append(one)
                        parts.append(f"<img src='data:{mime};base64,{''.join(data[mime])}' "
                                     f"alt='{html.escape(one, quote=True)}' "
                                     "style='max-width:100%'>")
                        break
                else:
                    if "text/html" in data:
                        parts.append(f"<div>{''.join(data['text/html'])}</div>")
                    elif "text/plain" in data:
                        parts.append(f"<pre>{html.escape(''.join(data['text/plain']))}</pre>")
        return "".join(parts)


def make_static(nb) -> dict:
    """Turn widget views into snapshots and give every figure an alt text, in place.

    Returns what was done: ``figures`` (alt texts, one per image), ``widgets`` (snapshot
    count) and ``missing_alt`` (cells with an image that got no alt text).
    """
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {})
    snapshot = WidgetSnapshot(state)
    report = {"figures": [], "widgets": 0, "missing_alt": []}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        cell.metadata.pop("execution", None)
        author_alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt")
        note = takeaway(nb.cells, index)
        # JavaScript outputs were written for JupyterLab's page (e.g. labelling live widgets
        # for screen readers); on a static page they have nothing to act on
        cell.outputs = [out for out in cell.get("outputs", [])
                        if "application/javascript" not in out.get("data", {})]
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if WIDGET_VIEW in data:
                html_text, alts = snapshot.render(data[WIDGET_VIEW].get("model_id"), "")
                out["data"] = {"text/html": html_text,
                               "text/plain": data.get("text/plain", "explorer")}
                out["metadata"] = {}
                report["widgets"] += 1
                report["figures"].extend(alts)
                continue
            for mime in IMAGE_MIMES:
                if mime not in data:
                    continue
                meta = out.setdefault("metadata", {}).setdefault(mime, {})
                alt = author_alt or _join_alt(meta.get("alt", ""), note)
                if alt:
                    meta["alt"] = alt
                    report["figures"].append(alt)
                else:
                    report["missing_alt"].append(f"cell {index}")
                break
    nb.metadata.pop("widgets", None)
    return report


# -- 3. Assemble the Sphinx source folder ------------------------------------------------------

def write_if_changed(path: Path, content: bytes | str) -> None:
    """Write only when the content differs, so that Sphinx rebuilds only what changed."""
    data = content.encode() if isinstance(content, str) else content
    if path.exists() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def lesson_title(nb, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+)$", cell.source, re.M)
            if match:
                return match.group(1).strip()
    return fallback


def lesson_references(nb) -> str:
    """The text under the lesson's 'References' heading (any level), without the heading."""
    found = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        lines = cell.source.splitlines()
        for i, line in enumerate(lines):
            match = re.match(r"^(#+)\s+(references|further reading|sources)\b", line, re.I)
            if not match:
                continue
            level = len(match.group(1))
            body = []
            for rest in lines[i + 1:]:
                heading = re.match(r"^(#+)\s", rest)
                if heading and len(heading.group(1)) <= level:
                    break
                body.append(rest)
            found.append("\n".join(body).strip())
    return "\n\n".join(part for part in found if part)


def references_page(template: str, lessons: list[tuple[str, str, str]]) -> str:
    parts = []
    for stem, title, refs in lessons:
        if refs:
            # Headings inside a lesson's references drop below this page's section level
            refs = re.sub(r"^(#+)\s", lambda m: "#" * min(len(m.group(1)) + 2, 6) + " ", refs,
                          flags=re.M)
            parts.append(f"## {title}\n\nFrom [{title}](lessons/{stem}.ipynb).\n\n{refs}\n")
    marker = "<!-- lesson references -->"
    body = "\n".join(parts) or "*(No lesson has a References section yet.)*\n"
    return template.replace(marker, body) if marker in template else template + "\n" + body


def teaching_page(markdown: str) -> str:
    """A page of docs/teaching/ as the site needs it.

    In the repository the pages link to the lessons as ``../../lessons/…`` (two folders up);
    on the site they sit one folder below the lessons' parent, ``teaching/``.
    """
    return re.sub(r"\]\(\.\./\.\./(lessons|datasets)/", r"](../\1/", markdown)


def copy_mathjax(src_dir: Path) -> bool:
    """Copy MathJax (from the npm package) into the site, so formulas render offline."""
    es5 = ROOT / "node_modules" / "mathjax" / "es5"
    if not (es5 / "tex-chtml.js").exists():
        return False
    target = src_dir / "_static" / "mathjax"
    write_if_changed(target / "tex-chtml.js", (es5 / "tex-chtml.js").read_bytes())
    fonts = es5 / "output" / "chtml" / "fonts" / "woff-v2"
    for font in fonts.glob("*.woff"):
        write_if_changed(target / "output" / "chtml" / "fonts" / "woff-v2" / font.name,
                         font.read_bytes())
    return True


def assemble(src_dir: Path, executed: dict[Path, object]) -> dict:
    """Write the Sphinx source folder; remove whatever is left from earlier builds."""
    import nbformat

    written: set[Path] = set()

    def put(rel: str, content) -> None:
        path = src_dir / rel
        write_if_changed(path, content)
        written.add(path)

    for source in SITE_SOURCES.iterdir():
        if source.is_file() and source.suffix in (".py", ".md", ".css") and source.name not in (
                "build.py", "figure_alt.py", "references.md", "api_reference.py"):
            put(source.name, source.read_bytes())
    for folder in ("_static", "_templates"):
        for extra in sorted((SITE_SOURCES / folder).rglob("*")):
            if extra.is_file():
                put(str(extra.relative_to(SITE_SOURCES)), extra.read_bytes())
    put("datasets/DATASHEET.md", (ROOT / "datasets" / "DATASHEET.md").read_bytes())
    for page in sorted(TEACHING.glob("*.md")):
        put(f"teaching/{page.name}", teaching_page(page.read_text(encoding="utf-8")))
    entries = []
    for lesson, nb in executed.items():
        put(f"lessons/{lesson.name}", nbformat.writes(nb))
        entries.append((lesson.stem, lesson_title(nb, lesson.stem), lesson_references(nb)))
    put("references.md", references_page((SITE_SOURCES / "references.md").read_text(), entries))
    put("api.md", api_page())
    mathjax = copy_mathjax(src_dir)
    if mathjax:
        written.update((src_dir / "_static" / "mathjax").rglob("*"))
    for path in sorted(src_dir.rglob("*"), reverse=True):
        if path.is_file() and path not in written:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return {"mathjax_offline": mathjax, "lessons": [e[0] for e in entries]}


def api_page() -> str:
    """The API reference page, from the package's docstrings (``api_reference.py``)."""
    sys.path.insert(0, str(SITE_SOURCES))
    try:
        import api_reference
    finally:
        sys.path.remove(str(SITE_SOURCES))
    return api_reference.page()


# -- 4. Render ---------------------------------------------------------------------------------

def sphinx_build(src_dir: Path, out_dir: Path) -> tuple[int, list[str]]:
    warnings_file = BUILD / "site-warnings.txt"
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "--keep-going",
           "-d", str(BUILD / ".doctrees"), "-w", str(warnings_file), str(src_dir), str(out_dir)]
    result = subprocess.run(cmd, cwd=ROOT, text=True, capture_output=True)
    sys.stdout.write(result.stdout)
    warnings = [line for line in (warnings_file.read_text().splitlines()
                                  if warnings_file.exists() else []) if line.strip()]
    if result.returncode != 0 and result.stderr:
        sys.stderr.write(result.stderr[-5000:])
    return result.returncode, warnings


def default_lessons_dir() -> Path:
    """lessons/, or the folder named by SCORED_LESSONS_DIR (to build a site of drafts)."""
    return Path(os.environ.get("SCORED_LESSONS_DIR", ROOT / "lessons")).resolve()


def build(*, lessons_dir: Path | None = None, jobs: int | None = None, timeout: int = 600,
          force: bool = False) -> dict:
    """Build the site; return the report also written to ``_build/site-report.json``."""
    import nbformat

    start = time.perf_counter()
    lessons = lesson_paths(lessons_dir or default_lessons_dir())
    jobs = jobs or max(1, min(2, os.cpu_count() or 1, len(lessons)))
    runs = execute_all(lessons, jobs, timeout, force) if lessons else {}
    executed, per_lesson = {}, {}
    for lesson in lessons:
        run = runs[lesson]
        nb = nbformat.read(run["executed"], as_version=4)
        static = make_static(nb)
        executed[lesson] = nb
        per_lesson[lesson.name] = {
            "seconds": run["seconds"], "cached": run["cached"], "error": run["error"],
            "widgets": static["widgets"], "figures": static["figures"],
            "missing_alt": static["missing_alt"]}
    src_dir, out_dir = BUILD / "site-src", BUILD / "site"
    assembled = assemble(src_dir, executed)
    # Sphinx never deletes the page of a removed document: start afresh when the set changes
    documents = sorted(str(p.relative_to(src_dir)) for p in src_dir.rglob("*")
                       if p.suffix in (".md", ".ipynb"))
    listing = BUILD / ".site-documents.json"
    if not listing.exists() or json.loads(listing.read_text()) != documents:
        shutil.rmtree(out_dir, ignore_errors=True)
        shutil.rmtree(BUILD / ".doctrees", ignore_errors=True)
        listing.write_text(json.dumps(documents))
    code, warnings = sphinx_build(src_dir, out_dir)
    report = {
        "ok": code == 0 and all(v["error"] is None for v in per_lesson.values()),
        "sphinx_exit": code, "sphinx_warnings": warnings, "lessons": per_lesson,
        "mathjax_offline": assembled["mathjax_offline"], "html": str(out_dir),
        "seconds": round(time.perf_counter() - start, 1),
    }
    write_if_changed(BUILD / "site-report.json", json.dumps(report, indent=1))
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lessons", type=Path, default=None,
                        help="folder of lesson notebooks (default: lessons/, or "
                             "$SCORED_LESSONS_DIR)")
    parser.add_argument("--jobs", type=int, default=None, help="lessons executed at once")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    parser.add_argument("--force", action="store_true", help="re-execute even cached lessons")
    args = parser.parse_args(argv)
    report = build(lessons_dir=args.lessons.resolve() if args.lessons else None,
                   jobs=args.jobs, timeout=args.timeout, force=args.force)
    for name, lesson in report["lessons"].items():
        state = "cached" if lesson["cached"] else f"ran in {lesson['seconds']} s"
        print(f"{name}: {state}, {lesson['widgets']} explorer snapshot(s), "
              f"{len(lesson['figures'])} figure(s)"
              + (f", NO ALT TEXT in {', '.join(lesson['missing_alt'])}"
                 if lesson["missing_alt"] else "")
              + (" — FAILED:\n" + lesson["error"] if lesson["error"] else ""))
    if not report["lessons"]:
        print("No lessons found (lessons/NN-*.ipynb): the site has only its front pages.")
    if not report["mathjax_offline"]:
        print("note: node_modules/mathjax is missing (run `make node_modules`); formulas will "
              "load MathJax from its CDN when the site is viewed.")
    for warning in report["sphinx_warnings"]:
        print("warning:", warning)
    print(f"Site: {report['html']}/index.html ({report['seconds']} s"
          f"{', with warnings' if report['sphinx_warnings'] else ''})")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
