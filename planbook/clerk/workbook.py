"""The clerk's workbook: a year's tables as one Excel file (openpyxl), laid out like the
printed forms, and read back by the build with the same messages as the CSV files.

``make workbook YEAR=2024`` turns ``units.csv`` (or ``wards.csv``, its earlier name),
``budget.csv``, ``agencies.csv`` (and ``crosswalk.csv``) into ``ke-hoach.xlsx``, the files' other columns (references, the clerk's
notes) after the form's, and removes the files once the workbook reads back as they are: from
then on the workbook is the year's only source of figures (``plan.yaml`` keeps the text). Text
is written as text, never as a formula (a name typed ``=…``). A figure the form computes (rates,
reductions, project rows, totals) is written as a formula where it is still blank; read back,
a formula takes the value Excel shows when the file was saved by Excel, else the value the form
defines for that cell, computed from the figures as :func:`planbook.data.parse_figure` reads
them — the one reading of every cell. A file that is not a workbook, or a sheet the reader does
not know, stops the build with a clerk message.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from planbook import forms
from planbook.data import (
    AGENCY_COLUMNS,
    CROSSWALK_COLUMNS,
    SHEETS,
    TOTAL_LABEL,
    WORKBOOK,
    DataError,
    Plan,
    budget_columns,
    control_characters,
    load_text,
    parse_figure,
    read_csv,
    table_file,
    unit_columns,
)
from planbook.data.excel import KEYS_ROW, open_workbook
from planbook.downloads import put_text

REF_KINDS = {"ref_poor_target": "int", "ref_total": "money"}
"""The reference columns ``make new-year`` adds (last year's figures): numbers, not read."""
THIN = Side(style="thin", color="999999")
GREY = PatternFill("solid", fgColor="EEEEEE")

# ---------------------------------------------------------------------------- writing


def _raw(path: Path, columns: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """A CSV file as text, every column kept (references and the clerk's notes too), each row
    indexed by its number in the spreadsheet; blank lines dropped."""
    frame = read_csv(path, columns)
    frame.index = range(2, len(frame) + 2)
    frame = frame.apply(lambda col: col.str.strip())
    cells = [(1, name, name) for name in frame.columns] + [
        (row, name, value) for row, record in frame.iterrows() for name, value in record.items()]
    bad = [f"Tệp {path}, dòng {row}, cột {name!r}: có ký tự điều khiển {chars} không in được — "
           "hãy xóa ký tự đó."
           for row, name, value in cells if (chars := control_characters(value))]
    if bad:
        raise DataError(bad, f"{path}: control characters.")
    return frame[(frame != "").any(axis=1)]


def _kinds(columns: dict[str, tuple[str, str]]) -> dict[str, str]:
    """The kind of each column of a sheet: the form's, the references'; other columns are text."""
    return {name: kind for name, (_, kind) in columns.items()} | REF_KINDS


def _value(text: str, kind: str):
    """A cell's value: a figure as the build reads it (:func:`planbook.data.parse_figure`),
    anything else as text, its line ends as Excel keeps them in a cell (a figure typed wrong
    stays as typed: the build will say what is wrong with it)."""
    if text == "":
        return None
    if kind not in ("text", "code"):
        try:
            return parse_figure(text, kind)
        except ValueError:
            pass
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _headers(sheet, title: str, subtitle: str, columns: list[str],
             upper: dict[str, str], lower: dict[str, str], widths: dict[str, int]) -> None:
    """Rows 1–3: the form's title; rows 4–5: its two-level header (a column the form does not
    have is headed by its name); row 6 (hidden): the names the build reads."""
    last = get_column_letter(len(columns))
    for row, text, font in [(1, title, Font(bold=True, size=13)),
                            (2, subtitle, Font(italic=True))]:
        sheet.merge_cells(f"A{row}:{last}{row}")
        cell = sheet.cell(row, 1)
        put_text(cell, text)
        cell.font, cell.alignment = font, Alignment(horizontal="center", wrap_text=True)
    sheet.row_dimensions[1].height = 18 * (title.count("\n") + 1)
    sheet.row_dimensions[2].height = 30
    groups: dict[str, list[int]] = {}
    for j, name in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(j)].width = widths.get(name, 12)
        put_text(sheet.cell(KEYS_ROW, j), name)
        sheet.cell(KEYS_ROW, j).font = Font(color="888888", size=8)
        if name in lower:
            groups.setdefault(upper[name], []).append(j)
            put_text(sheet.cell(5, j), lower[name])
        else:
            put_text(sheet.cell(4, j), upper.get(name, name))
            sheet.merge_cells(start_row=4, start_column=j, end_row=5, end_column=j)
    for text, cols in groups.items():
        put_text(sheet.cell(4, cols[0]), text)
        if len(cols) > 1:
            sheet.merge_cells(start_row=4, start_column=cols[0], end_row=4, end_column=cols[-1])
    for row in (4, 5):
        for j in range(1, len(columns) + 1):
            cell = sheet.cell(row, j)
            cell.font, cell.fill = Font(bold=True), GREY
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = Border(THIN, THIN, THIN, THIN)
    sheet.row_dimensions[4].height = 45
    sheet.row_dimensions[5].height = 30
    sheet.row_dimensions[KEYS_ROW].hidden = True
    sheet.freeze_panes = sheet.cell(KEYS_ROW + 1, 3)


def _body(sheet, frame: pd.DataFrame, form: dict[str, tuple[str, str]], formula) -> None:
    """The rows: each cell's value (text always as text), or the form's formula where a
    computed cell is blank in a row the form's columns fill."""
    kinds = _kinds(form)
    for i, record in enumerate(frame.to_dict("records")):
        r = KEYS_ROW + 1 + i
        filled = any(record[name] for name in form)
        for j, (name, text) in enumerate(record.items(), start=1):
            kind = kinds.get(name, "text")
            value = _value(text, kind)
            cell = sheet.cell(r, j)
            if isinstance(value, str):
                put_text(cell, value)
            else:
                cell.value = formula(i, r, name) if value is None and filled else value
            cell.border = Border(THIN, THIN, THIN, THIN)
            cell.number_format = "0.00" if kind == "rate" else "#,##0" if kind != "text" else "@"
            cell.alignment = Alignment(vertical="top", wrap_text=kind == "text")
            if name.startswith("ref_"):
                cell.fill = GREY
        if record.get("unit", record.get("name")) == TOTAL_LABEL:
            for j in range(1, len(record) + 1):
                sheet.cell(r, j).font = Font(bold=True)


def _letters(columns: list[str]) -> dict[str, str]:
    return {name: get_column_letter(j) for j, name in enumerate(columns, start=1)}


def _ordered(frame: pd.DataFrame, form: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """The form's columns first, then the file's others (references, notes) as they come."""
    return frame[[*form, *[c for c in frame.columns if c not in form]]]


def _described(form: forms.Form, text) -> tuple[str, str, dict[str, str], dict[str, str]]:
    """A form's title, "(Kèm theo …)" line and two-level header as the workbook writes them,
    from its description: each column's label over it (``upper``), or its group's over it and
    its own under it (``lower``)."""
    upper = {c.key: c.group or c.label for c in form.columns}
    lower = {c.key: c.label for c in form.columns if c.group}
    return "\n".join(form.title), form.attached or text.attached_line("…"), upper, lower


def _described_formula(form: forms.Form, frame: pd.DataFrame, col: dict[str, str]):
    """The formula of each cell a described form computes (:func:`_described_value` reads it
    back): a rate from its relation; in the total row the sum of the rows that are not group
    rows; in a group row (a Roman number) the sum of its rows; elsewhere the column's first
    relation."""
    frame = frame.reset_index(drop=True)  # rows by their place in the sheet
    rows = forms.mark_groups(frame.assign(tt=frame.tt.where(frame.unit != TOTAL_LABEL, "")), form)
    at = {i: KEYS_ROW + 1 + i for i in range(len(frame))}

    def ranges(members) -> str:
        """Rows ``members`` (indexes) as Excel's ranges of rows that follow one another."""
        runs: list[list[int]] = []
        for i in members:
            if runs and i == runs[-1][-1] + 1:
                runs[-1].append(i)
            else:
                runs.append([i])
        return ",".join(f"{{c}}{at[run[0]]}" + (f":{{c}}{at[run[-1]]}" if len(run) > 1 else "")
                        for run in runs)

    total = frame.unit == TOTAL_LABEL
    body = [i for i in range(len(frame)) if not rows.is_group[i] and not total[i]]

    def formula(i, r, name):
        column = form.column(name) if name in form.keys else None
        if column is None or column.kind not in forms.FIGURES:
            return None
        ratio = next((rel for rel in column.relations if rel.ratio), None)
        if ratio:
            a, b = (col[k] for k in ratio.columns)
            return f"=IF({b}{r}>0,ROUND({a}{r}/{b}{r}*100,2),0)"
        if total[i] or rows.is_group[i]:
            members = body if total[i] else [j for j in body if rows.group[j] == rows.tt[i]
                                             .strip().rstrip(".")]
            return f"=SUM({ranges(members).format(c=col[name])})" if members else None
        if column.relations:
            return "=" + "".join(("-" if sign < 0 else "+" if j else "") + f"{col[k]}{r}"
                                 for j, (sign, k) in enumerate(column.relations[0].terms))
        return None

    return formula


def _units_sheet(book, text, frame: pd.DataFrame, form: forms.Form) -> None:
    columns = form.parse_columns() | unit_columns(text.locality)  # in the form's order
    frame = _ordered(frame, columns)
    title, attached, upper, lower = _described(form, text)
    upper["ref_poor_target"] = f"Chỉ tiêu năm {text.year - 1} (tham khảo)"
    sheet = book.create_sheet(SHEETS["units.csv"])
    _headers(sheet, title, attached, list(frame.columns), upper, lower,
             {"tt": 6, "unit": 24, "ref_poor_target": 14})
    _body(sheet, frame, columns, _described_formula(form, frame, _letters(list(frame.columns))))


def _budget_sheet(book, text, frame: pd.DataFrame, agencies: int, form: forms.Form) -> None:
    described = form.parse_columns() | budget_columns(text.funding)
    frame = _ordered(frame, described)
    columns = list(frame.columns)
    money = [c for c, (_, kind) in budget_columns(text.funding).items()
             if kind in ("money", "amount")]
    title, attached, upper, lower = _described(form, text)
    upper["ref_total"] = f"Kinh phí năm {text.year - 1} (tham khảo)"
    sheet = book.create_sheet(SHEETS["budget.csv"])
    _headers(sheet, title, attached, columns, upper, lower,
             {"tt": 6, "name": 40, "lead": 26, "content": 40, "partners": 34, "ref_total": 14})
    col = _letters(columns)
    tts = [t.rstrip(".") for t in frame.tt]
    rows = {t: KEYS_ROW + 1 + i for i, t in enumerate(tts) if t}
    children = {t: [rows[c] for c in rows if c.startswith(t + ".")] for t in rows}
    leaves = [rows[t] for t in rows if not children[t]]

    def formula(i, r, name):
        if name not in money:
            return None
        tt = tts[i]
        cells = leaves if not tt else children[tt]
        if cells:
            return "=SUM(" + ",".join(f"{col[name]}{c}" for c in cells) + ")"
        if name == "total":
            return f"={col['carry_over']}{r}+{col['new_funds']}{r}"
        return None

    _body(sheet, frame, described, formula)
    lead = DataValidation(type="list", allow_blank=True, showErrorMessage=True,
                          formula1=f"'{SHEETS['agencies.csv']}'!$A${KEYS_ROW + 1}:"
                                   f"$A${KEYS_ROW + agencies}",
                          errorTitle="Cơ quan chủ trì",
                          error="Chọn một cơ quan có trong trang «Cơ quan».")
    sheet.add_data_validation(lead)
    lead.add(f"{col['lead']}{KEYS_ROW + 1}:{col['lead']}{KEYS_ROW + len(frame)}")


def _simple_sheet(book, csv_name: str, title: str, frame: pd.DataFrame,
                  columns: dict[str, tuple[str, str]]) -> None:
    frame = _ordered(frame, columns)
    sheet = book.create_sheet(SHEETS[csv_name])
    _headers(sheet, title, "", list(frame.columns),
             {c: label for c, (label, _) in columns.items()}, {}, dict.fromkeys(frame.columns, 40))
    _body(sheet, frame, columns, lambda i, r, name: None)


def _read_back(path: Path, tables: dict[str, pd.DataFrame],
               columns: dict[str, dict[str, tuple[str, str]]], files: dict[str, Path]) -> None:
    """Open the workbook just written and check that each sheet holds every cell of its CSV
    file (``files``) as written: text as text, figures as the build reads them, a blank the
    form computes as its formula."""
    book = open_workbook(path)[0][0]  # with its formulas
    for csv_name, frame in tables.items():
        sheet, kinds = book[SHEETS[csv_name]], _kinds(columns[csv_name])
        keys = [c.value for c in sheet[KEYS_ROW]]
        for i, (row, record) in enumerate(zip(frame.index, frame.to_dict("records"))):
            for name, text in record.items():
                cell = sheet.cell(KEYS_ROW + 1 + i, keys.index(name) + 1)
                written = _value(text, kinds.get(name, "text"))
                if written is None and cell.data_type == "f" or cell.value == written and (
                        cell.data_type == "s") == isinstance(written, str):
                    continue
                raise DataError([f"Tệp {files[csv_name]}, dòng {row}, cột {name!r}: sổ Excel vừa "
                                 f"ghi không giữ được giá trị {text[:80]!r} (đọc lại thấy "
                                 f"{str(cell.value)[:80]!r}; một ô Excel giữ tối đa 32.767 ký tự). "
                                 "Chưa tạo sổ, các tệp CSV vẫn giữ nguyên."],
                                f"{files[csv_name]}: the workbook does not read back as the file "
                                f"(row {row}, column {name!r}); nothing changed.")


def write_workbook(folder: Path) -> Path:
    """Write the year's tables as ``ke-hoach.xlsx`` and, once it reads back as they are, remove
    the CSV files it replaces (under the names the year has them)."""
    target = folder / WORKBOOK
    if target.exists():
        raise DataError([f"Đã có sổ {target}."], f"{target} exists.")
    text = load_text(folder / "plan.yaml")
    described = Plan(folder, text.year).forms
    files = {name: table_file(folder, name) for name in SHEETS}
    missing = [files[name] for name in ("units.csv", "budget.csv", "agencies.csv")
               if not files[name].is_file()]
    if missing:
        raise DataError([f"Thiếu tệp {path}." for path in missing],
                        f"Missing {', '.join(path.name for path in missing)}.")
    columns = {"units.csv": described[forms.UNITS].parse_columns() | unit_columns(text.locality),
               "budget.csv": described[forms.BUDGET].parse_columns()
               | budget_columns(text.funding),
               "agencies.csv": AGENCY_COLUMNS, "crosswalk.csv": CROSSWALK_COLUMNS}
    tables = {name: _raw(path, columns[name]) for name, path in files.items() if path.is_file()}
    book = Workbook()
    book.remove(book.active)
    _units_sheet(book, text, tables["units.csv"], described[forms.UNITS])
    _budget_sheet(book, text, tables["budget.csv"], len(tables["agencies.csv"]),
                  described[forms.BUDGET])
    _simple_sheet(book, "agencies.csv", "Các cơ quan chủ trì, phối hợp", tables["agencies.csv"],
                  AGENCY_COLUMNS)
    _simple_sheet(book, "crosswalk.csv", f"Đối chiếu tên các {text.locality.units} năm "
                  f"{text.year - 1} và năm {text.year} (đổi tên, sáp nhập, chia tách)",
                  tables.get("crosswalk.csv", pd.DataFrame(columns=list(CROSSWALK_COLUMNS))),
                  CROSSWALK_COLUMNS)
    fresh = target.with_name(target.name + ".new")
    book.save(fresh)
    try:
        _read_back(fresh, tables, columns, files)
    except DataError:
        fresh.unlink()
        raise
    fresh.rename(target)
    for name in tables:
        files[name].unlink()
    return target
