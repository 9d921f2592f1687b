"""Summaries the lessons and explorers show: one column by group, scores by group, audits.

* :func:`describe_column` — one population column, overall or per group;
* :func:`trace_summary` — one person's spending per category, seen and unseen;
* :func:`score_summary` — everyone scored with some weights, tiers and AUC by group
  (:class:`WeightsResult`);
* :func:`audit_summary` — the fairness audit of :mod:`course.fairness` for one setting
  (:class:`AuditResult`), with :func:`age_bands` to make age a group like the others.

The explorers in ``course.widgets`` draw these; here they are plain functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._checks import check_frame
from .constants import DEFAULT_WEIGHTS
from .fairness import audit, calibration, selection_rates
from .scoring import PERKS, TIER_NAMES, lotus_score, repayment_auc, tiers
from .traces import CATEGORY_NAMES
from .weights import normalise_weights

#: The first perk threshold (600): ``share_perk`` in :func:`score_summary`.
FIRST_PERK = int(PERKS["min_score"].min())


#: Columns that make sensible groups (categorical or yes/no).
GROUP_COLUMNS = ["hukou", "city_tier", "gender", "education", "occupation", "has_children",
                 "heavy_gamer", "blacklisted", "defaulted"]


def is_numeric(series: pd.Series) -> bool:
    """True for a numeric column that is not yes/no or categorical."""
    return (pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
            and not isinstance(series.dtype, pd.CategoricalDtype))


def describe_column(population: pd.DataFrame, column: str, group_by: str | None = None
                    ) -> pd.DataFrame:
    """Summarise one column, overall or per group.

    A numeric column gives count, mean, median, 10th and 90th percentiles per group; a
    categorical or yes/no column gives the count of each value per group and each group's
    total (``n``).

    Parameters
    ----------
    population : pandas.DataFrame
        The consumers.
    column : str
        The column to describe.
    group_by : str, optional
        A column to split by; None for everyone together.

    Returns
    -------
    pandas.DataFrame
        One row per group (see above).

    Examples
    --------
    >>> from course import make_population
    >>> people = make_population(200, seed=1)
    >>> table = describe_column(people, "age", "hukou")
    >>> list(table.columns)
    ['n', 'mean', 'median', 'p10', 'p90']
    """
    check_frame(population, "population", [column] + ([group_by] if group_by else []))
    if group_by == column:
        raise ValueError(f"choose a group other than the column itself ({column!r}).")
    values = population[column]
    keys = population[group_by] if group_by else pd.Series("everyone", index=population.index,
                                                            name="group")
    if is_numeric(values):
        grouped = values.groupby(keys, observed=True)
        table = pd.DataFrame({
            "n": grouped.size(),
            "mean": grouped.mean(),
            "median": grouped.median(),
            "p10": grouped.quantile(0.10),
            "p90": grouped.quantile(0.90),
        })
    else:
        table = pd.crosstab(keys, values)
        table.columns = [str(c) for c in table.columns]
        table.insert(0, "n", table.sum(axis=1))
    table.index.name = group_by or ""
    return table


def align_population(population: pd.DataFrame, index: pd.Index) -> pd.DataFrame:
    """Return the population rows in the order of ``index`` (the dimensions' consumer ids)."""
    check_frame(population, "population", ["consumer_id"])
    people = population.set_index("consumer_id")
    missing = index.difference(people.index)
    if len(missing):
        raise ValueError(f"{len(missing)} consumers in the dimensions are not in the population "
                         f"(e.g. {list(missing[:3])}); pass the population they were made from.")
    return people.loc[index]


@dataclass
class WeightsResult:
    """What the weights explorer computed for one position of the sliders."""

    raw_weights: dict
    weights: dict
    group_by: str | None
    scores: pd.Series
    tiers: pd.Series
    auc: float
    tier_shares: pd.DataFrame
    by_group: pd.DataFrame
    groups: pd.Series

    def share_at_least(self, score: int) -> pd.Series:
        """Share of each group scoring at least ``score``."""
        return self.scores.ge(score).groupby(self.groups, observed=True).mean()


def score_summary(dimensions: pd.DataFrame, population: pd.DataFrame, weights: Mapping,
                  group_by: str | None = "hukou") -> WeightsResult:
    """Score everyone with ``weights`` (divided by their sum) and summarise by group.

    Blacklisted consumers (``population["blacklisted"]``) are capped as in
    :func:`course.lotus_score`. ``by_group`` holds, per group: ``n``, ``mean_score``,
    ``share_perk`` (share at or above the first perk threshold, 600), ``default_rate`` (the
    real outcome) and ``auc`` (within the group; NaN when a group has only one outcome).

    Parameters
    ----------
    dimensions : pandas.DataFrame
        From :func:`course.dimension_scores`.
    population : pandas.DataFrame
        The consumers (a ``consumer_id`` column, or already indexed like ``dimensions``).
    weights : dict
        Any non-negative weights; they are divided by their sum.
    group_by : str or None
        The group column, or None for everyone together.

    Returns
    -------
    WeightsResult

    Examples
    --------
    >>> import course
    >>> people = course.load_dataset("population")
    >>> dims = course.dimension_scores(people, course.load_dataset("transactions"),
    ...                                course.load_dataset("friendships"))
    >>> result = score_summary(dims, people, course.DEFAULT_WEIGHTS)
    >>> list(result.by_group.index)
    ['local', 'migrant']
    """
    if "consumer_id" in population.columns:
        people = align_population(population, dimensions.index)
    elif population.index.equals(dimensions.index):
        people = population  # already aligned (indexed by consumer_id)
    else:
        raise ValueError("population must have a consumer_id column matching the dimensions.")
    clean = normalise_weights(weights)
    blacklisted = people["blacklisted"].to_numpy(dtype=bool) if "blacklisted" in people else None
    scores = lotus_score(dimensions, clean, blacklisted=blacklisted)
    tier_of = tiers(scores)
    defaulted = people["defaulted"].to_numpy(dtype=bool)
    overall = repayment_auc(scores, defaulted)
    keys = (pd.Series(np.asarray(people[group_by]), index=scores.index, name=group_by)
            if group_by else pd.Series("everyone", index=scores.index, name="group"))
    if group_by and isinstance(people[group_by].dtype, pd.CategoricalDtype):
        keys = keys.astype(people[group_by].dtype)
    shares = pd.crosstab(keys, tier_of, normalize="index").reindex(columns=TIER_NAMES,
                                                                 fill_value=0.0)
    frame = pd.DataFrame({"score": scores.to_numpy(), "defaulted": defaulted,
                          "key": keys.to_numpy()})
    grouped = frame.groupby(keys.to_numpy(), observed=True, sort=True)
    group_auc = {}
    for key, part in grouped:
        y = part["defaulted"].to_numpy()
        group_auc[key] = repayment_auc(part["score"], y) if 0 < y.sum() < len(y) else np.nan
    by_group = pd.DataFrame({
        "n": grouped.size(),
        "mean_score": grouped["score"].mean(),
        "share_perk": grouped["score"].apply(lambda s: float((s >= FIRST_PERK).mean())),
        "default_rate": grouped["defaulted"].mean(),
        "auc": pd.Series(group_auc),
    })
    by_group = by_group.reindex(shares.index)
    by_group.index.name = shares.index.name
    return WeightsResult(dict(weights), clean, group_by, scores, tier_of, overall, shares, by_group,
                         keys)


def trace_summary(trace: pd.DataFrame) -> pd.DataFrame:
    """Spending per category of one trace, split into what the platform sees and what not.

    Returns a frame indexed by category with columns ``seen_cny`` (paid through Lotus Pay),
    ``unseen_cny`` (card or cash), ``payments`` and ``seen_share`` (of the category's CNY).

    Parameters
    ----------
    trace : pandas.DataFrame
        One person's payments (rows of :func:`course.make_transactions`).

    Returns
    -------
    pandas.DataFrame
        Indexed by category (see above).

    Examples
    --------
    >>> from course import load_dataset
    >>> trace = load_dataset("transactions")
    >>> table = trace_summary(trace[trace["consumer_id"] == 0])
    >>> list(table.columns)
    ['seen_cny', 'unseen_cny', 'payments', 'seen_share']
    """
    seen = trace["channel"] == "platform"
    table = pd.DataFrame({
        "seen_cny": trace["amount_cny"].where(seen, 0.0).groupby(trace["category"],
                                                                   observed=False).sum(),
        "unseen_cny": trace["amount_cny"].where(~seen, 0.0).groupby(trace["category"],
                                                                     observed=False).sum(),
        "payments": trace.groupby("category", observed=False).size(),
    }).reindex(CATEGORY_NAMES, fill_value=0)
    total = table["seen_cny"] + table["unseen_cny"]
    table["seen_share"] = (table["seen_cny"] / total.where(total > 0)).fillna(0.0)
    table.index.name = "category"
    return table


#: Age bands used as a group: [18, 30), [30, 45), [45, 60), 60 and over.
AGE_EDGES = [18, 30, 45, 60, 200]
AGE_LABELS = ["18-29", "30-44", "45-59", "60+"]
#: Columns the audit can group by (``age_band`` is derived from ``age``).
AUDIT_GROUPS = ["hukou", "city_tier", "gender", "age_band", "education"]
def age_bands(age) -> pd.Series:
    """Put ages into ordered bands 18-29, 30-44, 45-59, 60+.

    Parameters
    ----------
    age : array-like
        Ages in years (18 or more).

    Returns
    -------
    pandas.Series
        Ordered categorical: ``18-29``, ``30-44``, ``45-59``, ``60+``.

    Examples
    --------
    >>> age_bands([18, 29, 30, 61]).tolist()
    ['18-29', '18-29', '30-44', '60+']
    """
    values = pd.Series(age)
    if values.isna().any() or (values < AGE_EDGES[0]).any():
        raise ValueError(f"ages must be known and at least {AGE_EDGES[0]}.")
    return pd.cut(values, AGE_EDGES, right=False, labels=AGE_LABELS)


@dataclass
class AuditResult:
    """What the fairness audit computed for one setting of its controls."""

    group_by: str
    threshold: int
    weights: dict
    scores: pd.Series
    table: pd.DataFrame
    equal_opportunity: pd.DataFrame
    calibration: pd.DataFrame

    @property
    def four_fifths_ratio(self) -> float:
        """Lowest group's selection rate divided by the highest group's."""
        return float(self.table["ratio_to_best"].min())

    @property
    def equal_opportunity_ratio(self) -> float:
        """The same ratio among the people who repaid (did not default)."""
        return float(self.equal_opportunity["ratio_to_best"].min())


def audit_summary(dimensions: pd.DataFrame, population: pd.DataFrame, *,
                  group_by: str = "hukou", threshold: float = 600,
                  weights: Mapping | None = None) -> AuditResult:
    """Score everyone (weights divided by their sum) and audit the score by group.

    ``population`` must be aligned to ``dimensions`` (same consumers, same order) and hold
    the ``group_by`` column (add ``age_band`` with :func:`age_bands` first).

    Parameters
    ----------
    dimensions : pandas.DataFrame
        From :func:`course.dimension_scores`.
    population : pandas.DataFrame
        Aligned to ``dimensions``, with ``blacklisted``, ``defaulted`` and ``group_by``.
    group_by : str
        The group column.
    threshold : float
        Score needed to be selected.
    weights : dict, optional
        Any non-negative weights (divided by their sum); default ``DEFAULT_WEIGHTS``.

    Returns
    -------
    AuditResult
        Scores, the :func:`course.audit` table, the same among people who repaid, and
        :func:`course.calibration`.

    Examples
    --------
    >>> import course
    >>> people = course.load_dataset("population")
    >>> dims = course.dimension_scores(people, course.load_dataset("transactions"),
    ...                                course.load_dataset("friendships"))
    >>> result = audit_summary(dims, people.set_index("consumer_id").loc[dims.index]
    ...                        .reset_index(), group_by="hukou")
    >>> round(result.four_fifths_ratio, 2)
    0.55
    """
    clean = normalise_weights(DEFAULT_WEIGHTS if weights is None else weights)
    scores = lotus_score(dimensions, clean,
                         blacklisted=population["blacklisted"].to_numpy(dtype=bool))
    table = audit(scores, population, group=group_by, threshold=threshold)
    repaid = ~population["defaulted"].to_numpy(dtype=bool)
    opportunity = selection_rates(scores[repaid], population[repaid], group=group_by,
                                  threshold=threshold)
    tiers = calibration(scores, population, group=group_by)
    return AuditResult(group_by, int(threshold), clean, scores, table, opportunity, tiers)
