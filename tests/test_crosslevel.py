"""Across levels, without a build: a made-up province of four communes and wards, three of which
have a plan of their own and one of which the province prints differently
(examples/make_province.py), read as a site of several localities."""
import json
import shutil
import subprocess
import sys

import pytest

from planbook import checks, crosslevel, localities, overview, text
from planbook.data import DataError, load_plan

from conftest import EXAMPLES

PARENT, DIFFERS, AGREES = "tinh-tra-son", "xa-kim-bac", "xa-nam-chau"


def make(out, *options):
    subprocess.run([sys.executable, str(EXAMPLES / "make_province.py"), str(out), "--units",
                    "4", "--plans", "3", *options], check=True, capture_output=True)
    return out


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return make(tmp_path_factory.mktemp("site") / "tra-son", "--disagree", "1")


def plans_of(folder):
    return {(lc.key, year): load_plan(lc.folder, year)
            for lc in localities.find(folder) for year in lc.years}


def seen(folder, key, context):
    """A locality's plan as its book reads it: with what the other levels print."""
    return load_plan(folder / key, 2026, crosslevel.parameter(context))


def test_a_folder_of_localities_is_a_site_and_a_folder_of_years_is_not(folder):
    found = localities.find(folder)
    assert [lc.key for lc in found] == [PARENT, "xa-hoa-my", DIFFERS, AGREES]
    assert all(lc.years == (2026,) for lc in found)
    assert localities.find(EXAMPLES / "commune") == []


def test_two_folders_with_the_same_address_are_refused(tmp_path):
    site = make(tmp_path / "s")
    shutil.copytree(site / DIFFERS, site / "Xa Kim Bac")
    with pytest.raises(DataError) as err:
        localities.find(site)
    assert "cùng địa chỉ «xa-kim-bac»" in str(err.value)


def test_the_parent_and_its_children_are_paired_and_compared(folder):
    plans = plans_of(folder)
    pairs = crosslevel.pairs(plans, {})
    assert [(p.parent, p.child, p.unit) for p in pairs] == [
        (PARENT, DIFFERS, "Xã Kim Bắc"), (PARENT, AGREES, "Xã Nam Châu"),
        (PARENT, "xa-hoa-my", "Xã Hòa Mỹ")]
    differs = pairs[0]
    assert [(f.label, f.parent - f.child) for f in differs.findings] == [
        ("Số hộ dân cư", 10), ("Kinh phí (triệu đồng)", -5)]
    assert [f.form for f in differs.findings] == ["Biểu số 01", "Biểu số 03"]
    assert not pairs[1].findings and not pairs[2].findings
    assert len(pairs[1].figures) == 4  # households, poor at the start, target, funds
    assert [lc.key for lc in localities.order(localities.find(folder), pairs)][0] == PARENT


def test_a_name_written_differently_is_paired_through_the_crosswalk(tmp_path):
    site = make(tmp_path / "s")
    path = site / "xa-hoa-my" / "2026" / "plan.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: Hòa Mỹ", "name: Hoà Mỹ"),
                    encoding="utf-8")
    plans = plans_of(site)
    keys = {lc.folder.name: lc.key for lc in localities.find(site)}
    assert len(crosslevel.pairs(plans, crosslevel.read_crosswalk(site, keys))) == 2
    (site / crosslevel.CROSSWALK).write_text("unit,locality\nXã Hòa Mỹ,xa-hoa-my\n",
                                              encoding="utf-8")
    assert len(crosslevel.pairs(plans, crosslevel.read_crosswalk(site, keys))) == 3
    (site / crosslevel.CROSSWALK).write_text("unit,locality\nXã Hòa Mỹ,xa-hoa-my\n"
                                              "Xã Khác,khong-co\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        crosslevel.read_crosswalk(site, keys)
    assert f"{crosslevel.CROSSWALK}, dòng 3" in str(err.value) and "«khong-co»" in str(err.value)


def test_each_side_links_the_other_and_notes_the_difference(folder):
    plans = plans_of(folder)
    pairs = crosslevel.pairs(plans, {})
    parent = crosslevel.context((PARENT, 2026), pairs, plans)
    assert set(parent) == {"Xã Kim Bắc", "Xã Nam Châu", "Xã Hòa Mỹ"}
    assert parent["Xã Kim Bắc"]["href"] == "../../../../xa-kim-bac/2026/book/index.html"
    child = crosslevel.context((DIFFERS, 2026), pairs, plans)
    assert list(child) == [""]
    assert child[""]["href"] == "../../../tinh-tra-son/2026/book/units/01-xa-kim-bac.html"
    up = crosslevel.note(seen(folder, DIFFERS, child))
    down = crosslevel.note(seen(folder, PARENT, parent), "Xã Kim Bắc")
    for note in up, down:
        assert "chưa khớp (2 điểm)" in note and "**2.634**" in note and "**2.624**" in note
        assert "**980**" in note and "**985**" in note
    assert "tỉnh Trà Sơn ghi **2.634**" in up and "xã Kim Bắc cho **2.624**" in up
    agrees = crosslevel.note(seen(folder, PARENT, parent), "Xã Nam Châu")
    assert "chưa khớp" not in agrees and "khớp với các biểu" in agrees
    assert crosslevel.note(plans[AGREES, 2026]) == ""
    assert crosslevel.context(("xa-hoa-my", 2025), pairs, plans) == {}


def test_a_difference_across_levels_is_a_finding_in_both_books_where_the_figures_are(folder):
    plans = plans_of(folder)
    pairs = crosslevel.pairs(plans, {})
    parent = seen(folder, PARENT, crosslevel.context((PARENT, 2026), pairs, plans))
    child = seen(folder, DIFFERS, crosslevel.context((DIFFERS, 2026), pairs, plans))
    for plan, about in [(parent, ["unit:Xã Kim Bắc", "form:bieu-03:Xã Kim Bắc"]),
                        (child, ["units-total", "budget-total"])]:
        outcome = next(o for o in checks.run(plan) if o.check.name == "across-levels")
        assert [(f.about, f.cell, f.printed, f.computed) for f in outcome.findings] == [
            (about[0], "households", "2.634", "2.624"), (about[1], "total", "980", "985")]
        assert checks.counts(checks.run(plan))["findings"] >= 2
    assert "tỉnh Trà Sơn" in outcome.findings[0].where
    marked = checks.concerning(parent, *checks.FORMS["bieu-01"])
    assert [(f.item, f.cell) for o, f in marked if o.check.name == "across-levels"] == [
        ("Xã Kim Bắc", "households")]
    assert "2 điểm chưa khớp" in text.unit(parent, "Xã Kim Bắc")  # its rows of both forms
    assert "across-levels" not in {o.check.name for o in checks.run(plans[PARENT, 2026])}
    agrees = seen(folder, AGREES, crosslevel.context((AGREES, 2026), pairs, plans))
    assert next(o for o in checks.run(agrees) if o.check.name == "across-levels").passed


def test_a_name_from_the_data_stays_text_in_the_note(folder):
    shown = {"role": "child", "name": "<script>alert(1)</script> *x*", "href": "a.html",
             "figures": [{"label": "Số hộ dân cư", "parent": 1, "child": 2,
                          "form": "Biểu {x}"}]}
    note = crosslevel.note(load_plan(folder / PARENT, 2026, json.dumps({"X": shown})), "X")
    assert "<script>" not in note and "\\<script\\>" in note and "\\*x\\*" in note


def test_the_overview_puts_every_unit_side_by_side(folder, tmp_path):
    plans = plans_of(folder)
    pairs = crosslevel.pairs(plans, {})
    entry = overview.write(tmp_path, (PARENT, 2026), plans[PARENT, 2026], pairs, plans,
                           {DIFFERS, AGREES})
    assert entry == {"year": 2026, "href": "tinh-tra-son/tong-hop-2026/index.html"}
    page = (tmp_path / entry["href"]).read_text(encoding="utf-8")
    assert page.count('<th scope="row"') == 4
    assert page.count('class="differs"') == 4  # households and funds, on both sides
    assert 'href="../../xa-kim-bac/2026/book/index.html"' in page
    assert "xa-hoa-my/2026" not in page  # not published: named, not linked
    assert "2 trong 4" in page and "chưa có" in page
    folder_ = tmp_path / PARENT / "tong-hop-2026"
    csv = (folder_ / "tong-hop-2026.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(csv) == 5 and csv[1] == '1,"Xã Kim Bắc",2634,33,1.25,21,0.8,980,"có",2624,33,21,985'
    assert (folder_ / "tong-hop-2026.xlsx").is_file()
    assert b"<svg" in (folder_ / "ty-le.svg").read_bytes()


def test_a_book_runs_its_notebooks_one_at_a_time_beside_another():
    """A book building alone (an edit of one commune) runs as many notebooks at once as the
    machine has cores; beside another book, one at a time, in one kernel that keeps its plan."""
    with localities.notebooks_at_once() as alone:
        assert alone is None
        with localities.notebooks_at_once() as beside:
            assert beside == 1
    with localities.notebooks_at_once() as again:
        assert again is None
