"""The fairness audit of :mod:`course.fairness` drawn as one figure (lesson 08)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from .fairness import FOUR_FIFTHS, _scores_frame, audit, calibration

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def plot_audit(scores, population: pd.DataFrame, *, group: str = "hukou",
               threshold: float = 600, bands: Sequence[int] | None = None) -> Figure:
    """Draw the audit: score distributions, selection rates and calibration by group.

    Parameters
    ----------
    scores : pandas.Series or array-like
        Scores, by ``consumer_id`` or in population order.
    population : pandas.DataFrame
        With ``consumer_id``, ``defaulted`` and the ``group`` column.
    group : str
        The group column.
    threshold : float
        Score needed to be selected.
    bands : optional
        Score bands for the calibration panel (see :func:`calibration`).

    Returns
    -------
    matplotlib.figure.Figure
        Three panels, in seaborn's colour-blind-safe palette.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import course
    >>> people = course.load_dataset("population")
    >>> dims = course.dimension_scores(people, course.load_dataset("transactions"),
    ...                                course.load_dataset("friendships"))
    >>> fig = plot_audit(course.lotus_score(dims), people, group="hukou")
    >>> len(fig.axes)
    3
    """
    import matplotlib.pyplot as plt
    import seaborn as sns
    from matplotlib.ticker import PercentFormatter

    table = audit(scores, population, group=group, threshold=threshold)
    cal = calibration(scores, population, group=group, bands=bands)
    frame = _scores_frame(scores, population, group)
    names = [str(g) for g in table["group"]]
    palette = dict(zip(names, sns.color_palette("colorblind", len(names))))
    frame["group"] = frame["group"].astype(str)
    cal["group"] = cal["group"].astype(str)

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.6), layout="constrained")
    ax = axes[0]
    sns.kdeplot(data=frame, x="score", hue="group", hue_order=names, palette=palette,
                common_norm=False, cut=0, linewidth=2, ax=ax)
    ax.get_legend().set_title(group)
    ax.axvline(threshold, color="black", linestyle="--", linewidth=1)
    ax.annotate(f"threshold {threshold:g}", (threshold, 0.97), xycoords=("data", "axes fraction"),
                xytext=(4, 0), textcoords="offset points", va="top", fontsize=9)
    ax.set(xlabel="score", ylabel="density (within group)", title="Score distribution")

    ax = axes[1]
    sns.barplot(x=names, y=table["selection_rate"].to_numpy(), hue=names, palette=palette,
                legend=False, ax=ax)
    best = table["selection_rate"].max()
    ax.axhline(FOUR_FIFTHS * best, color="black", linestyle="--", linewidth=1)
    ax.annotate("four-fifths of best", (1.0, FOUR_FIFTHS * best),
                xycoords=("axes fraction", "data"), xytext=(-4, 3), textcoords="offset points",
                ha="right", fontsize=9, bbox={"facecolor": "white", "edgecolor": "none",
                                              "alpha": 0.8, "pad": 1})
    for i, row in enumerate(table.itertuples()):
        ax.annotate(f"{row.selection_rate:.0%}\nratio {row.ratio_to_best:.2f}",
                    (i, row.selection_rate), ha="center", va="bottom", fontsize=9,
                    xytext=(0, 2), textcoords="offset points")
    ax.set(xlabel=group, ylabel=f"share scoring {threshold:g} or more",
           title="Selection rate", ylim=(0, min(1.0, best * 1.25) + 0.05))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))

    ax = axes[2]
    sns.lineplot(data=cal, x="band", y="default_rate", hue="group", hue_order=names,
                 palette=palette, marker="o", linewidth=2, ax=ax)
    ax.get_legend().set_title(group)
    ax.set(xlabel="score band", ylabel="default rate", title="Calibration: default rate by band")
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.tick_params(axis="x", labelrotation=20)
    fig.suptitle(f"Fairness audit by {group} at threshold {threshold:g}")
    return fig
