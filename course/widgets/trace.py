"""Trace explorer: one person's payments, and the part of them Lotus Pay can see."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import seaborn as sns

from .. import plots
from .._checks import check_frame
from ..personas import personas as pick_personas
from ..summaries import trace_summary
from ..traces import CHANNELS
from ..visibility import PLATFORM_VIEW_COLUMNS, platform_view
from ._base import ConsumerPicker, Explorer, html_table


@dataclass
class TraceResult:
    """One person's trace, what the platform sees of it, and their platform view row."""

    consumer_id: int
    trace: pd.DataFrame
    by_category: pd.DataFrame
    seen_share_payments: float
    seen_share_spend: float
    view: pd.Series


class TraceExplorer(Explorer):
    """Pick a consumer; see every payment they made, coloured by channel, and what is seen.

    Controls: ``picker`` (persona or consumer id). ``result`` is a :class:`TraceResult`.
    """

    title = "Trace explorer: one person's payments"

    def __init__(self, population: pd.DataFrame, transactions: pd.DataFrame, *,
                 dimensions: pd.DataFrame | None = None, consumer_id: int | None = None):
        check_frame(transactions, "transactions", ["consumer_id", "timestamp", "category",
                                                   "amount_cny", "channel"])
        self.population = population.set_index("consumer_id", drop=False)
        self.view = platform_view(population, transactions)
        # Row ranges of each consumer in the (sorted) transactions, for quick look-ups
        self.transactions = transactions
        self._rows = transactions.groupby("consumer_id").indices
        table = (pick_personas(population, dimensions, transactions) if dimensions is not None
                 else None)
        self.picker = ConsumerPicker(self.view.index, table, value=consumer_id)
        super().__init__(
            [self.picker],
            intro="Each dot is one payment. Only the blue ones (paid through Lotus Pay) reach "
                  "the platform; card and cash payments are invisible to it. The bars show, "
                  "per category, how much of the person's spending the platform sees.")
        self.picker.consumer_id.observe(self._on_change, names="value")
        self.refresh()

    def _compute(self) -> TraceResult:
        cid = self.picker.value
        if cid not in self.view.index:
            raise KeyError(f"consumer {cid} is not in the data (ids run from "
                           f"{self.view.index.min()} to {self.view.index.max()}).")
        rows = self._rows.get(cid, [])
        trace = self.transactions.iloc[rows]
        by_category = trace_summary(trace)
        seen = trace["channel"] == "platform"
        spend = trace["amount_cny"].sum()
        return TraceResult(
            consumer_id=int(cid), trace=trace, by_category=by_category,
            seen_share_payments=float(seen.mean()) if len(trace) else 0.0,
            seen_share_spend=float(trace.loc[seen, "amount_cny"].sum() / spend) if spend else 0.0,
            view=self.view.loc[cid, PLATFORM_VIEW_COLUMNS])

    def _draw(self, result: TraceResult) -> None:
        fig = self._new_figure((10.5, 3.8))
        ax_time, ax_cat = fig.subplots(1, 2, width_ratios=[1.4, 1])
        trace = result.trace
        if len(trace):
            sns.scatterplot(trace, x="timestamp", y="amount_cny", hue="channel",
                            hue_order=CHANNELS, palette=plots.CHANNEL_COLOURS, style="channel",
                            style_order=CHANNELS, s=22, alpha=0.8, ax=ax_time)
            ax_time.set_yscale("log")
            ax_time.legend(title="channel", fontsize="x-small", title_fontsize="small",
                           loc="upper left", bbox_to_anchor=(1, 1))
        ax_time.set_xlabel("Date")
        ax_time.set_ylabel("Amount (CNY, log scale)")
        ax_time.set_title(f"{len(trace)} payments; Lotus Pay sees "
                          f"{result.seen_share_payments:.0%} of them")
        ax_time.tick_params(axis="x", labelrotation=30, labelsize="x-small")

        by = result.by_category
        by = by[(by["seen_cny"] + by["unseen_cny"]) > 0]
        names = list(by.index)
        ax_cat.barh(names, by["seen_cny"], color=plots.CHANNEL_COLOURS["platform"],
                    label="seen (Lotus Pay)")
        ax_cat.barh(names, by["unseen_cny"], left=by["seen_cny"], color="0.75",
                    label="unseen (card, cash)")
        ax_cat.invert_yaxis()
        ax_cat.set_xlabel("Spending over the period (CNY)")
        ax_cat.set_title(f"Spending seen: {result.seen_share_spend:.0%}")
        ax_cat.legend(fontsize="x-small", loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2,
                      frameon=False)
        ax_cat.tick_params(axis="y", labelsize="x-small")
        ax_cat.grid(axis="y", visible=False)
        name = self.picker.persona.label if self.picker.persona.value is not None else None
        who = name.split(" — ")[0] if name else f"Consumer {result.consumer_id}"
        fig.suptitle(who, fontsize="medium")
        self.figure = fig

        person = self.population.loc[result.consumer_id]
        facts = pd.Series({
            "age": person["age"], "hukou": person["hukou"], "city tier": person["city_tier"],
            "occupation": person["occupation"],
            "monthly income (CNY)": f"{person['monthly_income_cny']:,.0f}",
            "share of spending on Lotus Pay": f"{person['platform_share']:.0%}",
            "has children (private)": person["has_children"],
            "heavy gamer (private)": person["heavy_gamer"],
        }, name="value").to_frame()
        view = result.view.to_frame("value")
        view["value"] = [f"{v:.3g}" if isinstance(v, float) else v for v in view["value"]]
        self.summary.value = (
            "<div style='display:flex;gap:32px;flex-wrap:wrap'><div>"
            + html_table(facts, caption="Who they are (the platform does not see all of this)")
            + "</div><div>"
            + html_table(view, caption="What Lotus Pay sees: course.platform_view(...) row")
            + "</div></div>")


def trace_explorer(population: pd.DataFrame, transactions: pd.DataFrame, *,
                   dimensions: pd.DataFrame | None = None,
                   consumer_id: int | None = None) -> TraceExplorer:
    """Explore one consumer's payments and what the platform sees of them.

    Parameters
    ----------
    population, transactions : pandas.DataFrame
        From ``course.load_dataset`` (or the generators).
    dimensions : pandas.DataFrame, optional
        From :func:`course.dimension_scores`; if given, the picker also offers the invented
        personas of the persona explorer.
    consumer_id : int, optional
        Who to start with; default the first persona (or the first consumer).

    Returns
    -------
    TraceExplorer
        Display it in a notebook; set ``.picker.consumer_id.value`` to drive it from code.
        ``.result`` holds the trace, the per-category split and the platform view row.

    Examples
    --------
    >>> import course
    >>> explorer = trace_explorer(course.load_dataset("population"),
    ...                           course.load_dataset("transactions"))
    >>> explorer.picker.consumer_id.value = 7
    >>> explorer.result.consumer_id
    7
    """
    return TraceExplorer(population, transactions, dimensions=dimensions,
                         consumer_id=consumer_id)
