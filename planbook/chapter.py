"""What every chapter notebook opens with, in one place: ``from planbook.chapter import *``
gives it the plan's reader and the pieces of the book it shows (a notebook then reads
``plan = load_plan(data_dir, year)`` and shows what it needs)."""
from planbook import charts, checks, crosslevel, downloads, printed, provenance, tables, text
from planbook.data import load_plan
from planbook.text import show

__all__ = ["charts", "checks", "crosslevel", "downloads", "load_plan", "printed", "provenance",
           "show", "tables", "text"]
