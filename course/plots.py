"""Shared plotting helpers: one colour-blind-safe style, readable labels, tier bands.

The lessons call :func:`use_style` once; the widget explorers draw inside
:func:`style_context` so that they never change a notebook's global settings. Colours come
from seaborn's ``"colorblind"`` palette and, for the ordered score tiers, from the
Okabe-Ito colours (vermillion to blue), which stay distinct under the common forms of colour
blindness.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator

import matplotlib as mpl
import numpy as np
from matplotlib.ticker import PercentFormatter

from .dimensions import DIMENSIONS
from .scoring import PERKS, SCORE_MAX, SCORE_MIN, TIERS

PALETTE = "colorblind"

#: One colour per score tier, ordered poor -> excellent (Okabe-Ito colours).
TIER_COLOURS: dict[str, str] = {
    "poor": "#D55E00",
    "fair": "#E69F00",
    "good": "#F0E442",
    "very good": "#56B4E9",
    "excellent": "#0072B2",
}

#: Payment channels: the one Lotus Pay sees stands out, the invisible ones are muted.
CHANNEL_COLOURS: dict[str, str] = {"platform": "#0072B2", "card": "#E69F00", "cash": "#999999"}

#: Human-readable names for columns and dimensions, for axis labels and widget controls.
LABELS: dict[str, str] = {
    "credit_history": "Credit history",
    "fulfilment_capacity": "Fulfilment capacity",
    "behaviour_preferences": "Behaviour & preferences",
    "identity_characteristics": "Identity characteristics",
    "connections": "Connections",
    "age": "Age (years)",
    "gender": "Gender",
    "city_tier": "City tier (1 = largest)",
    "hukou": "Hukou (household registration)",
    "education": "Education",
    "occupation": "Occupation",
    "monthly_income_cny": "Monthly income (CNY)",
    "assets_cny": "Savings and property (CNY)",
    "has_children": "Has children (private)",
    "heavy_gamer": "Heavy gamer (private)",
    "on_time_rate": "Share of bills paid on time",
    "late_payments_12m": "Late payments, last 12 months",
    "platform_share": "Share of spending on Lotus Pay",
    "bills_on_platform": "Bills paid through Lotus Pay (of 6)",
    "verified_id": "ID verified",
    "verified_degree": "Degree verified",
    "verified_car": "Car verified",
    "verified_property": "Property verified",
    "phone_tenure_years": "Years with the same phone number",
    "blacklisted": "On the court blacklist",
    "defaulted": "Defaulted within 12 months",
    "lotus_score": "Lotus Score",
    "tier": "Score tier",
}


def label(name: str) -> str:
    """Return a readable label for a column or dimension name (the name itself if unknown)."""
    return LABELS.get(name, name.replace("_", " ").capitalize())


def _seaborn():
    """seaborn, imported on first use: it costs ~1 s (scipy.stats with it), and every grading
    kernel imports ``course`` but none of the exercises draws with the course's style."""
    import seaborn

    return seaborn


def _style_rc() -> dict:
    sns = _seaborn()
    rc = {}
    rc.update(sns.axes_style("whitegrid"))
    rc.update(sns.plotting_context("notebook", font_scale=0.9))
    rc["axes.prop_cycle"] = mpl.cycler(color=sns.color_palette(PALETTE))
    rc["axes.titleweight"] = "bold"
    return rc


def use_style() -> None:
    """Set the course's plot style for the whole notebook (seaborn, colour-blind palette)."""
    _seaborn().set_theme(style="whitegrid", palette=PALETTE, context="notebook", font_scale=0.9,
                  rc={"axes.titleweight": "bold", "figure.dpi": 90})


@contextlib.contextmanager
def style_context() -> Iterator[None]:
    """Apply the course's plot style inside a ``with`` block only."""
    with mpl.rc_context(_style_rc()):
        yield


def tier_bands(ax, *, alpha: float = 0.12, labels: bool = True, axis: str = "x") -> None:
    """Shade the five score tiers behind a plot whose ``axis`` is a Lotus Score axis."""
    span = ax.axvspan if axis == "x" else ax.axhspan
    for i, row in enumerate(TIERS.itertuples()):
        hi = row.max_score + 1 if row.max_score < SCORE_MAX else SCORE_MAX
        span(row.min_score, hi, color=TIER_COLOURS[row.tier], alpha=alpha, lw=0, zorder=0)
        if labels and axis == "x":
            # Stagger the labels: the middle tiers are only 50 points wide
            ax.text((row.min_score + hi) / 2, 0.98 - 0.07 * (i % 2), row.tier,
                    transform=ax.get_xaxis_transform(), ha="center", va="top",
                    fontsize="x-small", color="0.2", zorder=3,
                    bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none",
                          "alpha": 0.6})
    if axis == "x":
        ax.set_xlim(SCORE_MIN, SCORE_MAX)
    else:
        ax.set_ylim(SCORE_MIN, SCORE_MAX)


def perk_lines(ax, *, axis: str = "x") -> None:
    """Draw a dotted line at each perk threshold on a Lotus Score axis."""
    line = ax.axvline if axis == "x" else ax.axhline
    for threshold in sorted(set(PERKS["min_score"])):
        line(threshold, color="0.3", ls=":", lw=1, zorder=1)


def percent_axis(ax, axis: str = "y", *, xmax: float = 1.0) -> None:
    """Format an axis holding shares (0..``xmax``) as percentages."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(PercentFormatter(xmax=xmax, decimals=None))


def dimension_labels(names=DIMENSIONS) -> list[str]:
    """Readable names for dimension columns, in order."""
    return [label(n) for n in names]


def figure_png(fig, *, dpi: int = 90) -> bytes:
    """Render a matplotlib figure to PNG bytes (used by the widget explorers)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return buffer.getvalue()


def rgba_png(rgba) -> bytes:
    """Encode an RGBA pixel buffer (e.g. an Agg canvas's ``buffer_rgba()``) as PNG bytes."""
    from PIL import Image

    pixels = np.asarray(rgba)
    buffer = io.BytesIO()
    Image.fromarray(pixels[..., :3]).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def number_points(ax, x: np.ndarray, y: np.ndarray, numbers: list[int]) -> list:
    """Write each point's number beside it, where it overlaps no other label or point.

    Points that (nearly) coincide share one label ("1,4,5"). Positions are planned in axes
    fractions, with a character about 2.4% of the axes wide and a line 5% high.
    """
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    u, v = (x - x0) / (x1 - x0), (y - y0) / (y1 - y0)  # position as a share of the axes
    numbers = np.asarray(numbers)
    clusters, left = [], np.ones(len(x), dtype=bool)
    for i in np.argsort(v):
        if left[i]:
            near = left & (np.abs(u - u[i]) < 0.06) & (np.abs(v - v[i]) < 0.045)
            left &= ~near
            clusters.append(near)
    taken = [(a - 0.015, b - 0.02, a + 0.015, b + 0.02) for a, b in zip(u, v)]  # the dots
    texts = []
    gap, char, line = 0.025, 0.024, 0.05
    for near in clusters:
        label = ",".join(str(n) for n in sorted(numbers[near]))
        width = char * len(label)
        lo, hi, mid = u[near].min(), u[near].max(), v[near].mean()
        candidates = [  # (box in axes fractions, offset in points, ha, va)
            ((hi + gap, mid - line / 2, hi + gap + width, mid + line / 2), (7, 0), "left",
             "center"),
            ((lo - gap - width, mid - line / 2, lo - gap, mid + line / 2), (-7, 0), "right",
             "center"),
            (((lo + hi - width) / 2, mid + gap, (lo + hi + width) / 2, mid + gap + line),
             (0, 7), "center", "bottom"),
            (((lo + hi - width) / 2, mid - gap - line, (lo + hi + width) / 2, mid - gap),
             (0, -7), "center", "top"),
        ]

        def free(box):
            inside = box[0] >= 0 and box[2] <= 1 and box[1] >= 0 and box[3] <= 1
            return inside and not any(box[0] < t[2] and t[0] < box[2] and box[1] < t[3]
                                      and t[1] < box[3] for t in taken)

        box, offset, ha, va = next((c for c in candidates if free(c[0])), candidates[0])
        taken.append(box)
        anchor = {"left": x[near].max(), "right": x[near].min()}.get(ha, x[near].mean())
        texts.append(ax.annotate(label, (anchor, y[near].mean()), xytext=offset,
                                 textcoords="offset points", ha=ha, va=va, fontsize="small",
                                 color="0.25", zorder=5))
    return texts
