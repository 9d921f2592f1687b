"""Dependency simulator: what the score pays for platform use and friends -> lock-in, fragmentation.

Two sliders set the rules of :func:`course.simulate`: the platform-use reward (how much the
score pays for spending through Lotus Pay; ``Rules.platform_use_reward``) and the weight of
the connections dimension (the other four weights rescaled to keep their proportions,
:func:`course.set_weight`). Each setting is simulated beside a *neutral
score*: the same rules but paying nothing for platform use or friends (reward 0, connections
weight 0, the other weights rescaled). Runs are cached by rules, months and seed.

What the plots show, month by month: the share of spending on Lotus Pay; the switching cost
(the mean CNY value of the perks an agent would lose by leaving the platform, whose score
does not travel with them: deposits and other perks — our inference, see the lesson); how
many separate groups the friendship graph falls into; and friends per agent by the tier they
started in.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pandas as pd
from matplotlib.ticker import PercentFormatter

from ..constants import DEFAULT_WEIGHTS
from ..experiments import DependencyResult, SimulationCache, compare_dependency, neutral_rules
from ..rules import ENGAGEMENT_TASKS, Rules
from ..scoring import TIER_NAMES
from ..weights import set_weight
from ._base import (
    CONTROL_LAYOUT,
    CONTROL_STYLE,
    YOURS,
    SimulationExplorer,
    comparison_table,
    html_table,
    stepped_limits,
)

#: Colours of the friends-per-agent bars: at the start, and at the end with your rules.
START_COLOUR = "0.7"


class DependencySimulator(SimulationExplorer):
    """Set what the score pays for platform use and friends; see lock-in and fragmentation.

    Controls: ``reward`` and ``connections`` (``FloatSlider``), ``tasks_on`` (``Checkbox``),
    ``months`` (``IntSlider``), ``seed`` (``BoundedIntText``) and ``reset`` (``Button``).
    ``result`` is a :class:`DependencyResult`; ``cache`` the :class:`SimulationCache`.
    """

    title = "Dependency simulator"

    def __init__(self, population: pd.DataFrame, transactions: pd.DataFrame | None = None,
                 friendships: pd.DataFrame | None = None, *, reward: float = 1.0,
                 connections: float | None = None, tasks: bool = True, months: int = 24,
                 seed: int = 1):
        self.cache = SimulationCache(population, transactions, friendships)
        connections = DEFAULT_WEIGHTS["connections"] if connections is None else connections
        self._start = {"reward": reward, "connections": connections, "tasks": tasks,
                       "months": months, "seed": seed}
        self.reward = widgets.FloatSlider(
            value=reward, min=0.0, max=2.0, step=0.25, description="Platform-use reward (×)",
            readout_format=".2f", continuous_update=False, style=CONTROL_STYLE,
            layout=CONTROL_LAYOUT)
        self.connections = widgets.FloatSlider(
            value=connections, min=0.0, max=0.5, step=0.05, description="Connections weight",
            readout_format=".2f", continuous_update=False, style=CONTROL_STYLE,
            layout=CONTROL_LAYOUT)
        self.weights_note = widgets.HTML()
        self.tasks_on = widgets.Checkbox(
            value=tasks, description="Offer the engagement tasks (lesson 05)",
            tooltip="Daily check-in, forest energy and sharing promotions, as in Rules()",
            style=CONTROL_STYLE, layout=CONTROL_LAYOUT)
        self._common_controls(months, seed)
        super().__init__(
            [self.reward, self.connections, self.weights_note, self.tasks_on, self.months,
             widgets.HBox([self.seed, self.reset])],
            intro="Each setting is simulated twice with <code>course.simulate</code>: with your "
                  "rules (solid blue) and with a <i>neutral score</i> that pays nothing for "
                  "platform use or friends (dashed). The reward multiplies what the score pays "
                  "for using Lotus Pay (1 = the default score, 0 = nothing). Switching cost: "
                  "the value of the perks an agent would lose by leaving. Each change takes a "
                  "moment.")
        self._observe(self.reward, self.connections, self.tasks_on, self.months, self.seed)
        self.refresh()

    def _rules(self) -> Rules:
        weights = set_weight(DEFAULT_WEIGHTS, "connections", self.connections.value)
        tasks = tuple(ENGAGEMENT_TASKS) if self.tasks_on.value else ()
        return Rules(weights=weights, platform_use_reward=self.reward.value,
                     gameable_tasks=tasks)

    def _reset(self, button=None) -> None:
        start = self._start
        with self.holding():
            self.reward.value = start["reward"]
            self.connections.value = start["connections"]
            self.tasks_on.value = start["tasks"]
            self.months.value = start["months"]
            self.seed.value = start["seed"]

    # _compute (SimulationExplorer): your rules beside the neutral score
    _side_by_side = staticmethod(compare_dependency)
    _comparison_rules = staticmethod(neutral_rules)

    # Drawing: built once, then the curves and bars move (see IncentiveSimulator)
    def _build(self) -> None:
        fig = self._new_figure((10.5, 6.6))
        (ax_share, ax_cost), (ax_groups, ax_friends) = fig.subplots(2, 2)
        self._comparison_axes([
            (ax_share, "platform_share", "Share of spending on Lotus Pay",
             "mean share of spending"),
            (ax_cost, "switching_cost", "Switching cost: perks lost by leaving",
             "mean value of perks held (CNY)"),
            (ax_groups, "components", "Friendship graph: separate groups",
             "connected groups")], "neutral score")
        ax_share.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
        ax_cost.yaxis.set_major_formatter("{x:,.0f}")
        ax_groups.yaxis.set_major_formatter("{x:.0f}")
        legends = [ax_share.legend(loc="best", fontsize="small", framealpha=0.9)]

        x = np.arange(len(TIER_NAMES))
        self._bars = (
            ax_friends.bar(x - 0.2, np.zeros(len(x)), width=0.4, color=START_COLOUR,
                           label="month 0"),
            ax_friends.bar(x + 0.2, np.zeros(len(x)), width=0.4, color=YOURS,
                           label="last month, your rules"))
        ax_friends.set_xticks(x, TIER_NAMES)
        ax_friends.set(title="Friends per agent, by starting tier",
                       xlabel="tier at month 0", ylabel="mean friends per agent")
        ax_friends.grid(axis="x", visible=False)
        ax_friends.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2,
                          fontsize="small", frameon=False)
        self._bar_text = [ax_friends.text(xi + 0.2, 0, "", ha="center", va="bottom",
                                          fontsize="x-small") for xi in x]
        self._axes = (ax_share, ax_cost, ax_groups, ax_friends)
        self._title = fig.suptitle("", fontsize="medium")
        self._animate(*[line for pair in self._lines.values() for line in pair],
                      *[bar for bars in self._bars for bar in bars], *self._bar_text,
                      self._title, *legends)
        self.figure = fig

    def _draw(self, result: DependencyResult) -> None:
        if self.figure is None:
            self._build()
        ax_share, ax_cost, ax_groups, ax_friends = self._axes
        mine, neutral = result.simulation.summary, result.neutral.summary
        months = self._draw_comparison(mine, neutral)
        for ax in (ax_share, ax_cost, ax_groups):
            self._set_limits(ax, xlim=(0, months[-1]))

        def both(column):
            return np.concatenate([mine[column], neutral[column]])

        # Limits that rarely move, so that most updates redraw only the curves and bars
        self._set_limits(ax_share, ylim=stepped_limits(both("platform_share"), 0.1, 0.02,
                                                       min_span=0.3, floor=0.0))
        most = sum(result.rules.perk_values_cny.values())  # holding every perk
        self._set_limits(ax_cost, ylim=(0, stepped_limits([most], 1000, 0)[1]))
        top = float(both("components").max())
        self._set_limits(ax_groups, ylim=(0, next(v for v in (5, 10, 20, 50, 100, 200, 500,
                                                              1000, 3000, np.inf)
                                                  if v >= top * 1.1)))

        table = result.friends_by_tier.reindex(TIER_NAMES)
        for bar, value in zip(self._bars[0], table["start"].fillna(0.0)):
            bar.set_height(value)
        for bar, text, value in zip(self._bars[1], self._bar_text, table["end"].fillna(0.0)):
            bar.set_height(value)
            text.set_y(value)
            text.set_text(f"{value:.1f}" if value > 0 else "")
        highest = float(np.nanmax(table[["start", "end"]].to_numpy()))
        self._set_limits(ax_friends, ylim=(0, stepped_limits([highest], 2, 1)[1]))

        share, cost = result.platform_share, result.switching_cost
        groups = result.components
        self._title.set_text(
            f"{result.months} months, seed {result.seed}, your rules · Lotus Pay share "
            f"{share[0]:.0%} → {share[1]:.0%} · switching cost {cost[0]:,.0f} → "
            f"{cost[1]:,.0f} CNY · friendship groups {groups[0]} → {groups[1]}")
        self._summarise(result)

    def _summarise(self, result: DependencyResult) -> None:
        mine, neutral = result.simulation.summary, result.neutral.summary
        last = result.months
        rows = {
            "share of spending on Lotus Pay": ("{:.1%}", "platform_share"),
            "bills paid through Lotus Pay (of 6)": ("{:.2f}", "bills_on_platform"),
            "switching cost (CNY)": ("{:,.0f}", "switching_cost"),
            "friendship groups": ("{:.0f}", "components"),
            "friendships across score tiers": ("{:.1%}", "cross_tier_ties"),
            "friends per agent": ("{:.2f}", "friends"),
        }
        table = comparison_table(rows, mine, neutral, "neutral score")
        friends = result.friends_by_tier.rename(columns={
            "agents": "agents", "start": "friends at month 0",
            "end": f"friends at month {last}", "change": "change"})
        friends.index = friends.index.astype(str)
        friends.index.name = "starting tier"
        self.summary.value = (
            html_table(table, caption="Your rules beside a neutral score (no points for "
                                      "platform use or friends)")
            + html_table(friends, caption="Friends per agent by starting tier (your rules)",
                         float_format="{:.2f}")
            + "<div style='font-size:90%'>A model, not evidence: the costs, perks and "
              "decision rules are our assumptions (see <code>course.simulation</code>).</div>")

    def _message(self, result: DependencyResult) -> str:
        if result.rules.weights["connections"] == 0:
            return ("Connections weight 0: friends earn no points, so nobody adds or drops a "
                    "friend for the score.")
        return ""


def dependency_simulator(population: pd.DataFrame, transactions: pd.DataFrame | None = None,
                         friendships: pd.DataFrame | None = None, *, reward: float = 1.0,
                         connections: float | None = None, tasks: bool = True,
                         months: int = 24, seed: int = 1) -> DependencySimulator:
    """Explore how a score that rewards platform use and friends creates dependency.

    Parameters
    ----------
    population : pandas.DataFrame
        The agents (``course.load_dataset("population")``).
    transactions, friendships : pandas.DataFrame, optional
        Passed to :func:`course.simulate` (use the course's data, so that runs match the
        lessons); default: drawn by ``simulate``.
    reward : float
        Starting platform-use reward (0 to 2; 1 = the default score).
    connections : float, optional
        Starting weight of connections (others rescaled); default 0.05.
    tasks : bool
        Whether the engagement tasks of ``Rules()`` are on offer at the start.
    months, seed : int
        Starting months (6 to 36, in steps of 6) and seed.

    Returns
    -------
    DependencySimulator
        Display it in a notebook. Drive it from code: ``.reward.value = 0``,
        ``.connections.value = 0.25``; ``.result`` holds the two runs and the curves shown.

    Examples
    --------
    >>> from course import load_dataset
    >>> people, trace, ties = (load_dataset(n) for n in
    ...                        ["population", "transactions", "friendships"])
    >>> sim = dependency_simulator(people, trace, ties)
    >>> sim.connections.value = 0.25
    >>> sim.result.components[1] > sim.result.components[0]
    True
    """
    return DependencySimulator(population, transactions, friendships, reward=reward,
                               connections=connections, tasks=tasks, months=months, seed=seed)
