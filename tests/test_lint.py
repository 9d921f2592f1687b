"""Lint as a habit: ruff (pyflakes, pycodestyle, import sorting; see pyproject.toml) is clean,
and the package has no import circles and explorers that import only ``_base`` and the core."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "course"


def _ruff() -> list[str]:
    found = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if found is None:
        pytest.skip("ruff is not installed: pip install -e '.[test]' installs it")
    return [found]


def test_ruff_is_clean():
    run = subprocess.run([*_ruff(), "check", "--no-cache", "course", "tests", "docs/website"],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """The course modules ``path`` imports at module level (not inside functions)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = [target] + [f"{target}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        found.update(n for n in names if n == "course" or n.startswith("course."))
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        graph[name] = {m for m in _imports(path) if m in modules and m != name}
    return graph


def test_the_package_has_no_import_circles():
    graph = _graph()
    # A package's __init__ importing its own submodules is not a circle back into it
    edges = {m: {d for d in deps if not m.startswith(d + ".")} for m, deps in graph.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for dep in edges[node]:
            if state.get(dep) == 1:
                cycle = stack[stack.index(dep):] + [dep]
                pytest.fail("import circle: " + " -> ".join(cycle))
            if dep not in state:
                visit(dep)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
    assert len(edges) > 20  # the graph was really built


def test_explorers_import_only_the_base_and_the_core():
    explorers = [p for p in (PACKAGE / "widgets").glob("*.py") if p.name != "__init__.py"]
    assert len(explorers) == 8
    for path in explorers:
        for target in _imports(path):
            if target.startswith("course.widgets"):
                assert target.startswith("course.widgets._base"), (path.name, target)


def test_the_engine_never_imports_widgets_or_grading():
    graph = _graph()
    for name, deps in graph.items():
        # course.hub (the class server) sits beside the command line, over grading
        if name.startswith(("course.widgets", "course.grading", "course.cli", "course.hub")):
            continue
        bad = [d for d in deps if d.startswith(("course.widgets", "course.grading"))]
        assert not bad, (name, bad)


def test_every_module_is_under_about_400_lines():
    long = {str(p.relative_to(ROOT)): n for p in PACKAGE.rglob("*.py")
            if not p.is_relative_to(PACKAGE / "grading")
            and (n := len(p.read_text().splitlines())) > 420}
    assert not long, long
