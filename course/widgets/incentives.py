"""Incentive simulator: which gameable tasks the platform offers -> scores, validity, tiers.

The explorer runs :func:`course.simulate` twice for every setting of its controls: once with
the rules you chose, and once with the same rules but **no** engagement tasks on offer (the
baseline), so that the plots show what the tasks themselves do. Runs are cached by rules,
months and seed, so going back to a setting seen before is instant, and the baseline is
simulated once for all the task combinations that share it.

The behaviour weight slider sets the weight of behaviour & preferences (the dimension the
tasks raise) and rescales the other four weights so that all five still sum to 1, keeping
their proportions (:func:`course.set_weight`). The perk slider multiplies what every perk is worth
to the agents: the stakes of the game.

What it computes is in :mod:`course.experiments` (:func:`course.compare_incentives`,
:class:`course.SimulationCache`); the base class it shares with the dependency simulator is
in ``course.widgets._base``.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

import ipywidgets as widgets
import numpy as np
import pandas as pd

from .. import plots
from ..constants import DEFAULT_WEIGHTS
from ..experiments import IncentiveResult, SimulationCache, compare_incentives
from ..rules import ENGAGEMENT_TASKS, Rules
from ..scoring import PERKS, TIER_NAMES
from ..weights import set_weight
from ._base import (
    CONTROL_LAYOUT,
    CONTROL_STYLE,
    SimulationExplorer,
    comparison_table,
    html_table,
    stepped_limits,
)

#: Colours of agents who will and will not default (Okabe-Ito vermillion and sky blue).
WILL_DEFAULT, WILL_NOT = "#D55E00", "#56B4E9"


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
        values = {str(p): float(v) * factor for p, v in zip(PERKS["perk"], PERKS["value_cny"])}
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

    # _compute (SimulationExplorer): your rules beside the same rules with no tasks on offer
    _side_by_side = staticmethod(compare_incentives)

    def _comparison_rules(self, rules: Rules) -> Rules:
        return rules.replace(gameable_tasks=())

    # Drawing: the figure is built once; an update moves the curves and, when the data leave
    # the axes, changes the limits (in steps) and redraws the fixed parts (Explorer._render)
    def _build(self) -> None:
        fig = self._new_figure((10.5, 6.6))
        (ax_score, ax_auc), (ax_tiers, ax_who) = fig.subplots(2, 2)
        self._comparison_axes([(ax_score, "mean_score", "Mean Lotus Score", "mean score"),
                               (ax_auc, "auc", "How well the score predicts default", "AUC")],
                              "no tasks on offer")
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
        months = self._draw_comparison(mine, base)
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
