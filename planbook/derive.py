"""Figures derived from the plan's own numbers: rates, reductions, subtotals, totals, shares.

The book states derived figures; the printed ones are reproduced in the appendices and compared
with these in :mod:`planbook.checks`.
"""
from __future__ import annotations

import functools
import re
import weakref
from dataclasses import dataclass

import pandas as pd

from planbook import fmt, forms
from planbook.data import Plan, normalise_name
from planbook.data.files import remembered


def per_plan(function):
    """``function(plan, *key)`` computed once per plan and key: a plan's data does not change
    once read, and a chapter asks the same of it many times (each tied figure of the text
    computes Biểu số 02's sums). The result is shared: callers must not change it. What it
    read is noted again at each use (:func:`planbook.data.files.remembered`)."""
    results: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    @functools.wraps(function)
    def once(plan: Plan, *key):
        return remembered(results.setdefault(plan, {}), key, lambda: function(plan, *key))
    return once


def unit_pages(plan: Plan) -> dict[str, str]:
    """Each unit's page name, also the stem of its chart's and its table's labels: its number
    in the table (zero-padded, so that the pages sort in the table's order) and its name in
    ASCII, shortened. The number keeps two names that differ only by marks or case apart."""
    width = max(2, len(str(len(plan.unit_counts))))
    return {unit: f"{i:0{width}d}-{fmt.slug(unit)[:40].strip('-') or 'don-vi'}"
            for i, unit in enumerate(plan.unit_counts.unit, start=1)}


def rate(poor: int, households: int) -> float:
    """Share of poor households, in percent."""
    return 100 * poor / households if households else 0.0


def units(plan: Plan) -> pd.DataFrame:
    """The unit table's counts with computed rates and reduction, and each unit's rank by
    target rate as printed (1 = highest rate; units whose printed rates are equal share a
    rank); not the rates and reductions the table prints."""
    table = plan.unit_counts.copy()
    table["rate_prev_calc"] = [rate(p, h) for p, h in zip(table.poor_prev, table.households)]
    table["rate_target_calc"] = [rate(p, h) for p, h in zip(table.poor_target, table.households)]
    table["reduction_calc"] = table.poor_prev - table.poor_target
    printed = table.rate_target_calc.map(fmt.as_printed)
    table["rank"] = printed.rank(ascending=False, method="min").astype(int)
    return table


@dataclass(frozen=True)
class Totals:
    """The whole locality's figures, summed over its units."""
    units: int
    households: int
    poor_prev: int
    poor_target: int

    @property
    def reduction(self) -> int:
        return self.poor_prev - self.poor_target

    @property
    def rate_prev(self) -> float:
        return rate(self.poor_prev, self.households)

    @property
    def rate_target(self) -> float:
        return rate(self.poor_target, self.households)


def totals(plan: Plan) -> Totals:
    w = plan.unit_counts
    return Totals(len(w), int(w.households.sum()), int(w.poor_prev.sum()),
                  int(w.poor_target.sum()))


def budget(plan: Plan) -> pd.DataFrame:
    """Biểu 02 with blanks as 0 and, for each row, whether it is a leaf (a sub-project, or a
    project without sub-projects) that carries its own lead agency and money."""
    return _budget(plan).copy()


@per_plan
def _budget(plan: Plan) -> pd.DataFrame:
    table = plan.budget.copy()
    money = plan.money_columns
    table[money] = table[money].fillna(0).astype(int)
    has_children = table.project[~table.is_project].unique()
    table["is_leaf"] = ~(table.is_project & table.project.isin(has_children))
    return table


def project_sums(plan: Plan) -> pd.DataFrame:
    """Per project: the printed row and the sums of its leaves (``*_calc``)."""
    table = _budget(plan)
    sums = table[table.is_leaf].groupby("project", sort=False)[plan.money_columns].sum()
    projects = table[table.is_project].set_index("project")
    return projects.join(sums.add_suffix("_calc"))


def grand_total(plan: Plan) -> dict[str, int]:
    """Column sums over the leaves: what the grand total row should say."""
    table = _budget(plan)
    return {col: int(table.loc[table.is_leaf, col].sum()) for col in plan.money_columns}


def leaves(plan: Plan) -> pd.DataFrame:
    """Rows that carry money and a lead agency (sub-projects and childless projects)."""
    table = _budget(plan)
    return table[table.is_leaf].reset_index(drop=True)


def lead_shares(plan: Plan) -> pd.DataFrame:
    """Money led by each agency, largest first, with its share of the total in percent."""
    table = leaves(plan).groupby("lead_agency", sort=False)[plan.money_columns].sum()
    table["count"] = leaves(plan).groupby("lead_agency", sort=False).size()
    table["share"] = 100 * table.total / (table.total.sum() or 1)
    return table.sort_values("total", ascending=False, kind="stable")


def partner_agencies(plan: Plan, partners: str) -> list[str]:
    """The known agencies named in a printed partners cell, in the order of ``agencies.csv``."""
    text = normalise_name(partners)
    found = {agency for alias, agency in plan.alias_to_agency.items() if alias in text}
    return [name for name in plan.agencies.name if name in found]


def named_agencies(plan: Plan, partners: str) -> tuple[list[str], list[str]]:
    """The known agencies a list of agencies names, by any of their spellings (the longest
    first), and what else it names, folded: ``Phòng Y tế, các đơn vị liên quan, Hội Nông
    dân`` → ``(["Phòng Y tế", "Các cơ quan, đơn vị liên quan"], ["hội nông dân"])``."""
    text, found = normalise_name(partners), set()
    for alias in sorted(plan.alias_to_agency, key=len, reverse=True):
        if alias in text:
            found.add(plan.alias_to_agency[alias])
            text = text.replace(alias, ",")
    others = [part.strip(" .;") for part in re.split(r"[,;]|\bvà\b", text)]
    return [name for name in plan.agencies.name if name in found], [o for o in others if o]


def roles(plan: Plan) -> pd.DataFrame:
    """Agency × leaf matrix: "Chủ trì" (lead), "Phối hợp" (partner) or ""."""
    table = leaves(plan)
    matrix = pd.DataFrame("", index=list(plan.agencies.name), columns=list(table.tt))
    for _, row in table.iterrows():
        for agency in partner_agencies(plan, row.partners):
            matrix.loc[agency, row.tt] = "Phối hợp"
        matrix.loc[row.lead_agency, row.tt] = "Chủ trì"
    return matrix.loc[(matrix != "").any(axis=1)]


COUNT_QUANTITIES = {"projects": "số dự án thành phần", "subprojects": "số tiểu dự án"}


@per_plan
def _form_quantities(plan: Plan) -> dict[str, tuple]:
    """Each figure column of the plan's forms beyond Biểu số 02 that the text may name: Biểu
    số 01's by its key (``rate_target``, ``near_poor_target``), another form's after its name
    (``bieu-03.central``); with the form and its column."""
    return {column.key if form.name == forms.UNITS else f"{form.name}.{column.key}":
            (form, column) for form in plan.forms if form.name != forms.BUDGET
            for column in form.figures()}


def _rows(plan: Plan, form, columns: set[str]) -> pd.DataFrame:
    """A form's rows (units, no group rows) with ``columns``: of Biểu số 01, its counts alone
    when they hold them (a page tying a rate of the whole to the text then runs again when a
    count changes, not when a printed rate or reduction does)."""
    if form.name == forms.UNITS:
        return plan.unit_counts if columns <= set(plan.unit_counts.columns) else plan.units
    table = plan.form_table(form.name)[0]
    return table[~table.is_group]


def quantity_names(plan: Plan) -> list[str]:
    """The names a figure of the plan's text may be tied to (``rate_target``, ``total``, …);
    each may name a row after ``@`` (``total@2.1``, ``poor_target@<unit>``,
    ``subprojects@2``)."""
    return [*COUNT_QUANTITIES, *_form_quantities(plan), *plan.money_columns]


def _whole(rows: pd.DataFrame, form, column) -> float:
    """A column's figure for the whole form: the sum of its rows, or for a rate the relation
    it is described with, applied to those sums."""
    ratio = next((r for r in column.relations if r.ratio), None)
    if ratio is None:
        return float(rows[column.key].fillna(0).sum())
    return ratio.value({key: float(rows[key].fillna(0).sum()) for key in ratio.columns})


def quantity(plan: Plan, key: str) -> tuple[float, str] | None:
    """The value of the quantity ``key`` by the plan's tables and the words saying where it
    comes from; None when the plan has no such quantity (or no such row, or a blank)."""
    name, _, row = (part.strip() for part in key.partition("@"))
    table = _budget(plan)
    if name == "projects" and not row:
        return int(table.is_project.sum()), "số dự án thành phần của Biểu số 02"
    if name == "subprojects":
        rows = table[~table.is_project & ((table.project == row) if row else True)]
        return (len(rows), f"số tiểu dự án của mục {row} trong Biểu số 02" if row else
                "số tiểu dự án của Biểu số 02") if not row or row in set(table.tt) else None
    if name in plan.money_columns:
        if not row:
            return grand_total(plan)[name], "cộng các dự án của Biểu số 02"
        match = table[table.tt == row]
        return (int(match[name].iloc[0]), f"Biểu số 02, mục {row}") if len(match) else None
    found = _form_quantities(plan).get(name)
    if found is None:
        return None
    form, column = found
    label = f"{column.heading} theo {form.label}"
    ratio = next((r for r in column.relations if r.ratio), None)
    if not row:
        if column.kind == "rate" and ratio is None:
            return None
        return _whole(_rows(plan, form, set(ratio.columns) if ratio else {column.key}), form,
                      column), label
    rows = _rows(plan, form, {form.name_key, column.key})
    match = rows[rows[form.name_key] == row]
    if not len(match) or pd.isna(match[column.key].iloc[0]):
        return None
    return float(match[column.key].iloc[0]), f"{form.label}, {row}"
