"""A small Sphinx extension: the site's title names the plan's locality and year.

The build writes ``book/book.json`` (see :func:`planbook.build.write_book_info`) before Jupyter
Book runs; this extension, loaded from ``_config.yml``, reads it when Sphinx starts.
"""
from __future__ import annotations

import json
from pathlib import Path

BOOK_INFO = Path("book") / "book.json"


def set_title(app, config) -> None:
    """Use the title the build wrote, for the navigation bar, the pages and the PDF."""
    path = Path(app.srcdir) / BOOK_INFO
    if path.is_file():
        info = json.loads(path.read_text(encoding="utf-8"))
        config.html_title = config.project = info["title"]


def setup(app):
    app.connect("config-inited", set_title)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
