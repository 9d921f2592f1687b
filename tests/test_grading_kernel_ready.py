"""GuardedExecute's own readiness check (it does not wait for IOPub to fall silent).

The grading kernels start through :meth:`GuardedExecute.async_start_new_kernel_client`,
which declares a kernel ready once it has answered ``kernel_info`` on both the shell and
IOPub channels. These tests run real kernels (no sandbox: what is tested is the client) and
check what that must not change: every cell's outputs are its own, from the first cell on,
a kernel that dies while starting is reported with jupyter_client's own words (the worker
recognises them as a failure that is not the student's). How much sooner it is ready is
measured by ``make bench`` (bench_autograde), not here.
"""

from __future__ import annotations

import json
import sys

import pytest
from nbformat.v4 import new_code_cell, new_notebook

from course.grading.autograde.worker import STARTUP_ERRORS
from course.grading.kernel.guard import GuardedExecute


def _kernel(share, name: str, argv: list[str]) -> str:
    folder = share / "kernels" / name
    folder.mkdir(parents=True)
    (folder / "kernel.json").write_text(json.dumps(
        {"argv": argv, "display_name": name, "language": "python"}))
    return name


@pytest.fixture
def kernels(tmp_path, monkeypatch):
    share = tmp_path / "share"
    monkeypatch.setenv("JUPYTER_PATH", str(share))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "run"))
    return share


def _execute(kernel: str, nb, tmp_path):
    ep = GuardedExecute(kernel_name=kernel, timeout=60, startup_timeout=30,
                        guard_log=str(tmp_path / "guard.jsonl"))
    return ep.preprocess(nb, {"metadata": {"path": str(tmp_path)}})[0], ep


def test_every_cell_gets_its_own_outputs_from_the_first_on(kernels, tmp_path):
    python = _kernel(kernels, "py", [sys.executable, "-m", "ipykernel_launcher", "-f",
                                     "{connection_file}"])
    for attempt in range(3):  # each a new kernel, read as soon as it has answered
        nb = new_notebook(cells=[new_code_cell("print('first')"),
                                 new_code_cell("import sys; print('second', file=sys.stderr)"),
                                 new_code_cell("6 * 7")])
        nb, ep = _execute(python, nb, tmp_path)
        outputs = [[(o.get("name"), o.get("text")) for o in cell.outputs
                    if o["output_type"] == "stream"] for cell in nb.cells]
        assert outputs == [[("stdout", "first\n")], [("stderr", "second\n")], []], attempt
        assert nb.cells[2].outputs[0]["data"]["text/plain"] == "42"
        assert [c.execution_count for c in nb.cells] == [1, 2, 3]
        assert nb.metadata["language_info"]["name"] == "python"


def test_a_kernel_that_dies_while_starting_is_reported_as_jupyter_client_would(kernels,
                                                                              tmp_path):
    dying = _kernel(kernels, "dies", [sys.executable, "-c", "import sys; sys.exit(3)"])
    nb = new_notebook(cells=[new_code_cell("print('never')")])
    with pytest.raises(RuntimeError) as caught:
        _execute(dying, nb, tmp_path)
    assert str(caught.value) == "Kernel died before replying to kernel_info"
    assert any(sign in str(caught.value) for sign in STARTUP_ERRORS)
