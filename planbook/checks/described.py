"""Checks of what the forms' descriptions state (``forms.yaml``): every relation of a column
to others, and every group row's and total row's subtotal."""
from __future__ import annotations

import pandas as pd

from planbook import fmt, forms
from planbook.checks.core import FORMS, RATE_DIGITS, TOTAL_ROW, Finding, _amount, _rate_text
from planbook.data import Plan

# ---------------------------------------------------------------- described forms


def form_rows(plan: Plan, form: forms.Form) -> tuple[pd.DataFrame, pd.Series, list[tuple]]:
    """A form's printed rows (``is_group`` marking group rows; in Biểu số 02 the project
    rows), its total row, and what figures of the book each printed row is, the total's last
    (``unit:Đa Mai``; ``form:bieu-03:<name>`` for a row of a form beyond the two)."""
    if form.name == forms.UNITS:
        table, total = plan.unit_rows, plan.units_total
        about = [(f"form:{form.name}:{r.unit}",) if r.is_group else (f"unit:{r.unit}",)
                 for r in table.itertuples()] + [("units-total",)]
    elif form.name == forms.BUDGET:
        table = plan.budget.assign(is_group=plan.budget.is_project, group="")
        total = plan.budget_total
        about = [(f"budget:{tt}", f"text:{tt}") for tt in table.tt] + [("budget-total",)]
    else:
        table, total = plan.form_table(form.name)
        about = [(f"form:{form.name}:{name}",) for name in table[form.name_key]]
        about.append((f"form:{form.name}:{TOTAL_ROW}",))
    return table, total, about


def form_about(name: str) -> tuple[str, ...]:
    """The figures of a form as findings name them (:data:`FORMS`; a form beyond Biểu số 01
    and 02, its described rows)."""
    return FORMS.get(name, (f"form:{name}:*",))


def _default_relations(plan: Plan) -> set[tuple[str, str, tuple]]:
    """The relations of Biểu số 01 and 02 as the plans built so far print them (form, column,
    terms): the named checks above compare them on the units' and projects' rows and totals,
    in words of their own."""
    sources = [(s.column, s.name) for s in plan.text.funding.sources if s.column]
    return {(form.name, column.key, relation.terms)
            for form in forms.defaults(plan.locality.Units, plan.year, sources)
            for column in form.columns for relation in column.relations}


def _figure(value, kind: str) -> str:
    if kind == "rate":
        return _rate_text(value)
    return "trống" if value is None or pd.isna(value) else fmt.number(int(value))


def _described(plan: Plan, only: set[str] | None = None):
    """Each described form with each printed row to check: (form, row, where, about, item,
    is_total); with ``only``, the rows of those units of Biểu số 01 alone."""
    for form in plan.forms:
        if only is not None and form.name != forms.UNITS:
            continue  # a unit's page reads no other form
        table, total, about = form_rows(plan, form)
        for (_, row), keys in zip(table.iterrows(), about):
            name = row[form.name_key]
            if only is not None and (row.is_group or name not in only):
                continue
            item = (f"mục {row.tt}" if form.name == forms.BUDGET else
                    f"{row.tt.rstrip('.')}. {name}" if row.is_group else name)
            yield (form, table, row, f"{form.label}, {item} "
                   f"({plan.location(form.file, row.row)})", keys[0], item, False)
        if only is None:
            yield (form, table, total, f"{form.label}, dòng {TOTAL_ROW} "
                   f"({plan.location(form.file, total.row)})", about[-1][0], TOTAL_ROW, True)


def form_relations(plan: Plan, only: set[str] | None = None) -> list[Finding]:
    """Every relation a form's description states (a rate, a difference, a sum of its
    columns), on every row — group rows and the total too — except those the named checks
    compare (:func:`_default_relations`, on the rows they see)."""
    named = _default_relations(plan)
    out = []
    for form, _, row, where, about, item, _ in _described(plan, only):
        kinds = {c.key: c.kind for c in form.columns}
        for column in form.columns:
            for relation in column.relations:
                if (form.name, column.key, relation.terms) in named and not row.get(
                        "is_group", False):
                    continue
                computed, printed = relation.value(row), row[column.key]
                if column.kind == "rate":
                    same = round(computed, RATE_DIGITS) == round(printed, RATE_DIGITS)
                else:
                    same = _amount(printed) == computed
                if not same:
                    note = relation.words({k: f"{form.short_label(k)} {_figure(row[k], kinds[k])}"
                                           for k in relation.columns})
                    out.append(Finding(where, _figure(printed, column.kind),
                                       _figure(computed, column.kind), note, about, item,
                                       column.key))
    return out


def form_subtotals(plan: Plan) -> list[Finding]:
    """Each group row's counts and amounts against the sum of the rows under it, and the total
    row's against the sum of the rows that are not group rows (Biểu số 01's own columns and
    Biểu số 02's are the named checks')."""
    out = []
    for form, table, row, where, about, item, is_total in _described(plan):
        if form.name == forms.BUDGET or not (is_total or row.is_group):
            continue
        members = table[~table.is_group] if is_total else table[table.group == row.tt.rstrip(".")]
        for column in form.figures():
            if column.kind == "rate" or is_total and form.name == forms.UNITS and \
                    column.key in forms.REQUIRED[forms.UNITS]:
                continue
            computed = int(members[column.key].fillna(0).sum())
            if _amount(row[column.key]) != computed:
                whose = "các dòng" if is_total else f"các dòng thuộc nhóm {row.tt}"
                out.append(Finding(where, _figure(row[column.key], column.kind),
                                   fmt.number(computed),
                                   f"{form.short_label(column.key)}: cộng {whose}", about,
                                   item, column.key))
    return out


def _states_relations(plan: Plan) -> bool:
    named = _default_relations(plan)
    return any(form.subtotals or (form.name, column.key, relation.terms) not in named
               for form in plan.forms for column in form.columns
               for relation in column.relations)


def _has_subtotals(plan: Plan) -> bool:
    return bool(plan.forms.extra) or any(form.subtotals for form in plan.forms) or any(
        c.key not in forms.REQUIRED[forms.UNITS] for c in plan.forms[forms.UNITS].figures())
