"""Surveillance: what the platform holds, what it can infer, and who its traces identify.

Four tools, each a pure function over the course's tidy frames:

* :func:`footprint` — data points held per person, by source (payments, bills, identity,
  friendships);
* :func:`infer_trait` — predict a private trait (parenthood, heavy gaming) from what people
  buy, and say how well it works compared with guessing;
* :func:`unicity` — the share of people singled out by ``k`` random points of their payment
  trace, at a chosen coarseness of time, place and amount (de Montjoye et al., "Unique in the
  shopping mall", *Science* 347, 2015);
* :func:`minimisation` — keep less (drop a source, coarsen a field) and report what the score
  loses in AUC and what privacy gains in footprint and unicity.

**Precision** (how coarsely a payment is recorded) is a dict with up to three keys, or the
name of a preset in ``PRECISIONS``:

========  ===============================================================================
key       values
========  ===============================================================================
time      ``"exact"`` (to the second), ``"minute"``, ``"hour"``, ``"day"``, ``"week"``
          (Monday to Sunday), ``"month"``, or ``None`` (time not kept)
place     ``"merchant"``, ``"category"`` (what kind of shop, not which), or ``None``
amount    ``"exact"`` (to the fen), a bin width in CNY such as ``10`` (amounts in the same
          bin look alike), or ``None`` (amount not kept)
========  ===============================================================================

Keys left out take the values of ``"day_merchant"``, the paper's main setting (time to the
day, place to the shop, amount not kept).
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from ._checks import as_generator, check_count, check_frame
from .dimensions import DIMENSIONS, dimensions_from_view, platform_view
from .scoring import auc, lotus_score
from .traces import CATEGORY_NAMES

TIME_PRECISIONS = ("exact", "minute", "hour", "day", "week", "month", None)
PLACE_PRECISIONS = ("merchant", "category", None)

#: Named precisions: how coarsely each payment is recorded.
PRECISIONS: dict[str, dict] = {
    "exact": {"time": "exact", "place": "merchant", "amount": "exact"},
    "day_merchant_amount": {"time": "day", "place": "merchant", "amount": 10},
    "day_merchant": {"time": "day", "place": "merchant", "amount": None},
    "week_merchant": {"time": "week", "place": "merchant", "amount": None},
    "month_merchant": {"time": "month", "place": "merchant", "amount": None},
    "day_category": {"time": "day", "place": "category", "amount": None},
    "week_category": {"time": "week", "place": "category", "amount": None},
    "month_category": {"time": "month", "place": "category", "amount": None},
}
DEFAULT_PRECISION = "day_merchant"

FOOTPRINT_SOURCES = ["payments", "bills", "identity", "friendships"]
_IDENTITY_FLAGS = ["verified_id", "verified_degree", "verified_car", "verified_property"]
_TRACE_COLUMNS = ["consumer_id", "timestamp", "merchant_id", "category", "amount_cny"]


# ---------------------------------------------------------------------------- precision


def _check_amount(amount):
    if amount is None or amount == "exact":
        return amount
    if isinstance(amount, (bool, np.bool_)) or not isinstance(amount, numbers.Real) or not (
            np.isfinite(amount) and amount > 0):
        raise ValueError(
            f"unknown amount precision {amount!r}; use 'exact', None (amount not kept) or a "
            "positive bin width in CNY such as 10."
        )
    return float(amount)


def resolve_precision(precision: str | Mapping | None = None) -> dict:
    """Turn a preset name or a partial dict into a full ``{"time", "place", "amount"}`` dict.

    Raises
    ------
    ValueError
        For an unknown preset, key or value; the message lists the valid ones.

    Examples
    --------
    >>> resolve_precision({"time": "week"})
    {'time': 'week', 'place': 'merchant', 'amount': None}
    """
    if precision is None:
        precision = DEFAULT_PRECISION
    if isinstance(precision, str):
        if precision not in PRECISIONS:
            raise ValueError(
                f"unknown precision {precision!r}; the presets are {', '.join(PRECISIONS)}, "
                "or give a dict such as {'time': 'day', 'place': 'merchant', 'amount': None}."
            )
        return dict(PRECISIONS[precision])
    if not isinstance(precision, Mapping):
        raise TypeError(
            f"precision must be a preset name ({', '.join(PRECISIONS)}) or a dict with keys "
            f"time, place, amount; got {type(precision).__name__}."
        )
    unknown = [key for key in precision if key not in ("time", "place", "amount")]
    if unknown:
        raise ValueError(
            f"unknown precision key(s) {', '.join(map(repr, unknown))}; the keys are time, "
            "place and amount."
        )
    full = {**PRECISIONS[DEFAULT_PRECISION], **precision}
    if full["time"] not in TIME_PRECISIONS:
        raise ValueError(
            f"unknown time precision {full['time']!r}; choose one of "
            f"{', '.join(map(repr, TIME_PRECISIONS))}."
        )
    if full["place"] not in PLACE_PRECISIONS:
        raise ValueError(
            f"unknown place precision {full['place']!r}; choose one of "
            f"{', '.join(map(repr, PLACE_PRECISIONS))}."
        )
    full["amount"] = _check_amount(full["amount"])
    return full


def precision_label(precision: str | Mapping | None = None) -> str:
    """Describe a precision in words, e.g. ``"day, merchant"`` or ``"day, merchant, 10 CNY"``."""
    p = resolve_precision(precision)
    parts = [p["time"] or "no time", p["place"] or "no place"]
    if p["amount"] == "exact":
        parts.append("exact amount")
    elif p["amount"] is not None:
        parts.append(f"{p['amount']:g} CNY")
    return ", ".join(parts)


def _check_trace(transactions) -> pd.DataFrame:
    check_frame(transactions, "transactions", _TRACE_COLUMNS)
    if len(transactions) == 0:
        raise ValueError(
            "transactions is empty: there is no trace to match; pass payments from "
            "course.make_transactions() or course.load_dataset('transactions')."
        )
    if not pd.api.types.is_datetime64_any_dtype(transactions["timestamp"]):
        raise TypeError(
            "transactions['timestamp'] must hold dates and times; convert it with "
            "pd.to_datetime(transactions['timestamp'])."
        )
    return transactions


def _time_codes(stamps: pd.Series, time) -> np.ndarray:
    if time is None:
        return np.zeros(len(stamps), dtype=np.int64)
    values = stamps.to_numpy().astype("datetime64[s]")
    if time == "week":
        days = values.astype("datetime64[D]").astype(np.int64)
        return (days + 3) // 7  # 1970-01-01 was a Thursday: weeks start on Mondays
    unit = {"exact": "s", "minute": "m", "hour": "h", "day": "D", "month": "M"}[time]
    return values.astype(f"datetime64[{unit}]").astype(np.int64)


def _place_codes(transactions: pd.DataFrame, place) -> np.ndarray:
    if place is None:
        return np.zeros(len(transactions), dtype=np.int64)
    if place == "merchant":
        return transactions["merchant_id"].to_numpy(dtype=np.int64)
    return pd.factorize(transactions["category"].astype(str))[0].astype(np.int64)


def _amount_codes(amounts: pd.Series, amount) -> np.ndarray:
    values = amounts.to_numpy(dtype=float)
    if amount is None:
        return np.zeros(len(values), dtype=np.int64)
    if amount == "exact":
        return np.rint(values * 100).astype(np.int64)
    return np.floor(values / amount).astype(np.int64)


def coarsen(transactions: pd.DataFrame, precision: str | Mapping | None = None) -> pd.DataFrame:
    """Record each payment only as precisely as ``precision`` allows.

    Parameters
    ----------
    transactions : pandas.DataFrame
        From :func:`course.make_transactions` or ``course.load_dataset("transactions")``.
    precision : str or dict, optional
        A preset in ``PRECISIONS`` or a dict (see the module docstring); default
        ``"day_merchant"``.

    Returns
    -------
    pandas.DataFrame
        ``consumer_id`` plus the kept fields: ``time`` (start of the day, week or month),
        ``place`` (merchant id or category) and ``amount_cny`` (lower edge of the bin). A
        field that is not kept is left out.

    Examples
    --------
    >>> from course import load_dataset
    >>> list(coarsen(load_dataset("transactions"), "week_category").columns)
    ['consumer_id', 'time', 'place']
    """
    p = resolve_precision(precision)
    check_frame(transactions, "transactions", _TRACE_COLUMNS)
    out = pd.DataFrame({"consumer_id": transactions["consumer_id"].to_numpy()},
                       index=transactions.index)
    if p["time"] is not None:
        stamps = transactions["timestamp"]
        if p["time"] == "week":
            day = stamps.dt.floor("D")
            out["time"] = day - pd.to_timedelta(day.dt.day_of_week, unit="D")
        elif p["time"] == "month":
            out["time"] = stamps.dt.to_period("M").dt.start_time
        elif p["time"] != "exact":
            out["time"] = stamps.dt.floor({"minute": "min", "hour": "h", "day": "D"}[p["time"]])
        else:
            out["time"] = stamps
    if p["place"] == "merchant":
        out["place"] = transactions["merchant_id"].to_numpy()
    elif p["place"] == "category":
        out["place"] = transactions["category"].to_numpy()
    if p["amount"] == "exact":
        out["amount_cny"] = transactions["amount_cny"].round(2).to_numpy()
    elif p["amount"] is not None:
        out["amount_cny"] = np.floor(transactions["amount_cny"].to_numpy() / p["amount"]) \
            * p["amount"]
    return out


# ---------------------------------------------------------------------------- unicity


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


# ---------------------------------------------------------------------------- footprint


def _months(transactions: pd.DataFrame, months: int | None) -> int:
    if months is not None:
        return check_count(months, "months", minimum=1)
    if len(transactions) == 0:
        raise ValueError("transactions is empty, so the period is unknown; pass months=6 (say).")
    stamps = transactions["timestamp"]
    return (stamps.max().year - stamps.min().year) * 12 + stamps.max().month \
        - stamps.min().month + 1


def _check_channel(channel: str) -> str:
    if channel not in ("platform", "all"):
        raise ValueError(f"channel must be 'platform' (what Lotus Pay sees) or 'all', "
                         f"got {channel!r}.")
    return channel


def footprint(population: pd.DataFrame, transactions: pd.DataFrame,
              friendships: pd.DataFrame, *, channel: str = "platform",
              months: int | None = None) -> pd.DataFrame:
    """Count the data points held on each person, by source, over the data's period.

    Sources:

    * ``payments`` — payment records: those made through Lotus Pay (``channel="platform"``,
      what the platform holds) or all of them (``channel="all"``);
    * ``bills`` — one record per month for each recurring bill paid through Lotus Pay
      (``bills_on_platform`` x months);
    * ``identity`` — verified items (ID, degree, car, property) plus the phone number, which
      everyone has given;
    * ``friendships`` — friendship ties (each tie counts for both friends).

    Parameters
    ----------
    population, transactions, friendships : pandas.DataFrame
        The course's frames (``course.load_dataset(...)``).
    channel : {"platform", "all"}
        Which payments count.
    months : int, optional
        Length of the period; default the calendar months the transactions span.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``consumer_id`` (every consumer in ``population``), integer columns
        ``payments``, ``bills``, ``identity``, ``friendships`` and ``total``.
        ``.melt(ignore_index=False)`` gives the long form for plotting.

    Examples
    --------
    >>> from course import load_dataset
    >>> data = {name: load_dataset(name) for name in ["population", "transactions", "friendships"]}
    >>> held = footprint(data["population"], data["transactions"], data["friendships"])
    >>> list(held.columns)
    ['payments', 'bills', 'identity', 'friendships', 'total']
    """
    check_frame(population, "population",
                ["consumer_id", "bills_on_platform", *_IDENTITY_FLAGS])
    check_frame(transactions, "transactions", ["consumer_id", "timestamp", "channel"])
    check_frame(friendships, "friendships", ["consumer_id", "friend_id"])
    channel = _check_channel(channel)
    n_months = _months(transactions, months)
    ids = population["consumer_id"].to_numpy()
    seen = transactions if channel == "all" else transactions[
        transactions["channel"] == "platform"]
    payments = seen["consumer_id"].value_counts().reindex(ids, fill_value=0)
    ends = np.concatenate([friendships["consumer_id"].to_numpy(),
                           friendships["friend_id"].to_numpy()])
    ties = pd.Series(ends).value_counts().reindex(ids, fill_value=0)
    held = pd.DataFrame(
        {
            "payments": payments.to_numpy(dtype=np.int64),
            "bills": population["bills_on_platform"].to_numpy(dtype=np.int64) * n_months,
            "identity": population[_IDENTITY_FLAGS].to_numpy(dtype=bool).sum(axis=1) + 1,
            "friendships": ties.to_numpy(dtype=np.int64),
        },
        index=pd.Index(ids, name="consumer_id"),
    )
    held["total"] = held.sum(axis=1)
    return held


# ---------------------------------------------------------------------------- inference


def category_shares(transactions: pd.DataFrame, *, channel: str = "platform",
                    consumers=None) -> pd.DataFrame:
    """Share of each person's spending that goes to each purchase category.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Payments, as from :func:`course.make_transactions`.
    channel : {"platform", "all"}
        ``"platform"`` uses only what Lotus Pay sees.
    consumers : array-like, optional
        The consumer ids to return, in order (e.g. ``population["consumer_id"]``); people
        with no payments seen get a row of zeros. Default: everyone with a payment.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``consumer_id``, one column per category in ``CATEGORY_NAMES``; each row
        sums to 1, or to 0 for someone with no payments seen.
    """
    check_frame(transactions, "transactions",
                ["consumer_id", "category", "amount_cny", "channel"])
    channel = _check_channel(channel)
    seen = transactions if channel == "all" else transactions[
        transactions["channel"] == "platform"]
    spend = pd.crosstab(seen["consumer_id"], seen["category"].astype(str),
                        values=seen["amount_cny"], aggfunc="sum").fillna(0.0)
    spend = spend.reindex(columns=CATEGORY_NAMES, fill_value=0.0)
    if consumers is not None:
        spend = spend.reindex(pd.Index(np.asarray(consumers)), fill_value=0.0)
    total = spend.sum(axis=1).to_numpy()[:, None]
    shares = np.divide(spend.to_numpy(), total, out=np.zeros(spend.shape), where=total > 0)
    out = pd.DataFrame(shares, index=spend.index, columns=CATEGORY_NAMES)
    out.index.name = "consumer_id"
    out.columns.name = None
    return out


def _trait_target(population: pd.DataFrame, trait: str) -> np.ndarray:
    if not isinstance(trait, str) or trait not in population.columns:
        raise ValueError(
            f"trait {trait!r} is not a column of population; try 'has_children' or "
            "'heavy_gamer'."
        )
    values = population[trait]
    if values.isna().any() or not pd.api.types.is_bool_dtype(values):
        raise ValueError(f"trait {trait!r} must be a True/False column with no missing values.")
    y = values.to_numpy(dtype=bool)
    if y.sum() < 2 or (~y).sum() < 2:
        raise ValueError(
            f"trait {trait!r} needs at least two people with it and two without; got "
            f"{int(y.sum())} with and {int((~y).sum())} without."
        )
    return y


def predict_trait(population: pd.DataFrame, transactions: pd.DataFrame, *,
                  trait: str = "has_children", channel: str = "platform", folds: int = 5,
                  seed: int | np.random.Generator | None = None) -> pd.Series:
    """Predict a private trait from category spending shares, out of sample.

    A logistic regression (scikit-learn, standardised features, balanced class weights) on
    :func:`category_shares`; each person's probability comes from a model that did not see
    them (stratified ``folds``-fold cross-validation, shuffled with ``seed``).

    Returns
    -------
    pandas.Series
        Probability of the trait, indexed by ``consumer_id``, named ``p_<trait>``.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    check_frame(population, "population", ["consumer_id"])
    y = _trait_target(population, trait)
    folds = check_count(folds, "folds", minimum=2)
    if min(y.sum(), (~y).sum()) < folds:
        raise ValueError(f"folds={folds} is more than the people in the smaller class of "
                         f"{trait!r}; use fewer folds.")
    rng = as_generator(seed)
    X = category_shares(transactions, channel=channel, consumers=population["consumer_id"])
    model = make_pipeline(StandardScaler(),
                          LogisticRegression(class_weight="balanced", max_iter=1000))
    splitter = StratifiedKFold(folds, shuffle=True, random_state=int(rng.integers(2**31)))
    p = cross_val_predict(model, X.to_numpy(), y, cv=splitter, method="predict_proba")[:, 1]
    return pd.Series(p, index=X.index, name=f"p_{trait}")


def infer_trait(population: pd.DataFrame, transactions: pd.DataFrame, *,
                trait: str | Iterable[str] = ("has_children", "heavy_gamer"),
                channel: str = "platform", folds: int = 5,
                seed: int | np.random.Generator | None = None) -> pd.DataFrame:
    """Say how well purchases reveal private traits, against guessing.

    Uses :func:`predict_trait` and scikit-learn's metrics. Someone is flagged when their
    probability is at least 0.5 (the model is class-balanced, so 0.5 is a fair cut).

    Returns
    -------
    pandas.DataFrame
        One row per (trait, metric), columns ``trait``, ``metric``, ``value``, ``baseline``
        (what guessing gets), ``prevalence`` and ``n``. Metrics: ``roc_auc`` (guessing: 0.5),
        ``average_precision`` (guessing: the prevalence), ``precision`` of the flagged
        (guessing: the prevalence) and ``recall`` (guessing: the share flagged, i.e. a random
        pick of as many people).

    Examples
    --------
    >>> from course import load_dataset
    >>> report = infer_trait(load_dataset("population"), load_dataset("transactions"),
    ...                      trait="has_children", seed=1)
    >>> auc_row = report[report["metric"] == "roc_auc"].iloc[0]
    >>> bool(auc_row["value"] > auc_row["baseline"] + 0.2)
    True
    """
    from sklearn.metrics import (average_precision_score, precision_score, recall_score,
                                 roc_auc_score)

    traits = [trait] if isinstance(trait, str) else list(trait)
    if not traits:
        raise ValueError("give at least one trait, e.g. trait='has_children'.")
    rng = as_generator(seed)
    rows = []
    for name in traits:
        p = predict_trait(population, transactions, trait=name, channel=channel, folds=folds,
                          seed=rng).to_numpy()
        y = _trait_target(population, name)
        flagged = p >= 0.5
        prevalence = float(y.mean())
        scores = {
            "roc_auc": (roc_auc_score(y, p), 0.5),
            "average_precision": (average_precision_score(y, p), prevalence),
            "precision": (precision_score(y, flagged, zero_division=0.0), prevalence),
            "recall": (recall_score(y, flagged), float(flagged.mean())),
        }
        rows += [{"trait": name, "metric": metric, "value": float(value),
                  "baseline": float(base), "prevalence": prevalence, "n": len(y)}
                 for metric, (value, base) in scores.items()]
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------- minimisation

#: What the platform keeps when nothing is minimised.
FULL_POLICY: dict = {"time": "exact", "place": "merchant", "amount": "exact",
                     "payments": True, "bills": True, "identity": True, "friendships": True}

#: Named data-minimisation scenarios: each overrides part of ``FULL_POLICY``.
MINIMISATION_SCENARIOS: dict[str, dict] = {
    "full data": {},
    "monthly timestamps": {"time": "month"},
    "no amounts": {"amount": None},
    "day and merchant only": {"time": "day", "amount": None},
    "coarse payments": {"time": "month", "place": "category", "amount": 100},
    "no purchase categories": {"place": None},
    "no friendship data": {"friendships": False},
    "no identity data": {"identity": False},
    "no bill history": {"bills": False},
    "minimal": {"time": "month", "place": None, "amount": 100, "friendships": False,
                "identity": False},
}

_PAYMENT_VIEW = ["platform_payments_per_month", "platform_spend_per_month_cny",
                 "responsible_share", "gaming_share"]
_BILL_VIEW = ["on_time_rate", "late_payments_12m", "bills_on_platform"]
_IDENTITY_VIEW = [*_IDENTITY_FLAGS, "phone_tenure_years"]


def resolve_policy(policy: Mapping | None = None) -> dict:
    """Fill a partial data policy from ``FULL_POLICY`` and check every value.

    Keys: ``time``, ``place``, ``amount`` (how payments are recorded, as for
    :func:`unicity`) and ``payments``, ``bills``, ``identity``, ``friendships`` (True to keep
    that source, False to drop it).
    """
    if policy is None:
        policy = {}
    if not isinstance(policy, Mapping):
        raise TypeError(f"policy must be a dict such as {{'time': 'month'}}, "
                        f"got {type(policy).__name__}.")
    unknown = [key for key in policy if key not in FULL_POLICY]
    if unknown:
        raise ValueError(f"unknown policy key(s) {', '.join(map(repr, unknown))}; the keys are "
                         f"{', '.join(FULL_POLICY)}.")
    full = {**FULL_POLICY, **policy}
    full.update(resolve_precision({k: full[k] for k in ("time", "place", "amount")}))
    for source in FOOTPRINT_SOURCES:
        if not isinstance(full[source], (bool, np.bool_)):
            raise TypeError(f"policy[{source!r}] must be True (keep) or False (drop), "
                            f"got {full[source]!r}.")
        full[source] = bool(full[source])
    return full


def _policy_labels(policy: dict) -> dict:
    """The policy as table cells: strings for the precisions ("not kept", never NaN)."""
    amount = policy["amount"]
    labels = {key: "not kept" if policy[key] is None else policy[key]
              for key in ("time", "place")}
    labels["amount"] = ("not kept" if amount is None else amount if amount == "exact"
                        else f"{amount:g} CNY bins")
    return {**policy, **labels}


def _binned(amounts: np.ndarray, amount) -> np.ndarray:
    if amount == "exact":
        return amounts
    if amount is None:
        return np.ones_like(amounts)  # every payment counts alike
    return (np.floor(amounts / amount) + 0.5) * amount  # the bin's middle


def _policy_dimensions(population, transactions, friendships, policy, full_view, full_dims):
    kept = transactions.assign(amount_cny=_binned(
        transactions["amount_cny"].to_numpy(dtype=float), policy["amount"]))
    view = platform_view(population, kept) if policy["amount"] != "exact" else full_view.copy()
    neutral = []
    if not policy["payments"]:
        neutral += _PAYMENT_VIEW
    if policy["place"] is None:
        neutral += ["responsible_share", "gaming_share"]
    if policy["amount"] is None:
        neutral += ["platform_spend_per_month_cny"]
    if not policy["bills"]:
        neutral += _BILL_VIEW
    if not policy["identity"]:
        neutral += _IDENTITY_VIEW
    for column in dict.fromkeys(neutral):
        view[column] = float(full_view[column].astype(float).mean())
    dims = dimensions_from_view(view, friendships)
    if not policy["friendships"]:
        dims["connections"] = float(full_dims["connections"].mean())
    return dims


def minimised_dimensions(population: pd.DataFrame, transactions: pd.DataFrame,
                         friendships: pd.DataFrame, *, policy: Mapping | None = None
                         ) -> pd.DataFrame:
    """The five dimensions computed from only the data a policy keeps.

    A dropped source is replaced by its **population average** in the platform's view (for
    friendships: the average connections sub-score), so everyone gets the same value: the
    score keeps its scale but loses what that source told it. Without places (``place=None``)
    the purchase mix is unknown; without amounts (``amount=None``) spending is unknown and
    category shares count payments instead of yuan; binned amounts use each bin's middle.
    Timestamps do not enter the score, so their precision changes only the unicity.

    Examples
    --------
    >>> from course import load_dataset
    >>> data = [load_dataset(name) for name in ["population", "transactions", "friendships"]]
    >>> dims = minimised_dimensions(*data, policy={"identity": False})
    >>> int(dims["identity_characteristics"].nunique())
    1
    """
    policy = resolve_policy(policy)
    full_view = platform_view(population, transactions)
    full_dims = dimensions_from_view(full_view, friendships)
    return _policy_dimensions(population, transactions, friendships, policy, full_view,
                              full_dims)


def minimisation(population: pd.DataFrame, transactions: pd.DataFrame,
                 friendships: pd.DataFrame, *, scenarios: Mapping[str, Mapping] | None = None,
                 k: int = 4, weights: Mapping[str, float] | None = None,
                 seed: int | np.random.Generator | None = None) -> pd.DataFrame:
    """Compare data-minimisation scenarios: accuracy lost against privacy gained.

    For each scenario (a partial policy, see :func:`resolve_policy`) the Lotus Score is
    recomputed from :func:`minimised_dimensions`, and the data it keeps are measured.
    Dropping a source shrinks the footprint (fewer records); coarsening a field keeps as many
    records, so its gain shows in the unicity instead.

    Parameters
    ----------
    population, transactions, friendships : pandas.DataFrame
        The course's frames.
    scenarios : dict of name -> policy, optional
        Default ``MINIMISATION_SCENARIOS``. The full data are always measured too, as the
        reference for the changes.
    k : int
        Points known to the attacker for the unicity column.
    weights : dict, optional
        Score weights; default ``DEFAULT_WEIGHTS``.
    seed : int, numpy.random.Generator or None
        Seed for the unicity draws.

    Returns
    -------
    pandas.DataFrame
        One row per scenario: the policy's seven settings, ``auc`` (score vs. not
        defaulting), ``delta_auc`` (vs. full data), ``mean_footprint`` (data points per
        person, platform payments, as :func:`footprint` counts them), ``delta_footprint``,
        ``k``, ``unicity`` (of the platform's payment records at the kept precision; 0.0
        when no payments are kept: there is no trace to match) and ``delta_unicity``.

    Examples
    --------
    >>> from course import load_dataset
    >>> data = [load_dataset(name) for name in ["population", "transactions", "friendships"]]
    >>> table = minimisation(*data, scenarios={"no friends": {"friendships": False}}, seed=1)
    >>> table["scenario"].tolist()
    ['full data', 'no friends']
    """
    check_frame(population, "population", ["consumer_id", "defaulted", "blacklisted"])
    if scenarios is None:
        scenarios = MINIMISATION_SCENARIOS
    if not isinstance(scenarios, Mapping) or not scenarios:
        raise ValueError("scenarios must be a non-empty dict of name -> policy, e.g. "
                         "{'monthly': {'time': 'month'}}.")
    policies = {name: resolve_policy(policy) for name, policy in scenarios.items()}
    if policies.get("full data", FULL_POLICY) != FULL_POLICY:
        raise ValueError("the scenario name 'full data' is reserved for keeping everything; "
                         "give your scenario another name.")
    policies = {"full data": dict(FULL_POLICY), **policies}
    k = check_count(k, "k", minimum=1)
    rng = as_generator(seed)
    seen = transactions[transactions["channel"] == "platform"]
    held = footprint(population, transactions, friendships)
    full_view = platform_view(population, transactions)
    full_dims = dimensions_from_view(full_view, friendships)
    blacklisted = population["blacklisted"].to_numpy(dtype=bool)
    rows = []
    for name, policy in policies.items():
        dims = _policy_dimensions(population, transactions, friendships, policy, full_view,
                                  full_dims)
        score = lotus_score(dims[DIMENSIONS], weights, blacklisted=blacklisted)
        kept = held[[s for s in FOOTPRINT_SOURCES if policy[s]]].sum(axis=1)
        trace_unicity = unicity(seen, k=k, precision={key: policy[key] for key in (
            "time", "place", "amount")}, seed=rng) if policy["payments"] else 0.0
        rows.append({"scenario": name, **_policy_labels(policy),
                     "auc": auc(score.to_numpy(), population["defaulted"].to_numpy()),
                     "mean_footprint": float(kept.mean()), "k": k, "unicity": trace_unicity})
    table = pd.DataFrame(rows)
    full = table.iloc[0]
    table.insert(table.columns.get_loc("auc") + 1, "delta_auc", table["auc"] - full["auc"])
    table.insert(table.columns.get_loc("mean_footprint") + 1, "delta_footprint",
                 table["mean_footprint"] - full["mean_footprint"])
    table["delta_unicity"] = table["unicity"] - full["unicity"]
    return table
