"""Data minimisation: keep less, and see what the score loses and privacy gains."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .._checks import as_generator, check_count, check_frame
from ..constants import DIMENSIONS
from ..dimensions import dimensions_from_view
from ..scoring import lotus_score, repayment_auc
from ..visibility import platform_view
from .coarsening import resolve_precision
from .footprints import _IDENTITY_FLAGS, FOOTPRINT_SOURCES, footprint
from .reidentification import unicity

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

    **Keys left out keep the full data** (``FULL_POLICY``: time to the second, the shop, the
    exact amount, every source kept). This differs, deliberately, from a *precision* given to
    :func:`unicity`, whose left-out keys take the ``"day_merchant"`` preset: a policy says
    what the platform gives up from all it holds, a precision what an attacker's points
    record (by default the paper's setting).

    Keys and their values:

    * ``time``: ``"exact"``, ``"minute"``, ``"hour"``, ``"day"``, ``"week"``, ``"month"`` or
      ``None`` (not kept);
    * ``place``: ``"merchant"``, ``"category"`` or ``None``;
    * ``amount``: ``"exact"``, a bin width in CNY (e.g. ``100``) or ``None``;
    * ``payments``, ``bills``, ``identity``, ``friendships``: True to keep that source, False
      to drop it.

    Parameters
    ----------
    policy : dict or None
        A partial data policy; None keeps everything.

    Returns
    -------
    dict
        All seven keys.

    Examples
    --------
    >>> policy = resolve_policy({"time": "month", "friendships": False})
    >>> policy["amount"], policy["friendships"]
    ('exact', False)
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


def kept_unicity(seen: pd.DataFrame, policy: Mapping, *, k: int,
                 seed: int | np.random.Generator | None) -> float:
    """Unicity at ``k`` of payment records ``seen``, as a (complete) policy keeps them.

    0.0 when no payments are kept, or when time, place and amount are all "not kept": then
    every record looks alike and nobody can be singled out.
    """
    precision = {key: policy[key] for key in ("time", "place", "amount")}
    if not policy["payments"] or all(value is None for value in precision.values()):
        return 0.0
    return unicity(seen, k=k, precision=precision, seed=seed)


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

    Parameters
    ----------
    population, transactions, friendships : pandas.DataFrame
        The course's frames.
    policy : dict, optional
        A (partial) data policy, see :func:`resolve_policy`; default keep everything.

    Returns
    -------
    pandas.DataFrame
        As :func:`course.dimension_scores` returns.

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
        when no payments, or none of time, place and amount, are kept: there is no trace
        to match) and ``delta_unicity``.

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
        trace_unicity = kept_unicity(seen, policy, k=k, seed=rng)
        rows.append({"scenario": name, **_policy_labels(policy),
                     "auc": repayment_auc(score.to_numpy(), population["defaulted"].to_numpy()),
                     "mean_footprint": float(kept.mean()), "k": k, "unicity": trace_unicity})
    table = pd.DataFrame(rows)
    full = table.iloc[0]
    table.insert(table.columns.get_loc("auc") + 1, "delta_auc", table["auc"] - full["auc"])
    table.insert(table.columns.get_loc("mean_footprint") + 1, "delta_footprint",
                 table["mean_footprint"] - full["mean_footprint"])
    table["delta_unicity"] = table["unicity"] - full["unicity"]
    return table
