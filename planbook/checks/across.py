"""The check across levels: what a parent's plan prints for a unit that has its own plan
against that plan's own totals (:mod:`planbook.crosslevel` pairs them and hands each book
what concerns it as :attr:`planbook.data.Plan.across`). A difference is a finding in both
books: in the parent's about the unit's row, in the child's about its totals."""
from __future__ import annotations

from planbook import forms
from planbook.checks.core import TOTAL_ROW, Finding, _unit_where
from planbook.crosslevel import figure_text
from planbook.data import Plan

CHILD_TOTALS = {forms.UNITS: "units-total", forms.BUDGET: "budget-total"}
"""Where a child's book shows the totals its parent's figures are compared with."""


def across_levels(plan: Plan, only: set[str] | None = None) -> list[Finding]:
    """Each figure the parent prints for a unit that differs from that unit's own plan (of
    the units ``only`` names, when it names some)."""
    found = []
    for unit, shown in sorted(plan.across.items()):
        if only is not None and unit not in only:
            continue
        for figure in shown["figures"]:
            if figure["parent"] == figure["child"]:
                continue
            printed, computed = figure_text(figure["parent"]), figure_text(figure["child"])
            if shown["role"] == "child":  # this plan is the parent; ``unit`` has a plan
                about = f"unit:{unit}" if figure["form_name"] == forms.UNITS else \
                    f"form:{figure['form_name']}:{unit}"
                where = _unit_where(plan, next(plan.units[plan.units.unit == unit].itertuples())) \
                    if figure["form_name"] == forms.UNITS else f"{figure['form']}, {unit}"
                found.append(Finding(where, printed, computed,
                                     f"{figure['label']}: theo kế hoạch năm {plan.year} của "
                                     f"{shown['name']}", about, unit, figure["key"]))
            else:  # this plan is a unit of ``shown``'s
                own = plan.forms[forms.UNITS if figure["form_name"] == forms.UNITS
                                 else forms.BUDGET]
                found.append(Finding(
                    f"{own.label}, dòng {TOTAL_ROW} — {figure['form']} của {shown['name']}",
                    printed, computed, f"{figure['label']}: {shown['name']} ghi cho "
                    f"{plan.locality.full_name}",
                    CHILD_TOTALS[own.name], TOTAL_ROW, figure["key"]))
    return found
