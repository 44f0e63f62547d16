"""Tables as MyST ``list-table`` directives: a header row, a numbered caption, escaped cells.

Numbers are formatted the Vietnamese way before they reach a cell; a row can be marked as a
subtotal or total, which sets it in bold.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd
from markupsafe import Markup

from planbook import derive, fmt
from planbook.data import BUDGET_COLUMNS, Plan


def _cell(value: object, bold: bool) -> str:
    text = fmt.md_escape("" if value is None or (not isinstance(value, str) and pd.isna(value))
                         else value)
    return f"**{text}**" if bold and text else str(text)


def list_table(header: Sequence[str], rows: Iterable[Sequence[object]], caption: str, name: str,
               bold_rows: Iterable[int] = (), widths: Sequence[int] | None = None,
               align_right: Iterable[int] = ()) -> Markup:
    """A numbered table; ``bold_rows`` are row indexes set apart (subtotals, totals).

    In print it is a ``longtable`` (breaks across pages, header row repeated) whose columns
    have the given relative widths, text ragged-right and numbers (``align_right``) flush
    right."""
    rows = [list(header), *map(list, rows)]
    bold_rows, align_right = set(bold_rows), set(align_right)
    widths = list(widths or [1] * len(header))
    share = [w / sum(widths) for w in widths]
    columns = "|".join((r">{\raggedleft\arraybackslash}" if j in align_right else
                        r">{\raggedright\arraybackslash}") + rf"\Y{{{w:.3f}}}"
                       for j, w in enumerate(share))
    classes = ["planbook-table", "longtable"] + [f"align-right-{i + 1}" for i in sorted(align_right)]
    lines = [f"```{{tabularcolumns}} |{columns}|", "```", "",
             f"```{{list-table}} {fmt.md_escape(caption)}", ":header-rows: 1",
             f":name: {name}", f":class: {' '.join(classes)}",
             f":widths: {' '.join(str(w) for w in widths)}", ""]
    for i, row in enumerate(rows):
        bold = (i - 1) in bold_rows
        for j, value in enumerate(row):
            lines.append(("* - " if j == 0 else "  - ") + (_cell(value, bold) or " "))
    lines.append("```")
    return Markup("\n".join(lines) + "\n")


def _money(value) -> str:
    return "" if value is None or pd.isna(value) else fmt.number(int(value))


def _int(value) -> str:
    return fmt.number(int(value))


def wards_printed(plan: Plan) -> Markup:
    """Biểu số 01 exactly as printed, total row included."""
    rows = [[r.tt, r.unit, _int(r.households), _int(r.poor_prev), fmt.percent(r.rate_prev),
             _int(r.poor_target), fmt.percent(r.rate_target), _int(r.reduction)]
            for r in [*plan.wards.itertuples(), plan.wards_total]]
    prev, year = plan.previous_year, plan.year
    header = ["TT", "Phường, xã", "Tổng số hộ dân cư", f"Số hộ nghèo năm {prev}",
              f"Tỷ lệ (%) năm {prev}", f"Chỉ tiêu số hộ nghèo năm {year}",
              f"Chỉ tiêu tỷ lệ (%) năm {year}", "Số hộ giảm"]
    return list_table(header, rows, f"Biểu số 01: Chỉ tiêu kế hoạch giảm nghèo năm {year}",
                      "bieu-01", bold_rows=[len(rows) - 1], widths=[5, 23, 12, 12, 11, 13, 12, 12],
                      align_right=range(2, 8))


def budget_printed(plan: Plan) -> Markup:
    """Biểu số 02 exactly as printed: every column, project rows and the grand total in bold."""
    table = plan.budget
    total = plan.budget_total
    rows = [[r.tt, r.name, _money(r.total), _money(r.carry_over), _money(r.new_funds),
             r.lead, r.content, r.partners] for r in table.itertuples()]
    rows.append(["", total["name"], _money(total.total), _money(total.carry_over),
                 _money(total.new_funds), "", "", ""])
    bold = [i for i, p in enumerate(table.is_project) if p] + [len(rows) - 1]
    header = [label for label, _ in BUDGET_COLUMNS.values()]
    header[3] = f"Vốn năm {plan.previous_year} chuyển sang"
    header[4] = f"Vốn năm {plan.year}"
    return list_table(header, rows, "Biểu số 02: Phân công thực hiện các dự án, tiểu dự án "
                      f"thuộc Chương trình MTQG giảm nghèo bền vững năm {plan.year}",
                      "bieu-02", bold_rows=bold, widths=[5, 17, 9, 9, 9, 12, 21, 18],
                      align_right=[2, 3, 4])


def budget_summary(plan: Plan) -> Markup:
    """Money per project and sub-project, with project subtotals and the total computed."""
    table = derive.budget(plan)
    rows = [[r.tt, r.name, _money(r.total), _money(r.carry_over), _money(r.new_funds),
             r.lead_agency] for r in table.itertuples()]
    total = derive.grand_total(plan)
    rows.append(["", "Tổng cộng", _money(total["total"]), _money(total["carry_over"]),
                 _money(total["new_funds"]), ""])
    bold = [i for i, p in enumerate(table.is_project) if p] + [len(rows) - 1]
    header = ["TT", "Dự án, tiểu dự án", "Tổng", f"Chuyển sang từ {plan.previous_year}",
              f"Vốn {plan.year}", "Cơ quan chủ trì"]
    return list_table(header, rows, f"Kinh phí theo dự án, tiểu dự án năm {plan.year} "
                      "(triệu đồng)", "kinh-phi-du-an", bold_rows=bold,
                      widths=[6, 40, 10, 13, 10, 21], align_right=[2, 3, 4])


def lead_shares(plan: Plan) -> Markup:
    shares = derive.lead_shares(plan)
    rows = [[agency, _int(r["count"]), _money(r.total), fmt.percent(r.share, 1)]
            for agency, r in shares.iterrows()]
    return list_table(["Cơ quan chủ trì", "Số dự án, tiểu dự án", "Kinh phí (triệu đồng)",
                       "Tỷ trọng"], rows, "Kinh phí theo cơ quan chủ trì", "kinh-phi-co-quan",
                      widths=[46, 18, 18, 18], align_right=[1, 2, 3])


ROLE_MARKS = {"Chủ trì": "CT", "Phối hợp": "PH", "": ""}


def roles(plan: Plan) -> Markup:
    """Which agency leads (CT, chủ trì) or partners (PH, phối hợp) on which sub-project."""
    matrix = derive.roles(plan)
    rows = [[agency, *(ROLE_MARKS[v] for v in matrix.loc[agency])] for agency in matrix.index]
    return list_table(["Cơ quan", *matrix.columns], rows,
                      "Cơ quan chủ trì (CT) và phối hợp (PH) theo dự án, tiểu dự án (số thứ tự "
                      "theo Biểu số 02)", "ma-tran-phan-cong",
                      widths=[32] + [7] * len(matrix.columns))


def reducing_wards(plan: Plan) -> Markup:
    """Units that must lift households out of poverty this year."""
    table = derive.wards(plan)
    table = table[table.reduction_calc > 0]
    rows = [[r.unit, _int(r.poor_prev), _int(r.poor_target), _int(r.reduction_calc)]
            for r in table.itertuples()]
    rows.append(["Cộng", _int(table.poor_prev.sum()), _int(table.poor_target.sum()),
                 _int(table.reduction_calc.sum())])
    return list_table(["Phường, xã", f"Hộ nghèo cuối năm {plan.previous_year}",
                       f"Chỉ tiêu năm {plan.year}", "Số hộ phải giảm"], rows,
                      f"Các phường, xã phải giảm hộ nghèo năm {plan.year}", "phuong-xa-giam",
                      bold_rows=[len(rows) - 1], align_right=[1, 2, 3])


def wards_computed(plan: Plan) -> Markup:
    """Every unit with rates and reduction recomputed from its counts, its rank and the city."""
    table = derive.wards(plan)
    city = derive.city(plan)
    rows = [[r.tt, r.unit, _int(r.households), _int(r.poor_prev), fmt.percent(r.rate_prev_calc),
             _int(r.poor_target), fmt.percent(r.rate_target_calc), _int(r.reduction_calc),
             _int(r.rank)] for r in table.itertuples()]
    rows.append(["", "Toàn thành phố", _int(city.households), _int(city.poor_prev),
                 fmt.percent(city.rate_prev), _int(city.poor_target),
                 fmt.percent(city.rate_target), _int(city.reduction), ""])
    prev, year = plan.previous_year, plan.year
    return list_table(["TT", "Phường, xã", "Số hộ dân cư", f"Hộ nghèo {prev}", f"Tỷ lệ {prev}",
                       f"Chỉ tiêu {year}", f"Tỷ lệ {year}", "Giảm", "Hạng"], rows,
                      f"Số liệu các phường, xã năm {year} (tính lại từ Biểu số 01)",
                      "phuong-xa-tinh-lai", bold_rows=[len(rows) - 1],
                      widths=[5, 24, 11, 11, 10, 11, 10, 9, 9], align_right=range(2, 9))


def checks_overview(outcomes) -> Markup:
    """Every check and its outcome."""
    rows = [[i, o.check.title, "Khớp" if o.passed else f"{fmt.number(len(o.findings))} điểm "
             "chưa khớp"] for i, o in enumerate(outcomes, start=1)]
    return list_table(["STT", "Phép kiểm tra", "Kết quả"], rows,
                      "Các phép kiểm tra số liệu và kết quả", "kiem-tra-tong-hop",
                      widths=[8, 62, 30])


def findings(outcome) -> Markup:
    """A failed check's findings: where, the printed value, the recomputed value, how."""
    rows = [[f.where, f.printed, f.computed, f.note] for f in outcome.findings]
    return list_table(["Vị trí", "Kế hoạch ghi", "Tính lại, đối chiếu", "Cách tính"], rows,
                      f"Điểm chưa khớp: {outcome.check.title}",
                      f"kiem-tra-{outcome.check.name}", widths=[34, 18, 18, 30])


def ward_projects(plan: Plan, items, unit: str) -> Markup:
    """The projects with content (section III), each with its project and lead agency."""
    def parent(tt: str) -> str:
        item = plan.project_text(tt.split(".")[0])
        return f" ({item.title.split(':')[0]})" if item and "." in tt else ""
    rows = [[item.tt, item.title + parent(item.tt), item.lead] for item in items]
    return list_table(["TT", "Dự án, tiểu dự án", "Cơ quan chủ trì"], rows,
                      "Các dự án, tiểu dự án của kế hoạch (nội dung chi tiết ở chương Nội dung "
                      "thực hiện)", f"du-an-{fmt.slug(unit)}", widths=[8, 62, 30])
