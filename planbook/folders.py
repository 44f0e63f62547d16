"""The data folder: which of its folders are years, and which are neither a year nor a
locality's folder (named in a note, never taken for data)."""
from __future__ import annotations

import re
from pathlib import Path

YEAR_NAME = re.compile(r"[1-9][0-9]{3}")
"""A year as a folder name or on the command line: four digits, the first not 0."""


def data_years(data: Path) -> list[int]:
    """The years that have a plan under ``data`` (folders named by a year with a plan.yaml)."""
    return sorted(int(p.name) for p in data.glob("[0-9][0-9][0-9][0-9]")
                  if YEAR_NAME.fullmatch(p.name) and (p / "plan.yaml").is_file())


def odd_folders(data: Path) -> list[str]:
    """What the clerk should know about the folders under ``data`` that are not built: a year's
    folder without ``plan.yaml``, and a folder that looks meant as a year but is not named as
    one («2024 », «20245», «0999», «2024 (bản cũ)»)."""
    notes = []
    for folder in sorted(p for p in data.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if YEAR_NAME.fullmatch(folder.name):
            if not (folder / "plan.yaml").is_file():
                notes.append(f"Thư mục {folder} không có plan.yaml: năm {folder.name} không "
                             "được dựng.")
        elif re.search(r"[0-9]{4}", folder.name) or (folder / "plan.yaml").exists():
            notes.append(f"Thư mục «{folder.name}» trong {data} không được dựng: tên thư mục "
                         "của một năm phải đúng bốn chữ số như 2024 (không dấu cách, không chữ "
                         "nào khác).")
    return notes
