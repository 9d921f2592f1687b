"""Incentive simulator: which gameable tasks the platform offers -> scores, validity, tiers.

The explorer runs :func:`course.simulate` twice for every setting of its controls: once with
the rules you chose, and once with the same rules but **no** engagement tasks on offer (the
baseline), so that the plots show what the tasks themselves do. Runs are cached by rules,
months and seed, so going back to a setting seen before is instant, and the baseline is
simulated once for all the task combinations that share it.

The behaviour weight slider sets the weight of behaviour & preferences (the dimension the
tasks raise) and rescales the other four weights so that all five still sum to 1, keeping
their proportions (:func:`set_weight`). The perk slider multiplies what every perk is worth
to the agents: the stakes of the game.

Shared with the dependency simulator (:mod:`course.widgets.dependency`): :func:`set_weight`,
:class:`SimulationCache` and the explorer base class :class:`SimulationExplorer`.
"""

from __future__ import annotations

import html
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
import pandas as pd

from .. import plots
from .._checks import check_frame
from ..dimensions import DIMENSIONS
from ..rules import ENGAGEMENT_TASKS, PERK_VALUES_CNY, Rules
from ..scoring import DEFAULT_WEIGHTS, TIER_NAMES
from ..simulation import SimulationResult, simulate
from ._base import CONTROL_LAYOUT, CONTROL_STYLE, Explorer, html_table

#: Months the explorers can simulate (the slider's range and step).
MONTHS_MIN, MONTHS_MAX, MONTHS_STEP = 6, 36, 6
#: Colours of "your rules" and of the comparison run (Okabe-Ito blue, and black).
YOURS, BASELINE = "#0072B2", "0.15"
#: Colours of agents who will and will not default (Okabe-Ito vermillion and sky blue).
WILL_DEFAULT, WILL_NOT = "#D55E00", "#56B4E9"


def set_weight(weights: Mapping[str, float], dimension: str, value: float) -> dict[str, float]:
    """Give ``dimension`` the weight ``value``; rescale the others to keep their proportions.

    The result sums to 1, so it can go straight into ``Rules(weights=...)``.

    Raises ``ValueError`` for an unknown dimension, a value outside [0, 1], or when the other
    weights are all zero (there is nothing to rescale).

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


class SimulationCache:
    """Runs of :func:`course.simulate` on one population, kept by (rules, months, seed).

    ``run(rules, months, seed)`` simulates on a first request and returns the stored result
    afterwards. At most ``maxsize`` runs are kept (a 3,000-agent run of 36 months takes
    about 10 MB); the least recently used go first. ``hits`` and ``misses`` count requests.
    """

    def __init__(self, population: pd.DataFrame, transactions: pd.DataFrame | None = None,
                 friendships: pd.DataFrame | None = None, *, maxsize: int = 8):
        check_frame(population, "population", ["consumer_id", "defaulted"])
        self.population, self.transactions, self.friendships = (population, transactions,
                                                                friendships)
        self.maxsize = int(maxsize)
        self._runs: OrderedDict = OrderedDict()
        self.hits = self.misses = 0

    def run(self, rules: Rules, months: int, seed: int) -> SimulationResult:
        key = (rules, int(months), int(seed))
        if key in self._runs:
            self.hits += 1
            self._runs.move_to_end(key)
            return self._runs[key]
        self.misses += 1
        result = simulate(self.population, months=int(months), rules=rules, seed=int(seed),
                          transactions=self.transactions, friendships=self.friendships)
        self._runs[key] = result
        while len(self._runs) > self.maxsize:
            self._runs.popitem(last=False)
        return result

    def clear(self) -> None:
        self._runs.clear()

    def __len__(self) -> int:
        return len(self._runs)


# What the incentive simulator computes ----------------------------------------------------------

def gaming_by_outcome(result: SimulationResult) -> pd.DataFrame:
    """Share of agents doing at least one engagement task each month, by the real outcome.

    One row per month, columns ``will default`` and ``will not default`` (``defaulted`` is
    the fixed 12-month outcome the score is judged against).
    """
    panel = result.panel
    table = (panel.groupby(["month", "defaulted"], observed=True)["gamed"].mean()
             .unstack("defaulted").reindex(columns=[True, False]))
    table.columns = ["will default", "will not default"]
    return table


@dataclass
class IncentiveResult:
    """What the incentive simulator computed for one setting of its controls.

    Attributes
    ----------
    rules, baseline_rules : Rules
        Your rules, and the same rules with no engagement tasks on offer.
    months, seed : int
    simulation, baseline : SimulationResult
        The two runs (the same object when no task is on offer).
    curves : pandas.DataFrame
        One row per month and run (``run`` is ``"your rules"`` or ``"no tasks on offer"``):
        ``mean_score``, ``auc``, ``gaming``.
    gaming_by_outcome : pandas.DataFrame
        Your run's :func:`gaming_by_outcome`.
    """

    rules: Rules
    baseline_rules: Rules
    months: int
    seed: int
    simulation: SimulationResult
    baseline: SimulationResult
    curves: pd.DataFrame
    gaming_by_outcome: pd.DataFrame

    @property
    def auc_change(self) -> float:
        """AUC at the last month minus AUC at month 0, with your rules."""
        s = self.simulation.summary["auc"]
        return float(s.iloc[-1] - s.iloc[0])

    @property
    def baseline_auc_change(self) -> float:
        """The same with no tasks on offer."""
        s = self.baseline.summary["auc"]
        return float(s.iloc[-1] - s.iloc[0])

    @property
    def gaming_share(self) -> float:
        """Share of agents doing at least one task in the last month."""
        return float(self.simulation.summary["gaming"].iloc[-1])

    @property
    def ever_gamed(self) -> float:
        """Share of agents who did a task in at least one month."""
        return float(self.simulation.panel.groupby("consumer_id")["gamed"].any().mean())


def compare_incentives(simulation: SimulationResult, baseline: SimulationResult, *,
                       seed: int) -> IncentiveResult:
    """Put a run and its no-tasks baseline side by side (see :class:`IncentiveResult`)."""
    columns = ["month", "mean_score", "auc", "gaming"]
    curves = pd.concat([simulation.summary[columns].assign(run="your rules"),
                        baseline.summary[columns].assign(run="no tasks on offer")],
                       ignore_index=True)
    return IncentiveResult(
        rules=simulation.rules, baseline_rules=baseline.rules,
        months=int(simulation.summary["month"].iloc[-1]), seed=int(seed),
        simulation=simulation, baseline=baseline, curves=curves,
        gaming_by_outcome=gaming_by_outcome(simulation))


# The explorers' common ground -------------------------------------------------------------------

class SimulationExplorer(Explorer):
    """Base of the two simulators: months and seed controls, a reset button, cached runs.

    A subclass sets ``self.cache`` (a :class:`SimulationCache`), makes its own controls and
    calls ``_common_controls(months, seed)`` before ``Explorer.__init__``; its ``_compute``
    turns the controls into :class:`course.Rules` and simulates them with ``_run`` (cached).
    Its figure is built once; ``_set_limits`` marks the fixed parts for a redraw only when an
    axis' limits change.
    """

    def _common_controls(self, months: int, seed: int) -> None:
        self.months = widgets.IntSlider(
            value=months, min=MONTHS_MIN, max=MONTHS_MAX, step=MONTHS_STEP,
            description="Months simulated", continuous_update=False, style=CONTROL_STYLE,
            layout=CONTROL_LAYOUT)
        self.seed = widgets.BoundedIntText(
            value=seed, min=0, max=99_999, description="Random seed",
            tooltip="The same seed gives the same run; another seed, another run of chance",
            style=CONTROL_STYLE, layout={"width": "300px"})
        self.reset = widgets.Button(description="Reset to the default rules", icon="undo",
                                    tooltip="Set every control back to where it started",
                                    layout={"width": "240px"})
        self.reset.on_click(self._reset)

    def _run(self, rules: Rules) -> SimulationResult:
        return self.cache.run(rules, self.months.value, self.seed.value)

    def _show_weights(self, rules: Rules) -> None:
        """Say which weights the run uses, under the controls."""
        shown = " · ".join(f"{plots.label(d).split(' ')[0]} {w:.0%}"
                           for d, w in rules.weights.items())
        self.weights_note.value = (f"<span style='font-size:90%'>Weights used (the other four "
                                   f"rescaled to keep their proportions): {shown}</span>")

    def _reset(self, button=None) -> None:  # pragma: no cover - subclasses
        raise NotImplementedError

    def _set_limits(self, ax, xlim=None, ylim=None) -> None:
        """Change an axis' limits, and redraw the fixed parts of the figure if they moved."""
        if xlim is not None and tuple(ax.get_xlim()) != tuple(map(float, xlim)):
            ax.set_xlim(*xlim)
            self._background = None
        if ylim is not None and tuple(ax.get_ylim()) != tuple(map(float, ylim)):
            ax.set_ylim(*ylim)
            self._background = None


def comparison_table(rows: Mapping[str, tuple[str, str]], mine: pd.DataFrame,
                     other: pd.DataFrame, other_label: str) -> pd.DataFrame:
    """Month 0, the last month under your rules and under the comparison rules, formatted.

    ``rows`` maps a row label to (format string, summary column).
    """
    last = int(mine["month"].iloc[-1])
    return pd.DataFrame({
        "month 0": [fmt.format(mine[c].iloc[0]) for fmt, c in rows.values()],
        f"month {last}, your rules": [fmt.format(mine[c].iloc[-1]) for fmt, c in rows.values()],
        f"month {last}, {other_label}": [fmt.format(other[c].iloc[-1])
                                         for fmt, c in rows.values()],
    }, index=list(rows))


def _line(ax, *, yours: bool, label: str):
    """An empty curve to fill in later: your rules solid blue, the comparison dashed black."""
    return ax.plot([], [], color=YOURS if yours else BASELINE, ls="-" if yours else "--",
                   lw=2.4 if yours else 1.6, label=label, zorder=3 if yours else 4)[0]


def stepped_limits(values, step: float, margin: float, *, min_span: float = 0.0,
                   floor: float | None = None) -> tuple[float, float]:
    """Axis limits holding ``values`` with a margin, rounded outwards to ``step``.

    Limits that move in steps change rarely, so most updates redraw only the curves. The
    limits are widened around the data to at least ``min_span``, so that noise is not blown
    up into a trend, and never go below ``floor``.

    Examples
    --------
    >>> stepped_limits([0.713, 0.668], 0.02, 0.005)
    (0.66, 0.72)
    >>> stepped_limits([0.712, 0.713], 0.02, 0.005, min_span=0.1)
    (0.66, 0.78)
    """
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    if not len(values):
        return 0.0, step
    low, high = values.min() - margin, values.max() + margin
    if high - low < min_span:
        middle = (low + high) / 2
        low, high = middle - min_span / 2, middle + min_span / 2
    if floor is not None and low < floor:
        low, high = floor, max(high, floor + min_span)
    low, high = np.floor(low / step) * step, np.ceil(high / step) * step
    return float(round(low, 10)), float(round(high, 10))


# The incentive simulator -------------------------------------------------------------------------

class IncentiveSimulator(SimulationExplorer):
    """Choose which gameable tasks are on offer; see scores, validity, tiers and who plays.

    Controls: ``tasks`` (a dict of ``Checkbox`` by task name), ``behaviour_weight`` and
    ``perk_values`` (``FloatSlider``), ``months`` (``IntSlider``), ``seed``
    (``BoundedIntText``) and ``reset`` (``Button``). ``result`` is an
    :class:`IncentiveResult`; ``cache`` the :class:`SimulationCache`.
    """

    title = "Incentive simulator"

    def __init__(self, population: pd.DataFrame, transactions: pd.DataFrame | None = None,
                 friendships: pd.DataFrame | None = None, *, tasks: Iterable[str] | None = None,
                 behaviour_weight: float | None = None, perk_values: float = 1.0,
                 months: int = 24, seed: int = 1):
        self.cache = SimulationCache(population, transactions, friendships)
        offered = tuple(ENGAGEMENT_TASKS) if tasks is None else tuple(tasks)
        Rules(gameable_tasks=offered)  # unknown task names fail here, with the list of names
        self._start = {"tasks": offered,
                       "behaviour_weight": (DEFAULT_WEIGHTS["behaviour_preferences"]
                                            if behaviour_weight is None else behaviour_weight),
                       "perk_values": perk_values, "months": months, "seed": seed}
        self.tasks = {
            name: widgets.Checkbox(
                value=name in offered, description=f"Offer {name.replace('_', ' ')}",
                tooltip=f"+{task.boost:.2f} behaviour & preferences after "
                        f"{task.months_to_full} month(s): {task.description}",
                indent=False, layout={"width": "210px"})
            for name, task in ENGAGEMENT_TASKS.items()
        }
        self.behaviour_weight = widgets.FloatSlider(
            value=self._start["behaviour_weight"], min=0.0, max=0.6, step=0.05,
            description="Behaviour & preferences weight", readout_format=".2f",
            continuous_update=False, style=CONTROL_STYLE, layout=CONTROL_LAYOUT)
        self.perk_values = widgets.FloatSlider(
            value=perk_values, min=0.0, max=3.0, step=0.25, description="Perk values (× default)",
            readout_format=".2f", continuous_update=False, style=CONTROL_STYLE,
            layout=CONTROL_LAYOUT)
        self._common_controls(months, seed)
        self.weights_note = widgets.HTML()
        task_row = widgets.HBox([widgets.HTML("<b>Gameable tasks on offer:</b>",
                                              layout={"width": "190px"}),
                                 *self.tasks.values()])
        super().__init__(
            [task_row, self.behaviour_weight, self.weights_note, self.perk_values, self.months,
             widgets.HBox([self.seed, self.reset])],
            intro="Each setting is simulated twice with <code>course.simulate</code>: with your "
                  "rules (solid blue) and with the same rules but no tasks on offer (dashed). "
                  "Tasks raise the behaviour &amp; preferences sub-score and change nothing "
                  "about anyone's real risk. AUC: how well the score ranks people who did not "
                  "default above those who did (0.5 = chance). Each change takes a moment.")
        self._observe(*self.tasks.values(), self.behaviour_weight, self.perk_values,
                      self.months, self.seed)
        self.refresh()

    # Rules from the controls
    def _rules(self) -> Rules:
        weights = set_weight(DEFAULT_WEIGHTS, "behaviour_preferences",
                             self.behaviour_weight.value)
        factor = float(self.perk_values.value)
        values = {p: v * factor for p, v in PERK_VALUES_CNY.items()}
        offered = tuple(name for name, box in self.tasks.items() if box.value)
        return Rules(weights=weights, perk_values_cny=values, gameable_tasks=offered)

    def set_tasks(self, names: Iterable[str]) -> None:
        """Offer exactly the tasks in ``names`` (and update once)."""
        names = tuple(names)
        Rules(gameable_tasks=names)  # check the names
        with self.holding():
            for name, box in self.tasks.items():
                box.value = name in names

    def _reset(self, button=None) -> None:
        start = self._start
        with self.holding():
            for name, box in self.tasks.items():
                box.value = name in start["tasks"]
            self.behaviour_weight.value = start["behaviour_weight"]
            self.perk_values.value = start["perk_values"]
            self.months.value = start["months"]
            self.seed.value = start["seed"]

    def _compute(self) -> IncentiveResult:
        rules = self._rules()
        self._show_weights(rules)
        simulation = self._run(rules)
        baseline = self._run(rules.replace(gameable_tasks=()))
        return compare_incentives(simulation, baseline, seed=self.seed.value)

    # Drawing: the figure is built once; an update moves the curves and, when the data leave
    # the axes, changes the limits (in steps) and redraws the fixed parts (Explorer._render)
    def _build(self) -> None:
        fig = self._new_figure((10.5, 6.6))
        (ax_score, ax_auc), (ax_tiers, ax_who) = fig.subplots(2, 2)
        self._lines = {}
        for ax, column, title, ylabel in (
                (ax_score, "mean_score", "Mean Lotus Score", "mean score"),
                (ax_auc, "auc", "How well the score predicts default", "AUC")):
            self._lines[column] = (_line(ax, yours=True, label="your rules"),
                                   _line(ax, yours=False, label="no tasks on offer"))
            ax.set(title=title, xlabel="month", ylabel=ylabel)
        ax_score.yaxis.set_major_formatter("{x:.0f}")
        ax_auc.yaxis.set_major_formatter("{x:.2f}")
        legends = [ax_auc.legend(loc="best", fontsize="small", framealpha=0.9)]

        self._stack = [ax_tiers.fill_between([], [], [], color=plots.TIER_COLOURS[t],
                                             edgecolor="white", linewidth=0.4, label=t)
                       for t in TIER_NAMES]
        ax_tiers.set(title="Score tiers, your rules", xlabel="month", ylabel="share of agents",
                     ylim=(0, 1))
        plots.percent_axis(ax_tiers)
        ax_tiers.grid(False)
        ax_tiers.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=5,
                        fontsize="small", frameon=False, handlelength=1.2, columnspacing=0.9)

        self._who = (
            ax_who.plot([], [], color=WILL_DEFAULT, lw=2.2, marker="o", ms=3,
                        label="agents who will default")[0],
            ax_who.plot([], [], color=WILL_NOT, lw=2.2, ls="-.",
                        label="agents who will not default")[0])
        ax_who.set(title="Who does the tasks (your rules)", xlabel="month",
                   ylabel="share doing at least one task", ylim=(0, 1))
        plots.percent_axis(ax_who)
        legends.append(ax_who.legend(loc="best", fontsize="small", framealpha=0.9))
        self._nobody = ax_who.text(0.5, 0.45, "", ha="center", va="center",
                                   transform=ax_who.transAxes, color="0.3")
        self._axes = (ax_score, ax_auc, ax_tiers, ax_who)
        self._title = fig.suptitle("", fontsize="medium")
        self._animate(*[line for pair in self._lines.values() for line in pair], *self._stack,
                      *self._who, self._nobody, self._title, *legends)  # legends over the curves
        self.figure = fig

    def _draw(self, result: IncentiveResult) -> None:
        if self.figure is None:
            self._build()
        ax_score, ax_auc, ax_tiers, ax_who = self._axes
        mine, base = result.simulation.summary, result.baseline.summary
        months = mine["month"].to_numpy()
        for column, (yours, theirs) in self._lines.items():
            yours.set_data(months, mine[column])
            theirs.set_data(months, base[column])
        for ax in self._axes:
            self._set_limits(ax, xlim=(0, months[-1]))
        both = np.concatenate([mine["mean_score"], base["mean_score"]])
        self._set_limits(ax_score, ylim=stepped_limits(both, 25, 3, min_span=50))
        self._set_limits(ax_auc, ylim=stepped_limits(
            np.concatenate([mine["auc"], base["auc"]]), 0.02, 0.005, min_span=0.1))

        shares = np.cumsum(mine[[f"share_{t.replace(' ', '_')}" for t in TIER_NAMES]].to_numpy(),
                           axis=1)
        below = np.zeros(len(months))
        for poly, top in zip(self._stack, shares.T):
            poly.set_data(months, below, top)
            below = top

        who = result.gaming_by_outcome.iloc[1:]  # month 0: nobody has acted yet
        self._who[0].set_data(who.index, who["will default"])
        self._who[1].set_data(who.index, who["will not default"])
        same = not result.rules.gameable_tasks
        self._nobody.set_text("no tasks on offer: nobody can game,\nand both runs are the same"
                              if same else "")
        self._title.set_text(
            f"{result.months} months, seed {result.seed}: AUC {mine['auc'].iloc[0]:.3f} → "
            f"{mine['auc'].iloc[-1]:.3f} with your rules"
            + (" (no tasks on offer)" if same
               else f", → {base['auc'].iloc[-1]:.3f} with no tasks on offer"))
        self._summarise(result)

    def _summarise(self, result: IncentiveResult) -> None:
        mine, base = result.simulation.summary, result.baseline.summary
        last = result.months
        rows = {
            "mean Lotus Score": ("{:.0f}", "mean_score"),
            "AUC (score vs default)": ("{:.3f}", "auc"),
            "share in the excellent tier": ("{:.1%}", "share_excellent"),
            "share doing a task that month": ("{:.1%}", "gaming"),
        }
        table = comparison_table(rows, mine, base, "no tasks")
        offered = ", ".join(n.replace("_", " ") for n in result.rules.gameable_tasks) or "none"
        caption = (f"AUC change over {last} months: {result.auc_change:+.3f} with your rules, "
                   f"{result.baseline_auc_change:+.3f} with no tasks on offer. "
                   f"{result.ever_gamed:.0%} of agents did a task at some point.")
        self.summary.value = html_table(table, caption=caption) + (
            f"<div style='font-size:90%'>Tasks on offer: {html.escape(offered)}. A model, not "
            "evidence: agents who often pay late value what tasks bring more (our assumption; "
            "see <code>course.simulation</code>'s docstring).</div>")

    def _message(self, result: IncentiveResult) -> str:
        if not result.rules.gameable_tasks:
            return "No tasks on offer: both runs are the same, and nobody can game the score."
        return ""


def incentive_simulator(population: pd.DataFrame, transactions: pd.DataFrame | None = None,
                        friendships: pd.DataFrame | None = None, *,
                        tasks: Iterable[str] | None = None,
                        behaviour_weight: float | None = None, perk_values: float = 1.0,
                        months: int = 24, seed: int = 1) -> IncentiveSimulator:
    """Explore what gameable engagement tasks do to scores and to the score's validity.

    Parameters
    ----------
    population : pandas.DataFrame
        The agents (``course.load_dataset("population")``).
    transactions, friendships : pandas.DataFrame, optional
        Passed to :func:`course.simulate` (use the course's data, so that runs match the
        lessons); default: drawn by ``simulate``.
    tasks : iterable of str, optional
        Tasks on offer at the start; default all of ``course.ENGAGEMENT_TASKS``.
    behaviour_weight : float, optional
        Starting weight of behaviour & preferences (others rescaled); default 0.20.
    perk_values : float
        Starting multiplier of every perk's value.
    months, seed : int
        Starting months (6 to 36, in steps of 6) and seed.

    Returns
    -------
    IncentiveSimulator
        Display it in a notebook. Drive it from code: ``.tasks["forest_energy"].value =
        False``, ``.set_tasks(())``, ``.behaviour_weight.value = 0.4``; ``.result`` holds the
        two runs and the curves shown.

    Examples
    --------
    >>> from course import load_dataset
    >>> people, trace, ties = (load_dataset(n) for n in
    ...                        ["population", "transactions", "friendships"])
    >>> sim = incentive_simulator(people, trace, ties)
    >>> bool(sim.result.auc_change < sim.result.baseline_auc_change)
    True
    >>> sim.set_tasks(())
    >>> sim.result.gaming_share
    0.0
    """
    return IncentiveSimulator(population, transactions, friendships, tasks=tasks,
                              behaviour_weight=behaviour_weight, perk_values=perk_values,
                              months=months, seed=seed)
