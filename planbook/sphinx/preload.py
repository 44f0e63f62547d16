"""Imported first by the fork server that keeps Jupyter Book loaded
(:data:`planbook.warm.WARM`).

The server and the runs forked from it yield the processor to the build's own process and its
kernels (:data:`NICENESS`): it loads while the data is checked and the notebooks run, and is
needed only once they ran; a small book's edit waited for the kernels, which had the server
loading beside them.

Then what each Sphinx run would otherwise import on its way: Sphinx's built-in extensions,
those Jupyter Book's configuration and the book's extensions set up, the code highlighting
styles the theme lists. A third of a second of every run, the site's and the print's, of every
book."""
import importlib
import os

NICENESS = 10
os.nice(NICENESS)


from pygments.styles import get_all_styles, get_style_by_name  # noqa: E402
from sphinx.application import builtin_extensions  # noqa: E402

SET_UP = ("sphinx.ext.mathjax", "myst_parser.sphinx_ext.directives",
          "myst_parser.sphinx_ext.mathjax", "myst_parser.sphinx_ext.myst_refs",
          "myst_nb.ext.glue.directives", "myst_nb.ext.glue.domain", "myst_nb.ext.glue.roles",
          "myst_nb.ext.execution_tables", "sphinx_design.extension", "sphinx_external_toc.events",
          "sphinx_external_toc.collectors", "sphinx.builders.html.transforms",
          "sphinx.builders.latex.transforms", "jinja2.ext", "planbook.sphinx.latex",
          "docutils.languages.en", "xml.dom.minidom", "concurrent.futures.thread")
"""Modules the extensions import as Sphinx sets them up or builds."""

for name in (*builtin_extensions, *SET_UP):
    importlib.import_module(name)
for style in get_all_styles():
    get_style_by_name(style)

# The CSS selectors the theme finds its menus' parts with (pydata_sphinx_theme.toctree): their
# grammar's patterns are compiled at their first use, a tenth of a second of each site's run.
import bs4  # noqa: E402

bs4.BeautifulSoup("<ul><li class='toctree-l1'><details><p class='caption'>a</p>"
                  "<a class='reference' href='#'>b</a></details></li></ul>", "html.parser").select(
    "li.toctree-l1 > details, details > p.caption, details > a.reference, .toc-h2, "
    "a[href]:not(.x), ul li")
