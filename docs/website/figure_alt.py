"""Kernel start-up file for the site build: give every matplotlib figure output an alt text.

The site build (``docs/website/build.py``) runs each lesson in a kernel started with
``--IPKernelApp.exec_files=[this file]``. It runs before the lesson's first cell and changes
nothing that the lesson can see, except that a figure's PNG/SVG output carries, in its output
metadata, ``{"alt": "Plot: <titles> (x: <label>, y: <label>)"}`` read off the figure itself.
The build then adds the one-line takeaway that the lesson writes under the plot.
"""


def _scored_install_figure_alt():
    import matplotlib.pyplot  # noqa: F401 - activates the inline backend and its formatters
    from IPython import get_ipython
    from IPython.core import pylabtools
    from matplotlib.figure import Figure

    shell = get_ipython()
    if shell is None:
        return

    def text(artist):
        return " ".join(artist.get_text().split()) if artist is not None else ""

    def describe(fig):
        parts = []
        suptitle = text(getattr(fig, "_suptitle", None))
        if suptitle:
            parts.append(suptitle)
        panels = []
        for ax in fig.axes:
            if not ax.get_visible() or ax.get_label() == "<colorbar>":
                continue
            titles = (ax.get_title("left"), ax.get_title(), ax.get_title("right"))
            title = " ".join(t for t in titles if t.strip())
            axes = [f"{name}: {label}" for name, label in
                    (("x", text(ax.xaxis.label)), ("y", text(ax.yaxis.label))) if label]
            panel = title + (f" ({', '.join(axes)})" if axes else "")
            if panel.strip():
                panels.append(panel.strip())
        if len(panels) > 6:
            panels = panels[:6] + [f"and {len(panels) - 6} more panels"]
        parts.extend(panels)
        return ("Plot: " + "; ".join(parts)) if parts else ""

    def wrap(inner):
        if getattr(inner, "_scored_alt", False):
            return inner

        def formatter(fig):
            out = inner(fig)
            if out is None:
                return None
            data, metadata = out if isinstance(out, tuple) else (out, None)
            metadata = dict(metadata or {})
            alt = describe(fig)
            if alt:
                metadata["alt"] = alt
            return data, metadata

        formatter._scored_alt = True
        return formatter

    def wrap_all():
        for mime in ("image/png", "image/svg+xml", "image/jpeg"):
            registry = shell.display_formatter.formatters.get(mime)
            if registry is None:
                continue
            try:
                inner = registry.lookup_by_type(Figure)
            except KeyError:
                continue
            registry.for_type(Figure, wrap(inner))

    # A lesson that changes the figure format (``%config InlineBackend...``) re-registers the
    # formatters through select_figure_formats: wrap them again after it.
    original = pylabtools.select_figure_formats

    def select_figure_formats(*args, **kwargs):
        result = original(*args, **kwargs)
        wrap_all()
        return result

    pylabtools.select_figure_formats = select_figure_formats
    try:
        import matplotlib_inline.backend_inline as inline

        inline.select_figure_formats = select_figure_formats
    except ImportError:  # pragma: no cover - the inline backend ships with ipykernel
        pass
    wrap_all()


_scored_install_figure_alt()
del _scored_install_figure_alt
