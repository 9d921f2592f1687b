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

#: Largest table of holder bitsets (points x 64-person words) that counting matches uses.
BITSET_WORDS = 1 << 21
_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], dtype=np.int64)


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


def _order(person: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Pairs by person, in a random order within each person (one draw of the generator)."""
    return np.argsort(person + 0.5 * rng.random(len(person)))


def _take(person: np.ndarray, point: np.ndarray, n_points: np.ndarray, order: np.ndarray,
          k: int) -> tuple[np.ndarray, np.ndarray]:
    """The first k points in ``order`` of each person with at least k (by person)."""
    start = np.cumsum(n_points) - n_points
    rank = np.arange(len(order)) - start[person[order]]
    take = order[(rank < k) & (n_points[person[order]] >= k)]
    return person[take], point[take]


def _draw(person: np.ndarray, point: np.ndarray, n_people: int, k: int,
          rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw k distinct points per person with at least k; return counts and the draws."""
    n_points = np.bincount(person, minlength=n_people)
    return (n_points, *_take(person, point, n_points, _order(person, rng), k))


class _Holders:
    """Who holds each point: the k-independent index :func:`_count_matches` searches.

    Few points (coarse precisions, each held by many people): one bitset of holders per
    point, so a target's matches are the bits set in the AND of its k points' bitsets. Many
    points (fine precisions, each held by few): the holders of the target's rarest point are
    the candidates, and each is checked for the other points in the sorted (person, point)
    codes.
    """

    def __init__(self, person: np.ndarray, point: np.ndarray, n_people: int):
        self.n_pts = int(point.max()) + 1
        self.code = np.sort(person.astype(np.int64) * self.n_pts + point)
        self.count = np.bincount(point, minlength=self.n_pts)
        self.start = np.concatenate([[0], np.cumsum(self.count)])
        self.holders = person[np.argsort(point, kind="stable")]
        words = (n_people + 63) // 64
        self.bits = None
        if self.n_pts * words <= BITSET_WORDS:
            bits = np.zeros(self.n_pts * words, dtype=np.uint64)
            np.bitwise_or.at(bits, point * words + (person >> 6),
                             np.left_shift(np.uint64(1), (person & 63).astype(np.uint64)))
            self.bits = bits.reshape(self.n_pts, words)

    def matches(self, points: np.ndarray) -> np.ndarray:
        """For each row of ``points`` (a target's k drawn points), the people holding all."""
        if self.bits is not None:
            return self._by_bits(points)
        return self._by_candidates(points)

    def _by_bits(self, points: np.ndarray) -> np.ndarray:
        out = np.empty(len(points), dtype=np.int64)
        step = max(1, BITSET_WORDS // (points.shape[1] * self.bits.shape[1]))
        for lo in range(0, len(points), step):
            common = np.bitwise_and.reduce(self.bits[points[lo:lo + step]], axis=1)
            out[lo:lo + step] = _POPCOUNT[common.view(np.uint8)].sum(axis=1)
        return out

    def _by_candidates(self, points: np.ndarray) -> np.ndarray:
        rows = np.arange(len(points))
        rarest = points[rows, np.argmin(self.count[points], axis=1)]
        size = self.count[rarest]
        owner = np.repeat(rows, size)
        first = np.repeat(self.start[rarest] - (np.cumsum(size) - size), size)
        candidate = self.holders[first + np.arange(len(owner))].astype(np.int64)
        held = np.ones(len(owner), dtype=bool)
        for column in points.T:
            code = candidate * self.n_pts + column[owner]
            where = np.minimum(np.searchsorted(self.code, code), len(self.code) - 1)
            held &= self.code[where] == code
        return np.bincount(owner[held], minlength=len(points))


def _count_matches(person: np.ndarray, point: np.ndarray, n_people: int,
                   drawn_person: np.ndarray, drawn_point: np.ndarray, k: int,
                   holders: _Holders | None = None) -> tuple[np.ndarray, np.ndarray]:
    """For each person with draws, count the people whose traces hold all k drawn points.

    The draws come from :func:`_draw`: k per target, grouped by target. ``holders`` is the
    index of ``person`` and ``point`` (built here if not given).
    """
    if holders is None:
        holders = _Holders(person, point, n_people)
    return drawn_person[::k], holders.matches(drawn_point.reshape(-1, k))


class PreparedTrace:
    """A payment trace's points at one precision, kept to measure unicity at any ``k`` fast.

    What does not depend on ``k`` is done once, here: recording each payment at
    ``precision`` (the factorisation into points), the index of who holds each point, and,
    for each int seed asked for, the random order the points are drawn in. :meth:`unicity`
    then draws and counts for one ``k``; it gives exactly what :func:`unicity` gives for the
    same trace, ``k``, precision and int seed.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Payments.
    precision : str or dict, optional
        As for :func:`unicity`; default ``"day_merchant"``.

    Examples
    --------
    >>> from course import load_dataset
    >>> trace = load_dataset("transactions")
    >>> prepared = PreparedTrace(trace, "month_category")
    >>> prepared.unicity(4, seed=1) == unicity(trace, k=4, precision="month_category", seed=1)
    True
    """

    def __init__(self, transactions: pd.DataFrame, precision: str | Mapping | None = None):
        self.precision = resolve_precision(precision)
        self.ids, self.person, self.point = _points(_check_trace(transactions), self.precision)
        self.n_points = np.bincount(self.person, minlength=len(self.ids))
        self.holders = _Holders(self.person, self.point, len(self.ids))
        self._orders: dict[int, np.ndarray] = {}

    def _order(self, seed: int | np.random.Generator | None) -> np.ndarray:
        rng = as_generator(seed)
        if isinstance(seed, np.random.Generator) or seed is None:
            return _order(self.person, rng)
        if seed not in self._orders:
            self._orders[seed] = _order(self.person, rng)
        return self._orders[seed]

    def anonymity(self, k: int, seed: int | np.random.Generator | None = None
                  ) -> tuple[pd.DataFrame, int]:
        """:func:`anonymity_sets` at ``k``, and how many people have fewer than k points."""
        k = check_count(k, "k", minimum=1)
        matches, drawn = self._matches(k, self._order(seed))
        sets = pd.DataFrame(
            {"n_points": self.n_points[drawn], "matches": matches, "unique": matches == 1},
            index=pd.Index(self.ids[drawn], name="consumer_id"))
        return sets, int((self.n_points < k).sum())

    def unicity(self, k: int, seed: int | np.random.Generator | None = None) -> float:
        """:func:`unicity` at ``k`` (the same number), reusing the work that k leaves alone."""
        k = check_count(k, "k", minimum=1)
        return float((self._matches(k, self._order(seed))[0] == 1).mean())

    def _matches(self, k: int, order: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        drawn_person, drawn_point = _take(self.person, self.point, self.n_points, order, k)
        if len(drawn_person) == 0:
            most = self.n_points.max()
            raise ValueError(
                f"nobody has {k} distinct points at precision "
                f"{precision_label(self.precision)!r} (the most anyone has is {most}); "
                f"choose k <= {most} or a finer precision.")
        targets, matches = _count_matches(self.person, self.point, len(self.ids),
                                          drawn_person, drawn_point, k, self.holders)
        return matches, targets


def _anonymity(transactions, k, precision, rng) -> tuple[pd.DataFrame, int]:
    resolve_precision(precision)
    check_count(k, "k", minimum=1)
    return PreparedTrace(transactions, precision).anonymity(k, rng)


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
        prepared = PreparedTrace(transactions, precision)  # once for every k
        for k in ks:
            sets, excluded = prepared.anonymity(k, rng)
            rows.append({"precision": name, "k": int(k), "n_people": len(sets) + excluded,
                         "n_excluded": excluded, "n_unique": int(sets["unique"].sum()),
                         "unicity": float(sets["unique"].mean())})
    return pd.DataFrame(rows)
