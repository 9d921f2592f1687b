"""Score weights: check them, turn slider positions into weights, change one weight.

* :func:`validate_weights` — strict: five non-negative numbers that sum to 1;
* :func:`normalise_weights` — lenient: any non-negative numbers, divided by their sum (what
  the explorers' sliders give);
* :func:`set_weight` — give one dimension a weight and rescale the other four, keeping their
  proportions (what the simulators' weight sliders do).
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping

import numpy as np
import pandas as pd

from .constants import DEFAULT_WEIGHTS, DIMENSIONS


def validate_weights(weights: Mapping[str, float] | pd.Series | None) -> dict[str, float]:
    """Check score weights and return them as a dict in ``DIMENSIONS`` order.

    Parameters
    ----------
    weights : dict, pandas.Series or None
        Weight per dimension; None gives ``DEFAULT_WEIGHTS``.

    Returns
    -------
    dict
        The five weights as floats, in ``DIMENSIONS`` order.

    Raises
    ------
    TypeError
        If ``weights`` is not a mapping of dimension names to numbers.
    ValueError
        If a weight is negative or NaN, a dimension is unknown or missing, or the weights do
        not sum to 1.

    Examples
    --------
    >>> validate_weights(None) == DEFAULT_WEIGHTS
    True
    >>> validate_weights({**DEFAULT_WEIGHTS, "connections": 0.5})
    Traceback (most recent call last):
    ...
    ValueError: weights must sum to 1, but they sum to 1.45; divide each by 1.45 to rescale them.
    """
    if weights is None:
        return dict(DEFAULT_WEIGHTS)
    if isinstance(weights, pd.Series):
        weights = weights.to_dict()
    if not isinstance(weights, Mapping):
        raise TypeError(
            "weights must be a dict of dimension name -> weight, for example "
            f"course.DEFAULT_WEIGHTS; got {type(weights).__name__}."
        )
    unknown = [k for k in weights if k not in DIMENSIONS]
    if unknown:
        raise ValueError(
            f"unknown dimension(s) in weights: {', '.join(map(repr, unknown))}; "
            f"the dimensions are {', '.join(DIMENSIONS)}."
        )
    missing = [d for d in DIMENSIONS if d not in weights]
    if missing:
        raise ValueError(
            f"weights must give all five dimensions; missing {', '.join(missing)} "
            "(give 0 to leave a dimension out)."
        )
    clean = {}
    for d in DIMENSIONS:
        w = weights[d]
        if isinstance(w, (bool, np.bool_)) or not isinstance(w, numbers.Real):
            raise TypeError(f"weight for {d} must be a number, got {w!r}.")
        w = float(w)
        if np.isnan(w):
            raise ValueError(f"weight for {d} is NaN; give a number between 0 and 1.")
        if w < 0:
            raise ValueError(f"weight for {d} is negative ({w}); weights must be >= 0.")
        clean[d] = w
    total = sum(clean.values())
    if abs(total - 1.0) > 1e-6:
        raise ValueError(
            f"weights must sum to 1, but they sum to {total:.6g}; divide each by {total:.6g} "
            "to rescale them."
        )
    return clean


def normalise_weights(raw: Mapping[str, float]) -> dict[str, float]:
    """Divide slider positions by their sum so that they become weights summing to 1.

    Parameters
    ----------
    raw : dict
        A non-negative number per dimension (all five).

    Returns
    -------
    dict
        The weights, summing to 1, in ``DIMENSIONS`` order.

    Raises
    ------
    ValueError
        If a weight is negative or NaN, or all are zero.

    Examples
    --------
    >>> normalise_weights({"credit_history": 2, "fulfilment_capacity": 1,
    ...                    "behaviour_preferences": 1, "identity_characteristics": 0,
    ...                    "connections": 0})["credit_history"]
    0.5
    """
    values = {d: float(raw[d]) for d in DIMENSIONS}
    if any(v < 0 or np.isnan(v) for v in values.values()):
        raise ValueError("weights must be zero or positive numbers.")
    total = sum(values.values())
    if total <= 0:
        raise ValueError("all five weights are zero, so there is no score: "
                         "give at least one dimension a weight above zero.")
    return {d: v / total for d, v in values.items()}


def set_weight(weights: Mapping[str, float], dimension: str, value: float) -> dict[str, float]:
    """Give ``dimension`` the weight ``value``; rescale the others to keep their proportions.

    Parameters
    ----------
    weights : dict
        The five weights to start from (e.g. ``course.DEFAULT_WEIGHTS``).
    dimension : str
        One of ``DIMENSIONS``.
    value : float
        Its new weight, from 0 to 1.

    Returns
    -------
    dict
        Weights that sum to 1, so they can go straight into ``Rules(weights=...)``.

    Raises
    ------
    ValueError
        For an unknown dimension, a value outside [0, 1], or when the other weights are all
        zero (there is nothing to rescale).

    Examples
    --------
    >>> w = set_weight(DEFAULT_WEIGHTS, "connections", 0.25)
    >>> w["connections"], round(w["credit_history"], 4)
    (0.25, 0.2763)
    >>> round(sum(w.values()), 9)
    1.0
    """
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}; the dimensions are "
                         f"{', '.join(DIMENSIONS)}.")
    value = float(value)
    if not 0.0 <= value <= 1.0 or np.isnan(value):
        raise ValueError(f"the weight of {dimension} must be from 0 to 1, got {value:g}.")
    weights = {d: float(weights[d]) for d in DIMENSIONS}
    if abs(weights[dimension] - value) < 1e-12:
        return weights  # unchanged (so that the default weights stay exactly the default)
    rest = sum(w for d, w in weights.items() if d != dimension)
    if rest <= 0:
        raise ValueError(f"all weights other than {dimension}'s are zero, so there is nothing "
                         "to rescale; give another dimension a weight first.")
    scaled = {d: (value if d == dimension else round(w * (1.0 - value) / rest, 12))
              for d, w in weights.items()}
    # Put any rounding error on the largest of the others, so that the sum is 1
    others = [d for d in DIMENSIONS if d != dimension]
    largest = max(others, key=lambda d: scaled[d])
    scaled[largest] += 1.0 - sum(scaled.values())
    return scaled
