"""Tables as MyST ``list-table`` directives: a header row, a numbered caption, escaped cells.

Numbers are formatted the Vietnamese way before they reach a cell; a row can be marked as a
subtotal or total, which sets it in bold. In the plan's forms, a cell that disagrees with the
plan elsewhere is marked :data:`MARK` (the note under the form says why).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import pandas as pd
from markupsafe import Markup, escape

from planbook import checks, compare, derive, downloads, fmt, forms
from planbook.data import TOTAL_LABEL, Plan


def _cell(value: object, bold: bool) -> str:
    text = fmt.md_escape("" if value is None or (not isinstance(value, str) and pd.isna(value))
                         else value)
    return f"**{text}**" if bold and text else str(text)


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
    lines = [f"```{{tabularcolumns}} |{columns}|", "```", "",
             f"```{{list-table}} {fmt.md_escape(caption)}", ":header-rows: 1",
             f":name: {name}", f":class: {' '.join(classes)}",
             f":widths: {' '.join(str(w) for w in widths)}", ""]
    for i, row in enumerate(rows):
        bold = (i - 1) in bold_rows
        for j, value in enumerate(row):
            lines.append(("* - " if j == 0 else "  - ") + (_cell(value, bold) or " "))
    lines.append("```")
    return downloads.attach("\n".join(lines) + "\n", name, caption, header, rows[1:],
                            numeric=align_right, bold_rows=bold_rows)


def _money_cell(value) -> str:
    return "" if value is None or pd.isna(value) else fmt.number(int(value))


def _int(value) -> str:
    return fmt.number(int(value))


BLANK = "\x00"
"""Where the signed plan leaves a number or a day blank (a space to write it in)."""


Header = Sequence["str | tuple[str, Sequence[str]]"]
"""A form's header: a column's label, or a group's label over its columns' labels."""

MARK = "*"
"""The sign after a form's cell that disagrees with the plan elsewhere, in print as on the
site (not a colour alone); the form's downloads keep the plain figure."""


def _flagged(plan: Plan, form: str, rows: dict[str, int], columns: list[str]
             ) -> set[tuple[int, int]]:
    """The cells of ``form`` that findings about it mark, as (row, column) indexes; ``rows``
    gives the row of each figure a finding can be about (``unit:Đa Mai``, ``units-total``)."""
    return {(rows[f.about], columns.index(f.cell))
            for _, f in checks.concerning(plan, *checks.form_about(form))
            if f.about in rows and f.cell in columns}


def _html_cell(value: str, bold: bool, flagged: bool, href: str = "") -> str:
    """A form's cell: bold in a total row; a link to ``href`` (a unit's own plan); a flagged
    cell set apart (``planbook-flagged``), with :data:`MARK` and words for a screen reader."""
    text = f"<strong>{escape(value)}</strong>" if bold and value else escape(value)
    if href:
        text = f'<a class="reference external" href="{escape(href)}">{text}</a>'
    if not flagged:
        return f"<td>{text}</td>"
    return (f'<td class="planbook-flagged">{text}<sup class="planbook-mark">{MARK}</sup>'
            '<span class="visually-hidden"> (chưa khớp)</span></td>')


def _html_form(name: str, title: Sequence[str], attached: str, header: Header,
               rows: list[list[str]], bold: set[int], right: set[int],
               flagged: set[tuple[int, int]], links: dict[tuple[int, int], str]) -> str:
    """A printed form as an HTML table: its title and "(Kèm theo …)" line as the caption, a
    two-level header (a group spans its columns, a lone column both header rows), the
    ``flagged`` cells marked, the cells ``links`` names linked. Cells stand on lines of their own, so that the search index,
    which strips the tags, reads each figure and name as a word of its own."""
    e, nl = escape, "\n"
    rowspan = ' rowspan="2"' if any(not isinstance(h, str) for h in header) else ""
    top, sub = [], []
    for h in header:
        if isinstance(h, str):
            top.append(f"<th{rowspan}>{e(h)}</th>")
        else:
            top.append(f'<th colspan="{len(h[1])}">{e(h[0])}</th>')
            sub += [f"<th>{e(label)}</th>" for label in h[1]]
    body = []
    for i, row in enumerate(rows):
        cells = nl.join(_html_cell(v, i in bold, (i, j) in flagged, links.get((i, j), ""))
                        for j, v in enumerate(row))
        body.append(f"<tr>{cells}</tr>")
    classes = " ".join(["table", "planbook-table", "planbook-form"]
                       + [f"align-right-{j + 1}" for j in sorted(right)])
    caption = "\n".join(f'<strong class="form-title">{e(line)}</strong><br/>' for line in title)
    return (f'<div class="pst-scrollable-table-container">'
            f'<table class="{classes}" id="{name}">'
            f'<caption>{caption}\n<em class="form-attached">'
            f'{str(e(attached)).replace(BLANK, "&#8194;" * 4)}</em></caption>'
            f'<thead><tr>{nl.join(top)}</tr>' + (f'<tr>{nl.join(sub)}</tr>' if sub else "")
            + f'</thead><tbody>{nl.join(body)}</tbody></table></div>')


def _latex_form(title: Sequence[str], attached: str, header: Header, rows: list[list[str]],
                bold: set[int], right: set[int], flagged: set[tuple[int, int]],
                widths: Sequence[float], size: str) -> str:
    """A printed form as a LaTeX ``longtable``: title in capitals and bold, the "(Kèm theo …)"
    line in italics, a short rule; the two-level header repeated on each page; numbers flush
    right; the ``flagged`` cells marked; ``widths`` are shares of the line. A form is no
    numbered table (the site does not number it either): the step ``longtable`` gives the table
    counter is taken back."""
    t = fmt.tex_escape
    share = [w / sum(widths) for w in widths]
    columns = "|".join((r">{\raggedleft\arraybackslash}" if j in right else
                        r">{\raggedright\arraybackslash}") + rf"\Y{{{w:.3f}}}"
                       for j, w in enumerate(share))
    two = any(not isinstance(h, str) for h in header)
    top, sub, cline, j = [], [], [], 0
    for h in header:  # a lone column's label stands in the second row (no rule above it)
        if isinstance(h, str):
            top.append("" if two else rf"\centering\bfseries {t(h)}")
            sub.append(rf"\centering\bfseries {t(h)}")
            j += 1
        else:
            n = len(h[1])
            top.append(rf"\multicolumn{{{n}}}{{>{{\centering\arraybackslash}}"
                       rf"\Y{{{sum(share[j:j + n]):.3f}}}|}}{{\bfseries {t(h[0])}}}")
            cline.append(rf"\cline{{{j + 1}-{j + n}}}")
            sub += [rf"\centering\bfseries {t(label)}" for label in h[1]]
            j += n
    head = [r"\hline", " & ".join(top) + r" \tabularnewline"]
    if two:
        head += ["".join(cline), " & ".join(sub) + r" \tabularnewline"]
    head.append(r"\hline")
    head = "\n".join(head)
    body = []
    for i, row in enumerate(rows):
        cells = [(rf"\textbf{{{t(v)}}}" if i in bold and v else str(t(v)))
                 + (rf"\textsuperscript{{{MARK}}}" if (i, j) in flagged else "")
                 for j, v in enumerate(row)]
        body.append(" & ".join(cells) + r" \tabularnewline \hline")
    lines = [r"\begingroup\par\centering\bfseries",
             *[rf"{t(line)}\par" for line in title],
             r"\mdseries\itshape " + t(attached).replace(BLANK, r"\hspace{2.5em}")
             + r"\par\vspace{-2pt}\rule{3cm}{0.4pt}\par",
             r"\endgroup\vspace{10pt}",
             rf"\begingroup{size}\linespread{{1}}\selectfont\setlength{{\LTpre}}{{0pt}}"
             r"\setlength{\LTpost}{0pt}\setlength{\extrarowheight}{2pt}",
             rf"\begin{{longtable}}{{|{columns}|}}",
             head, r"\endfirsthead", head, r"\endhead",
             *body, r"\end{longtable}\addtocounter{table}{-1}\endgroup", ""]
    return "\n".join(lines)


def _form(name: str, title: Sequence[str], attached: str, header: Header,
          rows: list[list[str]], bold: Iterable[int], right: Iterable[int],
          flagged: set[tuple[int, int]], widths: Sequence[float], size: str,
          landscape: bool = False, note: str = "",
          links: dict[tuple[int, int], str] | None = None) -> Markup:
    """A form of the plan (Biểu) as printed, for both outputs: a raw HTML table for the site
    and a raw LaTeX table for the PDF (MyST tables cannot span header cells), the ``flagged``
    cells marked. ``name`` is the link target (``#name`` in the site, ``{ref}`` in both) and
    the name of its CSV and Excel files, linked under it on the site (one label per column: a
    two-level header joined; the figures plain). The site links the cells ``links`` names."""
    bold, right = set(bold), set(right)
    html = _html_form(name, title, attached, header, rows, bold, right, flagged, links or {})
    latex = _latex_form(title, attached, header, rows, bold, right, flagged, widths, size)
    fence = "`" * max([3] + [len(run) + 1 for run in re.findall("`+", html + latex)])
    labels = [label for cell in header for label in
              ([cell] if isinstance(cell, str) else [f"{cell[0]} - {part}" for part in cell[1]])]
    turn = [f"{fence}{{raw}} latex\n\\{edge}{{landscape}}\n{fence}\n\n" if landscape else ""
            for edge in ("begin", "end")]  # pages turned, numbered at the top as they are read
    table = downloads.attach(f"{turn[0]}({name})=\n\n{fence}{{raw}} html\n{html}\n{fence}\n\n"
                             f"{fence}{{raw}} latex\n{latex}\n{fence}\n", name, " ".join(title),
                             labels, rows, numeric=right, bold_rows=bold)
    return table + Markup("\n") + Markup(note) + Markup("\n") + Markup(turn[1])


def _shown(value: object, kind: str) -> str:
    """A form's cell as printed: a count or amount the Vietnamese way, a rate in percent, a
    blank left blank."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if kind == "rate":
        return fmt.percent(value)
    return fmt.number(int(value)) if kind in ("count", "money") else str(value)


def printed(plan: Plan, name: str, note: str = "") -> Markup:
    """A form of the plan (``bieu-01``…) exactly as printed, from its description
    (:mod:`planbook.forms`): title, "(Kèm theo …)" line, two-level header, every row — group
    rows, project rows and the total in bold — and the cells the checks dispute marked; then
    the ``note`` under it (:func:`planbook.text.doubts`), on the form's turned pages in print."""
    form = plan.forms[name]
    table, total, about = checks.form_rows(plan, form)
    kinds = [c.kind for c in form.columns]
    rows = [[_shown(row[c.key], c.kind) for c in form.columns] for _, row in table.iterrows()]
    rows.append(["", TOTAL_LABEL if form.name not in (forms.UNITS, forms.BUDGET)
                 else total[form.name_key], *(_shown(total[c.key], c.kind)
                                              for c in form.columns[2:])])
    if form.name == forms.BUDGET:  # the total row prints its figures only
        rows[-1] = [v if kinds[j] in forms.FIGURES or j == 1 else ""
                    for j, v in enumerate(rows[-1])]
    lines = {key: i for i, keys in enumerate(about) for key in keys}
    bold = [i for i, group in enumerate(table.is_group) if group] + [len(rows) - 1]
    size = form.font_size
    return _form(form.name, form.title, form.attached or plan.text.attached_line(BLANK),
                 form.header(), rows, bold=bold,
                 right=[j for j, kind in enumerate(kinds) if kind in forms.FIGURES],
                 flagged=_flagged(plan, form.name, lines, form.keys),
                 widths=[c.shown_width for c in form.columns],
                 size=rf"\fontsize{{{size:g}bp}}{{{size + (2 if size >= 12 else 1.5):g}bp}}",
                 landscape=form.landscape, note=note,
                 links={} if form.name == forms.BUDGET else
                 _own_plans(plan, table, form.name_key, form.keys.index(form.name_key)))


def _own_plans(plan: Plan, table: pd.DataFrame, key: str, column: int
               ) -> dict[tuple[int, int], str]:
    """The name cells of the units that have a plan of their own in the site, each linked to
    that plan's book (from the appendix, three folders below the site's root)."""
    return {(i, column): "../../../" + plan.across[name]["book"]
            for i, name in enumerate(table[key]) if plan.across.get(name, {}).get("book")}


def units_printed(plan: Plan) -> Markup:
    """Biểu số 01 exactly as printed."""
    return printed(plan, forms.UNITS)


def budget_printed(plan: Plan) -> Markup:
    """Biểu số 02 exactly as printed: project rows and the grand total in bold."""
    return printed(plan, forms.BUDGET)


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
        rows = [[column.heading, _shown(row[column.key], column.kind)]
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
    pages = derive.unit_pages(plan)
    rows = [[r.tt, Markup(f"[{fmt.md_escape(r.unit)}](units/{pages[r.unit]}.ipynb)"),
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
