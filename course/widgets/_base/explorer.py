"""What every explorer shares: a layout, safe updates, a figure drawn into an image.

An explorer is an ``ipywidgets.VBox`` holding, top to bottom: a title, its controls, a
figure (a PNG in an ``ipywidgets.Image``), a summary (``ipywidgets.HTML``) and an
``ipywidgets.Output`` where messages and errors appear. Every change of a control calls
:meth:`Explorer.refresh`, which asks the subclass to compute (``_compute``, pure package
calls) and then to draw (``_draw``). The last computed result is kept in ``.result``, so
tests and curious students can read exactly what the plot shows. An exception raised while
computing or drawing is written into ``.output`` (and kept in ``.error``) rather than lost in
a log; the figure then keeps showing the last valid settings.
"""

from __future__ import annotations

import contextlib
import html
import time
from collections.abc import Iterable, Mapping

import ipywidgets as widgets
import pandas as pd
from IPython.display import Javascript, display

from ... import plots
from ...constants import DEFAULT_WEIGHTS, DIMENSIONS

#: Width reserved for control labels, so descriptions are not cut off.
LABEL_WIDTH = "215px"
CONTROL_STYLE = {"description_width": LABEL_WIDTH}
CONTROL_LAYOUT = {"width": "545px"}

#: Readable tables in summaries: padding, right-aligned numbers, a rule under the header.
TABLE_CSS = (
    "<style>.scored-table{border-collapse:collapse;margin:2px 0 8px 0;font-size:90%}"
    ".scored-table th,.scored-table td{padding:2px 10px;text-align:right}"
    ".scored-table thead th{border-bottom:1px solid #888;vertical-align:bottom}"
    ".scored-table tbody th{text-align:left}</style>")


def _screen_reader_only(text: str) -> str:
    """HTML that screen readers read but that is not shown on screen."""
    return ("<span style='position:absolute;left:-10000px;width:1px;height:1px;"
            f"overflow:hidden'>{html.escape(text)}</span>")


def html_table(frame: pd.DataFrame, *, caption: str | None = None, float_format: str = "{:.2f}",
               index: bool = True) -> str:
    """Render a small frame as an HTML table for a summary widget."""
    styled = frame.to_html(index=index, border=0, float_format=float_format.format,
                           classes="scored-table", escape=True)
    cap = (f"<div style='font-weight:bold;margin:4px 0'>{html.escape(caption)}</div>"
           if caption else "")
    return TABLE_CSS + cap + styled


#: ipywidgets 8 names neither slider handles nor images (jupyter-widgets/ipywidgets#2650):
#: give each handle its visible label and each explorer figure an alt text, once per page,
#: so that a screen reader announces "Credit history, slider" rather than just "slider".
LABEL_CONTROLS_JS = """
(() => {
  if (window.scoredLabelControls) return;
  let queued = false;
  const label = () => {
    queued = false;
    document.querySelectorAll('.widget-slider [role="slider"]:not([aria-label])').forEach(h => {
      const text = h.closest('.widget-slider')?.querySelector('.widget-label')?.textContent?.trim();
      if (text) h.setAttribute('aria-label', text);
    });
    document.querySelectorAll('img.widget-image:not([alt])').forEach(img => {
      const title = img.closest('.widget-vbox')?.querySelector('h1, h2, h3, h4, h5')
        ?.textContent?.trim();
      img.setAttribute('alt', (title ? title + ': ' : '')
        + 'figure (its numbers are in the text below it)');
    });
  };
  window.scoredLabelControls = new MutationObserver(() => {
    if (!queued) { queued = true; requestAnimationFrame(label); }
  });
  window.scoredLabelControls.observe(document.body, {childList: true, subtree: true});
  label();
})();
"""


class Explorer(widgets.VBox):
    """Base class of the explorers: subclasses define ``_compute`` and ``_draw``.

    Attributes
    ----------
    result
        What the last successful update computed (a dataclass; see each explorer).
    error : Exception or None
        The exception raised by the last update, if it failed.
    output : ipywidgets.Output
        Messages and errors.
    image : ipywidgets.Image
        The figure, as a PNG.
    summary : ipywidgets.HTML
        Numbers and tables that go with the figure.
    alt_text : str
        A one-line text alternative for the figure, read out by screen readers.
    figure : matplotlib.figure.Figure or None
        The figure the image was rendered from.
    last_update_seconds : float or None
        Wall-clock time of the last update (computation and drawing).
    """

    title = "Explorer"
    dpi = 90

    def __init__(self, controls: Iterable[widgets.Widget], *, intro: str = "", **kwargs):
        self.result = None
        self.error: Exception | None = None
        self.figure = None
        self.last_update_seconds: float | None = None
        self.updates = 0
        self._animated = []
        self._background = None
        self.output = widgets.Output(layout={"border": "0px"})
        self.image = widgets.Image(format="png", layout={"max_width": "100%", "height": "auto"})
        # A text alternative for the figure, for screen readers (kept off screen). Not the
        # Image's ``tooltip``: ipywidgets 8.1's ImageView fails to render with one.
        self.alt_text = f"{self.title}: figure"
        self.figure_text = widgets.HTML(_screen_reader_only(self.alt_text))
        self.summary = widgets.HTML()
        heading = widgets.HTML(f"<h4 style='margin:4px 0'>{html.escape(self.title)}</h4>"
                               + (f"<div style='margin-bottom:4px'>{intro}</div>" if intro else ""))
        super().__init__(
            [heading, *controls, self.output, self.image, self.figure_text, self.summary],
            **kwargs)

    def _ipython_display_(self):
        # Label the controls for screen readers (see LABEL_CONTROLS_JS), then the widget
        display(Javascript(LABEL_CONTROLS_JS))
        display(self._repr_mimebundle_(), raw=True)

    # Subclasses fill these in
    def _compute(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def _draw(self, result) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _observe(self, *controls: widgets.Widget) -> None:
        """Refresh whenever one of ``controls`` changes value."""
        for control in controls:
            control.observe(self._on_change, names="value")

    _holding = False

    @contextlib.contextmanager
    def holding(self):
        """Change several controls inside this block, then update once at its end."""
        self._holding = True
        try:
            yield self
        finally:
            self._holding = False
        self.refresh()

    def _on_change(self, change=None) -> None:
        if not self._holding:
            self.refresh()

    def refresh(self) -> None:
        """Recompute and redraw; show any error in ``.output`` instead of raising it."""
        start = time.perf_counter()
        try:
            result = self._compute()
            with plots.style_context():
                self._draw(result)
                self.image.value = self._render()
        except Exception as error:  # noqa: BLE001 - shown to the user, not swallowed
            self.error = error
            self.show_message(
                f"{type(error).__name__}: {error}\n"
                "(The figure below still shows the last settings that worked.)",
                stream="stderr")
        else:
            self.result = result
            self.error = None
            self.alt_text = self._alt_text(result)
            self.figure_text.value = _screen_reader_only(self.alt_text)
            self.show_message(self._message(result))
        finally:
            self.updates += 1
            self.last_update_seconds = time.perf_counter() - start

    # Fast redraws: a subclass that only moves some artists marks them "animated"; the rest
    # of the figure is drawn once into a cached background and the animated artists are
    # drawn on top of it (matplotlib's blitting). Set ``_background = None`` to redraw all.
    def _new_figure(self, figsize: tuple[float, float], **kwargs):
        """A matplotlib Figure with its own Agg canvas (no pyplot, so nothing leaks)."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=figsize, dpi=self.dpi, layout="constrained", **kwargs)
        FigureCanvasAgg(fig)
        self._animated = []
        self._background = None
        return fig

    def _animate(self, *artists) -> None:
        """Mark artists that change on every update, to be redrawn over a cached background."""
        for artist in artists:
            artist.set_animated(True)
            self._animated.append(artist)

    def _render(self) -> bytes:
        fig = self.figure
        if not self._animated:
            return plots.figure_png(fig, dpi=self.dpi)
        canvas = fig.canvas
        if self._background is None:
            if fig.get_layout_engine() is not None:
                fig.draw_without_rendering()  # lay out once (animated artists included) ...
                fig.set_layout_engine(None)  # ... then keep the layout fixed
            # Hidden meanwhile: an animated artist that its parent draws regardless (an axis
            # label) must not be drawn into the background
            shown = [artist for artist in self._animated if artist.get_visible()]
            for artist in shown:
                artist.set_visible(False)
            try:
                canvas.draw()
            finally:
                for artist in shown:
                    artist.set_visible(True)
            self._background = canvas.copy_from_bbox(fig.bbox)
        else:
            canvas.restore_region(self._background)
        for artist in self._animated:
            fig.draw_artist(artist)
        return plots.rgba_png(canvas.buffer_rgba())

    def _message(self, result) -> str:
        """A short note shown above the figure after a successful update ('' for none)."""
        return ""

    def _alt_text(self, result) -> str:
        """A one-line text alternative for the figure (read out by screen readers)."""
        if self.figure is None:
            return self.title
        titles = [self.figure.get_suptitle()] + [ax.get_title() for ax in self.figure.axes]
        return f"{self.title}: " + "; ".join(t for t in titles if t)

    def show_message(self, text: str, *, stream: str = "stdout") -> None:
        """Replace what ``.output`` shows with ``text`` (works with or without a kernel)."""
        if not text:
            self.output.outputs = ()
        else:
            self.output.outputs = ({"output_type": "stream", "name": stream, "text": text + "\n"},)

    def save_png(self, path) -> None:
        """Write the figure, exactly as shown, to a PNG file.

        (``.figure.savefig`` would leave out the parts that are redrawn on every update.)
        """
        with open(path, "wb") as file:
            file.write(self.image.value)

    @property
    def message(self) -> str:
        """The text ``.output`` shows now (empty if nothing)."""
        return "".join(o.get("text", "") for o in self.output.outputs)

    def controls(self) -> list[widgets.Widget]:
        """Every interactive control of this explorer (for tests and accessibility checks)."""
        found = []

        def walk(widget):
            if isinstance(widget, (widgets.Box)):
                for child in widget.children:
                    walk(child)
            elif isinstance(widget, (widgets.ValueWidget, widgets.Button)) and not isinstance(
                    widget, (widgets.HTML, widgets.Label, widgets.Image)):
                found.append(widget)

        for child in self.children:
            walk(child)
        return found


class WeightSliders:
    """Mixin for explorers with one weight slider per dimension in ``self.sliders``."""

    def set_weights(self, weights: Mapping[str, float]) -> None:
        """Move all weight sliders at once and update once."""
        with self.holding():
            for d in DIMENSIONS:
                self.sliders[d].value = float(weights[d])

    def _reset(self, button=None) -> None:
        self.set_weights(DEFAULT_WEIGHTS)


class ConsumerPicker(widgets.HBox):
    """Pick one consumer: an invented persona from a list, or any consumer id.

    ``.value`` is the chosen consumer id; observe ``consumer_id`` (an ``IntText``) for changes.
    """

    def __init__(self, ids: pd.Index, personas: pd.DataFrame | None, *, value=None):
        self._ids = pd.Index(ids)
        options = []
        if personas is not None and len(personas):
            options = [(f"{row.label}", int(row.consumer_id)) for row in personas.itertuples()]
        first = value if value is not None else (options[0][1] if options else int(self._ids[0]))
        if first not in self._ids:
            raise KeyError(f"consumer {first!r} is not in the data "
                           f"(ids run from {self._ids.min()} to {self._ids.max()}).")
        self.persona = widgets.Dropdown(
            options=options, value=first if first in dict(options).values() else None,
            description="Persona (invented)", style=CONTROL_STYLE,
            layout={"width": "780px", "max_width": "100%"})
        if not options:
            self.persona.layout.display = "none"
        self.consumer_id = widgets.BoundedIntText(
            value=int(first), min=int(self._ids.min()), max=int(self._ids.max()),
            description="or consumer id", continuous_update=False,
            style={"description_width": "110px"}, layout={"width": "200px"})
        self._syncing = False
        self.persona.observe(self._persona_changed, names="value")
        self.consumer_id.observe(self._id_changed, names="value")
        super().__init__([self.persona, self.consumer_id])

    @property
    def value(self) -> int:
        return int(self.consumer_id.value)

    def _persona_changed(self, change) -> None:
        if self._syncing or change["new"] is None:
            return
        self.consumer_id.value = int(change["new"])

    def _id_changed(self, change) -> None:
        self._syncing = True
        try:
            known = [v for _, v in self.persona.options]
            self.persona.value = change["new"] if change["new"] in known else None
        finally:
            self._syncing = False
