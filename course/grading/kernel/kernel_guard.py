"""The integrity guard that runs inside a grading kernel, around every test cell.

:class:`course.grading.kernel.guard.GuardedExecute` (nbgrader's Execute preprocessor, extended)
calls
these functions through Jupyter ``user_expressions`` — evaluated directly, so that IPython's
input and AST transformers (which a submission may have replaced) never touch them:

* :func:`install`, before the first cell runs: remember the genuine state of everything the
  tests rely on — IPython's input/AST transformers and event callbacks, the methods of the
  shell and kernel classes, every attribute of numpy, numpy.testing, pandas, pandas.testing,
  pandas.api.types, math, the ``course`` package (``course.grading`` included) and builtins,
  and the methods of pandas' Series, DataFrame and Index;
* :func:`capture`, after each locked setup cell: remember the names it defined that the tests
  use (``np``, ``quiet``, ``dims``…), data frames as copies;
* :func:`check`, before and after each test cell: put back anything changed (*neutralised*:
  the test then runs against the genuine helpers) and report it; report what cannot be put
  back (*tampered*): a class defined by the submission whose comparison or conversion methods
  (``__eq__``, ``__bool__``, ``__float__``…) are its own, i.e. objects that can compare equal
  to anything, or ``unittest.mock`` (whose ``ANY`` equals everything).

It imports only the standard library at module level. It defends against a submission that
games the tests, not against one written to defeat this guard (see docs/sandbox.md).
"""

from __future__ import annotations

import builtins
import copy
import json
import os
import sys

_MODULES = ("numpy", "numpy.testing", "pandas", "pandas.testing", "pandas.api.types", "math",
            "builtins", "operator", "functools")
_DUNDERS = ("__eq__", "__ne__", "__bool__", "__float__", "__int__", "__index__", "__abs__",
            "__lt__", "__le__", "__gt__", "__ge__", "__array__", "__array_ufunc__",
            "__array_function__", "__len__", "__round__", "__instancecheck__",
            "__subclasscheck__", "__contains__")
_SHELL_METHODS = ("run_cell", "run_cell_async", "transform_cell", "run_ast_nodes", "run_code",
                  "showtraceback", "_showtraceback", "showsyntaxerror", "should_run_async",
                  "ex", "ev", "user_expressions", "do_execute", "execute_request")
_MISSING = object()
_STATE: dict = {}
#: The folder of the course package: installed code, never the submission's
_COURSE_PACKAGE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _shell():
    from IPython import get_ipython

    return get_ipython()


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _student_folders() -> tuple[list[str], list[str]]:
    """(folders where the submission's code lives, installed-code folders inside them).

    A submission's code is its cells, exec/eval, and files it wrote: in the working folder
    or a temporary folder. Installed code (the standard library, site-packages, this
    package) can sit inside a temporary folder too — a virtual environment or a clone under
    /tmp — and is never the submission's, unless it is as wide as the student's folders.
    """
    if "student_folders" not in _STATE.setdefault("cache", {}):
        import site
        import sysconfig
        import tempfile

        student = {os.path.realpath(f) for f in (os.getcwd(), tempfile.gettempdir(), "/tmp")}
        installed = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
                     _COURSE_PACKAGE}
        for key in ("stdlib", "platstdlib", "purelib", "platlib"):
            installed.add(sysconfig.get_paths().get(key) or "")
        try:
            installed.update(site.getsitepackages())
        except AttributeError:  # pragma: no cover - some virtualenv versions
            pass
        installed = {os.path.realpath(f) for f in installed if f}
        # A folder holding a student folder (a prefix of "/", say) would hide the submission
        installed = [f for f in installed if not any(_inside(s, f) for s in student)]
        _STATE["cache"]["student_folders"] = (sorted(student), installed)
    return _STATE["cache"]["student_folders"]


def _student_file(filename: str) -> bool:
    """Whether code comes from the notebook (a cell, exec/eval, or a file it wrote)."""
    if not filename or filename.startswith("<frozen"):
        return not filename
    if filename.startswith("<"):  # <string>, <stdin>: exec and eval
        return True
    if not os.path.isabs(filename):  # compiled extensions name their sources relatively
        return False
    path = os.path.realpath(filename)
    student, installed = _student_folders()
    if any(_inside(path, folder) for folder in installed):
        return False
    return any(_inside(path, folder) for folder in student)


def _classes():
    seen, stack = set(), [object]
    while stack:
        cls = stack.pop()
        try:
            subs = type.__subclasses__(cls)
        except TypeError:
            continue
        for sub in subs:
            if id(sub) not in seen:
                seen.add(id(sub))
                stack.append(sub)
                yield sub


def _class_dicts(ip) -> dict:
    import pandas as pd

    out = {}
    roots = [pd.Series, pd.DataFrame, pd.Index, type(ip)]
    kernel = getattr(ip, "kernel", None)
    if kernel is not None:
        roots.append(type(kernel))
    for root in roots:
        for cls in root.__mro__:
            if cls is not object and id(cls) not in out:
                out[id(cls)] = (cls, dict(vars(cls)))
    return out


def install(nonce: str, names: list[str]) -> str:
    """Remember the genuine state (before any cell of the submission runs)."""
    import importlib

    ip = _shell()
    modules = {}
    for name in _MODULES:
        try:
            modules[name] = importlib.import_module(name)
        except ImportError:
            continue
    try:
        import course  # noqa: F401
        import course.grading  # noqa: F401
    except ImportError:
        pass
    for name, module in list(sys.modules.items()):
        if (name == "course" or name.startswith("course.")) and module is not None:
            modules[name] = module
    _STATE.clear()
    _STATE.update(
        nonce=nonce, names=list(names), captured={}, data={},
        modules={name: (m, dict(vars(m))) for name, m in modules.items()},
        sys_modules={name: m for name, m in modules.items()},
        classes=_class_dicts(ip),
        transformers={key: list(getattr(ip.input_transformer_manager, key))
                      for key in ("cleanup_transforms", "line_transforms",
                                  "token_transformers")},
        manager=ip.input_transformer_manager,
        post=list(ip.input_transformers_post), ast=list(ip.ast_transformers),
        events={event: list(callbacks) for event, callbacks in ip.events.callbacks.items()},
        excepthook=sys.excepthook, mock="unittest.mock" in sys.modules,
        known_classes={id(c) for c in _classes()},
        instance={id(obj): {name: vars(obj).get(name, _MISSING) for name in _SHELL_METHODS}
                  for obj in (ip, getattr(ip, "kernel", None)) if obj is not None},
    )
    _student_folders()  # worked out now, before the submission's code can change os or sys
    return json.dumps({"nonce": nonce, "ok": True})


def capture() -> str:
    """Remember the values of protected names that a locked setup cell has just defined."""
    ns = _shell().user_ns
    for name in _STATE.get("names", []):
        if name in ns and name not in _STATE["captured"]:
            value = ns[name]
            _STATE["captured"][name] = value
            if _is_data(value):
                _STATE["data"][name] = copy.deepcopy(value)
    return json.dumps({"nonce": _STATE.get("nonce"), "ok": True})


def _is_data(value) -> bool:
    module = type(value).__module__ or ""
    return module.startswith(("pandas", "numpy")) and hasattr(value, "copy")


def _restore_dict(owner, saved: dict, label: str, out: list) -> None:
    current = vars(owner)
    for key, value in saved.items():
        if current.get(key, _MISSING) is not value:
            try:
                setattr(owner, key, value)
                out.append(f"patched {label}.{key}")
            except (AttributeError, TypeError):
                pass
    for key in [k for k in current if k not in saved]:
        if key.startswith("__") and key in ("__warningregistry__", "__loader__", "__spec__"):
            continue
        value = current[key]
        code = getattr(value, "__code__", None)
        if isinstance(owner, type) or (code is not None and _student_file(code.co_filename)):
            try:
                delattr(owner, key)
                out.append(f"added {label}.{key}")
            except (AttributeError, TypeError):
                pass


def check(nonce: str) -> str:
    """Put back what the submission changed; say what was changed and what could not be."""
    ip = _shell()
    neutralised: list[str] = []
    tampered: list[str] = []
    state = _STATE
    if "manager" not in state:
        return json.dumps({"nonce": nonce, "neutralised": [], "tampered": [
            "the grading guard was removed from the kernel"]})
    manager = state["manager"]
    if ip.input_transformer_manager is not manager:
        ip.input_transformer_manager = manager
        neutralised.append("replaced IPython's input transformer manager")
    for key, saved in state["transformers"].items():
        current = getattr(manager, key)
        if current != saved:
            current[:] = saved
            neutralised.append(f"registered an IPython input transformer ({key})")
    if list(ip.input_transformers_post) != state["post"]:
        ip.input_transformers_post[:] = state["post"]
        neutralised.append("registered an IPython input transformer (input_transformers_post)")
    if list(ip.ast_transformers) != state["ast"]:
        ip.ast_transformers[:] = state["ast"]
        neutralised.append("registered an IPython AST transformer")
    for event, callbacks in ip.events.callbacks.items():
        saved = state["events"].get(event, [])
        if list(callbacks) != saved:
            callbacks[:] = saved
            neutralised.append(f"registered an IPython {event!r} event callback")
    if sys.excepthook is not state["excepthook"]:
        sys.excepthook = state["excepthook"]
        neutralised.append("replaced sys.excepthook")
    for obj, label in ((ip, "the IPython shell"), (getattr(ip, "kernel", None), "the kernel")):
        if obj is None:
            continue
        saved = state["instance"].get(id(obj), {})
        for name in _SHELL_METHODS:
            before = saved.get(name, _MISSING)
            if vars(obj).get(name, _MISSING) is not before:
                if before is _MISSING:
                    delattr(obj, name)
                else:
                    vars(obj)[name] = before
                neutralised.append(f"replaced {label}'s {name}")
    for cls, saved in state["classes"].values():
        _restore_dict(cls, saved, f"{cls.__module__}.{cls.__qualname__}", neutralised)
    for name, (module, saved) in state["modules"].items():
        _restore_dict(module, saved, name, neutralised)
        if sys.modules.get(name) is not module:
            sys.modules[name] = module
            neutralised.append(f"replaced the module {name} in sys.modules")
    ns = ip.user_ns
    for name, value in state["captured"].items():
        if name in state["data"]:
            try:
                same = ns.get(name) is value and value.equals(state["data"][name])
            except Exception:  # noqa: BLE001 - a broken frame is not the same frame
                same = False
            if not same:  # put the data back quietly: the tests need the genuine data
                ns[name] = copy.deepcopy(state["data"][name])
        elif ns.get(name, _MISSING) is not value:
            ns[name] = value
            neutralised.append(f"redefined {name!r}, which the tests use")
    for name in state["names"]:
        if name not in state["captured"] and hasattr(builtins, name) and name in ns:
            del ns[name]
            neutralised.append(f"shadowed the built-in {name!r}, which the tests use")
    for cls in _classes():
        if id(cls) in state["known_classes"]:
            continue
        try:
            own = vars(cls)
        except TypeError:
            continue
        if "__dataclass_fields__" in own or "_fields" in own:
            continue
        for dunder in _DUNDERS:
            func = own.get(dunder)
            code = getattr(getattr(func, "__func__", func), "__code__", None)
            if code is not None and _student_file(code.co_filename):
                tampered.append(f"defines a class ({cls.__qualname__}) with its own "
                                f"{dunder}, so its objects can pass any comparison")
                break
    if "unittest.mock" in sys.modules and not state["mock"]:
        tampered.append("imported unittest.mock, whose objects compare equal to anything")
    return json.dumps({"nonce": nonce, "neutralised": sorted(set(neutralised)),
                       "tampered": sorted(set(tampered))})
