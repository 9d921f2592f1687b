"""nbgrader's Execute preprocessor with an integrity guard around every test cell.

nbgrader puts the genuine test cells back from the gradebook, but the submission's own code
runs first, in the same kernel, and can change what those tests do: register IPython input
or AST transformers, patch ``numpy.testing`` or ``np.isclose``, rebind ``quiet``, return
objects that equal anything. :class:`GuardedExecute` runs :mod:`course.grading.kernel.kernel_guard`
in the kernel — installed before the first cell, then before and after each test cell — to
put all that back and to report it. Its findings go, one JSON object a line, to
``guard_log``; :func:`read_guard_log` turns them into the questions to score zero and the
reasons to flag the submission for manual review:

* **neutralised** (put back before the test ran, e.g. a patched ``np.isclose``): the test ran
  against the genuine helpers, so its result stands; the submission is flagged.
* **tampered** (cannot be put back, e.g. a class with its own ``__eq__``), or anything found
  *after* a test cell (the test itself triggered the trick): that question and every later one
  score zero, and the submission is flagged.

The guard calls travel as Jupyter ``user_expressions``, which IPython evaluates without its
input transformers; a guard call that fails or does not echo its nonce counts as tampering.
"""

from __future__ import annotations

import ast
import builtins
import json
import secrets
import time
from pathlib import Path
from queue import Empty

from jupyter_core.utils import ensure_async, run_sync
from nbclient.util import run_hook
from nbgrader.preprocessors import Execute
from traitlets import Unicode

_GUARD = "__import__('course.grading.kernel.kernel_guard', fromlist=['_'])"


class GuardError(RuntimeError):
    """The kernel stopped answering the guard (it ignores interrupts, or it is stuck)."""


class GuardStartError(RuntimeError):
    """The guard could not start in the kernel, before any of the submission's code ran.

    That is never the student's doing (nothing of theirs has run yet): grading failed, and the
    submission is graded again on the next run, not scored as tampering.
    """


def _names(source: str) -> tuple[set[str], set[str]]:
    """(names loaded, names stored or imported) by a cell's code; empty if it does not parse."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set(), set()
    loads, stores = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loads if isinstance(node.ctx, ast.Load) else stores).add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                stores.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            stores.add(node.name)
    return loads, stores


def protected_names(nb) -> list[str]:
    """Names the test cells use that come from locked setup cells or from builtins."""
    loads, setup, local = set(), set(), set()
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {}) or {}
        if cell.get("cell_type") != "code":
            continue
        if meta.get("grade") and not meta.get("solution"):
            used, made = _names(cell.source)
            loads |= used
            local |= made
        elif meta.get("locked") and not meta.get("solution"):
            setup |= _names(cell.source)[1]
    return sorted((loads - local) & (setup | set(dir(builtins))))


class GuardedExecute(Execute):
    """Execute, with the integrity guard before the first cell and around each test cell."""

    guard_log = Unicode("", help="file to append the guard's findings to (JSON lines)"
                        ).tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        self._guard_names = protected_names(nb)
        self._guard_ready = False
        return super().preprocess(nb, resources, km=km)

    def _record(self, entry: dict) -> None:
        if self.guard_log:
            with open(self.guard_log, "a", encoding="utf-8") as log:
                log.write(json.dumps(entry) + "\n")

    async def _guard(self, call: str) -> dict:
        nonce = secrets.token_hex(8)
        expression = f"{_GUARD}.{call.replace('NONCE', repr(nonce))}"
        msg_id = await ensure_async(self.kc.execute(
            "", silent=True, store_history=False, user_expressions={"guard": expression}))
        reply = await self.async_wait_for_reply(msg_id)
        if reply is None:
            raise GuardError("a cell ran past its time limit and would not stop when "
                             "interrupted (an endless loop that ignores KeyboardInterrupt?)")
        content = reply.get("content", {})
        value = content.get("user_expressions", {}).get("guard", {})
        if content.get("status") != "ok" or value.get("status") != "ok":
            reason = value.get("ename") or content.get("ename") or "no answer"
            detail = value.get("evalue") or content.get("evalue") or ""
            return {"neutralised": [], "could_not_run": f"{reason}: {detail}"[:300],
                    "tampered": [f"the grading guard could not run ({reason}): the kernel was "
                                 "tampered with"]}
        try:
            found = json.loads(ast.literal_eval(value["data"]["text/plain"]))
        except (KeyError, ValueError, SyntaxError, TypeError):
            found = {}
        if found.get("nonce") != nonce:
            return {"neutralised": [], "tampered": [
                "the grading guard's answer was forged: the kernel was tampered with"]}
        return found

    async def async_execute_cell(self, cell, cell_index, execution_count=None,
                                 store_history=True):
        meta = cell.get("metadata", {}).get("nbgrader", {}) or {}
        code = cell.cell_type == "code" and cell.source.strip()
        if code and not self._guard_ready:
            self._guard_ready = True
            found = await self._guard(f"install(NONCE, {self._guard_names!r})")
            if found.get("could_not_run"):  # nothing of the submission has run yet
                self._record({"phase": "install", "grade_id": None,
                              "failed": found["could_not_run"]})
                raise GuardStartError(f"the grading guard could not start in the kernel "
                                      f"({found['could_not_run']})")
            self._record({"phase": "install", "grade_id": None, "started": True,
                          "neutralised": [], "tampered": found.get("tampered", [])})
        test = code and meta.get("grade") and not meta.get("solution")
        if test:
            found = await self._guard("check(NONCE)")
            self._record({"phase": "before", "grade_id": meta.get("grade_id"), **found})
        result = await super().async_execute_cell(cell, cell_index, execution_count,
                                                  store_history)
        if test:
            found = await self._guard("check(NONCE)")
            self._record({"phase": "after", "grade_id": meta.get("grade_id"), **found})
        elif code and meta.get("locked") and not meta.get("solution"):
            await self._guard("capture()")
        return result

    async def async_start_new_kernel_client(self):
        """nbclient's, without jupyter_client's fifth of a second of waiting for nothing.

        ``wait_for_ready`` ends by reading IOPub until it has been silent for 0.2 s, in every
        grading job, while nothing runs. Here the kernel is ready once it has answered a
        ``kernel_info`` request on the shell channel *and* its status for that request has
        come on IOPub: IOPub is connected, which is what that wait is for. Messages that come
        later are told apart by their parent request, as nbclient does for every cell.
        """
        self.kc = self.km.client()
        await ensure_async(self.kc.start_channels())
        try:
            await self._until_ready(self.startup_timeout)
        except Exception:
            await self._async_cleanup_kernel()
            raise
        self.kc.allow_stdin = False
        await run_hook(self.on_notebook_start, notebook=self.nb)
        return self.kc

    async def _until_ready(self, timeout: float) -> None:
        kc, deadline = self.kc, time.monotonic() + timeout

        async def answer(channel, asked: set[str], seconds: float) -> dict | None:
            """The next message on ``channel`` that answers one of the requests ``asked``,
            within ``seconds``."""
            end = time.monotonic() + seconds
            while (left := end - time.monotonic()) > 0:
                try:
                    msg = await ensure_async(channel.get_msg(timeout=left))
                except Empty:
                    return None
                if msg.get("parent_header", {}).get("msg_id") in asked:
                    return msg
            return None

        asked: set[str] = set()  # a late answer to an earlier request counts too
        while True:
            asked.add(kc.kernel_info())
            reply = await answer(kc.shell_channel, asked, 1.0)
            if reply is not None and await answer(kc.iopub_channel, asked, 0.2) is not None:
                adapt = getattr(kc, "_handle_kernel_info_reply", None)  # jupyter_client's own
                if adapt is not None:
                    adapt(reply)  # takes the kernel's protocol version, as wait_for_ready does
                return
            if not await ensure_async(self.km.is_alive()):
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

    # nbclient binds the sync wrappers to its own coroutines; bind them to ours
    execute_cell = run_sync(async_execute_cell)
    start_new_kernel_client = run_sync(async_start_new_kernel_client)


def guard_start(path: Path) -> tuple[bool, str | None]:
    """(whether the guard started, why it could not) from a guard log."""
    if not Path(path).is_file():
        return False, None
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("phase") == "install":
            return bool(entry.get("started")), entry.get("failed")
    return False, None


def read_guard_log(path: Path) -> tuple[set[str], list[str]]:
    """(grade ids to score zero, reasons to flag for manual review) from a guard log."""
    zero: set[str] = set()
    reasons: list[str] = []
    spoiled = False
    if not Path(path).is_file():
        return zero, reasons
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        grade_id = entry.get("grade_id")
        neutralised, tampered = entry.get("neutralised", []), entry.get("tampered", [])
        for reason in neutralised + tampered:
            if reason not in reasons:
                reasons.append(reason)
        if tampered or (entry.get("phase") == "after" and neutralised):
            spoiled = True
        if spoiled and grade_id:
            zero.add(grade_id)
    return zero, reasons
