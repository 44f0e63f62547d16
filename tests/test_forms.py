"""The forms (Biểu) described once (planbook/forms.py): Biểu số 01 and 02 by default as the
plans built so far print them; a year's forms.yaml adds columns, group rows with subtotals and
forms of its own (examples/province, made up); every relation and subtotal it states checked;
the site's, the PDF's, the downloads' and the workbook's headers from the one description."""
import re
import shutil

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from planbook import checks, derive, forms, printed
from planbook.clerk.workbook import KEYS_ROW, write_workbook
from planbook.data import DataError, load_plan

from conftest import EXAMPLES, build, scratch_project

PROVINCE = EXAMPLES / "province"


def province_with(tmp_path, name, old, new, count=1):
    """A copy of the made-up province's data with ``old`` replaced by ``new`` in one file."""
    data = tmp_path / "data"
    shutil.copytree(PROVINCE, data)
    path = data / "2026" / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return data


def findings(plan, name):
    """The findings of a check, but those about the example's one wrong figure (Biểu số 03's
    subtotal «III. Các phường»)."""
    return [f for o in checks.run(plan) if o.check.name == name for f in o.findings
            if f.about != "form:bieu-03:Các phường"]


def test_the_default_forms_are_the_forms_printed_so_far(plan):
    units, budget = plan.forms[forms.UNITS], plan.forms[forms.BUDGET]
    assert units.title == ("BIỂU SỐ 01: CHỈ TIÊU KẾ HOẠCH GIẢM NGHÈO NĂM 2023",)
    assert units.header() == ["TT", "Phường, xã", "Tổng số hộ dân cư",
                              ("Kết quả thực hiện năm 2022", ["Số hộ", "Tỷ lệ (%)"]),
                              ("Chỉ tiêu năm 2023", ["Số hộ", "Tỷ lệ (%)"]), "Số hộ giảm"]
    assert budget.header() == ["TT", "Tên dự án, tiểu dự án", "Kinh phí thực hiện (triệu đồng)",
                               ("Trong đó", ["Vốn năm 2022 chuyển sang", "Vốn năm 2023"]),
                               "Cơ quan chủ trì", "Nội dung thực hiện dự án, tiểu dự án",
                               "Cơ quan phối hợp thực hiện dự án, tiểu dự án"]
    assert [f.name for f in plan.forms] == ["bieu-01", "bieu-02"] and not plan.forms.extra
    assert units.column("rate_prev").relations[0].text == "poor_prev / households"
    commune = load_plan(EXAMPLES / "commune", 2026).forms[forms.BUDGET]
    assert commune.header()[3][1][2:] == ["Ngân sách Trung ương", "Ngân sách địa phương"]
    assert [r.text for r in commune.column("total").relations] == [
        "carry_over + new_funds", "central + local"]


def test_the_default_forms_add_no_check_to_a_plan_that_describes_none(plan):
    names = [o.check.name for o in checks.run(plan)]
    assert "form-relations" not in names and "form-subtotals" not in names


def test_relations_are_read_and_computed():
    ratio = forms.Relation.parse("poor / households")
    assert ratio.ratio and ratio.value({"poor": 3, "households": 400}) == 0.75
    assert ratio.value({"poor": 3, "households": 0}) == 0.0
    difference = forms.Relation.parse("a + b - c")
    assert difference.terms == ((1, "a"), (1, "b"), (-1, "c"))
    assert difference.value({"a": 5, "b": None, "c": 2}) == 3  # a blank amount counts 0
    for wrong in ("a * b", "a", "a / b / c", "A + B"):
        with pytest.raises(ValueError):
            forms.Relation.parse(wrong)


def test_group_rows_are_subtotals_not_units():
    plan = load_plan(PROVINCE, 2026)
    rows = plan.unit_rows
    assert list(rows.tt[rows.is_group]) == ["I", "II", "III"]
    assert len(plan.units) == 12 and "Các phường" not in set(plan.units.unit)
    assert len(derive.unit_pages(plan)) == 12 and derive.totals(plan).units == 12
    assert list(rows.group[rows.unit == "Phường Trà Giang"]) == ["III"]
    allocation, total = plan.form_table("bieu-03")
    assert allocation.is_group.sum() == 3 and total.unit == "Tổng cộng"


def test_the_province_finds_its_one_wrong_subtotal_and_the_total_it_breaks():
    plan = load_plan(PROVINCE, 2026)
    found = [f for o in checks.run(plan) for f in o.findings]
    assert {(f.about, f.cell, f.printed, f.computed) for f in found} == {
        ("form:bieu-03:Các phường", "project_2", "320", "330"),
        ("form:bieu-03:Các phường", "total", "730", "720")}
    assert all(f.item == "III. Các phường" and "allocation.csv dòng 12" in f.where
               for f in found)


def test_a_wrong_rate_of_a_described_column_is_found_on_its_unit(tmp_path):
    data = province_with(tmp_path, "units.csv", "1864,402,21.57,311,16.68",
                         "1864,402,21.57,311,16.88")
    plan = load_plan(data, 2026)
    [finding] = findings(plan, "form-relations")
    assert (finding.about, finding.cell, finding.printed, finding.computed) == (
        "unit:Xã Ba Khe", "near_poor_rate_prev", "16,88%", "16,68%")
    assert finding.note == "Số hộ (Hộ cận nghèo đầu năm 2026) 311 / Tổng số hộ dân cư 1.864"
    assert checks.concerning(plan, "unit:Xã Ba Khe")  # noted on the unit's page


def test_a_wrong_group_row_and_a_wrong_total_are_found(tmp_path):
    data = province_with(tmp_path, "units.csv", "II,Các xã đồng bằng,15930,434,2.72,778",
                         "II,Các xã đồng bằng,15930,434,2.72,779")
    plan = load_plan(data, 2026)
    [subtotal] = findings(plan, "form-subtotals")
    assert (subtotal.about, subtotal.cell, subtotal.printed, subtotal.computed) == (
        "form:bieu-01:Các xã đồng bằng", "near_poor_prev", "779", "778")
    [rate] = findings(plan, "form-relations")  # its rate no longer follows from it
    assert (rate.cell, rate.printed, rate.computed) == ("near_poor_rate_prev", "4,88%", "4,89%")
    data = province_with(tmp_path / "total", "units.csv", ",Tổng cộng,54778,1999,3.65,2396",
                         ",Tổng cộng,54778,1999,3.65,2395")
    [total] = findings(load_plan(data, 2026), "form-subtotals")
    assert (total.about, total.cell, total.computed) == ("units-total", "near_poor_prev", "2.396")


def test_a_wrong_sum_of_an_allocation_row_is_found(tmp_path):
    data = province_with(tmp_path, "allocation.csv", "1,Xã Ba Khe,5130,4650,",
                         "1,Xã Ba Khe,5130,4560,")
    found = findings(load_plan(data, 2026), "form-relations")
    assert {(f.about, f.cell) for f in found} >= {("form:bieu-03:Xã Ba Khe", "central"),
                                                  ("form:bieu-03:Xã Ba Khe", "total")}


def test_a_column_no_form_describes_gets_a_clerk_message(tmp_path):
    data = province_with(tmp_path, "allocation.csv", "project_6\n", "project_6,ghi_chu\n")
    plan = load_plan(data, 2026)
    plan.validate()
    assert any("allocation.csv" in note and "cột 'ghi_chu' không có trong mẫu biểu" in note
               for note in plan.notes)


@pytest.mark.parametrize("old, new, said", [
    ("{key: near_poor_prev, label: Số hộ, kind: count", "{key: near_poor_prev, label: Số hộ, "
     "kind: counts", "kiểu cột 'counts' không có"),
    ("is: near_poor_prev / households", "is: near_poor / households",
     "nhắc tới cột near_poor mà biểu không có"),
    ("is: poor_prev - poor_target", "is: poor_prev / poor_target", "không hợp"),
    ("      - {key: reduction, label: Số hộ nghèo giảm, kind: count, width: 7,\n"
     "         is: poor_prev - poor_target}\n", "", "thiếu cột reduction (kiểu count)"),
    ("file: allocation.csv", "file: units.csv", "tệp units.csv là của biểu khác"),
    ("file: allocation.csv", "file: wards.csv", "tệp wards.csv là của biểu khác"),
    ("file: units.csv", "file: dan-so.csv", "biểu đọc từ tệp units.csv, không phải dan-so.csv"),
])
def test_a_wrong_description_gets_a_clerk_message(tmp_path, old, new, said):
    data = province_with(tmp_path, "forms.yaml", old, new)
    with pytest.raises(DataError) as err:
        load_plan(data, 2026).validate()
    assert said in str(err.value) and "forms.yaml" in str(err.value)



@pytest.mark.parametrize("name", ["units.csv", "wards.csv"])
def test_a_description_giving_bieu_01_its_earlier_file_still_reads(tmp_path, name):
    """A forms.yaml written when Biểu số 01 was wards.csv (new-year carries it over as it is)
    reads, whichever name the year's file has; a row is named in the file the year has."""
    data = province_with(tmp_path, "forms.yaml", "file: units.csv", "file: wards.csv")
    (data / "2026" / "units.csv").rename(data / "2026" / name)
    plan = load_plan(data, 2026)
    plan.validate()
    assert plan.location(plan.forms[forms.UNITS].file, 8) == f"{name} dòng 8"

def test_a_wrong_figure_of_a_described_form_is_named_at_its_cell(tmp_path):
    data = province_with(tmp_path, "allocation.csv", "2,Xã Lũng Tiên,4420,", "2,Xã Lũng Tiên,-4420,")
    with pytest.raises(DataError) as err:
        load_plan(data, 2026).validate()
    assert "allocation.csv, dòng 4 (Xã Lũng Tiên), cột 'total' (Tổng cộng)" in str(err.value)


def labels_of(html: str) -> list[str]:
    """A form's header cells on the site, one label per column (a group's joined)."""
    head = BeautifulSoup(html, "html.parser").thead.find_all("tr")
    sub = iter(th.get_text() for th in head[1].find_all("th"))
    out = []
    for th in head[0].find_all("th"):
        if th.get("colspan"):
            out += [f"{th.get_text()} - {next(sub)}" for _ in range(int(th["colspan"]))]
        else:
            out.append(th.get_text())
    return out


def test_the_site_the_pdf_the_downloads_and_the_workbook_have_one_header(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(PROVINCE, data)
    plan = load_plan(data, 2026)
    form = plan.forms[forms.UNITS]
    headings = [c.heading for c in form.columns]
    shown = str(printed.form(plan, forms.UNITS))
    html = re.search(r"<table.*?</table>", shown, re.S)[0]
    assert labels_of(html) == headings
    latex = shown.partition("{raw} latex")[2]
    assert all(re.sub(r"([%&])", r"\\\1", c.label) in latex for c in form.columns)
    assert all(c.group in latex for c in form.columns if c.group)
    folder = data / "2026"
    write_workbook(folder)
    sheet = load_workbook(folder / "ke-hoach.xlsx")["Biểu 01"]
    keys = [cell.value for cell in sheet[KEYS_ROW]]
    assert keys[:len(form.columns)] == form.keys  # in the form's order
    groups, labels = [cell.value for cell in sheet[4]], [cell.value for cell in sheet[5]]
    group = ""
    excel = []
    for j, column in enumerate(form.columns):
        group = groups[j] or group if column.group else ""
        excel.append(f"{group} - {labels[j]}" if column.group else groups[j])
    assert excel == headings
    assert sheet["A1"].value == form.title[0]


def test_the_workbook_computes_a_described_form_as_its_checks_do(tmp_path):
    """A blank rate, subtotal or total of a described Biểu 01 becomes the formula its
    description gives, and reads back as the figure the CSV file had."""
    data = tmp_path / "data"
    shutil.copytree(PROVINCE, data)
    folder = data / "2026"
    expected = load_plan(data, 2026).unit_rows.drop(columns=["row"])
    path = folder / "units.csv"
    text = path.read_text(encoding="utf-8")
    text = text.replace("II,Các xã đồng bằng,15930,434,2.72,778,4.88,",
                        "II,Các xã đồng bằng,,,,,,")
    text = text.replace("1,Xã Ba Khe,1864,402,21.57,311,16.68,377,93.78",
                        "1,Xã Ba Khe,1864,402,,311,,377,")
    text = text.replace(",Tổng cộng,54778,1999,3.65,2396,4.37,", ",Tổng cộng,,,,,,")
    path.write_text(text, encoding="utf-8")
    write_workbook(folder)
    sheet = load_workbook(folder / "ke-hoach.xlsx")["Biểu 01"]
    assert sheet["E8"].value == "=IF(C8>0,ROUND(D8/C8*100,2),0)"
    assert sheet["C12"].value == "=SUM(C13:C16)"  # group II: its four communes
    assert sheet["C22"].value == "=SUM(C8:C11,C13:C16,C18:C21)"  # the units, not the groups
    plan = load_plan(data, 2026)
    read = plan.unit_rows.drop(columns=["row"])
    assert read.astype(str).equals(expected.astype(str))
    assert plan.units_total.households == 54778


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    project = scratch_project(tmp_path_factory.mktemp("province"), PROVINCE)
    result = build(project)
    assert result.returncode == 0, result.stderr
    return project / "_build" / "html" / "2026"


def soup(path):
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_the_province_book_prints_its_three_forms(province):
    page = soup(province / "book" / "appendix.html")
    assert [t["id"] for t in page.find_all("table", class_="planbook-form")] == [
        "bieu-01", "bieu-02", "bieu-03"]
    assert "Ba biểu kèm theo kế hoạch" in page.get_text()
    allocation = page.find("table", id="bieu-03")
    marked = [td.parent.find_all("td")[1].get_text(strip=True)
              for td in allocation.select("td.planbook-flagged")]
    assert marked == ["Các phường", "Các phường"]
    units = page.find("table", id="bieu-01")
    bold = [tr.find_all("td")[1].get_text(strip=True) for tr in units.tbody.find_all("tr")
            if tr.find_all("td")[1].strong]
    assert bold == ["Các xã miền núi", "Các xã đồng bằng", "Các phường", "Tổng cộng"]
    assert "Ghi chú dưới biểu: 2 điểm chưa khớp" in page.get_text()


def test_a_unit_page_shows_its_whole_row_and_its_allocation(province):
    pages = sorted((province / "book" / "units").glob("*.html"))
    assert len(pages) == 12  # the group rows have none
    page = soup(pages[0]).get_text(" ", strip=True)
    assert "Xã Ba Khe: dòng của Biểu số 01" in page and "Xã Ba Khe: dòng của Biểu số 03" in page
    assert "Hộ cận nghèo đầu năm 2026 - Số hộ 311" in page
    assert "Ngân sách Trung ương - Đầu tư phát triển 3.200" in page
    assert list(province.glob("*.pdf"))
