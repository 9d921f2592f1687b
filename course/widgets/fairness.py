"""Fairness audit: group, threshold and (optionally) weights -> who is selected, and why.

A thin wrapper over :func:`course.audit_summary`, which calls :func:`course.audit`
(selection rates, the four-fifths ratio, default rates, the score gap at equal true risk),
:func:`course.selection_rates` on the people who repaid (equal opportunity, Hardt, Price &
Srebro 2016) and :func:`course.calibration` (default rate per score tier, per group), with
an ``age_band`` column (:func:`course.age_bands`) so that age can be a group like the others.
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
from ..fairness import FOUR_FIFTHS
from ..scoring import PERKS
from ..summaries import AUDIT_GROUPS, AuditResult, age_bands, align_population, audit_summary
from ._base import CONTROL_LAYOUT, CONTROL_STYLE, Explorer, WeightSliders, html_table

#: Readable names of the groups that are not population columns.
GROUP_LABELS = {"age_band": "Age band"}
#: Score bands with fewer people than this are drawn hollow in the calibration plot.
SMALL_BAND = 30
SCORE_BINS = np.arange(SCORE_MIN, SCORE_MAX + 10, 10)
#: Heights the axes may take (% of group; default rate), so that they rarely change.
YLIM_STEPS = [6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100, 150]
CAL_STEPS = [0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0, 1.2]
#: Colour of a failing ratio (dark red, with bold text so colour is not the only cue).
FAIL_COLOUR = "#B22222"


def group_label(column: str) -> str:
    """A readable name for a group column."""
    return GROUP_LABELS.get(column) or plots.label(column)


class FairnessAudit(WeightSliders, Explorer):
    """Group, threshold and optional weights; see selection rates, the four-fifths ratio and
    calibration by group.

    Controls: ``group_by`` (Dropdown), ``threshold`` (IntSlider), ``sliders`` (a dict of
    ``FloatSlider`` by dimension, inside the ``weights_panel`` accordion) and ``reset``
    (Button). ``result`` is an :class:`AuditResult`.
    """

    title = "Fairness audit"

    def __init__(self, dimensions: pd.DataFrame, population: pd.DataFrame, *,
                 group_by: str = "hukou", threshold: int = 600,
                 weights: Mapping | None = None):
        check_frame(dimensions, "dimensions", DIMENSIONS, hint="course.dimension_scores(...)")
        people = align_population(population, dimensions.index)
        check_frame(people, "population", ["defaulted", "blacklisted"])
        if "age" in people.columns:
            people = people.assign(age_band=age_bands(people["age"]).to_numpy())
        self.dimensions = dimensions
        self.population = people.reset_index()
        groups = [g for g in AUDIT_GROUPS if g in self.population.columns]
        self.group_by = widgets.Dropdown(
            options=[(group_label(g), g) for g in groups], value=group_by,
            description="Compare groups by", style=CONTROL_STYLE, layout=CONTROL_LAYOUT)
        perks = ", ".join(f"{s}" for s in sorted(set(PERKS["min_score"])))
        self.threshold = widgets.IntSlider(
            value=threshold, min=400, max=900, step=10, continuous_update=True,
            description="Score needed (threshold)", style=CONTROL_STYLE,
            layout=CONTROL_LAYOUT)
        start = dict(DEFAULT_WEIGHTS if weights is None else weights)
        self.sliders = {
            d: widgets.FloatSlider(
                value=start[d], min=0.0, max=1.0, step=0.01, description=plots.label(d),
                continuous_update=False, readout_format=".2f", style=CONTROL_STYLE,
                layout=CONTROL_LAYOUT)
            for d in DIMENSIONS
        }
        self.reset = widgets.Button(description="Reset to default weights",
                                    tooltip="Set the weights back to 35/25/20/15/5",
                                    icon="undo", layout={"width": "220px"})
        self.reset.on_click(self._reset)
        self.weights_panel = widgets.Accordion(
            children=[widgets.VBox([*self.sliders.values(), self.reset])],
            titles=("Weights (optional: open to change them)",), selected_index=None)
        self._holding = False
        self._built_for = None
        super().__init__(
            [self.group_by, self.threshold, self.weights_panel],
            intro="Pick a group and a threshold (perks start at "
                  f"{perks}). <b>Selection rate</b>: share of a group scoring at least the "
                  "threshold. <b>Four-fifths ratio</b>: lowest group's rate over the highest "
                  f"group's; below {FOUR_FIFTHS} is taken as evidence of adverse impact (a rule "
                  "of thumb). <b>Calibration</b>: does the same score mean the same risk in "
                  "every group?")
        self._observe(self.group_by, self.threshold, *self.sliders.values())
        self.refresh()

    def _compute(self) -> AuditResult:
        return audit_summary(self.dimensions, self.population, group_by=self.group_by.value,
                             threshold=self.threshold.value,
                             weights={d: s.value for d, s in self.sliders.items()})

    # Drawing: built once per grouping, then only what changes is redrawn (fast updates)
    def _build(self, result: AuditResult) -> None:
        table = result.table
        names = [str(g) for g in table["group"]]
        colours = dict(zip(names, sns.color_palette(plots.PALETTE, len(names))))
        what = group_label(result.group_by).split(" (")[0]
        fig = self._new_figure((13.2, 4.6))
        ax_hist, ax_sel, ax_cal = fig.subplots(1, 3, width_ratios=[1.15, 1, 1])
        groups = self.population[result.group_by].astype(str).to_numpy()
        self._members = {name: groups == name for name in names}
        many = len(names) > 4

        # Score distributions, with the threshold
        plots.tier_bands(ax_hist, alpha=0.08)
        self._stairs = [ax_hist.stairs(np.zeros(len(SCORE_BINS) - 1), SCORE_BINS,
                                       color=colours[n], lw=1.8,
                                       label=f"{n} ({int(self._members[n].sum())} people)")
                        for n in names]
        self._line = ax_hist.axvline(result.threshold, color="black", ls="--", lw=1.2)
        self._line_text = ax_hist.text(result.threshold, 0.8, "", fontsize="small",
                                       transform=ax_hist.get_xaxis_transform())
        ax_hist.set(xlabel="Lotus Score", ylabel="% of group",
                    title=f"Scores by {what.lower()}")

        # Selection rates: everyone (bars) and those who repaid (diamonds)
        x = np.arange(len(names))
        self._bars = ax_sel.bar(x, np.zeros(len(names)), color=[colours[n] for n in names],
                                width=0.65)
        self._diamonds = ax_sel.scatter(x, np.zeros(len(names)), marker="D", s=36,
                                        color="black", zorder=3,
                                        label="selected, among those who repaid")
        self._fifths = ax_sel.axhline(0, color="black", ls=":", lw=1.2,
                                      label="four-fifths of the best group's rate")
        self._bar_text = [ax_sel.text(xi, 0, "", ha="center", va="bottom", fontsize="x-small",
                                      zorder=4, bbox={"boxstyle": "square,pad=0.15",
                                                      "fc": "white", "ec": "none",
                                                      "alpha": 0.8})
                          for xi in x]
        ax_sel.set_xticks(x, names, rotation=25 if many else 0, ha="right" if many else "center")
        ax_sel.set_ylim(0, 1.12)
        plots.percent_axis(ax_sel, "y")
        ax_sel.set(xlabel=what, ylabel="share scoring at least the threshold",
                   title="Selection rate")
        ax_sel.grid(axis="x", visible=False)

        # Calibration: default rate per score tier, per group (hollow: small bands)
        bands = list(result.calibration["band"].cat.categories)
        self._cal = {}
        for n in names:
            line, = ax_cal.plot([], [], color=colours[n], lw=1.8)
            full = ax_cal.scatter([], [], s=30, color=colours[n], zorder=3)
            hollow = ax_cal.scatter([], [], s=30, facecolor="white", edgecolor=colours[n],
                                    zorder=3)
            self._cal[n] = (line, full, hollow)
        ax_cal.set_xticks(range(len(bands)), bands)
        ax_cal.set_xlim(-0.3, len(bands) - 0.7)
        plots.percent_axis(ax_cal, "y")
        ax_cal.set(xlabel=f"score tier (hollow: fewer than {SMALL_BAND} people)",
                   ylabel="actual default rate", title="Calibration: default rate by tier")
        # One legend for all three panels, under them
        handles = [*self._stairs, self._diamonds, self._fifths]
        fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 4),
                   fontsize="small", frameon=False,
                   handlelength=1.5, columnspacing=1.2)
        self._axes = (ax_hist, ax_sel, ax_cal)
        self._names = names
        self._limits = None
        self._title = fig.suptitle("", fontsize="medium")
        self._animate(*self._stairs, self._line, self._line_text, *self._bars,
                      self._diamonds, self._fifths, *self._bar_text,
                      *[a for trio in self._cal.values() for a in trio], self._title)
        self.figure = fig
        self._built_for = result.group_by
        self._update(result)

    def _update(self, result: AuditResult) -> None:
        ax_hist, ax_sel, ax_cal = self._axes
        table = result.table
        scores = result.scores.to_numpy()
        top = 0.0
        for stairs, name in zip(self._stairs, self._names):
            counts, _ = np.histogram(scores[self._members[name]], SCORE_BINS)
            percent = 100.0 * counts / max(1, self._members[name].sum())
            stairs.set_data(percent)
            top = max(top, percent.max())
        self._line.set_xdata([result.threshold, result.threshold])
        right = result.threshold < 800
        self._line_text.set_position((result.threshold + (5 if right else -5), 0.72))
        self._line_text.set_text(f"threshold {result.threshold}")
        self._line_text.set_ha("left" if right else "right")

        opp = result.equal_opportunity.set_index(
            result.equal_opportunity["group"].astype(str))["selection_rate"]
        rates = table["selection_rate"].to_numpy()
        among_repaid = opp.reindex(self._names).to_numpy()
        for bar, text, row, rate, other in zip(self._bars, self._bar_text, table.itertuples(),
                                               rates, among_repaid):
            bar.set_height(rate)
            text.set_position((bar.get_x() + bar.get_width() / 2, max(rate, other) + 0.05))
            text.set_text(f"{rate:.0%}\nratio {_ratio_text(row.ratio_to_best)}")
            text.set_color("black" if row.passes_four_fifths else FAIL_COLOUR)
            text.set_fontweight("normal" if row.passes_four_fifths else "bold")
        xs = np.arange(len(self._names))
        self._diamonds.set_offsets(np.column_stack([xs, among_repaid]))
        self._fifths.set_ydata([FOUR_FIFTHS * rates.max()] * 2)

        cal = result.calibration.assign(group=result.calibration["group"].astype(str))
        for name, (line, full, hollow) in self._cal.items():
            part = cal[cal["group"] == name]
            bx = part["band"].cat.codes.to_numpy().astype(float)
            by = part["default_rate"].to_numpy()
            small = part["n"].to_numpy() < SMALL_BAND
            line.set_data(bx, by)
            full.set_offsets(np.column_stack([bx[~small], by[~small]]))
            hollow.set_offsets(np.column_stack([bx[small], by[small]]))

        # Axes change only in steps, so that most updates redraw just the moving parts
        limits = (next(v for v in YLIM_STEPS if v >= top * 1.45),
                  next(v for v in CAL_STEPS if v >= cal["default_rate"].max() * 1.1))
        if limits != self._limits:
            ax_hist.set_ylim(0, limits[0])
            ax_cal.set_ylim(0, limits[1])
            self._limits = limits
            self._background = None
        weights = " / ".join(f"{100 * result.weights[d]:.0f}" for d in DIMENSIONS)
        what = group_label(result.group_by).split(" (")[0].lower()
        verdict = "passes" if result.four_fifths_ratio >= FOUR_FIFTHS else "fails"
        self._title.set_text(
            f"By {what} at threshold {result.threshold}: four-fifths ratio "
            f"{_ratio_text(result.four_fifths_ratio)} ({verdict} the 0.8 rule of thumb); "
            f"among those who repaid {result.equal_opportunity_ratio:.2f}   ·   weights {weights}")

    def _draw(self, result: AuditResult) -> None:
        if self.figure is None or self._built_for != result.group_by:
            self._build(result)
        else:
            self._update(result)
        table = result.table
        names = [str(g) for g in table["group"]]
        opp = result.equal_opportunity.set_index(
            result.equal_opportunity["group"].astype(str))["selection_rate"]
        what = group_label(result.group_by).split(" (")[0]
        shown = pd.DataFrame({
            "people": table["n"].to_numpy(),
            "default rate": table["default_rate"].map("{:.1%}".format).to_numpy(),
            "selected": table["selection_rate"].map("{:.1%}".format).to_numpy(),
            "ratio to best": table["ratio_to_best"].map(_ratio_text).to_numpy(),
            "passes 4/5": table["passes_four_fifths"].map({True: "yes", False: "NO"})
            .to_numpy(),
            "selected among repaid": opp.reindex(names).map("{:.1%}".format).to_numpy(),
            "mean score": table["mean_score"].map("{:.0f}".format).to_numpy(),
            "gap at equal risk": table["score_gap_at_equal_risk"].map("{:+.0f}".format)
            .to_numpy(),
        }, index=pd.Index(names, name=what))
        verdict = "passes" if result.four_fifths_ratio >= FOUR_FIFTHS else "fails"
        self.summary.value = html_table(
            shown, caption=f"Four-fifths ratio {_ratio_text(result.four_fifths_ratio)} "
                           f"({verdict} the rule of thumb); among people who repaid "
                           f"{result.equal_opportunity_ratio:.2f}. Gap at equal risk: mean "
                           f"score difference to {table.attrs['reference']} among people "
                           f"with the same outcome ({table.attrs['risk_basis']}).")

    def _message(self, result: AuditResult) -> str:
        small = result.table.loc[result.table["n"] < 100, "group"].astype(str).tolist()
        if small:
            return (f"Small group(s): {', '.join(small)} (fewer than 100 people) — their rates "
                    "are noisy; a few people more or less can change the verdict.")
        return ""


def _ratio_text(ratio: float) -> str:
    """A selection-rate ratio to two decimals, as the four-fifths rule reads it: a ratio just
    under 0.8 that two decimals would round up to "0.80" is shown cut to three ("0.797"), so
    that no failing ratio reads as a pass."""
    text = f"{ratio:.2f}"
    if ratio < FOUR_FIFTHS <= float(text):
        text = f"{np.floor(ratio * 1000) / 1000:.3f}"
    return text


def fairness_audit(dimensions: pd.DataFrame, population: pd.DataFrame, *,
                   group_by: str = "hukou", threshold: int = 600,
                   weights: Mapping | None = None) -> FairnessAudit:
    """Audit the Lotus Score for disparate impact, interactively.

    Parameters
    ----------
    dimensions : pandas.DataFrame
        From :func:`course.dimension_scores` (indexed by ``consumer_id``).
    population : pandas.DataFrame
        The population the dimensions were computed from (groups, blacklist, ``defaulted``).
    group_by : str
        Starting group: one of ``AUDIT_GROUPS`` (``"age_band"`` is made from ``age``).
    threshold : int
        Starting score needed to be selected (600: the first perk).
    weights : dict, optional
        Starting weights (divided by their sum); default ``course.DEFAULT_WEIGHTS``.

    Returns
    -------
    FairnessAudit
        Display it in a notebook. Drive it from code with ``.group_by.value = "city_tier"``,
        ``.threshold.value = 650`` or ``.set_weights({...})``; ``.result`` holds the audit
        table, equal-opportunity rates and calibration.

    Examples
    --------
    >>> import course
    >>> people = course.load_dataset("population")
    >>> dims = course.dimension_scores(people, course.load_dataset("transactions"),
    ...                                course.load_dataset("friendships"))
    >>> explorer = fairness_audit(dims, people)
    >>> round(explorer.result.four_fifths_ratio, 2)
    0.55
    """
    return FairnessAudit(dimensions, population, group_by=group_by, threshold=threshold,
                         weights=weights)
