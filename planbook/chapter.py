"""What every chapter notebook opens with, in one place: ``from planbook.chapter import *``
gives it the plan's reader and the pieces of the book it shows (a notebook then reads
``plan = load_plan(data_dir, year)`` and shows what it needs). The reader keeps the plan for
the kernel's next page (:func:`planbook.data.kept_plan`)."""
import pandas as pd

from planbook import charts, checks, crosslevel, downloads, fmt, printed, provenance, tables, text
from planbook.data import kept_plan as load_plan
from planbook.data.schemas import AGENCY_SCHEMA
from planbook.text import show

__all__ = ["charts", "checks", "crosslevel", "downloads", "load_plan", "printed", "provenance",
           "show", "tables", "text"]


def warm() -> None:
    """Do once, in a kernel before its first notebook, what a chapter's first run would
    otherwise do on its way: load pandera's checks, compile the book's templates, read the
    Vietnamese number format (the first page of a kernel took three times as long as the
    next)."""
    AGENCY_SCHEMA.validate(pd.DataFrame({"name": pd.Series([], dtype=str)}))
    for environment, kind in ((text.ENV, "md"), (text.TEX_ENV, "tex")):
        for name in environment.list_templates(extensions=[kind]):
            environment.get_template(name)
    fmt.number(1234.5, 1)
