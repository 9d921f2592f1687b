"""What the two simulators share: a base class, comparison curves and tables, stepped limits.

:class:`SimulationExplorer` is the base of the incentive simulator
(:mod:`course.widgets.incentives`) and the dependency simulator
(:mod:`course.widgets.dependency`): months and seed controls, a reset button, runs cached by
:class:`course.SimulationCache`, and axis limits that move in steps.
"""

from __future__ import annotations

from collections.abc import Mapping

import ipywidgets as widgets
import numpy as np
import pandas as pd

from ... import plots
from ...rules import Rules
from ...simulation import SimulationResult
from .explorer import CONTROL_LAYOUT, CONTROL_STYLE, Explorer

#: Months the explorers can simulate (the slider's range and step).
MONTHS_MIN, MONTHS_MAX, MONTHS_STEP = 6, 36, 6
#: Colours of "your rules" and of the comparison run (Okabe-Ito blue, and black).
YOURS, BASELINE = "#0072B2", "0.15"


class SimulationExplorer(Explorer):
    """Base of the two simulators: months and seed controls, a reset button, cached runs.

    A subclass sets ``self.cache`` (a :class:`SimulationCache`), makes its own controls and
    calls ``_common_controls(months, seed)`` before ``Explorer.__init__``. It defines
    ``_rules()`` (the controls as :class:`course.Rules`), ``_comparison_rules(rules)`` (what
    to compare them with) and ``_side_by_side`` (e.g. :func:`course.compare_incentives`), which
    ``_compute`` calls on the two (cached) runs.
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

    def _comparison_axes(self, panels, other_label: str) -> None:
        """Give each ``(ax, summary column, title, ylabel)`` of ``panels`` two empty curves:
        your rules (solid) and the comparison run (dashed, labelled ``other_label``)."""
        self._lines = {}
        for ax, column, title, ylabel in panels:
            self._lines[column] = (comparison_line(ax, yours=True, label="your rules"),
                                   comparison_line(ax, yours=False, label=other_label))
            ax.set(title=title, xlabel="month", ylabel=ylabel)

    def _draw_comparison(self, mine: pd.DataFrame, other: pd.DataFrame) -> np.ndarray:
        """Put both runs' summaries into the curves of ``_comparison_axes``; return the months."""
        months = mine["month"].to_numpy()
        for column, (yours, theirs) in self._lines.items():
            yours.set_data(months, mine[column])
            theirs.set_data(months, other[column])
        return months

    def _compute(self):
        """Simulate your rules and the comparison rules, and put them side by side (both the
        runs and the comparison are cached, so a setting seen before is only redrawn)."""
        rules = self._rules()
        self._show_weights(rules)
        return self.cache.compare(rules, self._comparison_rules(rules), self.months.value,
                                  self.seed.value, self._side_by_side)

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


def comparison_line(ax, *, yours: bool, label: str):
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
