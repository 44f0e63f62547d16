"""A small Sphinx extension, loaded from ``_config.yml``: the site's title names the plan's
locality and year, and every page carries the year switcher (``static/year-switcher.js``).

The build writes ``book/book.json`` (see :func:`planbook.build.write_book_info`) before Jupyter
Book runs; this extension reads it when Sphinx starts.
"""
from __future__ import annotations

import json
from pathlib import Path

from planbook import search

BOOK_INFO = Path("book") / "book.json"
STATIC = Path(__file__).parent / "static"


def configure(app, config) -> None:
    """Use the title the build wrote, for the navigation bar, the pages and the PDF, and give
    the pages the PDF's name (linked above each page); add the package's static files."""
    path = Path(app.srcdir) / BOOK_INFO
    if path.is_file():
        info = json.loads(path.read_text(encoding="utf-8"))
        config.html_title = config.project = info["title"]
        config.html_context = {**config.html_context, "planbook_pdf": info["pdf"]}
    config.html_static_path.append(str(STATIC))  # the package's own: the year switcher


def setup(app):
    app.connect("config-inited", configure)
    app.add_js_file("year-switcher.js", defer="defer")
    search.setup(app)  # Vietnamese search: planbook/search.py
    return {"parallel_read_safe": True, "parallel_write_safe": True}
