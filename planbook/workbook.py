"""The clerk's workbook: a year's tables as one Excel file (openpyxl), laid out like the
printed forms, and read back by the build with the same messages as the CSV files.

``make workbook YEAR=2024`` turns ``wards.csv``, ``budget.csv``, ``agencies.csv`` (and
``crosswalk.csv``) into ``ke-hoach.xlsx`` and removes them: from then on the workbook is the
year's only source of figures (``plan.yaml`` keeps the text). A figure the form computes (rates,
reductions, project rows, totals) is written as a formula where it is still blank; read back,
a formula takes the value Excel shows when the file was saved by Excel, else the value the form
defines for that cell.
"""
from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from planbook.data import (AGENCY_COLUMNS, CROSSWALK_COLUMNS, SHEETS, TOTAL_LABEL, WORKBOOK,
                           DataError, budget_columns, check_header, load_text, parse_table,
                           read_bytes, unit_columns)

KEYS_ROW = 6
"""The row of column names (``tt``, ``unit``…) the build reads, under the printed headers."""
RATE_COLUMNS = {"rate_prev": "poor_prev", "rate_target": "poor_target"}
THIN = Side(style="thin", color="999999")
GREY = PatternFill("solid", fgColor="EEEEEE")


# ---------------------------------------------------------------------------- reading


def _text(value) -> str:
    """A cell as the CSV readers see it."""
    if value is None or (isinstance(value, float) and value != value):  # empty, NaN
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _is_formula(value) -> bool:
    return isinstance(value, str) and value.startswith("=")


def read_sheet(path: Path, csv_name: str, columns: dict[str, tuple[str, str]],
               key: str) -> tuple[pd.DataFrame, str]:
    """The table of the sheet standing for ``csv_name``, parsed like the CSV file, with
    Excel's row numbers in ``row``, and the words that name the sheet in messages; formulas
    the form defines are computed (see the module's note)."""
    raw = read_bytes(path)
    sheet_name = SHEETS[csv_name]
    source = f"Sổ {path}, trang «{sheet_name}»"
    formulas, values = (load_workbook(BytesIO(raw), data_only=only) for only in (False, True))
    if sheet_name not in formulas.sheetnames and csv_name == "crosswalk.csv":
        return parse_table(pd.DataFrame(columns=["row", *columns]), columns, key, source), source
    if sheet_name not in formulas.sheetnames:
        raise DataError([f"Sổ {path}: thiếu trang «{sheet_name}»."], f"{path}: no sheet "
                        f"{sheet_name!r}.")
    sheet, cached = formulas[sheet_name], values[sheet_name]
    header = [_text(c.value).strip() for c in sheet[KEYS_ROW]]
    check_header(header, columns, f"{source}, dòng {KEYS_ROW}")
    where = {name: header.index(name) + 1 for name in columns}
    rows = []
    for r in range(KEYS_ROW + 1, sheet.max_row + 1):
        cells = {name: sheet.cell(r, col).value for name, col in where.items()}
        if all(v is None or _text(v).strip() == "" for v in cells.values()):
            continue
        shown = {name: cached.cell(r, col).value for name, col in where.items()}
        rows.append({"row": r, **{name: shown[name] if _is_formula(v) else v
                                  for name, v in cells.items()}, "_formulas": {
            name for name, v in cells.items() if _is_formula(v) and shown[name] is None}})
    frame = pd.DataFrame(rows, columns=["row", *columns, "_formulas"])
    return parse_table(_computed(frame, csv_name, source), columns, key, source), source


def _number(value) -> float:
    """A cell a formula reads, as a number; a cell that is not one counts 0 here (the build
    stops anyway, naming that cell)."""
    try:
        return float(_text(value).replace(",", ".").strip() or 0)
    except ValueError:
        return 0.0


def _form_value(frame: pd.DataFrame, i: int, name: str, csv_name: str,
                is_total: pd.Series) -> float | None:
    """What the printed form defines for cell (``i``, ``name``), from the cells computed so
    far; None where the form defines nothing."""
    row, body = frame.loc[i], frame[~is_total]
    if csv_name == "wards.csv":
        if name in RATE_COLUMNS:
            households = _number(row.households)
            return round(100 * _number(row[RATE_COLUMNS[name]]) / households, 2) if households \
                else 0.0
        if is_total[i]:
            return sum(map(_number, body[name]))
        return _number(row.poor_prev) - _number(row.poor_target) if name == "reduction" else None
    if csv_name == "budget.csv":
        tts = body.tt.map(lambda v: _text(v).rstrip("."))
        parents = {t.rsplit(".", 1)[0] for t in tts if "." in t}
        if is_total[i]:
            return sum(map(_number, body[name][~tts.isin(parents)]))
        tt = _text(row.tt).rstrip(".")
        if tt in parents:
            return sum(map(_number, body[name][tts.str.startswith(tt + ".")]))
        return _number(row.carry_over) + _number(row.new_funds) if name == "total" else None
    return None


def _computed(frame: pd.DataFrame, csv_name: str, source: str) -> pd.DataFrame:
    """Fill each formula cell that has no value saved with the value the form defines: rows
    before the sums of them, counts before the rates made of them."""
    is_total = frame.iloc[:, 2].map(lambda v: _text(v).strip() == TOTAL_LABEL)
    pending = [(i, name) for i, names in frame["_formulas"].items() for name in names]
    for i, name in sorted(pending, key=lambda p: (is_total[p[0]], p[1] in RATE_COLUMNS,
                                                  "." not in _text(frame.tt[p[0]])
                                                  if "tt" in frame else False)):
        value = _form_value(frame, i, name, csv_name, is_total)
        if value is None:
            raise DataError([f"{source}, dòng {frame.row[i]}, cột {name!r}: ô chứa công thức mà "
                             "mẫu biểu không có; hãy ghi số, hoặc mở sổ bằng Excel rồi lưu lại."],
                            f"{source}: an unknown formula.")
        frame.at[i, name] = value if name in RATE_COLUMNS else int(value)
    for name in frame.columns.drop(["row", "_formulas"]):
        frame[name] = frame[name].map(_text)
    return frame.drop(columns="_formulas")


# ---------------------------------------------------------------------------- writing


def _raw(path: Path) -> pd.DataFrame | None:
    """A CSV file as text, every column kept (reference columns too)."""
    if not path.is_file():
        return None
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.columns = [c.strip() for c in frame.columns]
    return frame.apply(lambda col: col.str.strip())


def _value(text: str, kind: str):
    """A cell's value: numbers as numbers (as the CSV readers parse them), text as text."""
    if text == "" or kind in ("text", "code"):
        return text or None
    try:
        return float(text.replace(",", ".")) if kind == "rate" else int(
            text.replace(".", "").replace(" ", ""))
    except ValueError:
        return text  # kept as typed: the build will say what is wrong with it


def _headers(sheet, title: str, subtitle: str, columns: list[str],
             upper: dict[str, str], lower: dict[str, str], widths: dict[str, int]) -> None:
    """Rows 1–3: the form's title; rows 4–5: its two-level header; row 6 (hidden): the names
    the build reads."""
    last = get_column_letter(len(columns))
    for row, text, font in [(1, title, Font(bold=True, size=13)),
                            (2, subtitle, Font(italic=True))]:
        sheet.merge_cells(f"A{row}:{last}{row}")
        cell = sheet.cell(row, 1, text)
        cell.font, cell.alignment = font, Alignment(horizontal="center", wrap_text=True)
    sheet.row_dimensions[2].height = 30
    groups: dict[str, list[int]] = {}
    for j, name in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(j)].width = widths.get(name, 12)
        sheet.cell(KEYS_ROW, j, name).font = Font(color="888888", size=8)
        if name in lower:
            groups.setdefault(upper[name], []).append(j)
            sheet.cell(5, j, lower[name])
        else:
            sheet.cell(4, j, upper[name])
            sheet.merge_cells(start_row=4, start_column=j, end_row=5, end_column=j)
    for text, cols in groups.items():
        sheet.cell(4, cols[0], text)
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


def _body(sheet, frame: pd.DataFrame, columns: list[str], kinds: dict[str, str],
          formula) -> None:
    """The rows: each cell's value, or the form's formula where a computed cell is blank."""
    for i, record in enumerate(frame.to_dict("records")):
        r = KEYS_ROW + 1 + i
        for j, name in enumerate(columns, start=1):
            text = record.get(name, "")
            value = _value(text, kinds.get(name, "text"))
            if value is None:
                value = formula(i, r, name)
            cell = sheet.cell(r, j, value)
            cell.border = Border(THIN, THIN, THIN, THIN)
            kind = kinds.get(name, "text")
            cell.number_format = "0.00" if kind == "rate" else "#,##0" if kind != "text" else "@"
            cell.alignment = Alignment(vertical="top", wrap_text=kind == "text")
            if name.startswith("ref_"):
                cell.fill = GREY
        if record.get("unit", record.get("name")) == TOTAL_LABEL:
            for j in range(1, len(columns) + 1):
                sheet.cell(r, j).font = Font(bold=True)


def _letters(columns: list[str]) -> dict[str, str]:
    return {name: get_column_letter(j) for j, name in enumerate(columns, start=1)}


def _units_sheet(book, text, frame: pd.DataFrame) -> None:
    columns = [*unit_columns(text.locality), *[c for c in frame.columns if c.startswith("ref_")]]
    prev, year = text.year - 1, text.year
    upper = {"tt": "TT", "unit": text.locality.Units, "households": "Tổng số hộ dân cư",
             "poor_prev": f"Kết quả thực hiện năm {prev}",
             "rate_prev": f"Kết quả thực hiện năm {prev}",
             "poor_target": f"Chỉ tiêu năm {year}", "rate_target": f"Chỉ tiêu năm {year}",
             "reduction": "Số hộ giảm", "ref_poor_target": f"Chỉ tiêu năm {prev} (tham khảo)"}
    lower = {"poor_prev": "Số hộ nghèo", "rate_prev": "Tỷ lệ (%)",
             "poor_target": "Số hộ nghèo", "rate_target": "Tỷ lệ (%)"}
    sheet = book.create_sheet(SHEETS["wards.csv"])
    _headers(sheet, f"Biểu số 01: CHỈ TIÊU KẾ HOẠCH GIẢM NGHÈO NĂM {year}", text.attached_line("…"),
             columns, upper, lower, {"tt": 6, "unit": 24, "ref_poor_target": 14})
    col = _letters(columns)
    first, last = KEYS_ROW + 1, KEYS_ROW + len(frame) - 1
    total_row = KEYS_ROW + len(frame)

    def formula(i, r, name):
        if name in RATE_COLUMNS:
            poor = col[RATE_COLUMNS[name]]
            return f"=IF({col['households']}{r}>0,ROUND({poor}{r}/{col['households']}{r}*100,2),0)"
        if r == total_row and name in ("households", "poor_prev", "poor_target", "reduction"):
            return f"=SUM({col[name]}{first}:{col[name]}{last})"
        if name == "reduction":
            return f"={col['poor_prev']}{r}-{col['poor_target']}{r}"
        return None

    kinds = {name: kind for name, (_, kind) in unit_columns(text.locality).items()}
    _body(sheet, frame, columns, kinds | {"ref_poor_target": "int"}, formula)


def _budget_sheet(book, text, frame: pd.DataFrame, agencies: int) -> None:
    described = budget_columns(text.funding)
    columns = [*described, *[c for c in frame.columns if c.startswith("ref_")]]
    prev, year = text.year - 1, text.year
    money = [c for c, (_, kind) in described.items() if kind in ("money", "amount")]
    parts = [c for c in money if c != "total"]
    upper = {"tt": "TT", "name": "Tên dự án, tiểu dự án", "total": described["total"][0],
             "lead": "Cơ quan chủ trì", "content": "Nội dung thực hiện",
             "partners": "Cơ quan phối hợp", "ref_total": f"Kinh phí năm {prev} (tham khảo)"}
    upper |= dict.fromkeys(parts, "Trong đó")
    lower = {"carry_over": f"Vốn năm {prev} chuyển sang", "new_funds": f"Vốn năm {year}"}
    lower |= {s.column: s.name for s in text.funding.sources if s.column}
    sheet = book.create_sheet(SHEETS["budget.csv"])
    _headers(sheet, "Biểu số 02: PHÂN CÔNG THỰC HIỆN CÁC DỰ ÁN, TIỂU DỰ ÁN THUỘC CHƯƠNG TRÌNH "
             f"MTQG GIẢM NGHÈO BỀN VỮNG NĂM {year}", text.attached_line("…"), columns, upper, lower,
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

    kinds = {name: kind for name, (_, kind) in described.items()}
    _body(sheet, frame, columns, kinds | {"ref_total": "money"}, formula)
    lead = DataValidation(type="list", allow_blank=True, showErrorMessage=True,
                          formula1=f"'{SHEETS['agencies.csv']}'!$A${KEYS_ROW + 1}:"
                                   f"$A${KEYS_ROW + agencies}",
                          errorTitle="Cơ quan chủ trì",
                          error="Chọn một cơ quan có trong trang «Cơ quan».")
    sheet.add_data_validation(lead)
    lead.add(f"{col['lead']}{KEYS_ROW + 1}:{col['lead']}{KEYS_ROW + len(frame)}")


def _simple_sheet(book, csv_name: str, title: str, frame: pd.DataFrame,
                  columns: dict[str, tuple[str, str]]) -> None:
    sheet = book.create_sheet(SHEETS[csv_name])
    _headers(sheet, title, "", list(columns), {c: label for c, (label, _) in columns.items()},
             {}, dict.fromkeys(columns, 40))
    _body(sheet, frame, list(columns), {}, lambda i, r, name: None)


def write_workbook(folder: Path) -> Path:
    """Write the year's tables as ``ke-hoach.xlsx`` and remove the CSV files it replaces."""
    target = folder / WORKBOOK
    if target.exists():
        raise DataError([f"Đã có sổ {target}."], f"{target} exists.")
    text = load_text(folder / "plan.yaml")
    tables = {name: _raw(folder / name) for name in SHEETS}
    missing = [name for name in ("wards.csv", "budget.csv", "agencies.csv") if tables[name] is None]
    if missing:
        raise DataError([f"Thiếu tệp {folder / name}." for name in missing],
                        f"Missing {', '.join(missing)}.")
    book = Workbook()
    book.remove(book.active)
    _units_sheet(book, text, tables["wards.csv"])
    _budget_sheet(book, text, tables["budget.csv"], len(tables["agencies.csv"]))
    _simple_sheet(book, "agencies.csv", "Các cơ quan chủ trì, phối hợp", tables["agencies.csv"],
                  AGENCY_COLUMNS)
    _simple_sheet(book, "crosswalk.csv", f"Đối chiếu tên các {text.locality.units} năm "
                  f"{text.year - 1} và năm {text.year} (đổi tên, sáp nhập, chia tách)",
                  tables["crosswalk.csv"] if tables["crosswalk.csv"] is not None
                  else pd.DataFrame(columns=list(CROSSWALK_COLUMNS)), CROSSWALK_COLUMNS)
    fresh = target.with_name(target.name + ".new")
    book.save(fresh)
    fresh.rename(target)
    for name in SHEETS:
        (folder / name).unlink(missing_ok=True)
    return target
