"""Fairness audits of a score: who gets selected, who is scored below their true risk.

* :func:`selection_rates` — per group, the share scoring at or above a threshold (for example
  600, the deposit-free rental perk), and each group's rate as a share of the best group's;
* :func:`four_fifths_ratio` — the lowest of those ratios. Under the four-fifths rule of thumb
  (US Uniform Guidelines, 29 CFR 1607.4(D)) a ratio below 0.8 is taken as evidence of adverse
  impact;
* :func:`audit` — one tidy table: selection, default rates, mean scores and the **score gap
  at equal true risk** (how many points lower a group is scored than the best-selected group
  among people of the same true risk);
* :func:`calibration` — the default rate per score band per group: if a band's default rate
  differs by group, the same score means different risk for different people;
* :func:`course.plot_audit` (in :mod:`course.fairness_plot`) — all of it in one figure.

``scores`` may be a Series indexed by ``consumer_id`` (as :func:`course.lotus_score` returns
for :func:`course.dimension_scores`), aligned to ``population`` by id, or an array in the
population's row order. A group is a column of ``population``: ``"hukou"``, ``"city_tier"``,
``"gender"``, ...
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._checks import check_count, check_frame
from .scoring import SCORE_MAX, SCORE_MIN, TIERS

#: The four-fifths rule of thumb: a selection-rate ratio below this is adverse impact.
FOUR_FIFTHS = 0.8
#: Quantile bands of true default probability used to compare people of equal true risk.
RISK_BANDS = 5


def _scores_frame(scores, population: pd.DataFrame, group: str,
                  extra: Sequence[str] = ()) -> pd.DataFrame:
    """Put scores, the group and ``extra`` columns side by side, checking every input."""
    check_frame(population, "population", ["consumer_id", *extra])
    if not isinstance(group, str):
        raise TypeError(f"group must be the name of a population column, got {group!r}.")
    if group not in population.columns:
        candidates = [c for c in population.columns
                      if isinstance(population[c].dtype, pd.CategoricalDtype)
                      or population[c].dtype == bool]
        raise ValueError(f"population has no column {group!r}; groups can be for example "
                         f"{', '.join(candidates)}.")
    if len(population) == 0:
        raise ValueError("population is empty: there is nobody to audit.")
    ids = population["consumer_id"]
    if isinstance(scores, pd.Series):
        missing = ~ids.isin(scores.index)
        if missing.any():
            raise ValueError(
                f"scores (a Series, matched to population by consumer_id) has no score for "
                f"{int(missing.sum())} consumer(s), e.g. consumer_id {ids[missing].iloc[0]}; "
                "score the people you audit, or pass scores.to_numpy() if they are already in "
                "population order."
            )
        if scores.index.has_duplicates:
            raise ValueError("scores has duplicate consumer_ids in its index; one score each.")
        values = scores.reindex(ids.to_numpy()).to_numpy()
    else:
        values = np.asarray(scores)
        if values.shape != (len(population),):
            raise ValueError(f"scores must have one value per consumer ({len(population)}), "
                             f"got shape {values.shape}.")
    if values.dtype == bool or not np.issubdtype(values.dtype, np.number):
        raise TypeError(f"scores must be numbers, got dtype {values.dtype}.")
    values = values.astype(float)
    if not np.isfinite(values).all():
        raise ValueError("scores contain NaN or infinite values; every consumer needs a score.")
    labels = population[group]
    if labels.isna().any():
        raise ValueError(f"population[{group!r}] has missing values; fill or drop them first.")
    if not isinstance(labels.dtype, pd.CategoricalDtype):
        labels = labels.astype("category")
    empty = [str(c) for c in labels.cat.categories if not (labels == c).any()]
    if empty:
        raise ValueError(
            f"group(s) {', '.join(empty)} of {group!r} have no members in population, so "
            "their rates are undefined; drop them with "
            f"population[{group!r}].cat.remove_unused_categories() or audit another group."
        )
    frame = pd.DataFrame({"score": values, "group": labels.to_numpy()})
    frame["group"] = frame["group"].astype(labels.dtype)
    for column in extra:
        frame[column] = population[column].to_numpy()
    return frame


def _check_threshold(threshold) -> float:
    if isinstance(threshold, (bool, np.bool_)) or not isinstance(threshold, numbers.Real) or \
            not np.isfinite(threshold):
        raise TypeError(f"threshold must be a number such as 600, got {threshold!r}.")
    return float(threshold)


def _selection(frame: pd.DataFrame, threshold: float) -> pd.DataFrame:
    frame = frame.assign(selected=frame["score"] >= threshold)
    table = frame.groupby("group", observed=True).agg(
        n=("score", "size"), selected=("selected", "sum"))
    table["selected"] = table["selected"].astype(np.int64)
    table["selection_rate"] = table["selected"] / table["n"]
    best = table["selection_rate"].max()
    if best == 0:
        raise ValueError(
            f"nobody in any group scores {threshold:g} or more, so the four-fifths ratio is "
            "undefined (0 / 0); choose a lower threshold."
        )
    table["ratio_to_best"] = table["selection_rate"] / best
    table["passes_four_fifths"] = table["ratio_to_best"] >= FOUR_FIFTHS
    return table


def selection_rates(scores, population: pd.DataFrame, *, group: str = "hukou",
                    threshold: float = 600) -> pd.DataFrame:
    """Per group: how many score at least ``threshold``, and the ratio to the best group.

    Parameters
    ----------
    scores : pandas.Series or array-like
        Scores, by ``consumer_id`` or in population order.
    population : pandas.DataFrame
        With ``consumer_id`` and the ``group`` column.
    group : str
        The group column.
    threshold : float
        Score needed to be selected.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``group``, ``n``, ``selected``, ``selection_rate``,
        ``ratio_to_best`` (selection rate / highest group's) and ``passes_four_fifths``
        (ratio >= 0.8).

    Raises
    ------
    ValueError
        If a group has no members, or nobody reaches the threshold (the ratio would be 0/0).

    Examples
    --------
    >>> import pandas as pd
    >>> people = pd.DataFrame({"consumer_id": range(4), "hukou": ["local"] * 2 + ["migrant"] * 2})
    >>> selection_rates([650, 620, 640, 500], people)["selection_rate"].tolist()
    [1.0, 0.5]
    """
    frame = _scores_frame(scores, population, group)
    return _selection(frame, _check_threshold(threshold)).reset_index()


def four_fifths_ratio(scores, population: pd.DataFrame, *, group: str = "hukou",
                      threshold: float = 600) -> float:
    """The lowest group's selection rate divided by the highest group's.

    Below 0.8 fails the four-fifths rule of thumb. With only one group the ratio is 1.0.

    Parameters
    ----------
    scores : pandas.Series or array-like
        Scores, by ``consumer_id`` or in population order.
    population : pandas.DataFrame
        With ``consumer_id`` and the ``group`` column.
    group : str
        The group column.
    threshold : float
        Score needed to be selected.

    Returns
    -------
    float
        Between 0 and 1.

    Examples
    --------
    >>> import pandas as pd
    >>> people = pd.DataFrame({"consumer_id": range(4), "hukou": ["local"] * 2 + ["migrant"] * 2})
    >>> four_fifths_ratio([650, 620, 640, 500], people)
    0.5
    """
    return float(selection_rates(scores, population, group=group,
                                 threshold=threshold)["ratio_to_best"].min())


def _risk_strata(population: pd.DataFrame, risk_bands: int) -> tuple[np.ndarray, str]:
    if "default_probability" in population.columns:
        p = population["default_probability"]
        if p.isna().any():
            raise ValueError("population['default_probability'] has missing values.")
        strata = pd.qcut(p.rank(method="first"), risk_bands, labels=False)
        return strata.to_numpy(), f"{risk_bands} quantile bands of default_probability"
    return population["defaulted"].to_numpy(dtype=bool).astype(int), "defaulted (yes / no)"


def _gap_at_equal_risk(frame: pd.DataFrame, reference) -> pd.Series:
    """Mean score difference to the reference group within risk strata, weighted by group."""
    means = frame.groupby(["group", "stratum"], observed=True)["score"].agg(["mean", "size"])
    ref = means.loc[reference, "mean"]
    gaps = {}
    for name in frame["group"].cat.categories:
        own = means.loc[name]
        common = own.index.intersection(ref.index)
        if len(common) == 0:
            raise ValueError(
                f"group {name!r} shares no risk band with {reference!r}, so their scores "
                "cannot be compared at equal risk; use fewer risk_bands."
            )
        diff = own.loc[common, "mean"] - ref.loc[common]
        gaps[name] = float(np.average(diff, weights=own.loc[common, "size"]))
    return pd.Series(gaps)


def audit(scores, population: pd.DataFrame, *, group: str = "hukou", threshold: float = 600,
          risk_bands: int = RISK_BANDS) -> pd.DataFrame:
    """Audit a score for disparate impact between the groups of one population column.

    **Score gap at equal true risk.** People are put in strata of equal true risk and, within
    each stratum, a group's mean score is compared with the mean score of the reference group
    (the one with the highest selection rate); the differences are averaged with the group's
    own numbers per stratum as weights. The strata are ``risk_bands`` quantile bands of
    ``default_probability`` when the population has it (``make_population(...,
    include_latent=True)``); otherwise the two outcomes of ``defaulted``, so people who
    turned out alike are compared: "balance for the positive/negative class" (Kleinberg,
    Mullainathan & Raghavan, 2017), not Hardt, Price & Srebro's (2016) "equal opportunity",
    which compares true-positive rates. A negative gap means the group is scored lower than
    equally risky members of the reference.

    Parameters
    ----------
    scores : pandas.Series or array-like
        Scores (higher = lower risk), by ``consumer_id`` or in population order.
    population : pandas.DataFrame
        With ``consumer_id``, ``defaulted``, the ``group`` column and, optionally,
        ``default_probability``.
    group : str
        Column of ``population`` that defines the groups.
    threshold : float
        Score needed to be selected (e.g. 600 for deposit-free rentals).
    risk_bands : int
        Number of true-risk bands (used only with ``default_probability``).

    Returns
    -------
    pandas.DataFrame
        One row per group: ``group``, ``n``, ``selected``, ``selection_rate``,
        ``ratio_to_best``, ``passes_four_fifths``, ``default_rate``, ``mean_score`` and
        ``score_gap_at_equal_risk`` (points). ``.attrs`` records ``group``, ``threshold``,
        ``reference`` and ``risk_basis``.

    Raises
    ------
    ValueError
        If a group has no members, nobody reaches the threshold, or a column is missing.

    Examples
    --------
    >>> import course
    >>> people = course.load_dataset("population")
    >>> dims = course.dimension_scores(people, course.load_dataset("transactions"),
    ...                                course.load_dataset("friendships"))
    >>> table = audit(course.lotus_score(dims), people, group="hukou", threshold=600)
    >>> table["group"].tolist()
    ['local', 'migrant']
    """
    threshold = _check_threshold(threshold)
    risk_bands = check_count(risk_bands, "risk_bands", minimum=1)
    frame = _scores_frame(scores, population, group, extra=["defaulted"])
    table = _selection(frame, threshold)
    stats = frame.groupby("group", observed=True).agg(
        default_rate=("defaulted", "mean"), mean_score=("score", "mean"))
    table = table.join(stats)
    frame["stratum"], basis = _risk_strata(population, risk_bands)
    reference = table["selection_rate"].idxmax()
    table["score_gap_at_equal_risk"] = _gap_at_equal_risk(frame, reference)
    table = table.reset_index()
    table.attrs.update(group=group, threshold=threshold, reference=reference,
                       risk_basis=basis)
    return table


def _bands(scores: np.ndarray, bands) -> pd.Categorical:
    if bands is None:
        if scores.min() < SCORE_MIN or scores.max() > SCORE_MAX:
            raise ValueError("scores outside 350-950 have no Lotus tier; give bands= as a "
                             "number of quantile bands or a list of band edges.")
        edges = [*TIERS["min_score"].astype(float), SCORE_MAX + 1.0]
        labels = list(TIERS["tier"])
    elif isinstance(bands, numbers.Integral) and not isinstance(bands, bool):
        bands = check_count(bands, "bands", minimum=1)
        edges = np.unique(np.quantile(scores, np.linspace(0, 1, bands + 1)))
        edges[-1] = np.nextafter(edges[-1], np.inf)
        labels = [f"{lo:g}-{hi:g}" for lo, hi in zip(edges[:-1], np.ceil(edges[1:]) - 1)]
    else:
        edges = np.asarray(bands, dtype=float)
        if edges.ndim != 1 or len(edges) < 2 or not (np.diff(edges) > 0).all():
            raise ValueError("bands must be None (Lotus tiers), a number of quantile bands, or "
                             "at least two increasing band edges such as [350, 600, 951].")
        outside = (scores < edges[0]) | (scores >= edges[-1])
        if outside.any():
            raise ValueError(
                f"{int(outside.sum())} score(s) fall outside the band edges "
                f"[{edges[0]:g}, {edges[-1]:g}); widen the first or last edge."
            )
        labels = [f"{lo:g}-{hi:g}" for lo, hi in zip(edges[:-1], edges[1:])]
    return pd.cut(scores, edges, right=False, labels=labels)


def calibration(scores, population: pd.DataFrame, *, group: str = "hukou",
                bands=None) -> pd.DataFrame:
    """Default rate per score band per group.

    Parameters
    ----------
    scores, population, group
        As for :func:`audit`.
    bands : None, int or sequence of float
        ``None``: the Lotus tiers (poor .. excellent); an int: that many quantile bands of the
        scores; a sequence: band edges, each band ``[lo, hi)``.

    Returns
    -------
    pandas.DataFrame
        One row per (group, band) that has members: ``group``, ``band`` (ordered
        categorical), ``n``, ``defaults``, ``default_rate`` and ``mean_score``. Bands with no
        members in a group are left out (they have no rate); check ``n`` before reading much
        into a small band.

    Examples
    --------
    >>> import pandas as pd
    >>> people = pd.DataFrame({"consumer_id": range(4), "hukou": ["local", "migrant"] * 2,
    ...                        "defaulted": [True, False, False, False]})
    >>> calibration([500, 520, 610, 620], people)["default_rate"].tolist()
    [1.0, 0.0, 0.0, 0.0]
    """
    frame = _scores_frame(scores, population, group, extra=["defaulted"])
    frame["band"] = _bands(frame["score"].to_numpy(), bands)
    frame["defaulted"] = frame["defaulted"].astype(bool)
    table = frame.groupby(["group", "band"], observed=True).agg(
        n=("score", "size"), defaults=("defaulted", "sum"), mean_score=("score", "mean"))
    table["defaults"] = table["defaults"].astype(np.int64)
    table.insert(2, "default_rate", table["defaults"] / table["n"])
    return table.reset_index()
