"""Honest checks: a check with nothing to compare says «Không áp dụng» and why, and is not
counted among the checks that ran (on the made-up commune's plan, its text figures removed)."""
import shutil

import yaml

from planbook import checks, tables, text
from planbook.data import load_plan

from conftest import EXAMPLES


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
    assert set(idle) == {"text-budget", "text-target"}
    assert "không nêu số kinh phí nào" in idle["text-budget"]
    assert not any(o.passed for o in outcomes if not o.ran), "not applicable is not «khớp»"
    n = checks.counts(outcomes)
    assert n["checks"] == len(outcomes) - 2 and n["not_applicable"] == 2
    assert "(2 phép không áp dụng)" in checks.summary(outcomes)
    chapter = text.checks(plan)
    assert chapter.count("**Kết quả: không áp dụng** — lời văn") == 2
    assert f"Kết quả: {n['checks']} phép kiểm tra (thêm 2 phép không áp dụng" in chapter
    assert "Không áp dụng" in tables.checks_overview(outcomes)
    assert "2 phép khác không áp dụng" in text.overview(plan)


def test_the_2023_plan_has_something_for_every_check(plan):
    assert all(o.ran for o in checks.run(plan))
