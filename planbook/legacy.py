"""Sections for a ``plan.yaml`` written before the plan's text was typed as printed.

Such a file gives the plan's text by field (``purpose``, ``requirements``, ``targets``,
``projects``, ``funding``, ``tasks``, ``organisation``) and the figures its text states in
``text_figures``. Its sections are written here in the national form's order and headings, the
way the book printed them then, so that a year already published builds unchanged. A figure the
text stated is printed as stated and tied to its quantity (the checks compare it); a figure it
did not state is the tables'.
"""
from __future__ import annotations

import re

from planbook import derive, fmt
from planbook.data import Plan, Section

HEADINGS = {"purpose": "MỤC ĐÍCH, YÊU CẦU", "targets": "MỤC TIÊU",
            "projects": "NỘI DUNG THỰC HIỆN", "budget": "KINH PHÍ THỰC HIỆN",
            "tasks": "NHIỆM VỤ VÀ GIẢI PHÁP CHỦ YẾU", "organisation": "TỔ CHỨC THỰC HIỆN"}
"""The sections of the national form, in its order, under the names it gives them."""
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def _text(value: str) -> str:
    """A field's text on one line, so that it stays one paragraph."""
    return " ".join(value.split())


def _sum(value, key: str = "") -> str:
    """A sum in million VND, tied to ``key`` when the plan's text stated it."""
    return f"{fmt.number(int(value))}{{{key}}} triệu đồng" if key else \
        f"{fmt.number(int(value))} triệu đồng"


def _numbered(items: list[str]) -> list[str]:
    return [f"{i}. {_text(item)}" for i, item in enumerate(items, start=1)]


def purpose(plan: Plan) -> list[str]:
    text = plan.text
    parts = [(heading, body) for heading, body in (
        ("Mục đích", [_text(text.purpose)] if text.purpose else []),
        ("Yêu cầu", [f"- {_text(r)}" for r in text.requirements])) if body]
    return [line for i, (heading, body) in enumerate(parts, start=1)
            for line in (f"# {i}. {heading}", *body)]


def targets(plan: Plan) -> list[str]:
    text, totals = plan.text, derive.totals(plan)
    stated = text.targets.text_figures.get("rate_target")
    rate = fmt.percent(stated) + "{rate_target}" if stated is not None else \
        fmt.percent(totals.rate_target)
    first = (f"Giảm tỷ lệ hộ nghèo năm {plan.year} còn {rate}" if totals.reduction > 0 else
             f"Tỷ lệ hộ nghèo năm {plan.year}: {rate}") + " (Theo Biểu số 01 gửi kèm)."
    if text.targets.meritorious_families:
        first += " " + _text(text.targets.meritorious_families)
    return _numbered([first] + ([text.targets.implementation]
                                if text.targets.implementation else []))


def _funds(plan: Plan, row, item) -> str:
    """A project's "Kinh phí" line: its source, total, and the carry-over and new funds."""
    sources = plan.text.funding.sources
    stated = item.text_figures.model_dump() if item and item.text_figures else {}
    money = {c: _sum(stated[c], f"{c}@{row.tt}") if stated.get(c) is not None else
             _sum(getattr(row, c)) for c in ("total", "carry_over", "new_funds")}
    source = (item and item.source) or ", ".join(s.name for s in sources)
    parts = []
    if len(sources) > 1:
        parts.append(", ".join(f"{fmt.lower_first(s.name)} {_sum(getattr(row, s.column))}"
                               for s in sources))
    if row.carry_over:
        parts.append(f"Vốn năm {plan.previous_year} chuyển sang: {money['carry_over']}, vốn "
                     f"năm {plan.year}: {money['new_funds']}")
    within = f" (trong đó: {'; '.join(parts)})" if parts else ""
    return f"Kinh phí: {source}: {money['total']}{within}."


def projects(plan: Plan) -> list[str]:
    text, table = plan.text, derive.budget(plan)
    children = table[~table.is_project].groupby("project").size().to_dict()
    counts = {"projects": f"{int(table.is_project.sum()):02d}",
              "subprojects": f"{int((~table.is_project).sum()):02d}"}
    lines = [re.sub(r"\{(\w+)\}", lambda m: counts[m.group(1)], _text(text.content_intro))] \
        if text.content_intro else []
    for row in table.itertuples():
        item = plan.project_text(row.tt)
        title = item.title if item else row.name
        within = f" (gồm {children[row.project]:02d} tiểu dự án)" if row.is_project and \
            not row.is_leaf else ""
        lines.append(f"# {row.tt}. {_text(title)}{within}")
        if not row.is_leaf:
            continue
        letters = iter("abc" if item and item.content else "bc")
        if item and item.content:
            lines.append(f"{next(letters)}) {item.content_label}: {_text(item.content)}")
        lines.append(f"{next(letters)}) {_funds(plan, row, item)}")
        lead = (item and item.lead) or row.lead
        partners = (item and item.partners) or row.partners
        lines.append(f"{next(letters)}) Phân công thực hiện: {lead} chủ trì"
                     + (f", phối hợp với {partners}" if partners else "") + " tổ chức thực hiện.")
    if text.content_outro:
        lines.append(_text(text.content_outro))
    return lines


def funding(plan: Plan) -> list[str]:
    sources, money = plan.text.funding.sources, derive.grand_total(plan)
    stated = sources[0].text_figures.model_dump() if len(sources) == 1 and \
        sources[0].text_figures else {}
    shown = {c: _sum(stated[c], c) if stated.get(c) is not None else _sum(money[c])
             for c in ("total", "carry_over", "new_funds")}
    name = f"Tổng vốn {fmt.lower_first(sources[0].name)}" if len(sources) == 1 else \
        "Tổng kinh phí"
    each = "".join(f"{fmt.lower_first(s.name)}: {_sum(money[s.column])}; "
                   for s in sources) if len(sources) > 1 else ""
    first = (f"{name} thực hiện năm {plan.year}: {shown['total']} (Trong đó: {each}Vốn năm "
             f"{plan.previous_year} chuyển sang: {shown['carry_over']}; vốn năm {plan.year}: "
             f"{shown['new_funds']}).")
    return _numbered([first, *plan.text.funding.other_sources])


def tasks(plan: Plan) -> list[str]:
    return _numbered(plan.text.tasks)


def organisation(plan: Plan) -> list[str]:
    lines = []
    for i, group in enumerate(plan.text.organisation, start=1):
        intro = f": {_text(group.intro)}" if group.intro else ""
        lines.append(f"{'# ' if group.duties else ''}{i}. {group.agency}{intro}")
        lines += [f"- {_text(duty)}" for duty in group.duties]
    return lines


WRITERS = {"purpose": purpose, "targets": targets, "projects": projects, "budget": funding,
           "tasks": tasks, "organisation": organisation}


def sections(plan: Plan) -> list[Section]:
    """The plan's sections as the book printed them from the fields of ``plan.yaml``, those
    without text left out, numbered in order; each on the page it had (``purpose``, …)."""
    found = [(name, WRITERS[name](plan)) for name in HEADINGS]
    found = [(name, lines) for name, lines in found if lines]
    return [Section(heading=f"{ROMAN[i]}. {HEADINGS[name]}", text="\n\n".join(lines), page=name)
            for i, (name, lines) in enumerate(found)]
