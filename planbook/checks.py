"""Consistency checks: what the plan prints against what its own numbers imply.

Each check compares printed values (rates, reductions, subtotals, totals, figures stated in the
text) with values recomputed from the plan's own counts and amounts, at the printed precision,
and the names section III gives its projects and agencies with those of Biểu số 02.
A check never stops the build: its findings are listed in the book's "Kiểm tra số liệu"
chapter, noted under the form they concern and printed as warnings by the build.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pandas as pd

from planbook import compare, derive, fmt, forms, plantext
from planbook.data import UNIT_PRINTED, Plan, normalise_name

COUNT_WORDS = {2: "hai", 3: "ba", 4: "bốn", 5: "năm", 6: "sáu", 7: "bảy", 8: "tám", 9: "chín"}
"""How a check's explanation says a small count ("ở cả ba cột kinh phí")."""
RATE_DIGITS = 2
"""Rates are printed with two decimals (0,42%); a computed rate matches when it rounds to it."""
TOTAL_ROW = "Tổng cộng"
"""How a reader's note names a form's total row."""


@dataclass(frozen=True)
class Finding:
    """One disagreement: where (for the clerk: the file and its row), what is printed, what
    the plan's own numbers give, and what figure of the book it is ``about`` (``unit:<name>``,
    ``units-total``, ``budget:<tt>``, ``budget-total``, ``text:<tt>``, ``text-total``,
    ``text-target``; none for a finding that is not about a figure of this year's plan), so
    that the page showing that figure can say so next to it (:func:`planbook.text.doubts`).
    ``item`` names the line for a reader ("Đa Mai", "mục 2.1", "Tổng cộng"); ``cell`` is
    the column of the form marked as disagreeing (``reduction``, ``partners``…), none when no
    one cell of the form is at odds."""
    where: str
    printed: str
    computed: str
    note: str = ""
    about: str = ""
    item: str = ""
    cell: str = ""


@dataclass(frozen=True)
class Check:
    """A named comparison; ``find`` returns its findings for a plan. ``title`` and
    ``explanation`` may name the plan's units (``{units}``), its whole (``{all}``), the
    number of money columns of Biểu số 02 (``{columns}``) and the numeral of a section of the
    plan (``{projects}``: III);
    ``applies`` says whether the check belongs in this plan's book at all (those comparing with
    last year need last year's plan); ``why_not`` says why the plan has nothing for the check to
    compare ("" when it has); ``about`` names the kinds of
    figure its findings can be about (``unit`` for ``unit:<name>``, ``units-total``…), so that
    a page asking about one figure runs only the checks that can speak of it. A check about
    units only takes, after the plan, the names of the units a page asks about. ``says`` is
    what its findings mean, in a reader's words, for the notes; ``sides`` name the two values
    it compares (the printed one first), in the notes and over the findings' columns."""
    name: str
    title: str
    explanation: str
    find: Callable[[Plan], list[Finding]]
    why_not: Callable[[Plan], str] = lambda plan: ""
    applies: Callable[[Plan], bool] = lambda plan: True
    about: tuple[str, ...] = ()
    says: str = ""
    sides: tuple[str, str] = ("kế hoạch in", "tính lại được")


@dataclass(frozen=True)
class Outcome:
    """A check, its title, explanation, reader's words and sides in the plan's words, and what
    it found (no findings = passed); a check with nothing to compare did not run and says why
    (``not_applicable``)."""
    check: Check
    title: str
    explanation: str
    findings: list[Finding] = field(default_factory=list)
    not_applicable: str = ""
    says: str = ""
    sides: tuple[str, str] = ("", "")

    @property
    def ran(self) -> bool:
        return not self.not_applicable

    @property
    def passed(self) -> bool:
        return self.ran and not self.findings


def _rate_text(value: float) -> str:
    return fmt.percent(value, RATE_DIGITS)


def _money(value) -> str:
    return "trống" if value is None or pd.isna(value) else fmt.number(int(value)) + " triệu đồng"


def _amount(value) -> int:
    """A money cell as a number: blank counts as 0, as in the printed table's sums."""
    return 0 if value is None or pd.isna(value) else int(value)


def _unit_where(plan: Plan, row) -> str:
    return f"Biểu số 01, {row.unit} ({plan.location('wards.csv', row.row)})"


def _budget_where(plan: Plan, row) -> str:
    return f"Biểu số 02, mục {row.tt} ({plan.location('budget.csv', row.row)})"


def _budget_rows(plan: Plan) -> list[tuple[object, str, str, str]]:
    """Each row of Biểu số 02 and the Tổng cộng row, with where it is, what it is about and
    how a reader names it."""
    total = plan.budget_total
    return [*[(r, _budget_where(plan, r), f"budget:{r.tt}", f"mục {r.tt}")
              for r in plan.budget.itertuples()],
            (total, f"Biểu số 02, dòng Tổng cộng ({plan.location('budget.csv', total.row)})",
             "budget-total", TOTAL_ROW)]


def _units(plan: Plan, only: set[str] | None) -> pd.DataFrame:
    """The unit table with its printed and computed figures, or the rows of the units ``only``
    names (a unit's page asks about its own: checking every unit on every page made the build
    grow with the square of the units; and it reads the printed figures of its own row only,
    so that it runs again when they change, not when another row's do)."""
    table = derive.units(plan)
    if only is None:
        return table.join(plan.units[UNIT_PRINTED])
    table = table[table.unit.isin(only)]
    return table.join(pd.concat([plan.printed(unit) for unit in table.unit]))


def unit_rates(plan: Plan, printed: str, poor: str, only: set[str] | None = None
               ) -> list[Finding]:
    table = _units(plan, only)
    out = []
    for row in table.itertuples():
        computed = derive.rate(getattr(row, poor), row.households)
        if round(computed, RATE_DIGITS) != round(getattr(row, printed), RATE_DIGITS):
            out.append(Finding(_unit_where(plan, row), _rate_text(getattr(row, printed)),
                               _rate_text(computed),
                               f"{fmt.number(getattr(row, poor))} hộ nghèo / "
                               f"{fmt.number(row.households)} hộ dân cư", f"unit:{row.unit}",
                               row.unit, printed))
    return out


def unit_reductions(plan: Plan, only: set[str] | None = None) -> list[Finding]:
    table = _units(plan, only)
    return [Finding(_unit_where(plan, r), fmt.number(r.reduction), fmt.number(r.reduction_calc),
                    f"{fmt.number(r.poor_prev)} − {fmt.number(r.poor_target)} hộ",
                    f"unit:{r.unit}", r.unit, "reduction")
            for r in table.itertuples() if r.reduction != r.reduction_calc]


def unit_totals(plan: Plan) -> list[Finding]:
    total, totals = plan.units_total, derive.totals(plan)
    where = f"Biểu số 01, dòng Tổng cộng ({plan.location('wards.csv', total.row)})"
    out = []
    for column, computed, label in [("households", totals.households, "tổng số hộ dân cư"),
                                    ("poor_prev", totals.poor_prev, "số hộ nghèo năm trước"),
                                    ("poor_target", totals.poor_target, "chỉ tiêu số hộ nghèo"),
                                    ("reduction", int(plan.units.reduction.sum()),
                                     "số hộ giảm")]:
        if total[column] != computed:
            out.append(Finding(where, fmt.number(total[column]), fmt.number(computed),
                               f"{label}: cộng {fmt.number(totals.units)} {plan.place.units}",
                               "units-total", TOTAL_ROW, column))
    for column, computed, label in [("rate_prev", totals.rate_prev, "tỷ lệ năm trước"),
                                    ("rate_target", totals.rate_target, "tỷ lệ chỉ tiêu")]:
        if round(computed, RATE_DIGITS) != round(total[column], RATE_DIGITS):
            out.append(Finding(where, _rate_text(total[column]), _rate_text(computed),
                               f"{label} {plan.place.all}", "units-total", TOTAL_ROW, column))
    return out


def budget_rows(plan: Plan) -> list[Finding]:
    """Carry-over + this year's funds = total, on every row and on the grand total."""
    out = []
    for row, where, about, item in _budget_rows(plan):
        parts = _amount(row.carry_over) + _amount(row.new_funds)
        if row.total != parts:
            out.append(Finding(where, _money(row.total), _money(parts),
                               f"vốn chuyển sang {_money(row.carry_over)} + vốn năm "
                               f"{plan.year} {_money(row.new_funds)}", about, item, "total"))
    return out


def budget_sources(plan: Plan) -> list[Finding]:
    """The sources' columns add up to the total, on every row and on the grand total."""
    sources = plan.text.funding.sources
    out = []
    for row, where, about, item in _budget_rows(plan):
        parts = sum(_amount(getattr(row, s.column)) for s in sources)
        if _amount(row.total) != parts:
            out.append(Finding(where, _money(row.total), _money(parts), " + ".join(
                f"{fmt.lower_first(s.name)} {_money(getattr(row, s.column))}" for s in sources),
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
                out.append(Finding(_budget_where(plan, printed_row), _money(printed),
                                   _money(row[f"{column}_calc"]),
                                   f"{label}: cộng các tiểu dự án {row.tt}.x", f"budget:{row.tt}",
                                   f"mục {row.tt}", column))
    return out


def grand_total(plan: Plan) -> list[Finding]:
    """The printed grand total against the sum of the projects."""
    total, computed = plan.budget_total, derive.grand_total(plan)
    where = f"Biểu số 02, dòng Tổng cộng ({plan.location('budget.csv', total.row)})"
    return [Finding(where, _money(total[c]), _money(computed[c]), f"{label}: cộng các dự án",
                    "budget-total", TOTAL_ROW, c)
            for c, label in _money_labels(plan) if _amount(total[c]) != computed[c]]


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
                                       _money(value) if money else fmt.number(int(value)),
                                       "", f"section:{index}", source, key))
    return out


def _no_text_figures(plan: Plan) -> str:
    tied = any(paragraph.figures for section in plantext.sections(plan)
               for paragraph in plantext.paragraphs(section.text))
    return "" if tied else "lời văn của kế hoạch không nêu số liệu nào gắn với các biểu để đối chiếu"


def lead_partner(plan: Plan) -> list[Finding]:
    """A lead agency of Biểu số 02 listed as its own partner."""
    return [Finding(_budget_where(plan, row), row.lead, row.partners, "", f"budget:{row.tt}",
                    f"mục {row.tt}", "partners")
            for row in derive.leaves(plan).itertuples()
            if row.lead_agency in derive.partner_agencies(plan, row.partners)]


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


def vanished_units(plan: Plan) -> list[Finding]:
    """Last year's units that match none of this year's, by name or ``crosswalk.csv``."""
    prev = plan.previous.units.set_index("unit")
    return [Finding(f"Biểu số 01 năm {plan.previous_year}, {unit} "
                    f"({plan.previous.location('wards.csv', prev.loc[unit, 'row'])})", f"có trong kế hoạch năm {plan.previous_year}",
                    f"không có trong kế hoạch năm {plan.year}",
                    "nếu đã đổi tên, sáp nhập hay chia tách: ghi vào crosswalk.csv")
            for unit in compare.unit_results(plan).vanished]


def carry_over_above_funds(plan: Plan) -> list[Finding]:
    """This year's carry-over of a project above all of last year's funds for it."""
    table = compare.project_results(plan).dropna(subset=["funds", "carry_over"])
    tt = dict(zip(plan.budget.name, plan.budget.tt))
    return [Finding(f"Biểu số 02 năm {plan.year}, {r['name']}", _money(r.carry_over),
                    _money(r.funds), f"vốn năm {plan.previous_year} chuyển sang lớn hơn kinh "
                    f"phí năm {plan.previous_year} của dự án", f"budget:{tt[r['name']]}",
                    f"mục {tt[r['name']]}", "carry_over")
            for _, r in table.iterrows() if r.carry_over > r.funds]


# ---------------------------------------------------------------- described forms


def form_rows(plan: Plan, form: forms.Form) -> tuple[pd.DataFrame, pd.Series, list[tuple]]:
    """A form's printed rows (``is_group`` marking group rows; in Biểu số 02 the project
    rows), its total row, and what figures of the book each printed row is, the total's last
    (``unit:Đa Mai``; ``form:bieu-03:<name>`` for a row of a form beyond the two)."""
    if form.name == forms.UNITS:
        table, total = plan.unit_rows, plan.units_total
        about = [(f"form:{form.name}:{r.unit}",) if r.is_group else (f"unit:{r.unit}",)
                 for r in table.itertuples()] + [("units-total", "text-target")]
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
            for form in forms.defaults(plan.place.Units, plan.year, sources)
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


def _has_previous(plan: Plan) -> bool:
    return plan.previous is not None


def _no_pairs(plan: Plan) -> str:
    paired = any(row.lead and row.partners for row in derive.leaves(plan).itertuples())
    return "" if paired else "Biểu số 02 không ghi cặp cơ quan chủ trì, phối hợp nào để đối chiếu"


def _no_text_projects(plan: Plan) -> str:
    return "" if plantext.projects(plan) else (
        "lời văn của kế hoạch không nêu riêng dự án nào để đối chiếu")


CHECKS = [
    Check("rate-prev", "Tỷ lệ hộ nghèo năm trước của từng {units}",
          "Tỷ lệ in trong Biểu số 01 so với số hộ nghèo chia tổng số hộ dân cư, làm tròn "
          "2 chữ số thập phân.", lambda p, only=None: unit_rates(p, "rate_prev", "poor_prev", only),
          about=("unit",), says="Tỷ lệ hộ nghèo năm {prev} in ở Biểu số 01 khác với số hộ nghèo "
          "chia tổng số hộ dân cư"),
    Check("rate-target", "Tỷ lệ hộ nghèo chỉ tiêu của từng {units}",
          "Tỷ lệ chỉ tiêu in trong Biểu số 01 so với chỉ tiêu số hộ nghèo chia tổng số hộ "
          "dân cư.", lambda p, only=None: unit_rates(p, "rate_target", "poor_target", only),
          about=("unit",), says="Tỷ lệ hộ nghèo chỉ tiêu năm {year} in ở Biểu số 01 khác với "
          "chỉ tiêu số hộ nghèo chia tổng số hộ dân cư"),
    Check("reduction", "Số hộ giảm của từng {units}",
          "Số hộ giảm in trong Biểu số 01 so với hiệu của số hộ nghèo năm trước và chỉ tiêu.",
          unit_reductions, about=("unit",), says="Số hộ giảm in ở Biểu số 01 khác với số hộ "
          "nghèo cuối năm {prev} trừ chỉ tiêu năm {year}"),
    Check("unit-totals", "Dòng Tổng cộng của Biểu số 01",
          "Các số của dòng Tổng cộng so với tổng các {units} và tỷ lệ tính lại.",
          unit_totals, about=("units-total",),
          says="Dòng Tổng cộng của Biểu số 01 khác với tổng các {units}"),
    Check("budget-rows", "Vốn chuyển sang cộng vốn năm kế hoạch bằng kinh phí thực hiện",
          "Trên từng dòng của Biểu số 02 và dòng Tổng cộng.", budget_rows,
          about=("budget", "budget-total"), says="Kinh phí thực hiện in ở Biểu số 02 khác với "
          "vốn năm {prev} chuyển sang cộng vốn năm {year}"),
    Check("budget-sources", "Các nguồn vốn cộng lại bằng kinh phí thực hiện",
          "Trên từng dòng của Biểu số 02 và dòng Tổng cộng, tổng các cột nguồn vốn so với cột "
          "kinh phí thực hiện.", budget_sources,
          applies=lambda plan: len(plan.text.funding.sources) > 1,
          about=("budget", "budget-total"),
          says="Kinh phí thực hiện in ở Biểu số 02 khác với tổng các nguồn vốn"),
    Check("project-subtotals", "Dự án bằng tổng các tiểu dự án",
          "Số in ở dòng dự án so với tổng các tiểu dự án của nó, ở cả {columns} cột kinh phí.",
          project_subtotals, about=("budget",),
          says="Dòng dự án của Biểu số 02 khác với tổng các tiểu dự án của nó"),
    Check("grand-total", "Tổng cộng bằng tổng các dự án",
          "Dòng Tổng cộng của Biểu số 02 so với tổng các dự án, ở cả {columns} cột kinh phí.",
          grand_total, about=("budget-total",),
          says="Dòng Tổng cộng của Biểu số 02 khác với tổng các dự án"),
    Check("form-relations", "Các cột tính từ cột khác của các biểu",
          "Mỗi cột mà mô tả biểu ghi là tỷ lệ, hiệu hay tổng của các cột khác (tệp forms.yaml), "
          "trên từng dòng, dòng nhóm và dòng Tổng cộng, so với số tính lại từ các cột ấy.",
          form_relations, applies=_states_relations,
          about=("unit", "units-total", "budget", "budget-total", "form"),
          says="Số in ở biểu khác với số tính từ các cột khác của cùng dòng"),
    Check("form-subtotals", "Dòng nhóm và dòng Tổng cộng bằng tổng các dòng của nó",
          "Số hộ, số tiền ở mỗi dòng nhóm (đánh số La Mã) so với tổng các dòng thuộc nhóm; ở "
          "dòng Tổng cộng so với tổng các dòng không phải dòng nhóm.", form_subtotals,
          applies=_has_subtotals, about=("units-total", "form"),
          says="Dòng nhóm hoặc dòng Tổng cộng khác với tổng các dòng của nó"),
    Check("text-figures", "Số liệu nêu trong lời văn khớp các biểu",
          "Mỗi số trong lời văn của kế hoạch được gắn với một số liệu của Biểu số 01 hay Biểu "
          "số 02 (tỷ lệ, số hộ, kinh phí, số dự án) so với số liệu ấy tính từ biểu: tỷ lệ làm "
          "tròn như lời văn in, các số khác phải bằng nhau.", text_figures, _no_text_figures,
          about=("section",), says="Số liệu nêu trong lời văn khác với các biểu",
          sides=("lời văn ghi", "các biểu cho")),
    Check("units-vanished", "Các {units} của năm trước đều có trong năm nay",
          "Mỗi {units} trong Biểu số 01 năm trước có trong Biểu số 01 năm nay, cùng tên hoặc "
          "qua tệp crosswalk.csv (đổi tên, sáp nhập, chia tách).", vanished_units,
          applies=_has_previous, sides=("năm {prev}", "năm {year}")),
    Check("carry-over", "Vốn chuyển sang không lớn hơn kinh phí năm trước",
          "Vốn năm trước chuyển sang của từng dự án so với kinh phí năm trước của dự án đó.",
          carry_over_above_funds, applies=_has_previous, about=("budget",),
          says="Vốn năm {prev} chuyển sang in ở Biểu số 02 lớn hơn cả kinh phí năm {prev} "
          "của dự án", sides=("vốn chuyển sang", "kinh phí năm {prev}")),
    Check("text-names", "Tên dự án, cơ quan chủ trì và phối hợp thống nhất giữa lời văn và "
          "Biểu số 02",
          "Tên từng dự án, tiểu dự án, cơ quan chủ trì và các cơ quan phối hợp nêu trong lời "
          "văn so với Biểu số 02, không kể khác biệt về chữ hoa, dấu cách, cách viết "
          "«hóa/hoá», dấu câu cuối tên, số thứ tự dự án khi một bên không ghi, và tên gọi khác "
          "của cùng một cơ quan (agencies.csv).", text_names, _no_text_projects,
          about=("budget", "text"), says="Lời văn và Biểu số 02 ghi khác nhau",
          sides=("lời văn ghi", "Biểu số 02 ghi")),
    Check("lead-partner", "Cơ quan chủ trì không đồng thời là cơ quan phối hợp",
          "Cơ quan chủ trì của từng dự án, tiểu dự án trong Biểu số 02 không được ghi cả ở cột "
          "cơ quan phối hợp.", lead_partner, _no_pairs, about=("budget",),
          says="Cơ quan chủ trì cũng được ghi là cơ quan phối hợp",
          sides=("cơ quan chủ trì", "cột cơ quan phối hợp ghi")),
]

FORMS = {"bieu-01": ("unit:*", "units-total", "form:bieu-01:*"),
         "bieu-02": ("budget:*", "budget-total", "text:*", "form:bieu-02:*")}
"""The figures of each of the plan's forms (Biểu số 01, 02) as findings name them: a finding
about one of them concerns that form; its note stands under the form, its cell is marked."""


def kind(about: str) -> str:
    """The kind of figure a finding is about: ``unit`` for ``unit:Đa Mai``."""
    return about.partition(":")[0]


def run(plan: Plan, about: Iterable[str] | None = None) -> list[Outcome]:
    """Every check, in order, with its findings; with ``about`` (``unit:Đa Mai``, ``unit:*``),
    only the checks whose findings can be about those figures, so that a unit's page reads
    only the data those checks compare, and checks only the units it names."""
    wanted = None if about is None else {kind(key) for key in about}
    names = {key.partition(":")[2] for key in about or [] if kind(key) == "unit"}
    only = names if names and not any(name.endswith("*") for name in names) else None
    words = {"units": plan.place.units, "all": plan.place.all, "year": plan.year,
             "prev": plan.previous_year,
             "columns": COUNT_WORDS.get(len(plan.money_columns), str(len(plan.money_columns)))}
    outcomes = []
    for check in CHECKS:
        if wanted is not None and not wanted & set(check.about) or not check.applies(plan):
            continue
        title, explanation = check.title.format(**words), check.explanation.format(**words)
        worded = {"says": check.says.format(**words),
                  "sides": tuple(side.format(**words) for side in check.sides)}
        why_not = check.why_not(plan)
        if why_not:
            outcomes.append(Outcome(check, title, explanation, not_applicable=why_not, **worded))
            continue
        findings = check.find(plan, only) if only and "unit" in check.about else \
            check.find(plan)
        stray = {f.about for f in findings if f.about and kind(f.about) not in check.about}
        if stray:
            raise ValueError(f"check {check.name} finds about {stray}, not in its about")
        outcomes.append(Outcome(check, title, explanation, findings, **worded))
    return outcomes


def concerning(plan: Plan, *about: str) -> list[tuple[Outcome, Finding]]:
    """The findings about the figures ``about`` names (``unit:Đa Mai``; ``unit:*`` for every
    unit; :data:`FORMS` for a form's), each with its check's outcome, in the checks' order."""
    def matches(finding: Finding) -> bool:
        return any(finding.about == key or key.endswith("*") and
                   finding.about.startswith(key[:-1]) for key in about)
    return [(o, f) for o in run(plan, about) for f in o.findings if matches(f)]


def counts(outcomes: list[Outcome]) -> dict[str, int]:
    """How many checks ran (those with nothing to compare apart), how many found something,
    how many findings in all."""
    return {"checks": sum(o.ran for o in outcomes),
            "not_applicable": sum(not o.ran for o in outcomes),
            "failed": sum(o.ran and not o.passed for o in outcomes),
            "findings": sum(len(o.findings) for o in outcomes)}


def summary(outcomes: list[Outcome]) -> str:
    """One line for the console: how many checks found how many disagreements."""
    n = counts(outcomes)
    idle = f" ({n['not_applicable']} phép không áp dụng)" if n["not_applicable"] else ""
    return (f"Kiểm tra số liệu: {n['checks']} phép kiểm tra{idle}, {n['failed']} phép có điểm "
            f"chưa khớp, tổng {n['findings']} điểm (xem chương «Kiểm tra số liệu»).")
