"""Surveillance dial: keep less data -> what the score loses, what privacy gains.

The controls set a **data policy** (see :func:`course.resolve_policy`): how precisely each
payment is recorded (time, place, amount) and which sources are kept at all (payments, bills,
identity, friendships). For each policy the dial measures what :func:`course.minimisation`
measures, with the same package functions, and plots it against the full data and the preset
policies of ``course.MINIMISATION_SCENARIOS``:

* **score accuracy** — the AUC of the Lotus Score recomputed from what is kept
  (:func:`course.minimised_dimensions`);
* **data footprint** — records held per person (:func:`course.footprint`; dropping a source
  shrinks it, coarsening a field keeps as many records, only less precise ones);
* **unicity** — the share of people singled out by ``k`` random points of the payment
  records the platform keeps, at the kept precision (:func:`course.unicity`).

Unlike :func:`course.minimisation`, which draws every scenario's points from one random
stream, the dial gives each policy its own draws from the same seed, so a policy shows the
same numbers however it is reached (slider or preset). The measurements are those of
:class:`course.surveillance.PolicyMeter` (:mod:`course.surveillance.policies`), which caches
accuracy by policy, unicity by precision and ``k``, and the payment trace prepared by
precision, so that a new ``k`` only redraws and recounts.
"""

from __future__ import annotations

from collections.abc import Mapping

import ipywidgets as widgets
import numpy as np
import pandas as pd
import seaborn as sns

from .. import plots
from .._checks import check_count, check_frame
from ..surveillance import (
    FOOTPRINT_SOURCES,
    MINIMISATION_SCENARIOS,
    DialResult,
    PolicyMeter,
    matching_preset,
    resolve_policy,
)
from ._base import CONTROL_LAYOUT, CONTROL_STYLE, Explorer, html_table, stepped_limits

#: What a control shows when a field is not recorded at all.
NOT_KEPT = "not kept"
TIME_OPTIONS = [("to the second", "exact"), ("to the minute", "minute"),
                ("to the hour", "hour"), ("to the day", "day"), ("to the week", "week"),
                ("to the month", "month"), (NOT_KEPT, NOT_KEPT)]
PLACE_OPTIONS = [("which shop", "merchant"), ("kind of shop", "category"),
                 (NOT_KEPT, NOT_KEPT)]
AMOUNT_OPTIONS = [("to the fen", "exact"), ("1 CNY bins", "1"), ("10 CNY bins", "10"),
                  ("100 CNY bins", "100"), ("1000 CNY bins", "1000"), (NOT_KEPT, NOT_KEPT)]
SOURCE_LABELS = {"payments": "Keep payment records", "bills": "Keep bill history",
                 "identity": "Keep identity data", "friendships": "Keep friendships"}
CUSTOM = "(your own settings)"
#: Numbers that label the preset policies in the plots (the full data have their own mark).
PRESET_NUMBERS = {name: i for i, name in enumerate(
    [n for n in MINIMISATION_SCENARIOS if n != "full data"], start=1)}


class SurveillanceDial(Explorer):
    """Data sources on/off and coarseness dials -> accuracy vs footprint vs unicity.

    Controls: ``preset`` (Dropdown), ``time``, ``place``, ``amount`` (SelectionSliders),
    ``sources`` (a dict of Checkbox by source), ``k`` (IntSlider) and ``reset`` (Button).
    ``result`` is a :class:`DialResult`; ``meter`` (a :class:`PolicyMeter`) measures and caches.
    """

    title = "Surveillance dial"

    def __init__(self, population: pd.DataFrame, transactions: pd.DataFrame,
                 friendships: pd.DataFrame, *, k: int = 4, policy: Mapping | None = None,
                 weights: Mapping | None = None, seed: int = 0):
        check_frame(population, "population", ["consumer_id", "defaulted", "blacklisted"])
        check_frame(transactions, "transactions", ["consumer_id", "timestamp", "channel"])
        check_frame(friendships, "friendships", ["consumer_id", "friend_id"])
        self.population, self.transactions, self.friendships = (population, transactions,
                                                                friendships)
        self.weights, self.seed = weights, seed
        self.meter = PolicyMeter(population, transactions, friendships, weights=weights,
                                 seed=seed)
        self.source_means = self.meter.source_means
        start = resolve_policy(policy)
        check_count(k, "k", minimum=1)

        def slider(options, value, description):
            return widgets.SelectionSlider(
                options=options, value=value, description=description,
                continuous_update=False, style=CONTROL_STYLE, layout=CONTROL_LAYOUT)

        self.preset = widgets.Dropdown(
            options=[(CUSTOM, CUSTOM), *[(_preset_label(n), n) for n in MINIMISATION_SCENARIOS]],
            value=CUSTOM,
            description="Start from a preset", style=CONTROL_STYLE, layout=CONTROL_LAYOUT)
        self.time = slider(TIME_OPTIONS, _to_control(start["time"]), "Time of payment kept")
        self.place = slider(PLACE_OPTIONS, _to_control(start["place"]), "Place of payment kept")
        self.amount = slider(AMOUNT_OPTIONS, _to_control(start["amount"]), "Amount kept")
        self.sources = {
            s: widgets.Checkbox(value=start[s], description=SOURCE_LABELS[s], indent=False,
                                layout={"width": "210px"})
            for s in FOOTPRINT_SOURCES
        }
        self.k = widgets.IntSlider(
            value=k, min=1, max=8, description="Points the attacker knows (k)",
            continuous_update=False, style=CONTROL_STYLE, layout=CONTROL_LAYOUT)
        self.reset = widgets.Button(description="Keep everything again",
                                    tooltip="Back to the full data: every source, exact values",
                                    icon="undo", layout={"width": "220px"})
        self.reset.on_click(self._reset)
        self._holding = False
        self._built_for = None
        sources = list(self.sources.values())
        super().__init__(
            [self.preset, self.time, self.place, self.amount,
             widgets.HBox(sources[:2]), widgets.HBox(sources[2:]), self.k, self.reset],
            intro="Decide what Lotus Pay keeps. The sliders coarsen each payment record; the "
                  "boxes keep or drop whole sources. The plots show what the score loses "
                  "(AUC: 0.5 = chance) against what privacy gains: fewer records held, and "
                  "fewer people singled out by <i>k</i> of their payments. Grey dots are the "
                  "preset policies; the star is yours.")
        self._observe(self.time, self.place, self.amount, *sources, self.k)
        self.preset.observe(self._preset_changed, names="value")
        self._sync_preset()
        self.refresh()

    # Controls -> policy
    @property
    def policy(self) -> dict:
        """The data policy the controls describe (complete, as :func:`resolve_policy` gives)."""
        return resolve_policy({
            "time": _from_control(self.time.value), "place": _from_control(self.place.value),
            "amount": _from_control(self.amount.value),
            **{s: box.value for s, box in self.sources.items()}})

    def set_policy(self, policy: Mapping | None = None) -> None:
        """Move every control at once and update once (a partial policy keeps everything else)."""
        full = resolve_policy(policy)
        self._holding = True
        try:
            self.time.value = _to_control(full["time"])
            self.place.value = _to_control(full["place"])
            self.amount.value = _to_control(full["amount"])
            for s, box in self.sources.items():
                box.value = full[s]
        finally:
            self._holding = False
        self._sync_preset()
        self.refresh()

    def _reset(self, button=None) -> None:
        self.set_policy({})

    def _preset_changed(self, change) -> None:
        if self._holding or change["new"] == CUSTOM:
            return
        self.set_policy(MINIMISATION_SCENARIOS[change["new"]])

    def _sync_preset(self) -> None:
        """Show the preset's name when the controls match one, else 'your own settings'."""
        name = self.matching_preset(self.policy)
        self._holding = True
        try:
            self.preset.value = name or CUSTOM
        finally:
            self._holding = False

    matching_preset = staticmethod(matching_preset)

    def _on_change(self, change=None) -> None:
        if not self._holding:
            self._sync_preset()
            self.refresh()

    def _compute(self) -> DialResult:
        return self.meter.compare(self.policy, int(self.k.value))

    # Drawing: built once (again only if your policy leaves the axes); for a new k only the
    # unicity panel's presets and label move; on other changes only the bars, stars and title
    # move. Everything that moves is drawn over a cached background (Explorer._render)
    def _build(self, result: DialResult) -> None:
        fig = self._new_figure((13.2, 4.3))
        ax_bar, ax_fp, ax_un, ax_key = fig.subplots(1, 4, width_ratios=[0.9, 1, 1, 0.42])
        colours = dict(zip(FOOTPRINT_SOURCES, sns.color_palette(plots.PALETTE, 4)))
        means = self.source_means
        # What is kept, by source: full data (fixed) and this policy (moves)
        self._bars, self._bar_text = {}, {}
        total = 0.0
        for source in FOOTPRINT_SOURCES:
            ax_bar.barh(1, means[source], left=total, height=0.6, color=colours[source],
                        edgecolor="white", label=source)
            if means[source] >= 5:
                ax_bar.text(total + means[source] / 2, 1, f"{means[source]:.0f}",
                            ha="center", va="center", fontsize="small")
            total += means[source]
            self._bars[source] = ax_bar.barh(0, 0.0, height=0.6, color=colours[source],
                                             edgecolor="white")[0]
            self._bar_text[source] = ax_bar.text(0, 0, "", ha="center", va="center",
                                                 fontsize="small")
        self._total_text = ax_bar.text(0, 0, "", ha="left", va="center", fontsize="small",
                                       fontweight="bold")
        ax_bar.text(total, 1, f" {total:.0f}", ha="left", va="center", fontsize="small",
                    fontweight="bold")
        ax_bar.set_yticks([0, 1], ["this\npolicy", "full\ndata"])
        ax_bar.set_xlim(0, total * 1.2)
        ax_bar.set_ylim(-0.6, 1.6)
        ax_bar.set_xlabel("records held per person (mean)")
        ax_bar.set_title("What the platform keeps")
        ax_bar.grid(axis="y", visible=False)
        ax_bar.legend(loc="upper center", bbox_to_anchor=(0.45, -0.2), ncol=2,
                      fontsize="small", frameon=False, handlelength=1.2, columnspacing=0.8)

        # Accuracy against footprint and against unicity: presets (numbered), full data, you
        presets = result.presets
        numbered = presets[presets["scenario"] != "full data"]
        full = presets[presets["scenario"] == "full data"].iloc[0]
        self._stars, self._marks = [], {}
        ylim, fp_xlim = self._limits(result)
        for ax, column, xlim in ((ax_fp, "mean_footprint", fp_xlim),
                                 (ax_un, "unicity", (-0.05, 1.05))):
            ax.set(xlim=xlim, ylim=ylim)
            dots = ax.scatter(numbered[column], numbered["auc"], s=34, color="0.55", zorder=2,
                              label="a preset policy")
            diamond = ax.scatter([full[column]], [full["auc"]], s=70, marker="D",
                                 color="black", zorder=3, label="full data")
            self._marks[column] = (dots, diamond, plots.number_points(
                ax, numbered[column].to_numpy(), numbered["auc"].to_numpy(),
                [PRESET_NUMBERS[name] for name in numbered["scenario"]]))
            star = ax.scatter([np.nan], [np.nan], s=300, marker="*",
                              color=plots.TIER_COLOURS["poor"], edgecolor="black",
                              linewidth=0.6, zorder=4, label="your policy")
            self._stars.append(star)
            ax.set_ylabel("score accuracy (AUC)")
        ax_fp.set_xlabel("records held per person\n(fewer = more private)")
        ax_fp.set_title("Accuracy vs data held")
        plots.percent_axis(ax_un, "x")
        ax_un.set_xlabel(_unicity_label(result.k))
        ax_un.set_title("Accuracy vs re-identification")

        # The key to the numbered presets
        ax_key.axis("off")
        ax_key.set_title("Preset policies", loc="left")
        lines = [f"{number}  {name}" for name, number in PRESET_NUMBERS.items()]
        ax_key.text(0, 1, "\n".join(lines), transform=ax_key.transAxes, va="top", ha="left",
                    fontsize="small", linespacing=1.6)
        ax_key.legend(handles=[star, diamond, dots], loc="lower left", bbox_to_anchor=(-0.05, 0),
                      fontsize="small", frameon=False, markerscale=0.8)
        self._axes = (ax_bar, ax_fp, ax_un)
        self._limits_built = (ylim, fp_xlim)
        self._title = fig.suptitle("", fontsize="medium")
        # What a new k moves (the unicity panel's presets and its label) is redrawn over the
        # cached background too, under your star
        dots_un, diamond_un, labels_un = self._marks["unicity"]
        self._animate(dots_un, diamond_un, *labels_un, ax_un.xaxis.label,
                      *self._bars.values(), *self._bar_text.values(), self._total_text,
                      *self._stars, self._title)
        self.figure = fig
        self._built_for = result.k
        self._update(result)

    def _update(self, result: DialResult) -> None:
        ax_bar, ax_fp, ax_un = self._axes
        left = 0.0
        for source in FOOTPRINT_SOURCES:
            width = float(result.kept_by_source[source])
            self._bars[source].set_x(left)
            self._bars[source].set_width(width)
            self._bar_text[source].set_position((left + width / 2, 0))
            self._bar_text[source].set_text(f"{width:.0f}" if width >= 5 else "")
            left += width
        self._total_text.set_position((left, 0))
        self._total_text.set_text(f" {left:.0f}")
        for star, x in zip(self._stars, (result.mean_footprint, result.unicity)):
            star.set_offsets([[x, result.auc]])

        name = (f"preset {PRESET_NUMBERS[result.preset]}, “{result.preset}”"
                if result.preset in PRESET_NUMBERS else
                "full data" if result.preset else "your policy")
        title = (f"{name}: AUC {result.auc:.3f}  ·  {result.mean_footprint:.0f} records per "
                 f"person  ·  {result.unicity:.0%} singled out by {result.k} payments")
        if result.preset != "full data":
            title += (f"      (full data: {result.full_auc:.3f} · {result.full_footprint:.0f} · "
                      f"{result.full_unicity:.0%})")
        self._title.set_text(title)

    def _limits(self, result: DialResult) -> tuple:
        """Axis limits that hold the presets and your policy (they change in steps)."""
        return (stepped_limits([*result.presets["auc"], result.auc], 0.05, 0.01),
                _footprint_limits([*result.presets["mean_footprint"], result.mean_footprint],
                                  float(self.source_means.sum())))

    def _new_k(self, result: DialResult) -> None:
        """Move the presets in the unicity panel to their values at the new k."""
        ax_un = self._axes[2]
        presets = result.presets
        numbered = presets[presets["scenario"] != "full data"]
        full = presets[presets["scenario"] == "full data"].iloc[0]
        dots, diamond, labels = self._marks["unicity"]
        dots.set_offsets(np.column_stack([numbered["unicity"], numbered["auc"]]))
        diamond.set_offsets([[full["unicity"], full["auc"]]])
        at = self._animated.index(labels[0])  # the new labels are drawn there, under the star
        for label in labels:
            label.remove()
            self._animated.remove(label)
        labels = plots.number_points(
            ax_un, numbered["unicity"].to_numpy(), numbered["auc"].to_numpy(),
            [PRESET_NUMBERS[name] for name in numbered["scenario"]])
        for label in labels:
            label.set_animated(True)
        self._animated[at:at] = labels
        self._marks["unicity"] = (dots, diamond, labels)
        ax_un.set_xlabel(_unicity_label(result.k))
        self._built_for = result.k  # all of it is animated: the cached background still holds

    def _draw(self, result: DialResult) -> None:
        # Build the figure the first time, and again if your policy falls outside the axes
        if self.figure is None or self._limits(result) != self._limits_built:
            self._build(result)
        else:
            if self._built_for != result.k:
                self._new_k(result)
            self._update(result)
        self.summary.value = html_table(result.table(), caption=result.describe()) + (
            "<div style='font-size:90%;margin-top:4px'>Timestamps do not enter the score, so "
            "coarsening time changes only the re-identification risk. A dropped source is "
            "replaced by the population average (everyone looks alike on it).</div>")

    def _message(self, result: DialResult) -> str:
        if not result.policy["payments"]:
            return ("No payment records are kept, so there is no trace to match: unicity is "
                    "0 and the time, place and amount dials have no effect.")
        if all(result.policy[key] is None for key in ("time", "place", "amount")):
            return ("Neither time, place nor amount is kept: every payment record looks "
                    "alike, so nobody can be singled out by them (unicity 0).")
        return ""


def _preset_label(name: str) -> str:
    """A preset's name in the drop-down, with its number in the plots ("3  no amounts")."""
    return f"{PRESET_NUMBERS[name]}  {name}" if name in PRESET_NUMBERS else name


def _footprint_limits(values, total: float) -> tuple[float, float]:
    """Footprint axis limits: from the smallest value (rounded down to 10) to the full data."""
    low = float(np.floor((np.min(values) - 3) / 10) * 10)
    return max(0.0, low), total * 1.06


def _unicity_label(k: int) -> str:
    return f"people singled out by k={k} of their\npayments (fewer = more private)"


def _to_control(value) -> str:
    """A policy value as a control value (None -> 'not kept', 100.0 -> '100')."""
    return NOT_KEPT if value is None else f"{value:g}" if isinstance(value, float) else value


def _from_control(value: str):
    """A control value as a policy value ('not kept' -> None, '100' -> 100.0)."""
    if value == NOT_KEPT:
        return None
    return float(value) if value.replace(".", "", 1).isdigit() else value


def surveillance_dial(population: pd.DataFrame, transactions: pd.DataFrame,
                      friendships: pd.DataFrame, *, k: int = 4, policy: Mapping | None = None,
                      weights: Mapping | None = None, seed: int = 0) -> SurveillanceDial:
    """Explore data minimisation: what the score loses and what privacy gains.

    Parameters
    ----------
    population, transactions, friendships : pandas.DataFrame
        The course's frames (``course.load_dataset(...)``).
    k : int
        Starting number of payments the attacker knows, for the unicity.
    policy : dict, optional
        Starting data policy (see :func:`course.resolve_policy`); default: keep everything.
    weights : dict, optional
        Score weights; default ``course.DEFAULT_WEIGHTS``.
    seed : int
        Seed of the unicity draws (the same for every policy).

    Returns
    -------
    SurveillanceDial
        Display it in a notebook. Drive it from code by setting ``.time.value = "month"``,
        ``.sources["bills"].value = False`` or ``.preset.value = "minimal"``, or call
        ``.set_policy({...})``; ``.result`` holds the numbers shown.

    Examples
    --------
    >>> from course import load_dataset
    >>> dial = surveillance_dial(*[load_dataset(n) for n in
    ...                            ["population", "transactions", "friendships"]])
    >>> dial.sources["bills"].value = False
    >>> bool(dial.result.auc < dial.result.full_auc)
    True
    """
    return SurveillanceDial(population, transactions, friendships, k=k, policy=policy,
                            weights=weights, seed=seed)
