"""The clerk's workbook: laid out like the printed forms, read back with the same messages as
the CSV files, and a year typed into it builds the same book as the same figures in CSV."""
import csv
import re
import shutil

import pytest
from openpyxl import load_workbook

from planbook.clerk.newyear import new_year
from planbook.clerk.workbook import KEYS_ROW, write_workbook
from planbook.data import DataError, load_plan

from conftest import DATA, MADE_UP, build, scratch_project
from page_text import page_texts

INPUTS = {"Biểu 01": ["households", "poor_prev", "poor_target"],
          "Biểu 02": ["carry_over", "new_funds"]}


def made_up_rows(name):
    with open(MADE_UP / "2024" / name, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def type_in(path):
    """Type the made-up 2024 figures into a new year's workbook, as a clerk would: only the
    cells the form leaves to the clerk; the formulas stay."""
    book = load_workbook(path)
    for sheet_name, csv_name in (("Biểu 01", "units.csv"), ("Biểu 02", "budget.csv")):
        sheet = book[sheet_name]
        keys = [c.value for c in sheet[KEYS_ROW]]
        for i, row in enumerate(made_up_rows(csv_name)[:-1]):
            for name in INPUTS[sheet_name]:
                cell = sheet.cell(KEYS_ROW + 1 + i, keys.index(name) + 1)
                if cell.value is None and row[name]:
                    cell.value = int(row[name])
    book.save(path)


@pytest.fixture(scope="module")
def typed(tmp_path_factory):
    """A project whose 2024 was started with new-year, turned into a workbook, typed in."""
    project = scratch_project(tmp_path_factory.mktemp("workbook"))
    folder = new_year(project / "data", 2024)
    write_workbook(folder)
    shutil.copy(MADE_UP / "2024" / "plan.yaml", folder / "plan.yaml")  # the clerk's text
    type_in(folder / "ke-hoach.xlsx")
    return project


def test_the_workbook_is_laid_out_like_the_forms(typed):
    folder = typed / "data" / "2024"
    assert sorted(p.name for p in folder.iterdir()) == ["ke-hoach.xlsx", "plan.yaml"]
    book = load_workbook(folder / "ke-hoach.xlsx")
    assert book.sheetnames == ["Biểu 01", "Biểu 02", "Cơ quan", "Đối chiếu"]
    units = book["Biểu 01"]
    assert units["A1"].value == "BIỂU SỐ 01: CHỈ TIÊU KẾ HOẠCH GIẢM NGHÈO NĂM 2024"  # as printed
    assert units["A2"].value.startswith("(Kèm theo Kế hoạch số …/KH-UBND")
    assert [units.cell(4, j).value for j in (1, 2, 3, 4)] == [
        "TT", "Phường, xã", "Tổng số hộ dân cư", "Kết quả thực hiện năm 2023"]
    assert [units.cell(5, j).value for j in (4, 5)] == ["Số hộ", "Tỷ lệ (%)"]
    assert "D4:E4" in {str(r) for r in units.merged_cells.ranges}
    assert units["E7"].value == "=IF(C7>0,ROUND(D7/C7*100,2),0)"  # the rate: a formula
    assert units["E7"].number_format == "0.00" and units["C7"].number_format == "#,##0"
    assert units["C23"].value == "=SUM(C7:C22)"
    budget = book["Biểu 02"]
    lists = budget.data_validations.dataValidation
    agencies = len(load_plan(DATA, 2023).agencies)
    assert lists and lists[0].formula1 == f"'Cơ quan'!$A$7:$A${6 + agencies}"
    assert str(lists[0].sqref) == "F7:F20"  # the lead column, every row
    assert budget["C8"].value == "=SUM(C9,C10)"  # a project: the sum of its sub-projects


def test_a_typed_workbook_builds_the_same_book_as_the_csv_files(typed, two_years):
    result = build(typed, 2024)
    assert result.returncode == 0, result.stderr

    def texts(project):
        return [re.sub(r"\((budget|units)\.csv dòng \d+\)|\(ke-hoach\.xlsx, trang «[^»]+», "
                       r"dòng \d+\)", "(…)", text)
                for _, text in page_texts(project / "_build" / "html" / "2024")]

    assert texts(typed) == texts(two_years)
    checks = (typed / "_build" / "html" / "2024" / "book" / "checks.html").read_text()
    assert "ke-hoach.xlsx, trang «Biểu 02», dòng 10" in checks


def test_workbook_messages_name_the_sheet_row_and_column(typed, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(typed / "data", data)
    path = data / "2024" / "ke-hoach.xlsx"
    book = load_workbook(path)
    book["Biểu 01"]["C8"] = "hai nghìn"
    book["Biểu 01"]["D9"] = None
    book.save(path)
    with pytest.raises(DataError) as error:
        load_plan(data, 2024).validate()
    message = str(error.value)
    assert (f"Sổ {path}, trang «Biểu 01», dòng 8 (Lê Lợi), cột 'households' (Tổng số hộ dân "
            "cư): giá trị 'hai nghìn' — cần một số nguyên") in message
    assert f"Sổ {path}, trang «Biểu 01», dòng 9 (Hoàng Văn Thụ): chưa điền poor_prev" in message
    shutil.copy(DATA / "2023" / "units.csv", data / "2024" / "units.csv")
    with pytest.raises(DataError, match="có cả sổ ke-hoach.xlsx và tệp units.csv"):
        load_plan(data, 2024).validate()


def test_a_published_year_round_trips_through_the_workbook(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA / "2023", data / "csv" / "2023")
    shutil.copytree(DATA / "2023", data / "book" / "2023")
    write_workbook(data / "book" / "2023")
    csv, book = load_plan(data / "csv", 2023), load_plan(data / "book", 2023)
    columns = ["tt", "unit", "households", "poor_prev", "rate_prev", "poor_target",
               "rate_target", "reduction"]
    assert book.units[columns].equals(csv.units[columns])
    assert book.units_total[columns[2:]].equals(csv.units_total[columns[2:]])
    money = ["tt", "name", "total", "carry_over", "new_funds", "lead", "content", "partners"]
    assert book.budget[money].equals(csv.budget[money])
