"""Persona explorer: one consumer, "what if I..." changes, new score, tier, perks, next perk.

The changes act on what the platform *sees* (bills paid on time, bills and spending moved
onto Lotus Pay, verified items, games paid in cash), and the new sub-scores are computed by
:func:`course.what_if_dimensions` (the engine's own dimension functions); with no change,
they equal the person's real sub-scores from :func:`course.dimension_scores`. The
connections sub-score is kept as it is (friends are the subject of lesson 06).

The persona names are invented labels for synthetic rows; no real person is described.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ipywidgets as widgets
import numpy as np
import pandas as pd

from .. import plots
from .._checks import check_frame
from ..constants import DEFAULT_WEIGHTS, DIMENSIONS, SCORE_MIN
from ..explain import Explanation, distinct_digits, explain, next_perk
from ..personas import WhatIf, personas, what_if_dimensions
from ..scoring import PERKS, lotus_score, perks_granted, tier_name
from ..summaries import align_population
from ..visibility import months_observed, spending_by_channel
from ._base import ConsumerPicker, Explorer, html_table


@dataclass
class PersonaResult:
    """What the persona explorer computed for one person and one set of changes."""

    consumer_id: int
    change: WhatIf
    before: pd.Series
    after: pd.Series
    score_before: int
    score_after: int
    tier_before: str
    tier_after: str
    blacklisted: bool
    perks: pd.DataFrame
    explanation: Explanation
    next_perk: str | None
    next_perk_change: pd.Series | None = None
    notes: list[str] = field(default_factory=list)


class PersonaExplorer(Explorer):
    """One consumer and "what if I..." controls -> new score, tier, perks and next perk.

    Controls: ``picker`` (persona or consumer id), ``pay_on_time``, ``bills``,
    ``move_spending``, ``games_in_cash``, ``verify`` (dict of Checkboxes by item),
    ``blacklisted`` and ``reset``. ``result`` is a :class:`PersonaResult`.
    """

    title = "Persona explorer: what if I…"

    def __init__(self, dimensions: pd.DataFrame, population: pd.DataFrame,
                 transactions: pd.DataFrame, *, consumer_id: int | None = None,
                 weights=None, persona_table: pd.DataFrame | None = None):
        check_frame(dimensions, "dimensions", DIMENSIONS, hint="course.dimension_scores(...)")
        self.dimensions = dimensions
        self.population = align_population(population, dimensions.index)
        self.weights = dict(DEFAULT_WEIGHTS if weights is None else weights)
        self.months = months_observed(transactions)
        self.spending = spending_by_channel(transactions, dimensions.index)
        self.personas = (personas(population, dimensions, transactions)
                         if persona_table is None else persona_table)
        self.picker = ConsumerPicker(dimensions.index, self.personas, value=consumer_id)
        wide = {"style": {"description_width": "250px"}, "layout": {"width": "520px"}}
        box = {"indent": False, "layout": {"width": "300px"}}
        self.pay_on_time = widgets.Checkbox(description="Had paid every bill on time", **box)
        self.bills = widgets.IntSlider(min=0, max=6, description="Bills paid via Lotus Pay (of 6)",
                                       continuous_update=True, **wide)
        self.move_spending = widgets.FloatSlider(
            min=0.0, max=1.0, step=0.05, readout_format=".0%", continuous_update=True,
            description="Card/cash spending → Lotus Pay", **wide)
        self.games_in_cash = widgets.Checkbox(description="Pay for games in cash instead", **box)
        self.verify = {
            item: widgets.Checkbox(description=f"{name} verified", **box)
            for item, name in [("verified_id", "ID"), ("verified_degree", "Degree"),
                               ("verified_car", "Car"), ("verified_property", "Property")]
        }
        self.blacklisted = widgets.Checkbox(description="On the court blacklist", **box)
        self.reset = widgets.Button(description="Back to this person's data", icon="undo",
                                    tooltip="Undo every what-if change", layout={"width": "230px"})
        self.reset.on_click(lambda _: self._load_person())
        self._holding = False
        behaviour = widgets.VBox([self.pay_on_time, self.games_in_cash, self.bills,
                                  self.move_spending])
        identity = widgets.VBox([*self.verify.values(), self.blacklisted, self.reset])
        super().__init__(
            [self.picker, widgets.HBox([behaviour, identity])],
            intro="Pick a person (the names are invented; the rows are synthetic) and try "
                  "changes. The grey bars are their real sub-scores' points, the coloured "
                  "bars what the score would count after your changes. Verifying a car or "
                  "property assumes the person owns one; friends (connections) stay as they "
                  "are.")
        self.picker.consumer_id.observe(lambda _: self._load_person(), names="value")
        self._observe(self.pay_on_time, self.bills, self.move_spending, self.games_in_cash,
                      *self.verify.values(), self.blacklisted)
        self._load_person()

    def _on_change(self, change=None) -> None:
        if not self._holding:
            self.refresh()

    def _load_person(self) -> None:
        """Set every control to the chosen person's real data, then update once."""
        cid = self.picker.value
        self._holding = True
        try:
            if cid in self.population.index:
                person = self.population.loc[cid]
                self.pay_on_time.value = False
                self.games_in_cash.value = False
                self.bills.value = int(person["bills_on_platform"])
                self.move_spending.value = 0.0
                for item, box in self.verify.items():
                    box.value = bool(person[item])
                has_degree = str(person.get("education", "")) in ("bachelor", "postgraduate")
                self.verify["verified_degree"].disabled = not has_degree and not bool(
                    person["verified_degree"])
                self.blacklisted.value = bool(person["blacklisted"])
        finally:
            self._holding = False
        self.refresh()

    def current_change(self) -> WhatIf:
        """The changes the controls describe, relative to the person's real data."""
        return WhatIf(
            pay_on_time=self.pay_on_time.value, bills_on_platform=self.bills.value,
            move_spending=self.move_spending.value, games_in_cash=self.games_in_cash.value,
            blacklisted=self.blacklisted.value,
            **{item: box.value for item, box in self.verify.items()})

    def _compute(self) -> PersonaResult:
        cid = self.picker.value
        if cid not in self.population.index:
            raise KeyError(f"consumer {cid} is not in the data (ids run from "
                           f"{self.population.index.min()} to {self.population.index.max()}).")
        person = self.population.loc[cid]
        change = self.current_change()
        # "now" is the what-if with no change: the engine's own sub-scores for this person
        friends = float(self.dimensions.loc[cid, "connections"])
        spending = self.spending.loc[cid]
        before = what_if_dimensions(person, spending, self.months, friends, WhatIf())
        after = what_if_dimensions(person, spending, self.months, friends, change)
        listed_now = bool(person["blacklisted"])
        listed = bool(change.blacklisted) if change.blacklisted is not None else listed_now
        frame = pd.DataFrame([before, after], index=["now", "what if"])
        scores = lotus_score(frame, self.weights, blacklisted=[listed_now, listed])
        granted = perks_granted(scores, blacklisted=[listed_now, listed]).T
        granted.index.name = "perk"
        threshold, names = next_perk(int(scores["what if"]), listed)
        after_frame = frame.loc[["what if"]].rename(index={"what if": cid})
        explanation = explain(after_frame, cid, weights=self.weights, blacklisted=listed)
        change_to_perk = None
        if threshold is not None:
            change_to_perk = explain(after_frame, cid, weights=self.weights,
                                     blacklisted=listed, target=threshold).cheapest
        notes = []
        if change.games_in_cash and self.spending.loc[cid, "on_gaming"] == 0:
            notes.append("This person pays for no games through Lotus Pay, so hiding them "
                         "changes nothing.")
        return PersonaResult(
            consumer_id=int(cid), change=change, before=before, after=after,
            score_before=int(scores["now"]), score_after=int(scores["what if"]),
            tier_before=tier_name(int(scores["now"])),
            tier_after=tier_name(int(scores["what if"])),
            blacklisted=listed, perks=granted, explanation=explanation,
            next_perk=None if threshold is None else f"{names} at {threshold}",
            next_perk_change=change_to_perk, notes=notes)

    # Drawing: built once, then updated in place
    def _build(self) -> None:
        fig = self._new_figure((10.5, 3.4))
        ax_dims, ax_score = fig.subplots(1, 2, width_ratios=[1.5, 1])
        y = np.arange(len(DIMENSIONS))
        colours = plots.CHANNEL_COLOURS
        self._bars_now = ax_dims.barh(y - 0.2, np.zeros(len(y)), height=0.38, color="0.75",
                                      label="now")
        self._bars_after = ax_dims.barh(y + 0.2, np.zeros(len(y)), height=0.38,
                                        color=colours["platform"], label="what if")
        self._dim_text = [ax_dims.text(0, yi + 0.2, "", va="center", fontsize="x-small")
                          for yi in y]
        ax_dims.set_yticks(y, plots.dimension_labels())
        ax_dims.invert_yaxis()
        ax_dims.set_xlim(0, 600 * max(self.weights.values()) * 1.12)
        ax_dims.set_xlabel("Points added to the base of 350 (sub-score × weight × 600)")
        ax_dims.set_title("Where the points come from")
        ax_dims.legend(loc="lower right", fontsize="small")
        ax_dims.grid(axis="y", visible=False)

        plots.tier_bands(ax_score, alpha=0.35)
        plots.perk_lines(ax_score)
        (self._mark_now,) = ax_score.plot([SCORE_MIN], [0.35], "o", color="0.45", ms=10,
                                          label="now")
        (self._mark_after,) = ax_score.plot([SCORE_MIN], [0.65], "D",
                                            color=colours["platform"], ms=10, label="what if")
        self._score_text = ax_score.text(0.5, 0.08, "", transform=ax_score.transAxes,
                                         ha="center", fontsize="small", zorder=3,
                                         bbox={"boxstyle": "round,pad=0.2", "fc": "white",
                                               "ec": "none", "alpha": 0.8})
        ax_score.set_ylim(0, 1)
        ax_score.set_yticks([])
        ax_score.set_xlabel("Lotus Score (dotted lines: perk thresholds)")
        ax_score.set_title("Score and tier")
        ax_score.legend(loc="upper left", fontsize="x-small", bbox_to_anchor=(0, 0.88))
        self._axes = (ax_dims, ax_score)
        self._title = fig.suptitle("", fontsize="medium")
        # Only these move with the controls; the rest is drawn once (see Explorer._render)
        self._animate(*self._bars_now, *self._bars_after, *self._dim_text, self._mark_now,
                      self._mark_after, self._score_text, self._title)
        self.figure = fig

    def _update(self, result: PersonaResult) -> None:
        w = np.array([self.weights[d] for d in DIMENSIONS])
        now = 600 * result.before.to_numpy() * w
        after = 600 * result.after.to_numpy() * w
        for bar, value in zip(self._bars_now, now):
            bar.set_width(value)
        for bar, text, value, old in zip(self._bars_after, self._dim_text, after, now):
            bar.set_width(value)
            delta = value - old
            text.set_x(max(value, old) + 2)
            text.set_text(f"{delta:+.0f}" if abs(delta) >= 0.5 else "")
        self._mark_now.set_xdata([result.score_before])
        self._mark_after.set_xdata([result.score_after])
        self._score_text.set_text(
            f"now {result.score_before} ({result.tier_before})  →  "
            f"what if {result.score_after} ({result.tier_after})")
        name = self.picker.persona.label if self.picker.persona.value is not None else None
        who = name.split(" — ")[0] if name else f"consumer {result.consumer_id}"
        self._title.set_text(f"{who}: Lotus Score {result.score_before} → {result.score_after}")

    def _draw(self, result: PersonaResult) -> None:
        if self.figure is None:
            self._build()
        self._update(result)
        table = result.perks.copy()
        table.insert(0, "needs", PERKS.set_index("perk")["min_score"].reindex(table.index))
        for c in ("now", "what if"):
            table[c] = table[c].map({True: "✓ yes", False: "✗ no"})
        lines = [f"<b>Score {result.score_before} ({result.tier_before}) → "
                 f"{result.score_after} ({result.tier_after})</b>"]
        if result.blacklisted:
            lines.append("Blacklisted: the score is capped at 549 and every perk is barred.")
        elif result.next_perk:
            lines.append(f"Next perk: <b>{result.next_perk}</b>.")
            best = result.next_perk_change
            if best is None:
                lines.append("No single sub-score can get there on its own.")
            else:
                current, needed = distinct_digits(best.current, best.needed, least=3)
                lines.append(f"Smallest single change to get there: raise "
                             f"{plots.label(best.name).lower()} from {current} to {needed}.")
        else:
            lines.append("Above every perk threshold.")
        explanation = str(result.explanation).replace("&", "&amp;").replace("<", "&lt;")
        self.summary.value = (
            "<div style='display:flex;gap:24px;flex-wrap:wrap'><div>"
            + "<br>".join(lines) + html_table(table, caption="Perks")
            + "</div><div><b>Explain my score</b> (course.explain, after the changes)"
            + f"<pre style='font-size:85%;line-height:1.3'>{explanation}</pre></div></div>")

    def _message(self, result: PersonaResult) -> str:
        return "\n".join(result.notes)


def persona_explorer(dimensions: pd.DataFrame, population: pd.DataFrame,
                     transactions: pd.DataFrame, *, consumer_id: int | None = None,
                     weights=None) -> PersonaExplorer:
    """Explore one consumer's score and what single changes would do to it.

    Parameters
    ----------
    dimensions : pandas.DataFrame
        From :func:`course.dimension_scores`.
    population, transactions : pandas.DataFrame
        The data the dimensions were computed from (the transactions say how much of the
        person's spending the platform sees, and how much could move onto it).
    consumer_id : int, optional
        Who to start with; default the first invented persona.
    weights : dict, optional
        Score weights; default ``course.DEFAULT_WEIGHTS``.

    Returns
    -------
    PersonaExplorer
        Display it in a notebook. Drive it from code by setting e.g.
        ``.move_spending.value = 0.5``; ``.result`` holds the new score, tier, perks and
        the :class:`course.Explanation`.

    Examples
    --------
    >>> import course
    >>> people, trace = course.load_dataset("population"), course.load_dataset("transactions")
    >>> dims = course.dimension_scores(people, trace, course.load_dataset("friendships"))
    >>> explorer = persona_explorer(dims, people, trace)
    >>> explorer.move_spending.value = 1.0
    >>> explorer.result.score_after >= explorer.result.score_before
    True
    """
    return PersonaExplorer(dimensions, population, transactions, consumer_id=consumer_id,
                           weights=weights)
