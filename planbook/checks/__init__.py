"""Consistency checks: what the plan prints against what its own numbers imply.

Each check compares printed values (rates, reductions, subtotals, totals, figures stated in the
text) with values recomputed from the plan's own counts and amounts, at the printed precision,
and the names the text gives its projects and agencies with those of Biểu số 02 (one module
per form or source: units, budget, text, described; what a check is: core).
A check never stops the build: its findings are listed in the book's "Kiểm tra số liệu"
chapter, noted under the form they concern and printed as warnings by the build.
"""
from __future__ import annotations

from collections.abc import Iterable

from planbook import derive, plantext
from planbook.checks.across import across_levels
from planbook.checks.budget import (
    budget_rows,
    budget_sources,
    carry_over_above_funds,
    grand_total,
    lead_partner,
    project_subtotals,
)
from planbook.checks.core import COUNT_WORDS, FORMS, Check, Finding, Outcome
from planbook.checks.described import (
    _has_subtotals,
    _states_relations,
    form_about,
    form_relations,
    form_rows,
    form_subtotals,
)
from planbook.checks.text import _no_text_figures, same_title, text_figures, text_names
from planbook.checks.units import unit_rates, unit_reductions, unit_totals, vanished_units
from planbook.data import Plan

__all__ = ["CHECKS", "FORMS", "Check", "Finding", "Outcome", "concerning", "counts",
           "form_about", "form_rows", "kind", "run", "same_title", "summary"]


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
    Check("across-levels", "Số liệu giữa hai cấp: kế hoạch cấp trên và kế hoạch của từng đơn vị",
          "Số hộ dân cư, số hộ nghèo đầu năm, chỉ tiêu hộ nghèo (và kinh phí, nếu kế hoạch cấp "
          "trên phân bổ theo đơn vị) mà kế hoạch cấp trên ghi cho một đơn vị có kế hoạch riêng, "
          "so với các biểu của chính kế hoạch đó.", across_levels,
          applies=lambda plan: bool(plan.across), about=("unit", "units-total", "form",
                                                          "budget-total"),
          says="Kế hoạch cấp trên và kế hoạch của đơn vị ghi khác nhau",
          sides=("kế hoạch cấp trên ghi", "kế hoạch của đơn vị cho")),
]

def kind(about: str) -> str:
    """The kind of figure a finding is about: ``unit`` for ``unit:Đa Mai``."""
    return about.partition(":")[0]


def run(plan: Plan, about: Iterable[str] | None = None) -> list[Outcome]:
    """Every check, in order, with its findings; with ``about`` (``unit:Đa Mai``, ``unit:*``),
    only the checks whose findings can be about those figures, so that a unit's page reads
    only the data those checks compare, and checks only the units it names. Run once per plan
    and ``about``: the outcomes are shared."""
    return _run(plan, None if about is None else tuple(sorted(set(about))))


@derive.per_plan
def _run(plan: Plan, about: tuple[str, ...] | None) -> list[Outcome]:
    wanted = None if about is None else {kind(key) for key in about}
    names = {key.partition(":")[2] for key in about or [] if kind(key) == "unit"}
    only = names if names and not any(name.endswith("*") for name in names) else None
    words = {"units": plan.locality.units, "all": plan.locality.all, "year": plan.year,
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
