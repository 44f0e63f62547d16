"""Hostile and careless Excel input: no formula travels into a download or the clerk's workbook,
no text typed in Excel changes a figure, a file that is not a workbook gets a clerk message, and
nothing is lost without a word. The names and files here are made up (tests/hostile/excel/)."""
import csv
import io

from openpyxl import load_workbook

from planbook import downloads

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
