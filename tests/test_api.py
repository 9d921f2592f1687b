"""The public API reads like the course: one import surface, documented, old names warn."""

from __future__ import annotations

import inspect
import json
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import course
import course.widgets

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "docs" / "website"))
import api_reference  # noqa: E402


def test_everything_public_is_in_the_reference_exactly_once():
    placed = [n for names in api_reference.GROUPS.values() for n in names]
    assert len(placed) == len(set(placed)), "a name is listed under two lessons"
    assert set(placed) == api_reference.public_names()
    page = api_reference.page()
    for name in placed:
        assert f"### `course.{name}`" in page


def test_every_public_function_has_parameters_returns_and_an_example():
    lacking = []
    for name in sorted(api_reference.public_names()):
        obj = api_reference.resolve(name)
        if not inspect.isfunction(obj):
            continue
        doc = inspect.getdoc(obj) or ""
        params = [p for p in inspect.signature(obj).parameters if p not in ("self",)]
        need = [section for section, wanted in (("Parameters", bool(params)), ("Returns", True),
                                                ("Examples", True))
                if wanted and f"{section}\n---" not in doc]
        if need:
            lacking.append(f"{name}: {', '.join(need)}")
    assert not lacking, "\n".join(lacking)


def test_public_functions_have_type_hints():
    bare = []
    for name in sorted(api_reference.public_names()):
        obj = api_reference.resolve(name)
        if inspect.isfunction(obj) and "return" not in obj.__annotations__:
            bare.append(name)
    assert not bare, bare


def _code_cells(path: Path) -> list[str]:
    return ["".join(c["source"]) for c in json.loads(path.read_text())["cells"]
            if c["cell_type"] == "code"]


@pytest.mark.parametrize("path", sorted((ROOT / "lessons").glob("*.ipynb"))
                         + sorted((ROOT / "solutions").glob("*/*.ipynb")), ids=lambda p: p.stem)
def test_notebooks_use_only_the_public_api(path):
    # course.<name> and from-imports: public names only, never a submodule's internals
    used = set()
    for source in _code_cells(path):
        used.update(re.findall(r"\bcourse\.([A-Za-z_]\w*)", source))
        for module, names in re.findall(r"from (course[\w.]*) import ([^\n#]+)", source):
            if module in ("course", "course.widgets"):
                prefix = "" if module == "course" else "widgets."
                used.update(prefix + n.strip(" ()") for n in names.split(","))
    public = api_reference.public_names() | {"widgets", "grading", "__version__"}
    leaks = sorted(n for n in used if n not in public)
    assert not leaks, f"{path.name} reaches past the public API: {leaks}"


@pytest.mark.parametrize("old, new", sorted(course.RENAMED.items()))
def test_old_names_still_work_with_a_warning(old, new):
    with pytest.warns(DeprecationWarning, match=f"course.{old} is deprecated"):
        getattr(course, old)


def test_old_names_keep_their_behaviour():
    with pytest.warns(DeprecationWarning):
        assert course.auc is course.repayment_auc
    with pytest.warns(DeprecationWarning):
        tier = course.tier
    assert tier(549) == "poor" and tier([549]).tolist() == ["poor"]
    with pytest.warns(DeprecationWarning):
        values = course.PERK_VALUES_CNY
    assert values == dict(zip(course.PERKS["perk"], course.PERKS["value_cny"], strict=True))
    with pytest.warns(DeprecationWarning, match="Rules.perks"):
        assert course.Rules().perks_table.equals(course.Rules().perks)


@pytest.mark.parametrize("name", sorted(course.widgets.MOVED))
def test_names_moved_out_of_widgets_warn_and_point_to_the_core(name):
    with pytest.warns(DeprecationWarning, match=f"use course.{name}"):
        assert getattr(course.widgets, name) is getattr(course, name)


def test_the_new_names_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in course.__all__:
            getattr(course, name)


CORE = sorted(p for p in (ROOT / "course").rglob("*.py")
              if not p.is_relative_to(ROOT / "course" / "grading") and p.name != "cli.py")


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(ROOT)))
def test_docstring_examples_run(path):
    import doctest
    import importlib

    import matplotlib

    matplotlib.use("Agg")
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    outcome = doctest.testmod(importlib.import_module(".".join(parts)))
    assert outcome.failed == 0, path.name


def test_importing_the_course_stays_light():
    """Every grading kernel and every ``course`` command imports ``course``; seaborn (and
    scipy.stats with it) cost ~1 s there and matplotlib 0.25 s, and no exercise needs them, so
    they load when ``course.plots`` (a plot style) is first asked for."""
    code = ("import sys, course; heavy = [m for m in ('seaborn', 'scipy.stats', 'ipywidgets', "
            "'matplotlib') if m in sys.modules]; print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "", f"import course loads {out}"
    code = ("import sys, course\nwith course.plots.style_context(): pass\n"
            "from course import plots\n"
            "print('seaborn' in sys.modules and plots is course.plots)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "True"
