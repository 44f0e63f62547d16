"""The clerk's workbook read: each sheet as the same typed table the CSV file gives, with
the same checks and messages naming the sheet and the row as the spreadsheet numbers it;
formulas the workbook writes are computed as the relations of the forms say."""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pandas as pd

from planbook import forms
from planbook.data.errors import DataError
from planbook.data.files import (
    SHEETS,
    TOTAL_LABEL,
    WORKBOOK,
    check_header,
    parse_table,
    read_bytes,
    unknown_columns,
)
from planbook.lazy import lazy

openpyxl = lazy("openpyxl")  # read when a year's data is a workbook

KEYS_ROW = 6
"""The row of column names (``tt``, ``unit``…) the build reads, under the printed headers."""
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""How an OLE compound file starts: a workbook with a password, or Excel 97–2003's .xls."""

# ---------------------------------------------------------------------------- reading


def _text(value, percent: bool = False) -> str:
    """A cell as the CSV readers see it: a number written out in full (``0.00001``, not
    ``1e-05``); with ``percent``, a number Excel shows as a percentage (0.0004 shown 0,04%) in
    percent, as the tables hold rates."""
    if value is None or (isinstance(value, float) and value != value):  # empty, NaN
        return ""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return str(value)
    number = Decimal(repr(value))
    if not number.is_finite():
        return str(value)
    number = number.scaleb(2) if percent else number
    return str(int(number)) if number == number.to_integral_value() else format(number, "f")


_LITERAL = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def _is_percent(number_format: str) -> bool:
    """Whether Excel shows a number in this format as a percentage: a ``%`` in the format for
    positive numbers, not in quotes, escaped or in brackets."""
    return "%" in _LITERAL.sub("", number_format).split(";")[0]


def _name(title: str) -> str:
    """A sheet's name as the reader matches it: NFC, no spaces around it."""
    return unicodedata.normalize("NFC", title).strip()


def _unreadable(path: Path, raw: bytes) -> DataError:
    """Why the file at ``path`` does not open as a workbook, and what the clerk can do."""
    if not raw:
        return DataError([f"Sổ {path} trống (0 byte), có lẽ hỏng khi chép hoặc khi lưu: hãy chép "
                          "lại sổ từ bản sao lưu."], f"{path} is empty (0 bytes).")
    if raw.startswith(OLE):
        return DataError([f"Sổ {path} có đặt mật khẩu, hoặc là sổ Excel 97–2003 (.xls): phần mềm "
                          "không mở được. Hãy mở sổ bằng Excel, bỏ mật khẩu (Bảo vệ sổ làm việc › Mã "
                          "hóa bằng mật khẩu: xóa mật khẩu) rồi lưu với kiểu "
                          f"«Sổ làm việc Excel (*.xlsx)», tên {WORKBOOK}."],
                         f"{path} is password-protected or an Excel 97-2003 workbook: remove the "
                         "password and save it as .xlsx.")
    if not raw.startswith(b"PK"):
        return DataError([f"Sổ {path} không phải sổ Excel .xlsx (có thể là tệp CSV hay tệp khác bị "
                          f"đổi tên thành {path.name}): hãy mở tệp bằng Excel rồi lưu với kiểu «Sổ "
                          f"làm việc Excel (*.xlsx)», tên {WORKBOOK}."],
                         f"{path} is not an .xlsx workbook (a renamed CSV file?).")
    return DataError([f"Sổ {path} bị hỏng hoặc chép chưa hết nên không mở được: hãy chép lại sổ "
                      "từ bản sao lưu, hoặc mở sổ bằng Excel (Excel đề nghị sửa sổ hỏng) rồi lưu "
                      "lại."],
                     f"{path} is damaged or truncated.")


def open_workbook(path: Path) -> tuple[tuple[openpyxl.Workbook, openpyxl.Workbook], list[str]]:
    """The workbook at ``path`` with its formulas, and with the values Excel saved for them,
    and a note of the sheets the reader does not know; a clerk message for a file that is not
    a workbook, or whose unknown sheet may be the crosswalk renamed (it has none of that
    name)."""
    raw = read_bytes(path)
    try:
        books = tuple(openpyxl.load_workbook(BytesIO(raw), data_only=only) for only in (False, True))
    except Exception:  # a damaged file fails anywhere in the ZIP, XML and openpyxl readers
        raise _unreadable(path, raw) from None
    unknown = [title for title in books[0].sheetnames if _name(title) not in SHEETS.values()]
    if unknown and SHEETS["crosswalk.csv"] in map(_name, books[0].sheetnames):
        return books, [f"Sổ {path}: trang {', '.join(f'«{t}»' for t in unknown)} không thuộc "
                       "mẫu nên sách không đọc."]
    if unknown:  # perhaps the crosswalk, renamed: it would be silently left out
        expected = ", ".join(f"«{name}»" for name in SHEETS.values())
        raise DataError([f"Sổ {path}: có trang {', '.join(f'«{t}»' for t in unknown)} mà phần mềm "
                         f"không biết. Các trang của sổ mang đúng tên {expected} (trang "
                         f"«{SHEETS['crosswalk.csv']}» có thể không có): hãy đặt lại đúng tên "
                         "trang, hoặc chuyển trang thừa sang một sổ khác."],
                        f"{path}: unknown sheet(s) {', '.join(map(repr, unknown))}; the sheets are "
                        f"{', '.join(map(repr, SHEETS.values()))}.")
    return books, []


def read_sheet(path: Path, csv_name: str, columns: dict[str, tuple[str, str]],
               key: str, form: forms.Form | None = None) -> tuple[pd.DataFrame, str]:
    """The table of the sheet standing for ``csv_name``, parsed like the CSV file, with
    Excel's row numbers in ``row``, and the words that name the sheet in messages; a formula
    cell is the value it shows (see the module's note), or the value ``form``'s description
    gives it."""
    (formulas, values), notes = open_workbook(path)
    sheet_name = SHEETS[csv_name]
    source = f"Sổ {path}, trang «{sheet_name}»"
    sheets = {_name(sheet.title): sheet for sheet in formulas.worksheets}
    if sheet_name not in sheets and csv_name == "crosswalk.csv":
        return parse_table(pd.DataFrame(columns=["row", *columns]), columns, key, source), source
    if sheet_name not in sheets:
        raise DataError([f"Sổ {path}: thiếu trang «{sheet_name}»."], f"{path}: no sheet "
                        f"{sheet_name!r}.")
    sheet = sheets[sheet_name]
    cached = values[sheet.title]
    header = [_text(c.value).strip() for c in sheet[KEYS_ROW]]
    check_header(header, columns, source, KEYS_ROW)
    where = {name: header.index(name) + 1 for name in columns}
    rows, pending = [], []
    for r in range(KEYS_ROW + 1, sheet.max_row + 1):
        cells = {name: sheet.cell(r, col) for name, col in where.items()}
        if all(_text(c.value).strip() == "" for c in cells.values()):
            continue
        row = {"row": r}
        for name, cell in cells.items():
            value = cached.cell(r, cell.column).value if cell.data_type == "f" else cell.value
            if cell.data_type == "f" and value is None:
                pending.append((len(rows), name))
            row[name] = _text(value, columns[name][1] == "rate" and _is_percent(cell.number_format))
        rows.append(row)
    frame = pd.DataFrame(rows, columns=["row", *columns])
    table = _computed(frame, pending, csv_name, columns, key, source, form)
    table.attrs["notes"] = unknown_columns(header, columns, source, KEYS_ROW) + notes
    return table, source


def _described_value(figures: pd.DataFrame, i: int, name: str, form: forms.Form,
                     is_total: pd.Series) -> int | float | None:
    """What a described form (:mod:`planbook.forms`) defines for cell (``i``, ``name``), as
    its formula computes it (:func:`_described_formula`): a rate from its relation; in the
    total row the sum of the rows that are not group rows, in a group row the sum of its rows;
    elsewhere the column's first relation; None where it defines nothing."""
    column = form.column(name) if name in form.keys else None
    if column is None or column.kind not in forms.FIGURES:
        return None
    rows = forms.mark_groups(figures.assign(tt=figures.tt.where(~is_total, "")), form)
    ratio = next((r for r in column.relations if r.ratio), None)
    if ratio:
        return float(round(ratio.value(figures.loc[i]), 2))
    if is_total[i] or rows.is_group[i]:
        members = ~rows.is_group & ~is_total & (
            True if is_total[i] else rows.group == rows.tt[i].strip().rstrip("."))
        return int(figures[name][members].fillna(0).sum())
    return int(column.relations[0].value(figures.loc[i])) if column.relations else None


def _form_value(figures: pd.DataFrame, i: int, name: str, csv_name: str,
                columns: dict[str, tuple[str, str]], is_total: pd.Series,
                form: forms.Form | None) -> int | float | None:
    """What the printed form defines for cell (``i``, ``name``), from the figures parsed and
    computed so far (a blank amount counts 0, as in Excel); None where it defines nothing."""
    if columns[name][1] in ("text", "code"):
        return None
    row, body = figures.loc[i], figures[~is_total]
    if csv_name == "units.csv":
        return _described_value(figures, i, name, form, is_total)
    if csv_name == "budget.csv":
        tts = body.tt.str.rstrip(".")
        parents = {t.rsplit(".", 1)[0] for t in tts if "." in t}
        if is_total[i]:
            return int(body[name][~tts.isin(parents)].sum())
        tt = row.tt.rstrip(".")
        if tt in parents:
            return int(body[name][tts.str.startswith(tt + ".")].sum())
        return int(row[["carry_over", "new_funds"]].fillna(0).sum()) if name == "total" else None
    return None


def _computed(frame: pd.DataFrame, pending: list[tuple[int, str]], csv_name: str,
              columns: dict[str, tuple[str, str]], key: str, source: str,
              form: forms.Form | None) -> pd.DataFrame:
    """The table parsed, each formula cell that has no value saved (``pending``) filled with
    the value the form defines. The typed cells are parsed first (those cells counted 0 for the
    while), so a figure typed wrong is named at its own cell, never at a formula using it; the
    formulas are then computed from the parsed figures — rows before the sums of them, counts
    before the rates made of them — and the whole table parsed again."""
    for i, name in pending:
        frame.at[i, name] = "" if columns[name][1] in ("text", "code") else "0"
    figures = parse_table(frame, columns, key, source)
    is_total = figures.iloc[:, 2] == TOTAL_LABEL
    groups = forms.ROMAN.match if form is not None and form.subtotals else lambda tt: False
    rates = {c for c, (_, kind) in columns.items() if kind == "rate"}
    for i, name in sorted(pending, key=lambda p: (p[1] in rates, is_total[p[0]],
                                                  bool(groups(str(figures.tt[p[0]]).strip())),
                                                  "." not in figures.tt[p[0]]
                                                  if "tt" in figures else False)):
        value = _form_value(figures, i, name, csv_name, columns, is_total, form)
        if value is None:
            raise DataError([f"{source}, dòng {frame.row[i]}, cột {name!r}: ô chứa công thức mà "
                             "mẫu biểu không có; hãy ghi thẳng giá trị vào ô, hoặc mở sổ bằng "
                             "Excel rồi lưu lại (Excel lưu kèm giá trị của công thức)."],
                            f"{source}: an unknown formula.")
        figures.at[i, name] = value
        frame.at[i, name] = _text(value)
    return parse_table(frame, columns, key, source)
