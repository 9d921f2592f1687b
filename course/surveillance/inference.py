"""Inference: predicting a private trait (parenthood, heavy gaming) from purchases."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from .._checks import as_generator, check_count, check_frame
from ..traces import CATEGORY_NAMES
from .footprints import _check_channel


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

    Examples
    --------
    >>> from course import load_dataset
    >>> shares = category_shares(load_dataset("transactions"))
    >>> bool(((shares.sum(axis=1) - 1).abs() < 1e-9).all())
    True
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


def trait_probabilities(population: pd.DataFrame, transactions: pd.DataFrame, *,
                  trait: str = "has_children", channel: str = "platform", folds: int = 5,
                  seed: int | np.random.Generator | None = None) -> pd.Series:
    """Predict a private trait from category spending shares, out of sample.

    A logistic regression (scikit-learn, standardised features, balanced class weights) on
    :func:`category_shares`; each person's probability comes from a model that did not see
    them (stratified ``folds``-fold cross-validation, shuffled with ``seed``).

    Parameters
    ----------
    population : pandas.DataFrame
        The consumers, with the trait's column.
    transactions : pandas.DataFrame
        Their payments, as from :func:`course.make_transactions`.
    trait : {"has_children", "heavy_gamer"}
        The private trait to predict (keyword only, like every option here).
    channel : {"platform", "all"}
        ``"platform"`` uses only what Lotus Pay sees; ``"all"`` every payment.
    folds : int
        Folds of the cross-validation (at least 2).
    seed : int, numpy.random.Generator or None
        Shuffles the folds; the same seed gives the same predictions.

    Returns
    -------
    pandas.Series
        Probability of the trait, indexed by ``consumer_id``, named ``p_<trait>``.

    Examples
    --------
    >>> from course import load_dataset
    >>> p = trait_probabilities(load_dataset("population"), load_dataset("transactions"), seed=1)
    >>> p.name, bool(p.between(0, 1).all())
    ('p_has_children', True)
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


def trait_inference_metrics(population: pd.DataFrame, transactions: pd.DataFrame, *,
                trait: str | Iterable[str] = ("has_children", "heavy_gamer"),
                channel: str = "platform", folds: int = 5,
                seed: int | np.random.Generator | None = None) -> pd.DataFrame:
    """Say how well purchases reveal private traits, against guessing.

    Uses :func:`trait_probabilities` and scikit-learn's metrics. Someone is flagged when their
    probability is at least 0.5 (the model is class-balanced, so 0.5 is a fair cut).

    Parameters
    ----------
    population, transactions : pandas.DataFrame
        The consumers (with the trait columns) and their payments.
    trait : str or iterable of str
        The private traits to infer.
    channel : {"platform", "all"}
        Which payments the inference may use.
    folds : int
        Folds of the cross-validation.
    seed : int, numpy.random.Generator or None
        Shuffles the folds.

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
    >>> report = trait_inference_metrics(load_dataset("population"), load_dataset("transactions"),
    ...                      trait="has_children", seed=1)
    >>> auc_row = report[report["metric"] == "roc_auc"].iloc[0]
    >>> bool(auc_row["value"] > auc_row["baseline"] + 0.2)
    True
    """
    from sklearn.metrics import (
        average_precision_score,
        precision_score,
        recall_score,
        roc_auc_score,
    )

    traits = [trait] if isinstance(trait, str) else list(trait)
    if not traits:
        raise ValueError("give at least one trait, e.g. trait='has_children'.")
    rng = as_generator(seed)
    rows = []
    for name in traits:
        p = trait_probabilities(population, transactions, trait=name, channel=channel, folds=folds,
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
