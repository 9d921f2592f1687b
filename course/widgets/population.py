"""Population explorer: one column's distribution, optionally split by a group."""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as widgets
import pandas as pd
import seaborn as sns

from .. import plots
from .._checks import check_frame
from ..summaries import GROUP_COLUMNS, describe_column, is_numeric
from ._base import CONTROL_LAYOUT, CONTROL_STYLE, Explorer, html_table


@dataclass
class PopulationResult:
    """What the population explorer shows: the column, the grouping and the summary table."""

    column: str
    group_by: str | None
    numeric: bool
    table: pd.DataFrame
    zeros_hidden: int = 0


class PopulationExplorer(Explorer):
    """Pick a column and a group; see the distribution (seaborn) and the counts.

    Controls: ``column`` and ``group_by`` (Dropdowns). ``result`` is a
    :class:`PopulationResult`.
    """

    title = "Population explorer"

    def __init__(self, population: pd.DataFrame, *, column: str = "platform_share",
                 group_by: str | None = "hukou"):
        check_frame(population, "population", ["consumer_id"])
        self.population = population
        columns = [c for c in population.columns if c != "consumer_id"]
        groups = [c for c in GROUP_COLUMNS if c in population.columns]
        self.column = widgets.Dropdown(
            options=[(plots.label(c), c) for c in columns], value=column,
            description="Column", style=CONTROL_STYLE, layout=CONTROL_LAYOUT)
        self.group_by = widgets.Dropdown(
            options=[("(no grouping: everyone)", None)] + [(plots.label(c), c) for c in groups],
            value=group_by, description="Group by", style=CONTROL_STYLE, layout=CONTROL_LAYOUT)
        super().__init__(
            [self.column, self.group_by],
            intro="Choose a column of the synthetic population, and a group to compare. "
                  "Numbers are shares <i>within</i> each group, so groups of different sizes "
                  "can be compared; the table below gives the counts.")
        self._observe(self.column, self.group_by)
        self.refresh()

    def _compute(self) -> PopulationResult:
        column, group_by = self.column.value, self.group_by.value
        table = describe_column(self.population, column, group_by)
        numeric = is_numeric(self.population[column])
        zeros = 0
        if numeric and column.endswith("_cny"):
            zeros = int((self.population[column] <= 0).sum())
        return PopulationResult(column, group_by, numeric, table, zeros)

    def _draw(self, result: PopulationResult) -> None:
        data = self.population
        hue = result.group_by
        fig = self._new_figure((9.5, 3.6))
        ax = fig.subplots()
        palette = sns.color_palette(plots.PALETTE, n_colors=max(
            1, data[hue].nunique() if hue else 1))
        if result.numeric:
            money = result.column.endswith("_cny")
            shown = data[data[result.column] > 0] if money else data
            discrete = pd.api.types.is_integer_dtype(data[result.column]) and \
                data[result.column].nunique() <= 25
            sns.histplot(shown, x=result.column, hue=hue, stat="percent", common_norm=False,
                         element="step", fill=False, linewidth=1.8, log_scale=money,
                         discrete=discrete or None, palette=palette if hue else None, ax=ax)
            ax.set_ylabel("% of group" if hue else "% of consumers")
            ax.set_xlabel(plots.label(result.column) + (" — log scale" if money else ""))
        else:
            shares = (data.groupby(hue, observed=True)[result.column] if hue else
                      data[result.column].to_frame().assign(_all="everyone").groupby("_all")[
                          result.column])
            long = shares.value_counts(normalize=True).rename("share").reset_index()
            long[result.column] = long[result.column].astype(str)
            order = [str(v) for v in (data[result.column].cat.categories
                                      if isinstance(data[result.column].dtype,
                                                    pd.CategoricalDtype)
                                      else sorted(data[result.column].unique()))]
            sns.barplot(long, x=result.column, y="share", hue=hue if hue else None,
                        order=order, palette=palette if hue else None, ax=ax)
            plots.percent_axis(ax, "y")
            ax.set_ylabel("% of group" if hue else "% of consumers")
            ax.set_xlabel(plots.label(result.column))
            if len(order) > 5:
                ax.tick_params(axis="x", labelrotation=20)
        title = plots.label(result.column)
        if hue:
            title += f", by {plots.label(hue).split(' (')[0].lower()}"
        ax.set_title(title)
        if ax.get_legend() is not None:
            sns.move_legend(ax, "upper left", bbox_to_anchor=(1.01, 1), title=plots.label(hue),
                            fontsize="small", title_fontsize="small")
        self.figure = fig
        caption = "Counts per group" if hue else "Counts"
        self.summary.value = html_table(result.table, caption=caption)

    def _message(self, result: PopulationResult) -> str:
        if result.zeros_hidden:
            return (f"{result.zeros_hidden} consumers with 0 CNY are left out of the plot "
                    "(a log scale has no zero); the table includes them.")
        return ""


def population_explorer(population: pd.DataFrame, *, column: str = "platform_share",
                        group_by: str | None = "hukou") -> PopulationExplorer:
    """Explore one column of the population, optionally compared across groups.

    Parameters
    ----------
    population : pandas.DataFrame
        From ``course.load_dataset("population")`` or :func:`course.make_population`.
    column, group_by : str
        The starting choices (``group_by=None`` for no grouping).

    Returns
    -------
    PopulationExplorer
        An ipywidgets ``VBox``; display it in a notebook. Set ``.column.value`` or
        ``.group_by.value`` to drive it from code; ``.result`` holds the summary table.

    Examples
    --------
    >>> from course import make_population
    >>> explorer = population_explorer(make_population(300, seed=1))
    >>> explorer.column.value = "age"
    >>> int(explorer.result.table["n"].sum())
    300
    """
    return PopulationExplorer(population, column=column, group_by=group_by)
