from pathlib import Path

import pandas as pd

from planbook import derive, fmt
from planbook.data import Plan


def test_totals_are_sums_of_unit_rows(plan):
    totals = derive.totals(plan)
    assert totals.units == len(plan.units)
    assert totals.households == plan.units.households.sum()
    assert totals.reduction == plan.units.poor_prev.sum() - plan.units.poor_target.sum()
    assert totals.rate_target == 100 * totals.poor_target / totals.households


def test_unit_rates_and_rank():
    units = pd.DataFrame({"tt": ["1", "2", "3"], "unit": ["A", "B", "C"],
                          "households": [100, 200, 50], "poor_prev": [2, 2, 1],
                          "poor_target": [1, 2, 1], "row": [2, 3, 4], "rate_prev": [2.0, 1.0, 2.0],
                          "rate_target": [1.0, 1.0, 2.0], "reduction": [1, 0, 0]})
    stub = Plan(Path("."), 2023)
    stub._unit_table = (units, None, Path("units.csv"), "", units)
    table = derive.units(stub)
    assert list(table.rate_target_calc) == [1.0, 1.0, 2.0]
    assert list(table.reduction_calc) == [1, 0, 0]
    assert list(table["rank"]) == [2, 2, 1]


def test_units_whose_printed_rates_are_equal_share_a_rank():
    """0.0891% and 0.0937% both print as 0,09%: the table shows them tied, so are they."""
    units = pd.DataFrame({"tt": ["1", "2", "3", "4"], "unit": ["A", "B", "C", "D"],
                          "households": [2244, 3202, 100, 1000],
                          "poor_prev": [2, 3, 1, 1], "poor_target": [2, 3, 1, 0],
                          "row": [2, 3, 4, 5], "rate_prev": [0.09, 0.09, 1.0, 0.1],
                          "rate_target": [0.09, 0.09, 1.0, 0.0], "reduction": [0, 0, 0, 1]})
    stub = Plan(Path("."), 2023)
    stub._unit_table = (units, None, Path("units.csv"), "", units)
    assert list(derive.units(stub)["rank"]) == [2, 2, 1, 4]


def test_the_2023_ranks_follow_the_printed_rates(plan):
    table = derive.units(plan)
    printed = table.rate_target_calc.map(fmt.percent)
    assert printed[table.unit == "Trần Phú"].item() == printed[table.unit == "Dĩnh Kế"].item()
    for rank, mine, rate in zip(table["rank"], printed, table.rate_target_calc):
        assert rank == 1 + sum(p != mine and r > rate
                               for p, r in zip(printed, table.rate_target_calc))


def test_project_sums_add_their_subprojects(plan):
    sums = derive.project_sums(plan)
    leaves = derive.leaves(plan)
    for project, row in sums.iterrows():
        mine = leaves[leaves.project == project]
        assert row.total_calc == mine.total.sum()
        assert row.new_funds_calc == mine.new_funds.sum()


def test_grand_total_counts_each_leaf_once(plan):
    leaves = derive.leaves(plan)
    assert derive.grand_total(plan)["total"] == leaves.total.sum()
    parents = set(leaves.project[~leaves.is_project])
    assert not any(leaves.is_project & leaves.project.isin(parents))


def test_roles_mark_each_leaf_lead_once(plan):
    roles = derive.roles(plan)
    for column in roles.columns:
        assert (roles[column] == "Chủ trì").sum() == 1


def test_partner_agencies_match_other_spellings(plan):
    found = derive.partner_agencies(plan, "Phòng Lao động- TB&XH, Các đơn vị liên quan, "
                                          "UBND các phường, xã.")
    assert found == ["Phòng Lao động - TB&XH", "Các cơ quan, đơn vị liên quan",
                     "UBND các phường, xã"]


def test_lead_shares_sum_to_hundred(plan):
    shares = derive.lead_shares(plan)
    assert abs(shares.share.sum() - 100) < 1e-9
    assert shares.total.sum() == derive.grand_total(plan)["total"]


def test_a_unit_page_checks_its_own_unit_only(plan):
    """checks.run asked about one unit finds what the full run finds about it, and nothing
    about other figures."""
    from planbook import checks
    everything = [(o.check.name, f) for o in checks.run(plan) for f in o.findings]
    for unit in plan.units.unit:
        mine = [(o.check.name, f) for o in checks.run(plan, [f"unit:{unit}"]) for f in o.findings]
        assert mine == [(name, f) for name, f in everything if f.about == f"unit:{unit}"]
    assert any(f.about.startswith("unit:") for _, f in everything)  # 2023 has some to find
