"""The corpus itself (see ``tests/adversarial/__init__.py``)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..test_grading_support import (
    PS1,
    PS1_NB,
    full_marks_answers,
    solution_source,
    student_notebook,
    write,
)

FULL = 15


@dataclass
class Case:
    student: str
    about: str
    make: Callable[[Path, dict], None]
    score: float | None = None
    flag: bool = False
    zeroed: bool = False  # flagged and questions scored zero (not only neutralised)
    error: str | None = None
    problem: str | None = None
    probe: tuple[str, ...] = ()


def _nb_path(inbox: Path, student: str) -> Path:
    return inbox / student / PS1 / PS1_NB


def answers(student: str, extra: dict[str, str] | None = None, *, full: bool = False,
            edit: Callable | None = None) -> Callable[[Path, dict], None]:
    """A case maker: the release with some answers (all right if ``full``), then ``edit``."""
    def make(inbox: Path, ctx: dict) -> None:
        base = full_marks_answers() if full else {}
        filled = {k: v.removeprefix("format:").format(**ctx) if v.startswith("format:") else v
                  for k, v in {**base, **(extra or {})}.items()}
        nb = student_notebook(filled)
        if edit is not None:
            edit(nb)
        write(nb, _nb_path(inbox, student))
    return make


def _with_solution(grade_id: str, before: str = "", after: str = "") -> str:
    return "\n".join(part for part in (before, solution_source(grade_id), after) if part)


def _cells(nb, grade_id):
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id]


def _duplicate_test(nb):
    cell = _cells(nb, "fulfilment_spending_and_assets")[0]
    nb.cells.insert(nb.cells.index(cell) + 1, copy.deepcopy(cell))
    nb.cells[nb.cells.index(cell) + 1]["id"] = "duplicated-test"


def _delete_tests(nb):
    nb.cells = [c for c in nb.cells if not (c.metadata.get("nbgrader", {}).get("grade")
                                            and c.cell_type == "code")]


def _markdown_test(nb):
    cell = _cells(nb, "fulfilment_spending_and_assets")[0]
    index = nb.cells.index(cell)
    md = nbformat.v4.new_markdown_cell(cell.source, id=cell.get("id", "md-test"))
    md.metadata = cell.metadata
    nb.cells[index] = md


def _schema(nb):
    for cell in nb.cells:
        if "nbgrader" in cell.metadata:
            cell.metadata["nbgrader"]["schema_version"] = 99


def _weak_test(nb):  # a test cell rewritten to always pass, and its points raised
    cell = _cells(nb, "fulfilment_spending_and_assets")[0]
    cell.source = '"""Q1"""\nassert True'
    cell.metadata["nbgrader"]["points"] = 100


def _raw(text: str, name: str) -> Callable[[Path, dict], None]:
    def make(inbox: Path, ctx: dict) -> None:
        path = inbox / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return make


def _renamed(inbox: Path, ctx: dict) -> None:
    write(student_notebook(full_marks_answers()), inbox / "renamed" / PS1 / "my work.ipynb")


def _missing(inbox: Path, ctx: dict) -> None:
    folder = inbox / "missing" / PS1
    folder.mkdir(parents=True)
    (folder / "notes.md").write_text("I forgot to attach the notebook")


PROBE = '''\
import os, socket
def _try(label, action):
    try:
        action()
        print(label, "ALLOWED")
    except Exception as error:
        print(label, "BLOCKED", type(error).__name__)
_try("read-solutions", lambda: open({solutions!r}).read())
_try("list-solutions", lambda: os.listdir({solutions_dir!r}) or (_ for _ in ()).throw(
    PermissionError("empty")))
_try("write-gradebook", lambda: open({gradebook!r}, "a").write("x"))
_try("read-gradebook", lambda: open({gradebook!r}, "rb").read(16))
_try("read-other-student", lambda: open({other!r}).read())
_try("read-home", lambda: open({home_file!r}).read())
_try("write-repository", lambda: open({repo_file!r}, "w").write("x"))
_try("socket-loopback", lambda: socket.create_connection(("127.0.0.1", {port}), timeout=2))
_try("socket-internet", lambda: socket.create_connection(("1.1.1.1", 53), timeout=2))
_try("write-own-folder", lambda: open("scratch.txt", "w").write("mine"))
_try("write-tmp", lambda: open("/tmp/scratch.txt", "w").write("mine"))
print("uid", os.getuid())
'''

SWALLOW = '''\
def fulfilment_score(*args, **kwargs):
    return 0
while True:
    try:
        while True:
            pass
    except KeyboardInterrupt:
        pass
'''

CASES: list[Case] = [
    # -- ordinary work, as a baseline ------------------------------------------------------
    Case("full", "every answer right", answers("full", full=True), score=FULL),
    Case("blank", "the release handed in unchanged", answers("blank"), score=0),
    Case("partial", "Q1 and Q4 right", answers("partial", {
        "fulfilment_score": solution_source("fulfilment_score"),
        "points_to_next_tier": solution_source("points_to_next_tier")}), score=4),
    Case("packageauc", "Q5 answered by calling course.auc: wrong, and no trick", answers(
        "packageauc", full=True, extra={
            "auc": "def auc(scores, defaulted):\n    return course.auc(scores, defaulted)"}),
        score=12),
    # -- broken files and folders (item 3) -------------------------------------------------
    Case("badjson", "not JSON at all", _raw("{ half a notebook", "badjson.ipynb"),
         problem="badjson.ipynb is not a notebook: invalid JSON"),
    Case("notnb", "valid JSON, not a notebook", _raw('{"cells": 3}', "notnb.ipynb"),
         problem="notnb.ipynb is not a valid notebook"),
    Case("missing", "a folder without the notebook", _missing,
         problem="holds no notebook of the assignment"),
    Case("renamed", "the notebook renamed, everything right", _renamed, score=FULL),
    Case("duplicated", "a test cell duplicated", answers("duplicated", full=True,
                                                        edit=_duplicate_test), score=FULL),
    Case("deleted", "every test cell deleted", answers("deleted", full=True,
                                                      edit=_delete_tests), score=FULL),
    Case("celltype", "a test cell turned into markdown", answers("celltype", full=True,
                                                                edit=_markdown_test),
         score=FULL),
    Case("schema", "schema_version tampered with", answers("schema", full=True, edit=_schema),
         error="Schema version is too new"),
    Case("weaktest", "a test cell rewritten to pass, points raised",
         answers("weaktest", edit=_weak_test), score=0),
    # -- runaway code (item 3) -------------------------------------------------------------
    Case("loop", "an endless loop in one answer", answers("loop", {
        "fulfilment_score": "while True:\n    pass"}, full=True), score=FULL - 2),
    Case("swallow", "an endless loop that swallows KeyboardInterrupt",
         answers("swallow", {"fulfilment_score": SWALLOW}, full=True),
         error="would not stop when interrupted"),
    Case("exit", "os._exit kills the kernel", answers("exit", {
        "fulfilment_score": "import os\nos._exit(3)"}, full=True), error="Kernel died"),
    Case("segfault", "a segfault kills the kernel", answers("segfault", {
        "fulfilment_score": "import ctypes\nctypes.string_at(0)"}, full=True),
         error="Kernel died"),
    Case("memory", "asks for 16 GB of memory", answers("memory", {
        "fulfilment_score": _with_solution("fulfilment_score",
                                           after="hog = bytearray(16 * 2**30)")}, full=True),
         score=FULL),
    Case("flood", "floods the output", answers("flood", {
        "fulfilment_score": _with_solution("fulfilment_score",
                                           after="for i in range(300000):\n    print(i)")},
        full=True), score=FULL),
    Case("input", "waits for input()", answers("input", {
        "fulfilment_score": _with_solution("fulfilment_score",
                                           after="name = input('your name?')")}, full=True),
         score=FULL),
    Case("forkbomb", "starts processes until refused", answers("forkbomb", {
        "fulfilment_score": _with_solution("fulfilment_score", after=(
            "import subprocess\nkids = []\ntry:\n    for _ in range(500):\n"
            "        kids.append(subprocess.Popen(['sleep', '600']))\nexcept OSError as e:\n"
            "    print('refused after', len(kids))"))}, full=True), score=FULL),
    # -- tricks inside the kernel (item 2) -------------------------------------------------
    Case("isclose", "patches np.isclose to pass Q1 with a wrong answer", answers("isclose", {
        "fulfilment_score": "np.isclose = lambda *a, **k: True\nnp.allclose = lambda *a, **k: "
                            "True\ndef fulfilment_score(*a, **k):\n    return np.zeros(3000)"}),
         score=0, flag=True),
    Case("testing", "patches numpy.testing and pandas.testing", answers("testing", {
        "fulfilment_score": "import numpy.testing, pandas.testing\n"
                            "numpy.testing.assert_allclose = lambda *a, **k: None\n"
                            "pandas.testing.assert_series_equal = lambda *a, **k: None\n"
                            + solution_source("fulfilment_score")}), score=2, flag=True),
    Case("transformer", "an input transformer blanks every later cell", answers(
        "transformer", {"fulfilment_score":
                        "get_ipython().input_transformers_cleanup.append("
                        "lambda lines: ['pass\\n'])"}), score=0, flag=True),
    Case("asttransformer", "an AST transformer removes every assert", answers(
        "asttransformer", {"fulfilment_score": (
            "import ast\nclass NoAsserts(ast.NodeTransformer):\n"
            "    def visit_Assert(self, node):\n        return ast.Pass()\n"
            "get_ipython().ast_transformers.append(NoAsserts())\n"
            "def fulfilment_score(*a, **k):\n    return 0")}), score=0, flag=True),
    Case("quiet", "redefines quiet() to swallow failed asserts", answers("quiet", {
        "fulfilment_score": "import contextlib\n"
                            "quiet = lambda: contextlib.suppress(Exception)"}),
         score=0, flag=True),
    Case("borrowed", "patches course.grading.borrowed to hide a borrowed answer", answers(
        "borrowed", {"fulfilment_score": (
            "import course.grading\ncourse.grading.borrowed = lambda *a: []\n"
            "def fulfilment_score(spend, car, home, scale=3000):\n"
            "    return course.fulfilment_capacity(spend, car, home, scale=scale)")}),
         score=0, flag=True),
    Case("builtins", "patches builtins.all and shadows isinstance", answers("builtins", {
        "fulfilment_score": "import builtins\nbuiltins.all = lambda *a: True\n"
                            "def isinstance(*a):\n    return True\n"
                            "def fulfilment_score(*a, **k):\n    return 0"}), score=0, flag=True),
    Case("alwayseq", "answers with objects that equal anything", answers("alwayseq", {
        "fulfilment_score": (
            "class Anything(float):\n    def __eq__(self, other):\n        return True\n"
            "    def __ne__(self, other):\n        return False\n"
            "def fulfilment_score(*a, **k):\n    return Anything(0)"),
        "points_to_next_tier": solution_source("points_to_next_tier")}),
         score=0, flag=True, zeroed=True),  # Q4 is right, but after the trick nothing counts
    Case("mockany", "answers with unittest.mock.ANY", answers("mockany", {
        "fulfilment_score": "from unittest import mock\n"
                            "def fulfilment_score(*a, **k):\n    return mock.ANY"}),
         score=0, flag=True, zeroed=True),
    Case("traceback", "hides its errors by replacing showtraceback", answers("traceback", {
        "fulfilment_score": "ip = get_ipython()\nip.showtraceback = lambda *a, **k: None\n"
                            "ip._showtraceback = lambda *a, **k: None"}), score=0, flag=True),
    # -- the sandbox (item 1): every attempt is printed by the submission itself -------------
    Case("probe", "tries to read, write and connect outside its folder", answers("probe", {
        "fulfilment_score": "format:" + _with_solution("fulfilment_score", after=PROBE)},
        full=True), score=FULL, probe=(
        "read-solutions BLOCKED", "list-solutions BLOCKED", "write-gradebook BLOCKED",
        "read-gradebook BLOCKED", "read-other-student BLOCKED", "read-home BLOCKED",
        "write-repository BLOCKED", "socket-loopback BLOCKED", "socket-internet BLOCKED",
        "write-own-folder ALLOWED", "write-tmp ALLOWED")),
]
