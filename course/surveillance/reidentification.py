"""Re-identification: how many people ``k`` points of their payment trace single out.

After de Montjoye et al., "Unique in the shopping mall", *Science* 347 (2015).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from .._checks import as_generator, check_count
from .coarsening import (
    _amount_codes,
    _check_trace,
    _place_codes,
    _time_codes,
    precision_label,
    resolve_precision,
)


def _points(transactions: pd.DataFrame, p: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return consumer ids and, per distinct (person, point) pair, person and point codes."""
    t = _time_codes(transactions["timestamp"], p["time"])
    parts = [t, _place_codes(transactions, p["place"]),
             _amount_codes(transactions["amount_cny"], p["amount"])]
    key = np.zeros(len(transactions), dtype=np.int64)
    for part in parts:
        codes, uniques = pd.factorize(part)
        key = key * len(uniques) + codes  # cardinalities are small: no overflow
    point = pd.factorize(key)[0].astype(np.int64)
    person, ids = pd.factorize(transactions["consumer_id"].to_numpy(), sort=True)
    pair = np.unique(person.astype(np.int64) * (point.max() + 1) + point)  # sorted by person
    return ids, pair // (point.max() + 1), pair % (point.max() + 1)


def _draw(person: np.ndarray, point: np.ndarray, n_people: int, k: int,
          rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw k distinct points per person with at least k; return counts and the draws."""
    n_points = np.bincount(person, minlength=n_people)
    order = np.argsort(person + 0.5 * rng.random(len(person)))  # by person, random within
    start = np.cumsum(n_points) - n_points
    rank = np.arange(len(order)) - start[person[order]]
    take = order[(rank < k) & (n_points[person[order]] >= k)]
    return n_points, person[take], point[take]


def _count_matches(person: np.ndarray, point: np.ndarray, n_people: int,
                   drawn_person: np.ndarray, drawn_point: np.ndarray, k: int,
                   chunk: int = 500) -> tuple[np.ndarray, np.ndarray]:
    """For each person with draws, count the people whose traces hold all k drawn points."""
    n_pts = int(point.max()) + 1
    from scipy import sparse  # imported here: keeps `import course` light in grading kernels

    held = sparse.csr_matrix((np.ones(len(person), dtype=np.int32), (point, person)),
                             shape=(n_pts, n_people))
    targets = np.unique(drawn_person)
    row = np.searchsorted(targets, drawn_person)
    drawn = sparse.csr_matrix((np.ones(len(row), dtype=np.int32), (row, drawn_point)),
                              shape=(len(targets), n_pts))
    matches = np.empty(len(targets), dtype=np.int64)
    for lo in range(0, len(targets), chunk):
        # shared[i, j]: how many of target i's drawn points person j also holds
        shared = (drawn[lo:lo + chunk] @ held).tocsr()
        rows = np.repeat(np.arange(shared.shape[0]), np.diff(shared.indptr))
        matches[lo:lo + chunk] = np.bincount(rows[shared.data == k], minlength=shared.shape[0])
    return targets, matches


def _anonymity(transactions, k, precision, rng) -> tuple[pd.DataFrame, int]:
    p = resolve_precision(precision)
    k = check_count(k, "k", minimum=1)
    ids, person, point = _points(_check_trace(transactions), p)
    n_points, drawn_person, drawn_point = _draw(person, point, len(ids), k, rng)
    if len(drawn_person) == 0:
        raise ValueError(
            f"nobody has {k} distinct points at precision {precision_label(p)!r} (the most "
            f"anyone has is {n_points.max()}); choose k <= {n_points.max()} or a finer precision."
        )
    targets, matches = _count_matches(person, point, len(ids), drawn_person, drawn_point, k)
    sets = pd.DataFrame(
        {"n_points": n_points[targets], "matches": matches, "unique": matches == 1},
        index=pd.Index(ids[targets], name="consumer_id"),
    )
    return sets, int((n_points < k).sum())


def anonymity_sets(transactions: pd.DataFrame, *, k: int,
                   precision: str | Mapping | None = None,
                   seed: int | np.random.Generator | None = None) -> pd.DataFrame:
    """For each person, how many people's traces contain ``k`` random points of theirs.

    For every person the function draws ``k`` distinct points of their own trace (a point is
    a payment recorded at ``precision``; payments that look alike at that precision are one
    point), then counts the people whose traces contain all ``k`` of them, themselves
    included. A count of 1 means the ``k`` points single the person out.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Payments, as from :func:`course.make_transactions`. Pass
        ``transactions[transactions["channel"] == "platform"]`` for what Lotus Pay holds.
    k : int
        Points known to the attacker, at least 1.
    precision : str or dict, optional
        See the module docstring; default ``"day_merchant"``.
    seed : int, numpy.random.Generator or None
        Seed for the random draw of points.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``consumer_id``: ``n_points`` (distinct points at this precision),
        ``matches`` (people holding all k drawn points, >= 1) and ``unique`` (matches == 1).
        People with fewer than ``k`` distinct points cannot be given ``k`` points and are
        **left out**; :func:`unicity_table` counts them.

    Raises
    ------
    ValueError
        If ``k < 1``, the trace is empty, the precision is unknown, or nobody has ``k``
        distinct points.

    Examples
    --------
    >>> from course import load_dataset
    >>> sets = anonymity_sets(load_dataset("transactions"), k=4, seed=1)
    >>> bool(sets["matches"].min() >= 1)
    True
    """
    return _anonymity(transactions, k, precision, as_generator(seed))[0]


def unicity(transactions: pd.DataFrame, *, k: int, precision: str | Mapping | None = None,
            seed: int | np.random.Generator | None = None) -> float:
    """Share of people uniquely identified by ``k`` random points of their trace.

    The method of de Montjoye et al. (2015), vectorised: see :func:`anonymity_sets`. It is
    the mean of ``anonymity_sets(...)["unique"]`` with the same seed. People with fewer than
    ``k`` distinct points at this precision are left out of the share (never NaN); see
    :func:`unicity_table` for how many.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Payments, as from :func:`course.make_transactions`.
    k : int
        Points known to the attacker, at least 1.
    precision : str or dict, optional
        A preset in ``PRECISIONS`` or a dict with keys time, place, amount; default
        ``"day_merchant"``.
    seed : int, numpy.random.Generator or None
        Seed for the random draw of points.

    Returns
    -------
    float
        Between 0 and 1.

    Examples
    --------
    >>> from course import load_dataset
    >>> trace = load_dataset("transactions")
    >>> unicity(trace, k=4, precision="day_merchant", seed=1) > 0.8
    True
    >>> unicity(trace, k=4, precision="month_category", seed=1) < 0.5
    True
    """
    return float(anonymity_sets(transactions, k=k, precision=precision, seed=seed)["unique"]
                 .mean())


def unicity_table(transactions: pd.DataFrame, *, ks: Iterable[int] = range(1, 9),
                  precisions: Iterable[str | Mapping] = ("day_merchant",),
                  seed: int | np.random.Generator | None = None) -> pd.DataFrame:
    """Unicity for several ``k`` and precisions, as one tidy frame.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Payments.
    ks : iterable of int
        Numbers of points the attacker knows.
    precisions : iterable of str or dict
        Presets or precision dicts (see :func:`resolve_precision`).
    seed : int, numpy.random.Generator or None
        Seed of the draws.

    Returns
    -------
    pandas.DataFrame
        One row per (precision, k): ``precision`` (the preset name, or a label for a dict),
        ``k``, ``n_people`` (people in the trace), ``n_excluded`` (fewer than k distinct
        points; left out), ``n_unique`` and ``unicity`` (n_unique / (n_people - n_excluded)).

    Examples
    --------
    >>> from course import load_dataset
    >>> table = unicity_table(load_dataset("transactions"), ks=[1, 4], seed=1)
    >>> bool(table["unicity"].is_monotonic_increasing)
    True
    """
    rng = as_generator(seed)
    ks = list(ks)
    precisions = list(precisions)
    if not ks or not precisions:
        raise ValueError("give at least one k and one precision.")
    rows = []
    for precision in precisions:
        name = precision if isinstance(precision, str) else precision_label(precision)
        for k in ks:
            sets, excluded = _anonymity(transactions, k, precision, rng)
            rows.append({"precision": name, "k": int(k), "n_people": len(sets) + excluded,
                         "n_excluded": excluded, "n_unique": int(sets["unique"].sum()),
                         "unicity": float(sets["unique"].mean())})
    return pd.DataFrame(rows)
