"""The plan's forms (Biểu số 01, 02, and those ``forms.yaml`` adds) exactly as printed, from
their descriptions (:mod:`planbook.forms`): a raw HTML table for the site and a raw LaTeX table
for the PDF, as MyST tables cannot span header cells. A cell that disagrees with the plan
elsewhere is marked :data:`MARK` (the note under the form says why).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd
from markupsafe import Markup, escape

from planbook import checks, downloads, fmt, forms
from planbook.data import TOTAL_LABEL, Plan

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
    fence = fmt.fence(html + latex)
    labels = [label for cell in header for label in
              ([cell] if isinstance(cell, str) else [f"{cell[0]} - {part}" for part in cell[1]])]
    turn = [f"{fence}{{raw}} latex\n\\{edge}{{landscape}}\n{fence}\n\n" if landscape else ""
            for edge in ("begin", "end")]  # pages turned, numbered at the top as they are read
    table = downloads.attach(f"{turn[0]}({name})=\n\n{fence}{{raw}} html\n{html}\n{fence}\n\n"
                             f"{fence}{{raw}} latex\n{latex}\n{fence}\n", name, " ".join(title),
                             labels, rows, numeric=right, bold_rows=bold)
    return table + Markup("\n") + Markup(note) + Markup("\n") + Markup(turn[1])


def shown(value: object, kind: str) -> str:
    """A form's cell as printed: a count or amount the Vietnamese way, a rate in percent, a
    blank left blank."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if kind == "rate":
        return fmt.percent(value)
    return fmt.number(int(value)) if kind in ("count", "money") else str(value)


def form(plan: Plan, name: str, note: str = "") -> Markup:
    """A form of the plan (``bieu-01``…) exactly as printed, from its description
    (:mod:`planbook.forms`): title, "(Kèm theo …)" line, two-level header, every row — group
    rows, project rows and the total in bold — and the cells the checks dispute marked; then
    the ``note`` under it (:func:`planbook.text.doubts`), on the form's turned pages in print."""
    form = plan.forms[name]
    table, total, about = checks.form_rows(plan, form)
    kinds = [c.kind for c in form.columns]
    rows = [[shown(row[c.key], c.kind) for c in form.columns] for _, row in table.iterrows()]
    rows.append(["", TOTAL_LABEL if form.name not in (forms.UNITS, forms.BUDGET)
                 else total[form.name_key], *(shown(total[c.key], c.kind)
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


def units(plan: Plan) -> Markup:
    """Biểu số 01 exactly as printed."""
    return form(plan, forms.UNITS)


def budget(plan: Plan) -> Markup:
    """Biểu số 02 exactly as printed: project rows and the grand total in bold."""
    return form(plan, forms.BUDGET)
