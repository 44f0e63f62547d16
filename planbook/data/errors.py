"""The clerk's messages: what is wrong with the data, and where, as the clerk finds it."""
from __future__ import annotations

from pathlib import Path


class DataError(Exception):
    """Wrong, missing or malformed data; ``str()`` is the message a clerk sees (Vietnamese,
    then English)."""

    def __init__(self, problems: list[str], english: str):
        self.problems = problems
        self.english = english
        super().__init__("\n".join(problems + [english]))

def _where(source: Path | str, row: int | None, label: str | None = None) -> str:
    """Where a value is, as the clerk sees it: ``source`` is a file's path, or the words for
    a sheet of a workbook; ``row`` is the row as the spreadsheet numbers it."""
    where = f"Tệp {source}" if isinstance(source, Path) else source
    if row is not None:
        where += f", dòng {row}" + (f" ({label})" if label else "")
    return where
