"""Helpers that the exercise notebooks' test cells use: silence noise, spot borrowed answers.

They run inside the student's kernel, so this module imports nothing heavy (no nbgrader).
"""

from __future__ import annotations

import builtins
import contextlib
import dis
import functools
import io
import sys
import types
import warnings
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Silence warnings and anything written to stderr for the length of a ``with`` block.

    nbgrader counts any output on stderr in a test cell as a failure, so a harmless warning
    raised by a correct answer (a pandas deprecation, a numpy ``divide by zero``) would cost
    the student the question. Test cells therefore run their checks inside ``with quiet():``.
    Errors (failed ``assert`` statements included) still propagate.

    Examples
    --------
    >>> import warnings
    >>> with quiet():
    ...     warnings.warn("not shown")
    """
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        yield


def _label(obj) -> str:
    module = getattr(obj, "__module__", None) or ""
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None) or repr(obj)
    return f"{module}.{name}" if module else name


_TRANSPARENT = {"CACHE", "EXTENDED_ARG", "NOP", "PRECALL", "COPY_FREE_VARS", "RESUME"}


def _module_attribute(module: types.ModuleType, name: str):
    """``module.name``, or None; read quietly, so a deprecated alias does not warn here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return getattr(module, name, None)


def _aliases(forbidden) -> list:
    """The course's deprecated names for any of ``forbidden`` (``course.auc`` for
    ``course.repayment_auc``, ``course.tier`` for ``course.tiers``): a student using the old
    name borrows just as much."""
    course = sys.modules.get("course")
    renamed = getattr(course, "RENAMED", {}) if course is not None else {}
    extra = []
    for old, new in renamed.items():
        if any(_module_attribute(course, new) is obj for obj in forbidden):
            alias = _module_attribute(course, old)
            if alias is not None:
                extra.append(alias)
    return extra


def _references(code: types.CodeType, scope: dict) -> list:
    """Objects that ``code`` (and code nested in it) names: globals, module attributes, imports.

    Attribute chains are followed only through modules (``course.scoring.tier``), so an
    attribute of a data frame that happens to share a forbidden function's name is ignored.
    """
    reached: list = []
    local: dict[str, object] = {}
    current = importing = None
    last_const = None
    for ins in dis.get_instructions(code):
        op = ins.opname
        if op in _TRANSPARENT:
            continue
        if op == "LOAD_CONST":
            last_const, current = ins.argval, None
            continue
        if op in ("LOAD_GLOBAL", "LOAD_NAME"):
            current = scope.get(ins.argval, getattr(builtins, ins.argval, None))
        elif op in ("LOAD_FAST", "LOAD_DEREF", "LOAD_CLOSURE"):
            current = local.get(ins.argval)
        elif op in ("LOAD_ATTR", "LOAD_METHOD"):
            current = (_module_attribute(current, ins.argval)
                       if isinstance(current, types.ModuleType) else None)
        elif op == "IMPORT_NAME":
            name = ins.argval
            importing = sys.modules.get(name) if last_const else sys.modules.get(
                name.split(".")[0])
            current = importing
        elif op == "IMPORT_FROM":
            current = (_module_attribute(importing, ins.argval)
                       if importing is not None else None)
        elif op.startswith("STORE_") and current is not None:
            local[ins.argval] = current
            current = None
            continue
        else:
            current = None
        if current is not None:
            reached.append(current)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            reached += _references(const, scope)
    return reached


def borrowed(fn: Callable, *forbidden) -> list[str]:
    """Name the ``forbidden`` objects that ``fn`` uses, directly or through its helpers.

    Test cells use it to catch the shortcut of calling a ready-made implementation (the
    course package's reference version, or scikit-learn's) instead of writing the asked-for
    function. It follows what ``fn``'s code refers to: globals, attributes of modules (so
    ``course.tier`` and ``import course.scoring as s; s.tier`` are both found), default
    arguments, closures and other functions defined in the same notebook. It reads code; it
    does not run it.

    Parameters
    ----------
    fn : callable
        The student's function.
    *forbidden
        Functions (or other objects) that ``fn`` must not use.

    Returns
    -------
    list of str
        Dotted names of the forbidden objects used, sorted; empty if none.

    Examples
    --------
    >>> import math
    >>> def hypotenuse(a, b):
    ...     return math.hypot(a, b)
    >>> borrowed(hypotenuse, math.hypot)
    ['math.hypot']
    >>> borrowed(hypotenuse, math.sqrt)
    []
    """
    targets = {id(obj): obj for obj in (*forbidden, *_aliases(forbidden))}
    found: set[str] = set()
    seen: set[int] = set()
    pending: list = [fn]
    home = getattr(fn, "__module__", None)
    while pending:
        obj = pending.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if id(obj) in targets:
            found.add(_label(obj))
            continue
        if isinstance(obj, (classmethod, staticmethod)):
            pending.append(obj.__func__)
            continue
        if isinstance(obj, functools.partial):
            pending.append(obj.func)
            continue
        if isinstance(obj, types.MethodType):
            pending.append(obj.__func__)
            continue
        if not isinstance(obj, types.FunctionType):
            continue
        if obj is not fn and obj.__module__ != home:
            continue  # someone else's function: only its identity matters, checked above
        reached = _references(obj.__code__, obj.__globals__)
        reached += list(obj.__defaults__ or ()) + list((obj.__kwdefaults__ or {}).values())
        for cell in obj.__closure__ or ():
            with contextlib.suppress(ValueError):
                reached.append(cell.cell_contents)
        pending.extend(reached)
    return sorted(found)
