"""What one data policy costs the score and gains privacy: the surveillance dial's numbers.

A **data policy** (see :func:`course.resolve_policy`) says how precisely each payment is
recorded and which sources are kept. These functions measure one policy the way
:func:`course.minimisation` does, with the same package functions: score accuracy (AUC),
records held per person, and unicity. The surveillance dial (``course.widgets``) caches
them; here each is a plain function, for use on its own.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..constants import DIMENSIONS
from ..scoring import lotus_score, repayment_auc
from .data_minimisation import kept_unicity, minimised_dimensions, resolve_policy
from .footprints import FOOTPRINT_SOURCES, footprint


def policy_key(policy: Mapping) -> tuple:
    """A hashable, canonical form of a data policy (for caching and comparing)."""
    full = resolve_policy(policy)
    return tuple((key, full[key]) for key in sorted(full))


def policy_accuracy(population: pd.DataFrame, transactions: pd.DataFrame,
                    friendships: pd.DataFrame, policy: Mapping | None = None, *,
                    weights: Mapping | None = None) -> float:
    """AUC of the Lotus Score computed from only what ``policy`` keeps.

    The same computation as the ``auc`` column of :func:`course.minimisation`:
    :func:`course.minimised_dimensions`, then :func:`course.lotus_score` (blacklist capped),
    then :func:`course.auc` against ``defaulted``.
    """
    dims = minimised_dimensions(population, transactions, friendships, policy=policy)
    score = lotus_score(dims[DIMENSIONS], weights,
                        blacklisted=population["blacklisted"].to_numpy(dtype=bool))
    return float(repayment_auc(score.to_numpy(), population["defaulted"].to_numpy()))


def policy_unicity(transactions: pd.DataFrame, policy: Mapping | None = None, *, k: int = 4,
                   seed: int = 0) -> float:
    """Unicity at ``k`` of the platform's payment records, as ``policy`` keeps them.

    As in :func:`course.minimisation`: only payments through Lotus Pay count, recorded at the
    policy's time, place and amount precision; 0.0 when no payments are kept, or none of
    time, place and amount (there is no trace to match). With an int ``seed`` every policy
    gets its own, repeatable draws.
    """
    policy = resolve_policy(policy)
    return kept_unicity(transactions[transactions["channel"] == "platform"], policy, k=k,
                        seed=seed)


def policy_footprint(footprints: pd.DataFrame, policy: Mapping | None = None) -> float:
    """Mean records held per person under ``policy``, from :func:`course.footprint`'s table.

    Dropping a source removes its records; coarsening keeps as many records (so it does not
    change this number), as in the ``mean_footprint`` column of :func:`course.minimisation`.
    """
    policy = resolve_policy(policy)
    return float(footprints[[s for s in FOOTPRINT_SOURCES if policy[s]]].sum(axis=1).mean())


def policy_point(population: pd.DataFrame, transactions: pd.DataFrame,
                 friendships: pd.DataFrame, policy: Mapping | None = None, *, k: int = 4,
                 weights: Mapping | None = None, seed: int = 0) -> dict:
    """Score accuracy, data footprint and unicity of one data policy.

    Returns
    -------
    dict
        ``auc``, ``mean_footprint`` and ``unicity`` (see :func:`policy_accuracy`,
        :func:`policy_footprint` and :func:`policy_unicity`).

    Examples
    --------
    >>> from course import load_dataset
    >>> data = [load_dataset(n) for n in ["population", "transactions", "friendships"]]
    >>> full, no_bills = policy_point(*data), policy_point(*data, {"bills": False})
    >>> bool(no_bills["auc"] < full["auc"])
    True
    """
    held = footprint(population, transactions, friendships)
    return {"auc": policy_accuracy(population, transactions, friendships, policy,
                                   weights=weights),
            "mean_footprint": policy_footprint(held, policy),
            "unicity": policy_unicity(transactions, policy, k=k, seed=seed)}
