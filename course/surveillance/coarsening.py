"""How coarsely a payment is recorded: precisions, and coarsening a trace to one.

See :mod:`course.surveillance` for the precision keys and presets.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping

import numpy as np
import pandas as pd

from .._checks import check_frame

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

_TRACE_COLUMNS = ["consumer_id", "timestamp", "merchant_id", "category", "amount_cny"]


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

    **Keys left out take the** ``"day_merchant"`` **preset** (the paper's setting: day, shop,
    no amount), deliberately not the full data that :func:`course.resolve_policy` fills in:
    a precision says what an attacker's points record, a policy what the platform gives up.

    Parameters
    ----------
    precision : str, dict or None
        A preset name from ``PRECISIONS``, or a partial dict; None gives ``"day_merchant"``.

    Returns
    -------
    dict
        ``time``, ``place`` and ``amount``.

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
    """Describe a precision in words, e.g. ``"day, merchant"`` or ``"day, merchant, 10 CNY"``.

    Parameters
    ----------
    precision : str, dict or None
        A preset name or a (partial) precision, see :func:`resolve_precision`.

    Returns
    -------
    str

    Examples
    --------
    >>> precision_label({"time": "day", "place": "merchant", "amount": 10})
    'day, merchant, 10 CNY'
    """
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
