"""The book's tables: a header row, a numbered caption, cells of text (data stays text: the
rows go to the book as JSON, :class:`planbook.sphinx.rows.BookTable` makes them a table).

Numbers are formatted the Vietnamese way before they reach a cell; a row can be marked as a
subtotal or total, which sets it in bold; a cell may link to a page of the book. The plan's
own forms, as printed, are :mod:`planbook.printed`'s.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd
from markupsafe import Markup

from planbook import compare, derive, downloads, fmt, forms
from planbook.data import Plan
from planbook.printed import shown


@dataclass(frozen=True)
class Link:
    """A cell linking to a page of the book (``page``: relative to the table's, no suffix)."""
    text: str
    page: str

    def __str__(self) -> str:  # what its downloads hold
        return self.text


def _cell(value: object) -> str | dict:
    if isinstance(value, Link):
        return {"text": value.text, "page": value.page}
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


KEPT_WHOLE = 6
"""A table of at most this many rows below its header is printed whole on one page."""


def list_table(header: Sequence[str], rows: Iterable[Sequence[object]], caption: str, name: str,
               bold_rows: Iterable[int] = (), widths: Sequence[int] | None = None,
               align_right: Iterable[int] = (), whole: bool = False) -> Markup:
    """A numbered table; ``bold_rows`` are row indexes set apart (subtotals, totals).

    In print its columns have the given relative widths, text ragged-right and numbers
    (``align_right``) flush right; a short table (:data:`KEPT_WHOLE`) is never split, a longer
    one is a ``longtable`` (breaks between rows, header row repeated) unless it is kept
    ``whole`` (in a box that keeps a unit's page together). Its rows go with it for download
    (:mod:`planbook.downloads`)."""
    rows = [list(header), *map(list, rows)]
    bold_rows, align_right = set(bold_rows), set(align_right)
    widths = list(widths or [1] * len(header))
    share = [w / sum(widths) for w in widths]
    columns = "|".join((r">{\raggedleft\arraybackslash}" if j in align_right else
                        r">{\raggedright\arraybackslash}") + rf"\Y{{{w:.3f}}}"
                       for j, w in enumerate(share))
    classes = (["planbook-table"] + (["longtable"] if len(rows) - 1 > KEPT_WHOLE and not whole else [])
               + [f"align-right-{i + 1}" for i in sorted(align_right)])
    table = _as_json("book-table", {
        "caption": str(caption), "header": [_cell(h) for h in rows[0]],
        "rows": [[_cell(v) for v in row] for row in rows[1:]], "bold": sorted(bold_rows)},
        f":name: {name}", f":class: {' '.join(classes)}",
        f":widths: {' '.join(str(w) for w in widths)}")
    return downloads.attach(f"```{{tabularcolumns}} |{columns}|\n```\n\n{table}", name, caption,
                            header, rows[1:], numeric=align_right, bold_rows=bold_rows)


def link_list(links: Iterable[Link]) -> Markup:
    """A list of links to pages of the book, one per line; their words stay text (as JSON:
    :class:`planbook.sphinx.rows.BookLinks` makes it the list)."""
    return Markup(_as_json("book-links", [_cell(link) for link in links]))


def unit_links(plan: Plan) -> dict[str, Link]:
    """Each unit's link to its page (:func:`planbook.derive.unit_pages`)."""
    return {unit: Link(unit, f"units/{page}") for unit, page in derive.unit_pages(plan).items()}


def _as_json(directive: str, data: object, *options: str) -> str:
    """A directive of :mod:`planbook.sphinx.rows` with its data as one line of JSON, in a fence
    that nothing in the data closes."""
    spec = json.dumps(data, ensure_ascii=False)
    fence = fmt.fence(spec)
    return "\n".join([f"{fence}{{{directive}}}", *options, *([""] if options else []), spec,
                      fence]) + "\n"


def _money_cell(value) -> str:
    return "" if value is None or pd.isna(value) else fmt.number(int(value))


def _int(value) -> str:
    return fmt.number(int(value))


def unit_forms(plan: Plan, unit: str) -> Markup:
    """A unit's own row of each form that has one, every column of it, when the plan's forms
    print more of a unit than its page says in words: Biểu số 01 with columns beyond the
    book's own (near-poor households…), a form allocating funds by unit."""
    page = derive.unit_pages(plan)[unit]
    out = []
    for form in plan.forms:
        if form.name == forms.BUDGET or form.name == forms.UNITS and all(
                c.key in forms.REQUIRED[forms.UNITS] for c in form.columns):
            continue
        table = plan.unit_rows if form.name == forms.UNITS else plan.form_table(form.name)[0]
        mine = table[~table.is_group & (table[form.name_key] == unit)]
        if mine.empty:
            continue
        row = mine.iloc[0]
        rows = [[column.heading, shown(row[column.key], column.kind)]
                for column in form.columns[2:]]
        out.append(list_table(["Cột của biểu", "Số liệu"], rows,
                              f"{unit}: dòng của {form.label}", f"{page}-{form.name}",
                              widths=[70, 30], align_right=[1], whole=True))
    return downloads.holding(Markup("\n").join(out), *out)


def budget_summary(plan: Plan) -> Markup:
    """Money per project and sub-project, with project subtotals and the total computed."""
    table = derive.budget(plan)
    money = plan.money_columns
    rows = [[r.tt, r["name"], *(_money_cell(r[c]) for c in money), r.lead_agency]
            for _, r in table.iterrows()]
    total = derive.grand_total(plan)
    rows.append(["", "Tổng cộng", *(_money_cell(total[c]) for c in money), ""])
    bold = [i for i, p in enumerate(table.is_project) if p] + [len(rows) - 1]
    sources = [s.name for s in plan.text.funding.sources if s.column]
    header = ["TT", "Dự án, tiểu dự án", "Tổng", f"Chuyển sang từ {plan.previous_year}",
              f"Vốn {plan.year}", *sources, "Cơ quan chủ trì"]
    return list_table(header, rows, f"Kinh phí theo dự án, tiểu dự án năm {plan.year} "
                      "(triệu đồng)", "kinh-phi-du-an", bold_rows=bold,
                      widths=[6, 40 - 6 * len(sources), 10, 13, 10, *[12] * len(sources), 21],
                      align_right=range(2, 2 + len(money)))


def lead_shares(plan: Plan) -> Markup:
    shares = derive.lead_shares(plan)
    rows = [[agency, _int(r["count"]), _money_cell(r.total), fmt.percent(r.share, 1)]
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


def reducing_units(plan: Plan) -> Markup:
    """Units that must lift households out of poverty this year."""
    table = derive.units(plan)
    table = table[table.reduction_calc > 0]
    rows = [[r.unit, _int(r.poor_prev), _int(r.poor_target), _int(r.reduction_calc)]
            for r in table.itertuples()]
    rows.append(["Cộng", _int(table.poor_prev.sum()), _int(table.poor_target.sum()),
                 _int(table.reduction_calc.sum())])
    return list_table([plan.locality.Units, f"Hộ nghèo cuối năm {plan.previous_year}",
                       f"Chỉ tiêu năm {plan.year}", "Số hộ phải giảm"], rows,
                      f"{plan.locality.units_heading} phải giảm hộ nghèo năm {plan.year}", "don-vi-giam",
                      bold_rows=[len(rows) - 1], align_right=[1, 2, 3])


def units_computed(plan: Plan) -> Markup:
    """Every unit, linked to its page, with rates and reduction recomputed from its counts,
    its rank, and the whole locality."""
    table = derive.units(plan)
    totals = derive.totals(plan)
    links = unit_links(plan)
    rows = [[r.tt, links[r.unit],
             _int(r.households), _int(r.poor_prev), fmt.percent(r.rate_prev_calc),
             _int(r.poor_target), fmt.percent(r.rate_target_calc), _int(r.reduction_calc),
             _int(r.rank)] for r in table.itertuples()]
    rows.append(["", plan.locality.All, _int(totals.households), _int(totals.poor_prev),
                 fmt.percent(totals.rate_prev), _int(totals.poor_target),
                 fmt.percent(totals.rate_target), _int(totals.reduction), ""])
    prev, year = plan.previous_year, plan.year
    return list_table(["TT", plan.locality.Units, "Số hộ dân cư", f"Hộ nghèo {prev}", f"Tỷ lệ {prev}",
                       f"Chỉ tiêu {year}", f"Tỷ lệ {year}", "Giảm", "Hạng"], rows,
                      f"Số liệu các {plan.locality.units} năm {year} (tính lại từ Biểu số 01)",
                      "don-vi-tinh-lai", bold_rows=[len(rows) - 1],
                      widths=[5, 24, 11, 11, 10, 11, 10, 9, 9], align_right=range(2, 9))


def checks_overview(outcomes) -> Markup:
    """Every check and its outcome."""
    rows = [[i, o.title, "Không áp dụng" if not o.ran else "Khớp" if o.passed else
             f"{fmt.number(len(o.findings))} điểm chưa khớp"]
            for i, o in enumerate(outcomes, start=1)]
    return list_table(["STT", "Phép kiểm tra", "Kết quả"], rows,
                      "Các phép kiểm tra số liệu và kết quả", "kiem-tra-tong-hop",
                      widths=[8, 62, 30])


def findings(outcome) -> Markup:
    """A failed check's findings: where (the file and its row), the two values it compares
    (the printed one first), how."""
    rows = [[f.where, f.printed, f.computed, f.note] for f in outcome.findings]
    sides = [fmt.capitalise(side) for side in outcome.sides]
    return list_table(["Vị trí", *sides, "Giải thích"], rows,
                      f"Điểm chưa khớp: {outcome.title}",
                      f"kiem-tra-{outcome.check.name}", widths=[34, 18, 18, 30])


def _signed(value: int) -> str:
    """A difference with its sign: ``+2``, ``−1``, ``0``."""
    return ("+" if value > 0 else "−" if value < 0 else "") + fmt.number(abs(value))


def unit_results(plan: Plan) -> Markup:
    """Each unit (or group of merged, split units): last year's target, the result, the gap."""
    results = compare.unit_results(plan)
    prev, year = plan.previous_year, plan.year
    rows = [[r.label, _int(r.target), _int(r.result), _signed(r.gap),
             "Đạt" if r.met else "Chưa đạt"] for r in results.matched]
    rows.append(["Cộng", _int(results.target), _int(results.result),
                 _signed(results.result - results.target), ""])
    return list_table([plan.locality.Units, f"Chỉ tiêu hộ nghèo cuối năm {prev} (kế hoạch {prev})",
                       f"Hộ nghèo cuối năm {prev} (kế hoạch {year})", "Chênh lệch (hộ)",
                       "Đánh giá"], rows,
                      f"Chỉ tiêu năm {prev} và kết quả theo từng {plan.locality.units}",
                      "ket-qua-don-vi", bold_rows=[len(rows) - 1], widths=[34, 18, 18, 15, 15],
                      align_right=[1, 2, 3])


def project_results(plan: Plan) -> Markup:
    """Per project: last year's funds, this year's carry-over, spent, the share spent."""
    table = compare.project_results(plan)
    prev, year = plan.previous_year, plan.year
    rows = [[r["name"], _money_cell(r.funds), _money_cell(r.carry_over), _money_cell(r.spent),
             "" if pd.isna(r.share) else fmt.percent(r.share, 1)] for _, r in table.iterrows()]
    return list_table(["Dự án", f"Kinh phí năm {prev}", f"Chuyển sang năm {year} (chưa chi)",
                       "Đã chi", "Tỷ lệ đã chi"], rows,
                      f"Kinh phí năm {prev} đã chi theo dự án (triệu đồng)", "ket-qua-kinh-phi",
                      widths=[40, 15, 17, 14, 14], align_right=[1, 2, 3, 4])
