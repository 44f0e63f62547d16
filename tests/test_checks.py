"""Honest checks: a check with nothing to compare says «Không áp dụng» and why, and is not
counted among the checks that ran (on the made-up commune's plan, its text figures removed)."""
import shutil

import yaml

from planbook import checks, fmt, tables, text
from planbook.data import load_plan

from conftest import EXAMPLES, LEGACY


def without(node, keys):
    """``node`` with every mapping's ``keys`` removed, at any depth."""
    if isinstance(node, dict):
        return {k: without(v, keys) for k, v in node.items() if k not in keys}
    if isinstance(node, list):
        return [without(v, keys) for v in node]
    return node


def test_a_check_with_nothing_to_compare_is_not_applicable(tmp_path):
    shutil.copytree(EXAMPLES / "commune" / "2026", tmp_path / "2026")
    path = tmp_path / "2026" / "plan.yaml"
    path.write_text(yaml.safe_dump(without(yaml.safe_load(path.read_text(encoding="utf-8")),
                                           {"text_figures"}), allow_unicode=True),
                    encoding="utf-8")
    plan = load_plan(tmp_path, 2026)
    outcomes = checks.run(plan)
    idle = {o.check.name: o.not_applicable for o in outcomes if not o.ran}
    assert set(idle) == {"text-figures"}
    assert "không nêu số liệu nào gắn với các biểu" in idle["text-figures"]
    assert not any(o.passed for o in outcomes if not o.ran), "not applicable is not «khớp»"
    n = checks.counts(outcomes)
    assert n["checks"] == len(outcomes) - 1 and n["not_applicable"] == 1
    assert "(1 phép không áp dụng)" in checks.summary(outcomes)
    chapter = text.checks(plan)
    assert chapter.count("**Kết quả: không áp dụng** — lời văn") == 1
    assert f"Kết quả: {n['checks']} phép kiểm tra (thêm 1 phép không áp dụng" in chapter
    assert "Không áp dụng" in tables.checks_overview(outcomes)
    assert "1 phép khác không áp dụng" in text.overview(plan)


def test_the_2023_plan_has_something_for_every_check(plan):
    assert all(o.ran for o in checks.run(plan))


# ------------------------------------------------- names across the plan: section III, Biểu 02

def with_project(tt, **changes):
    """The 2023 plan, as an earlier ``plan.yaml`` gave it (by field), with section III's text
    of project ``tt`` changed."""
    plan = load_plan(LEGACY, 2023)
    projects = [p.model_copy(update=changes) if p.tt == tt else p for p in plan.text.projects]
    plan.__dict__["text"] = plan.text.model_copy(update={"projects": projects})
    return plan


def names_found(plan):
    outcome = next(o for o in checks.run(plan) if o.check.name == "text-names")
    return [(f.about, f.cell, f.printed, f.computed) for f in outcome.findings]


def test_the_2023_plan_names_three_things_differently_in_section_iii_and_bieu_02(plan):
    """Checked against the signed plan: section III's 2.2 adds the labour office to the
    partners (Biểu 02 has the health office, the lead, instead), its 4.1 names no office
    where Biểu 02 adds the labour office, and its 4.2 is «Truyền thông về giảm nghèo đa chiều»
    where Biểu 02 prints «Tuyên truyền về giảm nghèo». Case («Tiểu Dự án»), «1.» for «1:»,
    «dịch vụ» for «Dịch vụ», and the agencies' other names are not differences."""
    assert names_found(plan) == [
        ("budget:2.2", "partners", "Phòng Lao động - TB&XH, các cơ quan, đơn vị, địa phương",
         "Phòng Y tế, Các đơn vị liên quan, UBND các phường, xã."),
        ("budget:4.1", "partners", "các cơ quan, đơn vị, địa phương",
         "Phòng Lao động- TB&XH, Các đơn vị liên quan, UBND các phường, xã."),
        ("budget:4.2", "name", "Tiểu dự án 2: Truyền thông về giảm nghèo đa chiều",
         "Tiểu Dự án 2: Tuyên truyền về giảm nghèo")]
    outcome = next(o for o in checks.run(plan) if o.check.name == "text-names")
    assert [f.note for f in outcome.findings][:2] == [
        "cơ quan phối hợp: lời văn có Phòng Lao động - TB&XH mà Biểu số 02 không có; Biểu số "
        "02 có Phòng Y tế mà lời văn không có",
        "cơ quan phối hợp: Biểu số 02 có Phòng Lao động - TB&XH mà lời văn không có"]


def test_a_renamed_project_is_a_finding_a_respelled_one_is_not():
    renamed = with_project("3.2", title="Tiểu dự án 3: Hỗ trợ việc làm")
    assert ("budget:3.2", "name", "Tiểu dự án 3: Hỗ trợ việc làm",
            "Tiểu dự án 3: Hỗ trợ việc làm bền vững") in names_found(renamed)
    renumbered = with_project("3.2", title="Tiểu dự án 2: Hỗ trợ việc làm bền vững")
    assert any(f[:2] == ("budget:3.2", "name") for f in names_found(renumbered))
    for spelling in ["TIỂU DỰ ÁN 3.  Hỗ trợ  việc làm bền vững.", "Hỗ trợ việc làm bền vững",
                     "Tiểu dự án 3 - Hỗ trợ việc làm bền vững;"]:
        assert not any(f[0] == "budget:3.2" for f in names_found(with_project(
            "3.2", title=spelling))), spelling
    assert checks.same_title("Dự án 2: Đa dạng hoá sinh kế", "Dự án 2: Đa dạng hóa sinh kế")


def test_a_different_partner_or_lead_is_a_finding_another_name_of_the_same_is_not():
    partner = with_project("3.1", partners="Phòng Y tế, các cơ quan, đơn vị, địa phương")
    found = [f for f in names_found(partner) if f[0] == "budget:3.1"]
    assert [f[1] for f in found] == ["partners"]
    outcome = next(o for o in checks.run(partner) if o.check.name == "text-names")
    note = next(f.note for f in outcome.findings if f.about == "budget:3.1")
    assert note == "cơ quan phối hợp: lời văn có Phòng Y tế mà Biểu số 02 không có"
    unknown = with_project("3.1", partners="Hội Nông dân, các cơ quan, đơn vị, địa phương")
    assert [f[1] for f in names_found(unknown) if f[0] == "budget:3.1"] == ["partners"]
    lead = with_project("3.1", lead="Phòng Y tế")
    assert [f[1:] for f in names_found(lead) if f[0] == "budget:3.1"] == [
        ("lead", "Phòng Y tế", "Phòng Lao động - TB&XH")]
    same = with_project("3.1", lead="Phòng Lao động - Thương binh và Xã hội",
                        partners="Các đơn vị liên quan và UBND các phường, xã.")
    assert not [f for f in names_found(same) if f[0] == "budget:3.1"]


def test_the_names_read_from_the_typed_sections_are_those_of_the_earlier_fields(plan):
    assert names_found(plan) == names_found(load_plan(LEGACY, 2023))


def test_a_project_of_section_iii_that_bieu_02_lacks_is_a_finding():
    plan = load_plan(LEGACY, 2023)
    extra = plan.text.projects[0].model_copy(update={"tt": "6", "title": "Dự án 8: Thêm"})
    plan.__dict__["text"] = plan.text.model_copy(
        update={"projects": [*plan.text.projects, extra]})
    assert ("text:6", "", "Dự án 8: Thêm", "không có") in names_found(plan)
    assert fmt.md_escape("Dự án 8: Thêm") in text.doubts(plan, form="bieu-02")


def test_the_commune_names_its_projects_alike_in_both_places():
    assert names_found(load_plan(EXAMPLES / "commune", 2026)) == []
