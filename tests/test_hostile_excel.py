"""Hostile and careless Excel input: no formula travels into a download or the clerk's workbook,
no text typed in Excel changes a figure, a file that is not a workbook gets a clerk message, and
nothing is lost without a word. The names and files here are made up (tests/hostile/excel/)."""
import csv
import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from planbook import downloads
from planbook.data import DataError, parse_table

PAYLOADS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3", "#N/A"]
"""Made-up unit names a spreadsheet would take for a formula (or an error code)."""


# ---------------------------------------------------------------------------- no formula travels


def test_downloads_keep_texts_as_texts_and_numbers_as_numbers():
    texts = [*PAYLOADS, "\t=1+1", "\r=1+1", "Phòng Y tế"]
    markup = downloads.attach("…", "Tên độc", "Tên độc: bảng", ["TT", "=Tên", "Giảm", "Số hộ"],
                              [[i, text, "−1", "1.234"] for i, text in enumerate(texts, 1)],
                              numeric=[2, 3])
    (table,) = downloads.metadata(markup)[downloads.KEY]
    data = downloads.csv_bytes(table).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data), quoting=csv.QUOTE_NONNUMERIC))  # unquoted: numbers
    assert rows[0] == ["TT", "'=Tên", "Giảm", "Số hộ"]
    for row, text in zip(rows[1:], texts):
        assert row[1] == ("'" + text if text[0] in "=+-@\t\r" else text)
        assert row[2:] == [-1, 1234], "a negative figure is a number, not a text"
    sheet = load_workbook(io.BytesIO(downloads.xlsx_bytes(table))).active
    assert (sheet["B1"].value, sheet["B1"].data_type) == ("=Tên", "s")
    for r, text in enumerate(texts, start=2):
        cell = sheet.cell(r, 2)
        assert (cell.value, cell.data_type) == (text.replace("\r", "\n"), "s"), "shown as typed"
        assert cell.quotePrefix == (text[0] in "=+-@\t\r"), "Excel keeps it text when edited"
        assert [(c.value, c.data_type) for c in sheet[r][2:]] == [(-1, "n"), (1234, "n")]


# ---------------------------------------------------------------------------- one reading


@pytest.mark.parametrize("kind, text, value", [
    ("int", "2.244", 2244), ("int", "2 244", 2244), ("int", "2\u00a0244", 2244),
    ("int", "2\u202f244", 2244), ("int", "1.234.567", 1234567), ("int", "-5", -5),
    ("int", "1.234 567", None), ("int", "2\t244", None), ("int", "2,244", None),
    ("int", "١٢", None), ("int", "２２", None),
    ("rate", "0,42", 0.42), ("rate", "0.42", 0.42), ("rate", "0,42%", 0.42),
    ("rate", "0,04 %", 0.04), ("rate", "nan", None), ("rate", "inf", None), ("rate", "1e1", None),
    ("rate", "1_0", None), ("rate", "١", None)])
def test_a_figure_typed_as_text_has_one_reading(kind, text, value):
    """As the clerk sees it, or refused: no separator but a dot or a space, ASCII digits only,
    nothing Python alone would read as a number (nan, 1e1, 1_0)."""
    columns = {"name": ("Tên", "text"), "figure": ("Số", kind)}
    frame = pd.DataFrame({"row": [2], "name": ["a"], "figure": [text]})
    if value is None:
        with pytest.raises(DataError, match="cột 'figure'"):
            parse_table(frame, columns, "name", "Tệp thử")
    else:
        assert parse_table(frame, columns, "name", "Tệp thử").figure[0] == value
