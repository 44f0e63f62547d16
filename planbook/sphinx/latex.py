"""The print's style, a Sphinx extension loaded from ``_config.yml``: the LaTeX of the PDF's page,
headings, tables and boxes is ``templates/planbook.sty``, which this copies beside the book and
gives the folder of the font's files (:mod:`planbook.fonts`, the one place that names it);
``_config.yml`` loads it after Sphinx's packages."""
from __future__ import annotations

import os
from pathlib import Path

import sphinx.writers.latex
from sphinx.locale import get_translator
from sphinx.util.template import LaTeXRenderer

from planbook import fonts
from planbook.sphinx import ahead

STYLE = Path(__file__).parent.parent / "templates" / "planbook.sty"
MAKE_PDF = Path(__file__).with_name("make-pdf")
"""What Jupyter Book runs (as ``$MAKE``) to turn the book's LaTeX into its PDF: XeLaTeX until
the references settle, without latexmk (a third of a second of each PDF)."""


def options() -> str:
    """The LaTeX that hands the style its options."""
    return rf"\PassOptionsToPackage{{fonts={fonts.FONT_DIR.as_posix()}/}}{{planbook}}"


def configure(app, config) -> None:
    """Copy the style with the book's LaTeX and pass it the font's folder; have Jupyter Book's
    ``make all-pdf``, run next in this process, be :data:`MAKE_PDF`."""
    os.environ["MAKE"] = str(MAKE_PDF)
    config.latex_additional_files = [*config.latex_additional_files, str(STYLE)]
    elements = dict(config.latex_elements)
    elements["passoptionstopackages"] = "\n".join(
        part for part in (elements.get("passoptionstopackages"), options()) if part)
    config.latex_elements = elements


def one_renderer(make=LaTeXRenderer):
    """What Sphinx's LaTeX writer calls to render a table's template: one renderer, and each
    template compiled once, per process and language (Sphinx made a renderer, and compiled its
    template again, for every table: a tenth of a second of the 2023 PDF)."""
    made = {}

    def renderer(*args, **kwargs):
        key = (repr(args), repr(sorted(kwargs.items())), id(get_translator()))
        if key not in made:
            made[key] = make(*args, **kwargs)
        return made[key]
    renderer.one_renderer = True
    return renderer


def setup(app):
    app.connect("config-inited", configure)
    ahead.setup(app)  # the preamble typeset while Sphinx writes the book
    if not getattr(sphinx.writers.latex.LaTeXRenderer, "one_renderer", False):
        sphinx.writers.latex.LaTeXRenderer = one_renderer()
    return {"parallel_read_safe": True, "parallel_write_safe": True}
