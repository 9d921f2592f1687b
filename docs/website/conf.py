"""Sphinx configuration of the course site (built by docs/website/build.py; see `make site`).

The lessons arrive here already executed and made static (explorer snapshots, alt texts), so
myst-nb only renders them: nothing is executed and nothing is fetched from the network.
"""

from pathlib import Path

project = "Scored"
author = "The Scored course authors"
copyright = "The Scored course authors; code MIT, content CC BY 4.0"
html_title = "Scored — build a gamified credit score"

extensions = ["myst_nb"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
master_doc = "index"

# -- MyST and notebooks -------------------------------------------------------------------------
nb_execution_mode = "off"  # build.py executed the lessons (with its own cache)
nb_merge_streams = True
# linkify: bare URLs in the lessons (DOIs in the references) become links, as in JupyterLab
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist", "html_image",
                          "linkify", "smartquotes", "substitution"]
myst_heading_anchors = 3
suppress_warnings = ["myst.header"]  # lessons may start at a level-2 heading after the title

# -- Formulas without a network: MathJax copied from node_modules by build.py -------------------
if (Path(__file__).parent / "_static" / "mathjax" / "tex-chtml.js").exists():
    mathjax_path = "mathjax/tex-chtml.js"

# -- Look ---------------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_static_path = ["_static"]
templates_path = ["_templates"]  # one theme component changed for screen readers
html_css_files = ["scored.css"]
html_theme_options = {
    "show_toc_level": 2,
    "home_page_in_toc": True,
    "use_download_button": True,
    "use_fullscreen_button": False,
}
html_last_updated_fmt = None
html_show_sourcelink = False


# -- Alt text on notebook images ----------------------------------------------------------------
# build.py puts each figure's alt text (its titles and axis labels, then the takeaway the
# lesson writes under it) in the output's metadata, {"image/png": {"alt": ...}}. myst-nb reads
# only width and height from there, so pass the alt text on to the image node as well.
def _alt_from_output_metadata():
    from myst_nb.core.render import NbElementRenderer

    render_image = NbElementRenderer.render_image
    if getattr(render_image, "_scored_alt", False):
        return

    def render_image_with_alt(self, data):
        nodes = render_image(self, data)
        alt = data.output_metadata.get(data.mime_type, {}).get("alt")
        for node in nodes:
            if alt and not node.get("alt"):
                node["alt"] = str(alt)
        return nodes

    render_image_with_alt._scored_alt = True
    NbElementRenderer.render_image = render_image_with_alt


_alt_from_output_metadata()
