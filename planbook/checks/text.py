"""Checks of the plan's text against its forms: the figures it ties to them, the names of the
projects and agencies."""
from __future__ import annotations

import re

from planbook import derive, fmt, plantext
from planbook.checks.core import Finding, _budget_where, _money_words
from planbook.data import Plan, normalise_name


def text_figures(plan: Plan) -> list[Finding]:
    """Each figure the plan's text ties to a quantity (:mod:`planbook.plantext`) against what
    the tables give: a rate at the decimals it is printed with, a count or a sum exactly."""
    out = []
    for index, section in enumerate(plantext.sections(plan), start=1):
        for paragraph in plantext.paragraphs(section.text):
            for figure, key in paragraph.figures:
                value, source = derive.quantity(plan, key)
                stated = plantext.figure_value(figure)
                if figure.endswith("%"):
                    digits = len(figure.rstrip("%").partition(",")[2])
                    if round(value, digits) != round(stated, digits):
                        out.append(Finding(f"Lời văn mục {section.heading}", figure,
                                           fmt.percent(value, digits), "",
                                           f"section:{index}", source, key))
                elif value != stated:
                    money = key.partition("@")[0] in plan.money_columns
                    out.append(Finding(f"Lời văn mục {section.heading}", figure,
                                       _money_words(value) if money else fmt.number(int(value)),
                                       "", f"section:{index}", source, key))
    return out


def _no_text_figures(plan: Plan) -> str:
    tied = any(paragraph.figures for section in plantext.sections(plan)
               for paragraph in plantext.paragraphs(section.text))
    return "" if tied else "lời văn của kế hoạch không nêu số liệu nào gắn với các biểu để đối chiếu"


_NUMBERED = re.compile(r"^((?:tiểu )?dự án \d+)\s*[.:–-]\s*")
"""A project's number before its name ("Dự án 2:", "Tiểu dự án 1."), case folded."""


def same_title(a: str, b: str) -> bool:
    """Two spellings of a project's name: the same but for case, spacing, "hóa/hoá", the final
    punctuation, the mark after its number ("Tiểu dự án 1." or "1:"), or the number itself
    when one of them leaves it out."""
    a, b = (_NUMBERED.sub(r"\1: ", normalise_name(x).rstrip(" .:;,")) for x in (a, b))
    if bool(_NUMBERED.match(a)) != bool(_NUMBERED.match(b)):
        a, b = _NUMBERED.sub("", a), _NUMBERED.sub("", b)
    return a == b


def _agency(plan: Plan, name: str) -> str:
    """An agency's name as ``agencies.csv`` names it, or the spelling folded if it is not
    there."""
    return plan.alias_to_agency.get(normalise_name(name), normalise_name(name))


def _partners_differ(plan: Plan, text: str, form: str) -> str:
    """What one list of partners names and the other does not, in a reader's words ("" when
    they name the same agencies, however spelled)."""
    (text_known, text_other), (form_known, form_other) = (
        derive.named_agencies(plan, text), derive.named_agencies(plan, form))
    only_text = [*(a for a in text_known if a not in form_known),
                 *(o for o in text_other if o not in form_other)]
    only_form = [*(a for a in form_known if a not in text_known),
                 *(o for o in form_other if o not in text_other)]
    return "; ".join(([f"lời văn có {', '.join(only_text)} mà Biểu số 02 không có"]
                      if only_text else []) +
                     ([f"Biểu số 02 có {', '.join(only_form)} mà lời văn không có"]
                      if only_form else []))


def text_names(plan: Plan) -> list[Finding]:
    """Each project's name, lead and partners as section III states them against Biểu số 02;
    a project of section III that the form lacks."""
    budget = {row.tt: row for row in plan.budget.itertuples()}
    out = []
    for item in plantext.projects(plan):
        row = budget.get(item.tt)
        if row is None:
            out.append(Finding(f"Lời văn, mục {item.tt} (plan.yaml)", item.title,
                               "không có", "dự án, tiểu dự án không có trong Biểu số 02",
                               f"text:{item.tt}", f"mục {item.tt}"))
            continue
        where = f"{_budget_where(plan, row)} và lời văn"
        if not same_title(item.title, row.name):
            out.append(Finding(where, item.title, row.name, "tên dự án, tiểu dự án",
                               f"budget:{row.tt}", f"mục {row.tt}", "name"))
        if item.lead and _agency(plan, item.lead) != _agency(plan, row.lead):
            out.append(Finding(where, item.lead, row.lead or "trống", "cơ quan chủ trì",
                               f"budget:{row.tt}", f"mục {row.tt}", "lead"))
        differ = item.partners and _partners_differ(plan, item.partners, row.partners)
        if differ:
            out.append(Finding(where, item.partners, row.partners or "trống",
                               f"cơ quan phối hợp: {differ}", f"budget:{row.tt}",
                               f"mục {row.tt}", "partners"))
    return out
