"""Consistency checks: what the plan prints against what its own numbers imply.

Each check compares printed values (rates, reductions, subtotals, totals, figures stated in the
text) with values recomputed from the plan's own counts and amounts, at the printed precision.
A check never stops the build: its findings are listed in the book's "Kiểm tra số liệu"
chapter and printed as warnings by the build.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pandas as pd

from planbook import compare, derive, fmt
from planbook.data import UNIT_PRINTED, Plan, normalise_name

COUNT_WORDS = {2: "hai", 3: "ba", 4: "bốn", 5: "năm", 6: "sáu", 7: "bảy", 8: "tám", 9: "chín"}
"""How a check's explanation says a small count ("ở cả ba cột kinh phí")."""
RATE_DIGITS = 2
"""Rates are printed with two decimals (0,42%); a computed rate matches when it rounds to it."""


@dataclass(frozen=True)
class Finding:
    """One disagreement: where, what is printed, what the plan's own numbers give, and what
    figure of the book it is ``about`` (``unit:<name>``, ``units-total``, ``budget:<tt>``,
    ``budget-total``, ``text:<tt>``, ``text-total``, ``text-target``; none for a finding
    that is not about a figure), so that the page showing that figure can say so next to it
    (:func:`planbook.text.doubts`)."""
    where: str
    printed: str
    computed: str
    note: str = ""
    about: str = ""


@dataclass(frozen=True)
class Check:
    """A named comparison; ``find`` returns its findings for a plan. ``title`` and
    ``explanation`` may name the plan's units (``{units}``), its whole (``{all}``), the
    number of money columns of Biểu số 02 (``{columns}``) and the numeral of a section of the
    plan (``{projects}``: III);
    ``applies`` says whether the plan has what the check compares; ``about`` names the kinds of
    figure its findings can be about (``unit`` for ``unit:<name>``, ``units-total``…), so that
    a page asking about one figure runs only the checks that can speak of it. A check about
    units only takes, after the plan, the names of the units a page asks about."""
    name: str
    title: str
    explanation: str
    find: Callable[[Plan], list[Finding]]
    applies: Callable[[Plan], bool] = lambda plan: True
    about: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """A check, its title and explanation in the plan's words, and what it found (no findings
    = passed)."""
    check: Check
    title: str
    explanation: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.findings


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


def _budget_rows(plan: Plan) -> list[tuple[object, str, str]]:
    """Each row of Biểu số 02 and the Tổng cộng row, with where it is and what it is about."""
    total = plan.budget_total
    return [*[(r, _budget_where(plan, r), f"budget:{r.tt}") for r in plan.budget.itertuples()],
            (total, f"Biểu số 02, dòng Tổng cộng ({plan.location('budget.csv', total.row)})",
             "budget-total")]


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
                               f"{fmt.number(row.households)} hộ dân cư", f"unit:{row.unit}"))
    return out


def unit_reductions(plan: Plan, only: set[str] | None = None) -> list[Finding]:
    table = _units(plan, only)
    return [Finding(_unit_where(plan, r), fmt.number(r.reduction), fmt.number(r.reduction_calc),
                    f"{fmt.number(r.poor_prev)} − {fmt.number(r.poor_target)} hộ",
                    f"unit:{r.unit}")
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
                               "units-total"))
    for column, computed, label in [("rate_prev", totals.rate_prev, "tỷ lệ năm trước"),
                                    ("rate_target", totals.rate_target, "tỷ lệ chỉ tiêu")]:
        if round(computed, RATE_DIGITS) != round(total[column], RATE_DIGITS):
            out.append(Finding(where, _rate_text(total[column]), _rate_text(computed),
                               f"{label} {plan.place.all}", "units-total"))
    return out


def budget_rows(plan: Plan) -> list[Finding]:
    """Carry-over + this year's funds = total, on every row and on the grand total."""
    out = []
    for row, where, about in _budget_rows(plan):
        parts = _amount(row.carry_over) + _amount(row.new_funds)
        if row.total != parts:
            out.append(Finding(where, _money(row.total), _money(parts),
                               f"vốn chuyển sang {_money(row.carry_over)} + vốn năm "
                               f"{plan.year} {_money(row.new_funds)}", about))
    return out


def budget_sources(plan: Plan) -> list[Finding]:
    """The sources' columns add up to the total, on every row and on the grand total."""
    sources = plan.text.funding.sources
    out = []
    for row, where, about in _budget_rows(plan):
        parts = sum(_amount(getattr(row, s.column)) for s in sources)
        if _amount(row.total) != parts:
            out.append(Finding(where, _money(row.total), _money(parts), " + ".join(
                f"{fmt.lower_first(s.name)} {_money(getattr(row, s.column))}" for s in sources),
                about))
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
                                   f"{label}: cộng các tiểu dự án {row.tt}.x", f"budget:{row.tt}"))
    return out


def grand_total(plan: Plan) -> list[Finding]:
    """The printed grand total against the sum of the projects."""
    total, computed = plan.budget_total, derive.grand_total(plan)
    where = f"Biểu số 02, dòng Tổng cộng ({plan.location('budget.csv', total.row)})"
    return [Finding(where, _money(total[c]), _money(computed[c]), f"{label}: cộng các dự án",
                    "budget-total")
            for c, label in _money_labels(plan) if _amount(total[c]) != computed[c]]


def text_budget(plan: Plan) -> list[Finding]:
    """Figures the text of section III and IV states against Biểu số 02."""
    budget = plan.budget.set_index("tt")
    section = derive.sections(plan)
    out = []
    for item in plan.text.projects:
        if item.text_figures is None:
            continue
        if item.tt not in budget.index:
            out.append(Finding(f"plan.yaml, dự án {item.tt}", item.title, "không có trong "
                               "Biểu số 02"))
            continue
        row = budget.loc[item.tt]
        for column, value in item.text_figures.model_dump().items():
            printed = _amount(row[column])
            if value is not None and value != printed:
                out.append(Finding(f"Lời văn mục {section['projects']}, {item.title}",
                                   _money(value), _money(printed),
                                   f"{column} theo Biểu số 02 mục {item.tt}", f"text:{item.tt}"))
    computed = derive.grand_total(plan)
    for source in plan.text.funding.sources:
        if source.text_figures is None:
            continue
        for column, value in source.text_figures.model_dump().items():
            if source.column:  # one of several sources: only its total has a column
                column = source.column if column == "total" else None
            if value is not None and column and value != computed[column]:
                out.append(Finding(f"Lời văn mục {section['budget']}, tổng vốn "
                                   f"{fmt.lower_first(source.name)}", _money(value),
                                   _money(computed[column]), "cộng các dự án của Biểu số 02",
                                   "text-total"))
    return out


def text_target(plan: Plan) -> list[Finding]:
    """The locality's target rate in the text (section II) against Biểu số 01."""
    stated = plan.text.targets.text_figures.get("rate_target")
    if stated is None:
        return []
    totals = derive.totals(plan)
    where = f"{derive.sections(plan)['targets']}.1"
    out = []
    if round(totals.rate_target, RATE_DIGITS) != round(stated, RATE_DIGITS):
        out.append(Finding(f"Lời văn mục {where}, tỷ lệ hộ nghèo năm kế hoạch",
                           _rate_text(stated), _rate_text(totals.rate_target),
                           f"{fmt.number(totals.poor_target)} / {fmt.number(totals.households)} hộ "
                           "theo Biểu số 01", "text-target"))
    if round(plan.units_total.rate_target, RATE_DIGITS) != round(stated, RATE_DIGITS):
        out.append(Finding(f"Lời văn mục {where} và dòng Tổng cộng của Biểu số 01",
                           _rate_text(stated), _rate_text(plan.units_total.rate_target),
                           "tỷ lệ in ở dòng Tổng cộng", "text-target"))
    return out


def text_leads(plan: Plan) -> list[Finding]:
    """The lead agency named in the text against Biểu số 02, and a lead listed as its own
    partner."""
    section = derive.sections(plan)["projects"]
    out = []
    for row in derive.leaves(plan).itertuples():
        item = plan.project_text(row.tt)
        if item and item.lead:
            named = plan.alias_to_agency.get(normalise_name(item.lead), item.lead)
            if named != row.lead_agency:
                out.append(Finding(f"Mục {row.tt}: lời văn mục {section} và Biểu số 02",
                                   f"Lời văn: {item.lead}", f"Biểu số 02: {row.lead}",
                                   "cơ quan chủ trì"))
        if row.lead_agency in derive.partner_agencies(plan, row.partners):
            out.append(Finding(_budget_where(plan, row), f"Cơ quan phối hợp: {row.partners}",
                               f"Cơ quan chủ trì: {row.lead}",
                               "cơ quan chủ trì cũng được ghi là cơ quan phối hợp"))
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
    return [Finding(f"Biểu số 02 năm {plan.year}, {r['name']}", _money(r.carry_over),
                    _money(r.funds), f"vốn năm {plan.previous_year} chuyển sang lớn hơn kinh "
                    f"phí năm {plan.previous_year} của dự án")
            for _, r in table.iterrows() if r.carry_over > r.funds]


def _has_previous(plan: Plan) -> bool:
    return plan.previous is not None


CHECKS = [
    Check("rate-prev", "Tỷ lệ hộ nghèo năm trước của từng {units}",
          "Tỷ lệ in trong Biểu số 01 so với số hộ nghèo chia tổng số hộ dân cư, làm tròn "
          "2 chữ số thập phân.", lambda p, only=None: unit_rates(p, "rate_prev", "poor_prev", only),
          about=("unit",)),
    Check("rate-target", "Tỷ lệ hộ nghèo chỉ tiêu của từng {units}",
          "Tỷ lệ chỉ tiêu in trong Biểu số 01 so với chỉ tiêu số hộ nghèo chia tổng số hộ "
          "dân cư.", lambda p, only=None: unit_rates(p, "rate_target", "poor_target", only),
          about=("unit",)),
    Check("reduction", "Số hộ giảm của từng {units}",
          "Số hộ giảm in trong Biểu số 01 so với hiệu của số hộ nghèo năm trước và chỉ tiêu.",
          unit_reductions, about=("unit",)),
    Check("unit-totals", "Dòng Tổng cộng của Biểu số 01",
          "Các số của dòng Tổng cộng so với tổng các {units} và tỷ lệ tính lại.",
          unit_totals, about=("units-total",)),
    Check("budget-rows", "Vốn chuyển sang cộng vốn năm kế hoạch bằng kinh phí thực hiện",
          "Trên từng dòng của Biểu số 02 và dòng Tổng cộng.", budget_rows,
          about=("budget", "budget-total")),
    Check("budget-sources", "Các nguồn vốn cộng lại bằng kinh phí thực hiện",
          "Trên từng dòng của Biểu số 02 và dòng Tổng cộng, tổng các cột nguồn vốn so với cột "
          "kinh phí thực hiện.", budget_sources,
          applies=lambda plan: len(plan.text.funding.sources) > 1,
          about=("budget", "budget-total")),
    Check("project-subtotals", "Dự án bằng tổng các tiểu dự án",
          "Số in ở dòng dự án so với tổng các tiểu dự án của nó, ở cả {columns} cột kinh phí.",
          project_subtotals, about=("budget",)),
    Check("grand-total", "Tổng cộng bằng tổng các dự án",
          "Dòng Tổng cộng của Biểu số 02 so với tổng các dự án, ở cả {columns} cột kinh phí.",
          grand_total, about=("budget-total",)),
    Check("text-budget", "Kinh phí nêu trong lời văn khớp Biểu số 02",
          "Các số kinh phí ở mục {projects} (từng dự án, tiểu dự án) và mục {budget} (tổng vốn) "
          "so với Biểu số 02.", text_budget, about=("text", "text-total")),
    Check("text-target", "Mục tiêu tỷ lệ hộ nghèo trong lời văn khớp Biểu số 01",
          "Tỷ lệ nêu ở mục {targets}.1 so với tỷ lệ tính từ Biểu số 01 và tỷ lệ in ở dòng Tổng cộng.",
          text_target, about=("text-target",)),
    Check("units-vanished", "Các {units} của năm trước đều có trong năm nay",
          "Mỗi {units} trong Biểu số 01 năm trước có trong Biểu số 01 năm nay, cùng tên hoặc "
          "qua tệp crosswalk.csv (đổi tên, sáp nhập, chia tách).", vanished_units,
          applies=_has_previous),
    Check("carry-over", "Vốn chuyển sang không lớn hơn kinh phí năm trước",
          "Vốn năm trước chuyển sang của từng dự án so với kinh phí năm trước của dự án đó.",
          carry_over_above_funds, applies=_has_previous),
    Check("text-leads", "Cơ quan chủ trì thống nhất giữa lời văn và Biểu số 02",
          "Cơ quan chủ trì nêu ở mục {projects} so với cột Cơ quan chủ trì của Biểu số 02; cơ quan "
          "chủ trì không đồng thời được ghi là cơ quan phối hợp.", text_leads),
]


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
    words = {"units": plan.place.units, "all": plan.place.all,
             "columns": COUNT_WORDS.get(len(plan.money_columns), str(len(plan.money_columns))),
             **derive.sections(plan)}
    outcomes = []
    for check in CHECKS:
        if wanted is not None and not wanted & set(check.about) or not check.applies(plan):
            continue
        findings = check.find(plan, only) if only and check.about == ("unit",) else \
            check.find(plan)
        stray = {f.about for f in findings if f.about and kind(f.about) not in check.about}
        assert not stray, f"check {check.name} finds about {stray}, not in its about"
        outcomes.append(Outcome(check, check.title.format(**words),
                                check.explanation.format(**words), findings))
    return outcomes


def counts(outcomes: list[Outcome]) -> dict[str, int]:
    """How many checks ran, how many found something, how many findings in all."""
    return {"checks": len(outcomes), "failed": sum(not o.passed for o in outcomes),
            "findings": sum(len(o.findings) for o in outcomes)}


def summary(outcomes: list[Outcome]) -> str:
    """One line for the console: how many checks found how many disagreements."""
    n = counts(outcomes)
    return (f"Kiểm tra số liệu: {n['checks']} phép kiểm tra, {n['failed']} phép có điểm chưa "
            f"khớp, tổng {n['findings']} điểm (xem chương «Kiểm tra số liệu»).")
