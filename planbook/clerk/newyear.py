"""Start a new year's data from the latest year: the same units, agencies, projects and text,
the years moved on, this year's figures blank for the clerk, last year's for reference."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import yaml

from planbook import forms
from planbook.clerk.workbook import write_workbook
from planbook.data import (
    AGENCY_COLUMNS,
    SHEETS,
    TOTAL_LABEL,
    WORKBOOK,
    DataError,
    budget_columns,
    data_years,
    load_plan,
)

HEADER = """\
# Kế hoạch năm {year}, tạo từ năm {latest} bằng `make new-year`: hãy sửa lời văn, số và ngày của
# văn bản, căn cứ pháp lý, người ký cho năm {year}; điền số liệu vào {tables}
# ({references} chỉ để tham khảo số của năm {latest}, phần mềm không đọc chúng).
"""


def _move_years(node, latest: int, year: int):
    """Text with "năm <latest>" said of the plan's year moved on to "năm <year>"; figures
    stated in the text dropped (they were last year's)."""
    if isinstance(node, dict):
        return {k: _move_years(v, latest, year) for k, v in node.items() if k != "text_figures"}
    if isinstance(node, list):
        return [_move_years(v, latest, year) for v in node]
    if isinstance(node, str):
        return re.sub(rf"\bnăm {latest}\b", f"năm {year}", node)
    return node


def to_fill(workbook: bool) -> str:
    """Where the clerk types a new year's figures: the two forms of the workbook, when the year
    is kept as one, else the two CSV files."""
    if workbook:
        return f"sổ {WORKBOOK} (trang «{SHEETS['units.csv']}» và «{SHEETS['budget.csv']}»)"
    return "units.csv và budget.csv"


def _write_rows(path: Path, header: list[str], rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def _carry_forms(plan, dest: Path, latest: int, year: int) -> None:
    """The year's ``forms.yaml``, when it has one, with its years moved on (last year's to this
    year's, this year's to the new one's), and each form beyond Biểu số 01 and 02 with the same
    rows (group rows too), its figures blank."""
    source = plan.folder / forms.FILE
    if source.is_file():
        moved = {str(latest - 1): str(latest), str(latest): str(year)}
        (dest / forms.FILE).write_text(re.sub(
            rf"\b({latest - 1}|{latest})\b", lambda m: moved[m[1]],
            source.read_text(encoding="utf-8")), encoding="utf-8")
    for form in plan.forms.extra:
        rows, total = plan.form_table(form.name)
        name = form.name_key
        _write_rows(dest / form.file, form.keys,
                    [{"tt": tt, name: value} for tt, value in zip(rows.tt, rows[name])]
                    + [{"tt": "", name: total[name]}])


def new_year(data: Path, year: int) -> Path:
    """Create ``data/<year>/`` from the latest earlier year, kept as a workbook when that year
    is; refuse to overwrite."""
    dest = data / str(year)
    earlier = [y for y in data_years(data) if y < year]
    if dest.exists():
        raise DataError([f"Thư mục {dest} đã có: không tạo lại để khỏi mất số liệu."],
                        f"{dest} exists.")
    if not earlier:
        raise DataError([f"Không có năm nào trước {year} trong {data} để làm mẫu."],
                        f"No year before {year} in {data}.")
    latest = max(earlier)
    plan = load_plan(data, latest)
    plan.validate()
    text = yaml.safe_load((data / str(latest) / "plan.yaml").read_text(encoding="utf-8"))
    text = _move_years(text, latest, year) | {"year": year, "number": "",
                                              "date": {"day": None, "month": None, "year": year}}
    workbook = plan.workbook.is_file()
    dest.mkdir(parents=True)
    (dest / "plan.yaml").write_text(
        HEADER.format(year=year, latest=latest, tables=to_fill(workbook),
                      references="các cột «… (tham khảo)»" if workbook else "các cột ref_…")
        + yaml.safe_dump(text, allow_unicode=True, sort_keys=False, width=100),
        encoding="utf-8")
    total = {"tt": "", "unit": TOTAL_LABEL, "name": TOTAL_LABEL}
    units = [{"tt": r.tt, "unit": r.unit, "ref_poor_target": r.poor_target}
             for r in plan.unit_rows.itertuples()]  # group rows too
    units.append(total | {"ref_poor_target": plan.units_total.poor_target})
    _write_rows(dest / "units.csv", [*plan.forms[forms.UNITS].keys, "ref_poor_target"], units)
    _carry_forms(plan, dest, latest, year)
    budget = [{"tt": r.tt, "name": r.name, "lead": r.lead, "content": r.content,
               "partners": r.partners, "ref_total": r.total} for r in plan.budget.itertuples()]
    budget.append(total | {"ref_total": plan.budget_total.total})
    columns = list(budget_columns(plan.text.funding))
    _write_rows(dest / "budget.csv", [*columns, "ref_total"], budget)
    _write_rows(dest / "agencies.csv", list(AGENCY_COLUMNS),
                plan.agencies[list(AGENCY_COLUMNS)].to_dict("records"))
    if workbook:  # a year kept as a workbook gives a workbook
        write_workbook(dest)
    return dest
