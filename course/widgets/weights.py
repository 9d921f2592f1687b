"""Weights explorer: five weight sliders -> score distribution, tier shares by group, AUC.

The sliders set *relative* importance: the explorer divides them by their sum before
scoring, so they need not add up to 1 while you drag (the note under the sliders shows the
weights actually used). This keeps every position of the sliders meaningful; the package's
own :func:`course.validate_weights` stays strict, and setting every slider to zero is an
error that the explorer reports.
"""

from __future__ import annotations

from collections.abc import Mapping

import ipywidgets as widgets
import numpy as np
import pandas as pd
import seaborn as sns

from .. import plots
from .._checks import check_frame
from ..constants import DEFAULT_WEIGHTS, DIMENSIONS, SCORE_MAX, SCORE_MIN
from ..scoring import TIER_NAMES, lotus_score, repayment_auc
from ..summaries import FIRST_PERK, GROUP_COLUMNS, WeightsResult, align_population, score_summary
from ._base import CONTROL_LAYOUT, CONTROL_STYLE, Explorer, WeightSliders, html_table

#: Histogram bins of the score plot: 10 points wide, 350..950.
SCORE_BINS = np.arange(SCORE_MIN, SCORE_MAX + 10, 10)
#: Heights (% of group) the score histogram's y axis may take.
YLIM_STEPS = [6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100]


class WeightsExplorer(WeightSliders, Explorer):
    """Five weight sliders; see the score distribution, tier shares by group and the AUC.

    Controls: ``sliders`` (a dict of ``FloatSlider`` by dimension), ``group_by`` (Dropdown)
    and ``reset`` (Button). ``result`` is a :class:`WeightsResult`.
    """

    title = "Weights explorer"

    def __init__(self, dimensions: pd.DataFrame, population: pd.DataFrame, *,
                 group_by: str | None = "hukou", weights: Mapping | None = None,
                 continuous_update: bool = True):
        check_frame(dimensions, "dimensions", DIMENSIONS, hint="course.dimension_scores(...)")
        self.dimensions = dimensions
        self.population = align_population(population, dimensions.index)
        start = dict(DEFAULT_WEIGHTS if weights is None else weights)
        self.sliders = {
            d: widgets.FloatSlider(
                value=start[d], min=0.0, max=1.0, step=0.01, description=plots.label(d),
                continuous_update=continuous_update, readout_format=".2f",
                style=CONTROL_STYLE, layout=CONTROL_LAYOUT)
            for d in DIMENSIONS
        }
        groups = [c for c in GROUP_COLUMNS if c in self.population.columns
                  and c not in ("defaulted", "blacklisted")]
        self.group_by = widgets.Dropdown(
            options=[("(no grouping: everyone)", None)] + [(plots.label(c), c) for c in groups],
            value=group_by, description="Compare groups by", style=CONTROL_STYLE,
            layout=CONTROL_LAYOUT)
        self.reset = widgets.Button(description="Reset to default weights",
                                    tooltip="Set the sliders back to 35/25/20/15/5",
                                    icon="undo", layout={"width": "220px"})
        self.reset.on_click(self._reset)
        self.weights_note = widgets.HTML()
        self.default_auc = repayment_auc(lotus_score(dimensions, DEFAULT_WEIGHTS), self.population[
            "defaulted"].to_numpy(dtype=bool))
        self._holding = False
        self._built_for = None
        super().__init__(
            [*self.sliders.values(), self.weights_note, widgets.HBox([self.group_by, self.reset])],
            intro="Drag a slider to change how much a dimension counts. The sliders set "
                  "<b>relative</b> importance: the explorer divides them by their sum, so the "
                  "weights it uses always add up to 1 (shown under the sliders). AUC says how "
                  "well the score ranks people who did not default above those who did "
                  "(0.5 = chance, 1 = perfect).")
        self._observe(*self.sliders.values(), self.group_by)
        self.refresh()

    def _compute(self) -> WeightsResult:
        raw = {d: s.value for d, s in self.sliders.items()}
        total = sum(raw.values())
        if total > 0:
            used = " · ".join(f"{plots.label(d).split(' ')[0]} {v / total:.0%}"
                              for d, v in raw.items())
            note = (f"Sliders sum to {total:.2f}; weights used (each divided by the sum): "
                    f"{used}")
        else:
            note = "All sliders are at zero: there is nothing to score."
        self.weights_note.value = f"<span style='font-size:90%'>{note}</span>"
        return score_summary(self.dimensions, self.population, raw, self.group_by.value)

    # Drawing: built once per grouping, then updated in place (fast enough to drag)
    def _build(self, result: WeightsResult) -> None:
        groups = list(result.tier_shares.index)
        colours = sns.color_palette(plots.PALETTE, n_colors=max(1, len(groups)))
        fig = self._new_figure((10.5, 3.9))
        ax_hist, ax_tiers = fig.subplots(1, 2, width_ratios=[1.35, 1])
        plots.tier_bands(ax_hist)
        self._stairs = []
        for colour, group in zip(colours, groups):
            n = int(result.by_group.loc[group, "n"])
            stairs = ax_hist.stairs(np.zeros(len(SCORE_BINS) - 1), SCORE_BINS, color=colour,
                                    lw=1.8, label=f"{group} (n={n})")
            self._stairs.append(stairs)
        ax_hist.set_xlabel("Lotus Score")
        ax_hist.set_ylabel("% of group")
        what = plots.label(result.group_by).split(" (")[0].lower() if result.group_by else None
        ax_hist.set_title("Score distribution" + (f" by {what}" if what else ""))
        if len(groups) > 4:  # many groups: keep the legend off the curves
            ax_hist.legend(loc="upper left", fontsize="x-small", title=what,
                           bbox_to_anchor=(1.01, 1.0), title_fontsize="small")
        else:
            ax_hist.legend(loc="upper right", fontsize="small", title=what,
                           bbox_to_anchor=(1, 0.9))
        self._ylim = None

        y = np.arange(len(groups))
        self._segments = {}
        self._labels = {}
        for t in TIER_NAMES:
            self._segments[t] = ax_tiers.barh(y, np.zeros(len(groups)), left=0, height=0.7,
                                              color=plots.TIER_COLOURS[t], edgecolor="white",
                                              label=t)
            self._labels[t] = [ax_tiers.text(0, yi, "", ha="center", va="center",
                                             fontsize="x-small") for yi in y]
        ax_tiers.set_yticks(y, [str(g) for g in groups])
        ax_tiers.invert_yaxis()
        ax_tiers.set_xlim(0, 1)
        plots.percent_axis(ax_tiers, "x")
        ax_tiers.set_xlabel("% of group")
        ax_tiers.set_title("Tier shares" + (f" by {what}" if what else ""))
        ax_tiers.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=5,
                        fontsize="x-small", frameon=False, handlelength=1.2, columnspacing=0.8)
        ax_tiers.grid(axis="y", visible=False)
        self._axes = (ax_hist, ax_tiers)
        self._title = fig.suptitle("", fontsize="medium")
        # Only these move when a slider moves; the rest is drawn once (see Explorer._render)
        self._animate(*self._stairs, *[bar for t in TIER_NAMES for bar in self._segments[t]],
                      *[text for t in TIER_NAMES for text in self._labels[t]], self._title)
        self.figure = fig
        self._built_for = result.group_by
        self._update(result)

    def _update(self, result: WeightsResult) -> None:
        ax_hist, ax_tiers = self._axes
        keys = result.groups
        top = 0.0
        for stairs, group in zip(self._stairs, result.tier_shares.index):
            values = result.scores[keys == group].to_numpy()
            counts, _ = np.histogram(values, SCORE_BINS)
            percent = 100.0 * counts / max(1, len(values))
            stairs.set_data(percent)
            top = max(top, percent.max())
        # The y axis grows or shrinks in steps, so that it rarely needs a full redraw
        ylim = next(v for v in YLIM_STEPS if v >= top * 1.1)
        if ylim != self._ylim:
            ax_hist.set_ylim(0, ylim)
            self._ylim = ylim
            self._background = None
        left = np.zeros(len(result.tier_shares))
        for t in TIER_NAMES:
            width = result.tier_shares[t].to_numpy()
            for i, (bar, text) in enumerate(zip(self._segments[t], self._labels[t])):
                bar.set_x(left[i])
                bar.set_width(width[i])
                text.set_x(left[i] + width[i] / 2)
                text.set_text(f"{width[i]:.0%}" if width[i] >= 0.07 else "")
            left += width
        weights = " / ".join(f"{100 * result.weights[d]:.0f}" for d in DIMENSIONS)
        self._title.set_text(f"Weights {weights}   ·   AUC {result.auc:.3f} "
                             f"(default weights {self.default_auc:.3f})")

    def _draw(self, result: WeightsResult) -> None:
        if self.figure is None or self._built_for != result.group_by:
            self._build(result)
        else:
            self._update(result)
        table = result.by_group.rename(columns={
            "n": "people", "mean_score": "mean score", "share_perk": f"share ≥ {FIRST_PERK}",
            "default_rate": "actual default rate", "auc": "AUC in group"})
        for c in (f"share ≥ {FIRST_PERK}", "actual default rate"):
            table[c] = table[c].map("{:.1%}".format)
        table["mean score"] = table["mean score"].map("{:.0f}".format)
        table["AUC in group"] = table["AUC in group"].map(
            lambda v: "—" if pd.isna(v) else f"{v:.3f}")
        self.summary.value = html_table(
            table, caption=f"By group — overall AUC {result.auc:.3f} (default weights "
                           f"{self.default_auc:.3f})")

    def _message(self, result: WeightsResult) -> str:
        return ""


def weights_explorer(dimensions: pd.DataFrame, population: pd.DataFrame, *,
                     group_by: str | None = "hukou", weights: Mapping | None = None,
                     continuous_update: bool = True) -> WeightsExplorer:
    """Explore how the five weights change scores, tiers by group and predictive power.

    Parameters
    ----------
    dimensions : pandas.DataFrame
        From :func:`course.dimension_scores` (indexed by ``consumer_id``).
    population : pandas.DataFrame
        The population the dimensions were computed from (for groups, blacklist and the
        real outcome ``defaulted``).
    group_by : str or None
        The starting grouping, e.g. ``"hukou"`` or ``"city_tier"``.
    weights : dict, optional
        Starting slider positions; default ``course.DEFAULT_WEIGHTS``.
    continuous_update : bool
        Update while a slider is dragged (default) or only when it is released.

    Returns
    -------
    WeightsExplorer
        Display it in a notebook. Set ``.sliders["connections"].value = 0.3`` (or call
        ``.set_weights({...})``) to drive it from code; ``.result`` holds the scores, tier
        shares, AUC and per-group table.

    Examples
    --------
    >>> import course
    >>> people = course.load_dataset("population")
    >>> dims = course.dimension_scores(people, course.load_dataset("transactions"),
    ...                                course.load_dataset("friendships"))
    >>> explorer = weights_explorer(dims, people)
    >>> explorer.sliders["connections"].value = 0.0
    >>> round(sum(explorer.result.weights.values()), 6)
    1.0
    """
    return WeightsExplorer(dimensions, population, group_by=group_by, weights=weights,
                           continuous_update=continuous_update)
