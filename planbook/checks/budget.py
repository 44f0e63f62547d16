"""Checks of Biểu số 02: each row's funds, the sources, the projects' subtotals, the grand
total, the lead agency among the partners, last year's carry-over."""
from __future__ import annotations

from planbook import compare, derive, fmt
from planbook.checks.core import (
    TOTAL_ROW,
    Finding,
    _amount,
    _budget_rows,
    _budget_where,
    _money_words,
)
from planbook.data import Plan


def budget_rows(plan: Plan) -> list[Finding]:
    """Carry-over + this year's funds = total, on every row and on the grand total."""
    out = []
    for row, where, about, item in _budget_rows(plan):
        parts = _amount(row.carry_over) + _amount(row.new_funds)
        if row.total != parts:
            out.append(Finding(where, _money_words(row.total), _money_words(parts),
                               f"vốn chuyển sang {_money_words(row.carry_over)} + vốn năm "
                               f"{plan.year} {_money_words(row.new_funds)}", about, item, "total"))
    return out


def budget_sources(plan: Plan) -> list[Finding]:
    """The sources' columns add up to the total, on every row and on the grand total."""
    sources = plan.text.funding.sources
    out = []
    for row, where, about, item in _budget_rows(plan):
        parts = sum(_amount(getattr(row, s.column)) for s in sources)
        if _amount(row.total) != parts:
            out.append(Finding(where, _money_words(row.total), _money_words(parts), " + ".join(
                f"{fmt.lower_first(s.name)} {_money_words(getattr(row, s.column))}" for s in sources),
                about, item, "total"))
    return out


def _money_labels(plan: Plan) -> list[tuple[str, str]]:
    """Each money column of Biểu số 02 and how a finding names it."""
    return [("total", "tổng"), ("carry_over", "vốn chuyển sang"),
            ("new_funds", f"vốn năm {plan.year}"),
            *[(s.column, fmt.lower_first(s.name)) for s in plan.text.funding.sources if s.column]]


def project_subtotals(plan: Plan) -> list[Finding]:
    """Each project row against the sum of its sub-projects."""
    sums = derive.project_sums(plan)
    budget = derive.budget(plan)
    out = []
    for project, row in sums.iterrows():
        if not (budget.project == project).sum() > 1:
            continue
        printed_row = plan.budget[plan.budget.tt == row.tt].iloc[0]
        for column, label in _money_labels(plan):
            printed = _amount(printed_row[column])
            if printed != row[f"{column}_calc"]:
                out.append(Finding(_budget_where(plan, printed_row), _money_words(printed),
                                   _money_words(row[f"{column}_calc"]),
                                   f"{label}: cộng các tiểu dự án {row.tt}.x", f"budget:{row.tt}",
                                   f"mục {row.tt}", column))
    return out


def grand_total(plan: Plan) -> list[Finding]:
    """The printed grand total against the sum of the projects."""
    total, computed = plan.budget_total, derive.grand_total(plan)
    where = f"Biểu số 02, dòng Tổng cộng ({plan.location('budget.csv', total.row)})"
    return [Finding(where, _money_words(total[c]), _money_words(computed[c]), f"{label}: cộng các dự án",
                    "budget-total", TOTAL_ROW, c)
            for c, label in _money_labels(plan) if _amount(total[c]) != computed[c]]


def lead_partner(plan: Plan) -> list[Finding]:
    """A lead agency of Biểu số 02 listed as its own partner."""
    return [Finding(_budget_where(plan, row), row.lead, row.partners, "", f"budget:{row.tt}",
                    f"mục {row.tt}", "partners")
            for row in derive.leaves(plan).itertuples()
            if row.lead_agency in derive.partner_agencies(plan, row.partners)]


def carry_over_above_funds(plan: Plan) -> list[Finding]:
    """This year's carry-over of a project above all of last year's funds for it."""
    table = compare.project_results(plan).dropna(subset=["funds", "carry_over"])
    tt = dict(zip(plan.budget.name, plan.budget.tt))
    return [Finding(f"Biểu số 02 năm {plan.year}, {r['name']}", _money_words(r.carry_over),
                    _money_words(r.funds), f"vốn năm {plan.previous_year} chuyển sang lớn hơn kinh "
                    f"phí năm {plan.previous_year} của dự án", f"budget:{tt[r['name']]}",
                    f"mục {tt[r['name']]}", "carry_over")
            for _, r in table.iterrows() if r.carry_over > r.funds]
