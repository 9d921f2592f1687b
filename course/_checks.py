"""Input checks shared by the package: one place that says what is wrong and what to do."""

from __future__ import annotations

import numbers
from collections.abc import Iterable

import numpy as np
import pandas as pd

SeedLike = "int | numpy.random.Generator | None"


def as_generator(seed: int | np.random.Generator | None) -> np.random.Generator:
    """Turn the package's one seeding convention into a numpy Generator.

    Parameters
    ----------
    seed : int, numpy.random.Generator or None
        An int gives a reproducible stream, a Generator is used as it is (and advanced),
        None draws fresh entropy from the operating system.
    """
    if seed is None:
        return np.random.default_rng()
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral):
        raise TypeError(
            f"seed must be an int, a numpy.random.Generator or None, not {type(seed).__name__} "
            f"({seed!r}); for example seed=42."
        )
    if seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed}; for example seed=42.")
    return np.random.default_rng(int(seed))


def check_count(value, name: str, *, minimum: int = 1) -> int:
    """Return ``value`` as an int, or raise if it is not a whole number >= ``minimum``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        if isinstance(value, numbers.Real) and float(value).is_integer():
            hint = f"; use {name}={int(value)}"
        else:
            hint = ""
        raise TypeError(f"{name} must be a whole number (int), got {value!r}{hint}.")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}.")
    return int(value)


def check_frame(frame, name: str, required: Iterable[str], *,
                hint: str | None = None) -> pd.DataFrame:
    """Check that ``frame`` is a DataFrame holding the ``required`` columns.

    ``hint`` says where a correct frame comes from; by default the generator and loader of
    the same name (``course.make_<name>()`` and ``course.load_dataset(<name>)``).
    """
    if hint is None:
        hint = f"course.make_{name}() or course.load_dataset({name!r})"
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(
            f"{name} must be a pandas DataFrame, got {type(frame).__name__}; use {hint}."
        )
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{name} is missing the column(s) {', '.join(missing)}; "
            f"it has {', '.join(map(str, frame.columns)) or 'no columns'}. "
            f"Pass the frame that {hint} returns."
        )
    return frame
