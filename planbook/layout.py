"""Where a book's sources and executed notebooks are: the chapters ``_toc.yml`` lists, the
notebooks they run from, each year's ``book/<year>/``."""
from __future__ import annotations

from pathlib import Path

import yaml

SOURCES = Path("notebooks")
BOOK = Path("book")
UNIT_TEMPLATE = "unit"
UNIT_FOLDER = "units"
SECTION_TEMPLATE = "section"
"""The chapter of ``_toc.yml`` that stands for the plan's own sections: it is run once per
section (:func:`planbook.plantext.sections`), each on a page of its own, in the plan's order."""


def chapter_files(root: Path) -> list[str]:
    """The ``file:`` entries of ``_toc.yml`` (book/…), in order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))

    walk(toc.get("chapters"))
    return files


def book_dir(root: Path, year: int) -> Path:
    """Where the executed notebooks of ``year`` go."""
    return root / BOOK / str(year)


def builder_output(staging: Path, builder: str) -> Path:
    """Where a Jupyter Book builder writes in its output folder ``staging``."""
    return staging / "_build" / ("latex" if builder == "pdflatex" else builder)
