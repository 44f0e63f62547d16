"""Checks of Biểu số 01: each unit's rates and reduction, the total row, last year's units."""
from __future__ import annotations

from planbook import compare, derive, fmt
from planbook.checks.core import RATE_DIGITS, TOTAL_ROW, Finding, _rate_text, _unit_where, _units
from planbook.data import Plan


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
    where = f"Biểu số 01, dòng Tổng cộng ({plan.location('units.csv', total.row)})"
    out = []
    for column, computed, label in [("households", totals.households, "tổng số hộ dân cư"),
                                    ("poor_prev", totals.poor_prev, "số hộ nghèo năm trước"),
                                    ("poor_target", totals.poor_target, "chỉ tiêu số hộ nghèo"),
                                    ("reduction", int(plan.units.reduction.sum()),
                                     "số hộ giảm")]:
        if total[column] != computed:
            out.append(Finding(where, fmt.number(total[column]), fmt.number(computed),
                               f"{label}: cộng {fmt.number(totals.units)} {plan.locality.units}",
                               "units-total", TOTAL_ROW, column))
    for column, computed, label in [("rate_prev", totals.rate_prev, "tỷ lệ năm trước"),
                                    ("rate_target", totals.rate_target, "tỷ lệ chỉ tiêu")]:
        if round(computed, RATE_DIGITS) != round(total[column], RATE_DIGITS):
            out.append(Finding(where, _rate_text(total[column]), _rate_text(computed),
                               f"{label} {plan.locality.all}", "units-total", TOTAL_ROW, column))
    return out


def vanished_units(plan: Plan) -> list[Finding]:
    """Last year's units that match none of this year's, by name or ``crosswalk.csv``."""
    prev = plan.previous.units.set_index("unit")
    return [Finding(f"Biểu số 01 năm {plan.previous_year}, {unit} "
                    f"({plan.previous.location('units.csv', prev.loc[unit, 'row'])})", f"có trong kế hoạch năm {plan.previous_year}",
                    f"không có trong kế hoạch năm {plan.year}",
                    "nếu đã đổi tên, sáp nhập hay chia tách: ghi vào crosswalk.csv")
            for unit in compare.unit_results(plan).vanished]
