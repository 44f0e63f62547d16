"""Hostile and careless Excel input: no formula travels into a download or the clerk's workbook,
no text typed in Excel changes a figure, a file that is not a workbook gets a clerk message, and
nothing is lost without a word. The names and files here are made up (tests/hostile/excel/)."""
import csv
import io
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from functools import cache
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from planbook import downloads
from planbook.__main__ import make_workbook, start_year
from planbook.clerk.workbook import write_workbook
from planbook.data import (
    AGENCY_COLUMNS,
    CROSSWALK_COLUMNS,
    SHEETS,
    WORKBOOK,
    DataError,
    budget_columns,
    load_plan,
    load_text,
    parse_table,
    unit_columns,
)
from planbook.data.excel import KEYS_ROW, read_sheet

from conftest import DATA, build, scratch_project

HOSTILE = Path(__file__).parent / "hostile" / "excel"
PAYLOADS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3", "#N/A"]
"""Made-up unit names a spreadsheet would take for a formula (or an error code)."""
FIGURES = ["households", "poor_prev", "rate_prev", "poor_target", "rate_target", "reduction"]
MONEY = ["total", "carry_over", "new_funds"]


def year_2023(tmp_path: Path) -> Path:
    """A data folder holding a copy of the 2023 plan (CSV files)."""
    shutil.copytree(DATA / "2023", tmp_path / "data" / "2023")
    return tmp_path / "data"


def edit_csv(path: Path, edit) -> None:
    """Rewrite a CSV file (as text) with ``edit`` applied to its frame."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    edit(frame).to_csv(path, index=False)


def same_plan(plan, other) -> None:
    assert plan.units[["unit", *FIGURES]].equals(other.units[["unit", *FIGURES]])
    assert plan.units_total[FIGURES].equals(other.units_total[FIGURES])
    assert plan.budget[["tt", "name", *MONEY]].equals(other.budget[["tt", "name", *MONEY]])
    assert plan.budget_total[MONEY].equals(other.budget_total[MONEY])


# ---------------------------------------------------------------------------- no formula travels


def test_downloads_keep_texts_as_texts_and_numbers_as_numbers():
    texts = [*PAYLOADS, "\t=1+1", "\r=1+1", "Phòng Y tế"]
    markup = downloads.attach("…", "Tên độc", "Tên độc: bảng", ["TT", "=Tên", "Giảm", "Số hộ"],
                              [[i, text, "−1", "1.234"] for i, text in enumerate(texts, 1)],
                              numeric=[2, 3])
    (table,) = downloads.metadata(markup)[downloads.KEY]
    data = downloads.csv_bytes(table).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data), quoting=csv.QUOTE_NONNUMERIC))  # unquoted: numbers
    assert rows[0] == ["TT", "'=Tên", "Giảm", "Số hộ"]
    for row, text in zip(rows[1:], texts):
        assert row[1] == ("'" + text if text[0] in "=+-@\t\r" else text)
        assert row[2:] == [-1, 1234], "a negative figure is a number, not a text"
    sheet = load_workbook(io.BytesIO(downloads.xlsx_bytes(table))).active
    assert (sheet["B1"].value, sheet["B1"].data_type) == ("=Tên", "s")
    for r, text in enumerate(texts, start=2):
        cell = sheet.cell(r, 2)
        assert (cell.value, cell.data_type) == (text.replace("\r", "\n"), "s"), "shown as typed"
        assert cell.quotePrefix == (text[0] in "=+-@\t\r"), "Excel keeps it text when edited"
        assert [(c.value, c.data_type) for c in sheet[r][2:]] == [(-1, "n"), (1234, "n")]


def test_a_year_named_with_formulas_builds_from_its_workbook_and_no_formula_travels(tmp_path):
    project = scratch_project(tmp_path / "project")
    folder = project / "data" / "2023"
    agency = "=1+1"
    edit_csv(folder / "units.csv", lambda f: f.assign(
        unit=[*PAYLOADS, *f.unit[len(PAYLOADS):]], ghi_chu=["=2+2", *[""] * (len(f) - 1)]))
    edit_csv(folder / "agencies.csv", lambda f: f.replace({"name": {"Phòng Y tế": agency}}))
    edit_csv(folder / "budget.csv", lambda f: f.replace(
        {"lead": {"Phòng Y tế": agency}, "name": {f.name[1]: "@SUM(A1:A9)"},
         "content": {f.content[3]: "-1+1 nội dung"}}))
    result = subprocess.run([sys.executable, "-m", "planbook", "workbook", "--year", "2023",
                             "--root", str(project)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    book = load_workbook(folder / WORKBOOK)
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type in ("f", "e")] == [], "no formula, no error"
    assert {c.value for c in cells if c.quotePrefix} >= {"=2+2", agency, *PAYLOADS[:4]}
    plan = load_plan(project / "data", 2023)
    assert list(plan.units.unit[:len(PAYLOADS)]) == PAYLOADS, "read back as typed"
    assert agency in set(plan.agencies.name) and "@SUM(A1:A9)" in set(plan.budget.name)

    result = build(project, 2023)
    assert result.returncode == 0, result.stderr
    found = set()
    for path in (project / "_build" / "html" / "2023" / "_downloads").rglob("*.csv"):
        text = path.read_text(encoding="utf-8-sig")
        for row in csv.reader(io.StringIO(text), quoting=csv.QUOTE_NONNUMERIC):
            texts = [v for v in row if isinstance(v, str)]  # quoted: a text
            assert not [v for v in texts if v.startswith(("=", "+", "-", "@", "\t", "\r"))], path
            found |= set(texts)
    assert {"'" + PAYLOADS[0], "'" + agency, "'@SUM(A1:A9)"} <= found
    found = set()
    for path in (project / "_build" / "html" / "2023" / "_downloads").rglob("*.xlsx"):
        for sheet in load_workbook(path).worksheets:
            for cell in (c for row in sheet.iter_rows() for c in row):
                assert cell.data_type not in ("f", "e"), (path, cell.coordinate, cell.value)
                found.add(cell.value)
    assert {PAYLOADS[0], agency, "@SUM(A1:A9)", "#N/A"} <= found


# ---------------------------------------------------------------------------- one reading


@pytest.mark.parametrize("kind, text, value", [
    ("int", "2.244", 2244), ("int", "2 244", 2244), ("int", "2\u00a0244", 2244),
    ("int", "2\u202f244", 2244), ("int", "1.234.567", 1234567), ("int", "-5", -5),
    ("int", "1.234 567", None), ("int", "2\t244", None), ("int", "2,244", None),
    ("int", "١٢", None), ("int", "２２", None),
    ("rate", "0,42", 0.42), ("rate", "0.42", 0.42), ("rate", "0,42%", 0.42),
    ("rate", "0,04 %", 0.04), ("rate", "nan", None), ("rate", "inf", None), ("rate", "1e1", None),
    ("rate", "1_0", None), ("rate", "١", None)])
def test_a_figure_typed_as_text_has_one_reading(kind, text, value):
    """As the clerk sees it, or refused: no separator but a dot or a space, ASCII digits only,
    nothing Python alone would read as a number (nan, 1e1, 1_0)."""
    columns = {"name": ("Tên", "text"), "figure": ("Số", kind)}
    frame = pd.DataFrame({"row": [2], "name": ["a"], "figure": [text]})
    if value is None:
        with pytest.raises(DataError, match="cột 'figure'"):
            parse_table(frame, columns, "name", "Tệp thử")
    else:
        assert parse_table(frame, columns, "name", "Tệp thử").figure[0] == value


def formula_workbook(tmp_path: Path) -> Path:
    """The 2023 plan as a workbook whose computed cells are the form's formulas, as a new
    year's are (blank in the CSV files: rates, project rows, totals; the published reductions
    are kept, some differ from the counts); openpyxl saves no value for them, so the reader
    computes them."""
    data = year_2023(tmp_path)
    folder = data / "2023"

    def units(frame):
        frame[["rate_prev", "rate_target"]] = ""
        frame.loc[frame.index[-1], FIGURES] = ""
        return frame

    def budget(frame):
        frame["total"] = ""
        parents = frame.tt.isin({t.split(".")[0] for t in frame.tt if "." in t}) | (frame.tt == "")
        frame.loc[parents, MONEY] = ""
        return frame

    edit_csv(folder / "units.csv", units)
    edit_csv(folder / "budget.csv", budget)
    write_workbook(folder)
    return data


def test_figures_typed_as_text_are_read_as_the_clerk_sees_them(tmp_path):
    data = formula_workbook(tmp_path)
    path = data / "2023" / WORKBOOK
    book = load_workbook(path)
    units, budget = book["Biểu 01"], book["Biểu 02"]
    assert units["E8"].value.startswith("=IF(") and units["H23"].value == "=SUM(H7:H22)"
    assert budget["C9"].value == "=D9+E9" and budget["D8"].value == "=SUM(D9,D10)"
    units["C8"] = "2.837"  # Lê Lợi's households, typed as text with a thousands dot
    units["C9"] = "3\u00a0393"  # a no-break space
    units["C10"] = "2 561"
    units["D7"] = "2"
    budget["E9"] = " 203 "  # sub-project 2.1's new funds
    budget["D9"] = "79"
    book.save(path)
    same_plan(load_plan(data, 2023), load_plan(DATA, 2023))


def test_a_figure_typed_wrong_is_named_at_its_own_cell_not_at_a_formula(tmp_path):
    data = formula_workbook(tmp_path)
    path = data / "2023" / WORKBOOK
    book = load_workbook(path)
    book["Biểu 01"]["C8"] = "2,837"  # a decimal comma: not a count of households
    book["Biểu 02"]["E9"] = "hai trăm"
    book.save(path)
    with pytest.raises(DataError) as error:
        load_plan(data, 2023).validate()
    message = str(error.value)
    assert (f"Sổ {path}, trang «Biểu 01», dòng 8 (Lê Lợi), cột 'households' (Tổng số hộ dân "
            "cư): giá trị '2,837' — cần một số nguyên") in message
    assert (f"Sổ {path}, trang «Biểu 02», dòng 9 (Tiểu dự án 1: Hỗ trợ phát triển sản xuất "
            "trong lĩnh vực nông nghiệp), cột 'new_funds'") in message
    assert "hai trăm" in message
    for formula in ("rate_prev", "reduction", "dòng 23", "cột 'total'", "dòng 8 (Dự án 3"):
        assert formula not in message, formula


def test_rates_shown_as_percentages_are_read_in_percent(tmp_path):
    data = year_2023(tmp_path)
    write_workbook(data / "2023")
    path = data / "2023" / WORKBOOK
    book = load_workbook(path)
    sheet = book["Biểu 01"]
    sheet["E7"], sheet["E7"].number_format = 0.0009, "0.00%"  # Excel shows 0,09%
    sheet["G8"] = "0,70%"
    sheet["E9"], sheet["E9"].number_format = 0.12, '0.00"%"'  # a % sign shown, not scaling
    sheet["G10"], sheet["G10"].number_format = 0.08, "0.00\\%"
    sheet["G11"], sheet["G11"].number_format = 0.0003, "#,##0.00 %;[Red]-0%"
    book.save(path)
    units = load_plan(data, 2023).units
    assert list(units.rate_prev[:3]) == [0.09, 0.70, 0.12]
    assert list(units.rate_target[1:5]) == [0.70, 0.12, 0.08, 0.03]


# ---------------------------------------------------------------------------- clerk messages

UNREADABLE = {"empty.xlsx": "trống (0 byte)", "encrypted.xlsx": "có đặt mật khẩu",
              "renamed-csv.xlsx": "không phải sổ Excel .xlsx",
              "truncated.xlsx": "bị hỏng hoặc chép chưa hết",
              "damaged.xlsx": "bị hỏng hoặc chép chưa hết"}


def workbook_year(tmp_path: Path, workbook: Path) -> Path:
    """A data folder whose 2023 is ``workbook`` (and plan.yaml)."""
    folder = tmp_path / "data" / "2023"
    folder.mkdir(parents=True)
    shutil.copy(DATA / "2023" / "plan.yaml", folder)
    shutil.copy(workbook, folder / WORKBOOK)
    return tmp_path / "data"


@pytest.mark.parametrize("name", sorted(UNREADABLE))
def test_a_file_that_is_not_a_workbook_gets_a_clerk_message(name, tmp_path):
    data = workbook_year(tmp_path, HOSTILE / name)
    with pytest.raises(DataError) as error:
        load_plan(data, 2023).validate()
    assert f"Sổ {data / '2023' / WORKBOOK} {UNREADABLE[name]}" in str(error.value)
    assert "hãy" in str(error.value).lower(), "it says what to do"


def test_the_build_stops_on_an_encrypted_workbook_without_a_traceback(tmp_path):
    workbook_year(tmp_path, HOSTILE / "encrypted.xlsx")
    result = subprocess.run([sys.executable, "-m", "planbook", "build", "--root", str(tmp_path),
                             "--year", "2023"], capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.startswith("Lỗi dữ liệu") and "Traceback" not in result.stderr
    assert "có đặt mật khẩu" in result.stderr and "bỏ mật khẩu" in result.stderr


@cache
def good_workbook() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        data = year_2023(Path(tmp))
        return write_workbook(data / "2023").read_bytes()


def damaged(cut: float, changes: list[tuple[float, int]]) -> bytes:
    """The good workbook with some bytes changed, then cut."""
    raw = bytearray(good_workbook())
    for at, byte in changes:
        raw[int(at * len(raw))] = byte
    return bytes(raw[:int(cut * len(raw))])


TABLES = {"units.csv": ("unit", unit_columns(load_text(DATA / "2023" / "plan.yaml").locality)),
          "budget.csv": ("name", budget_columns(load_text(DATA / "2023" / "plan.yaml").funding)),
          "agencies.csv": ("name", AGENCY_COLUMNS), "crosswalk.csv": ("old", CROSSWALK_COLUMNS)}


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.binary(max_size=2000), st.builds(damaged, st.floats(0, 1), st.lists(
    st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), max_size=4))))
def test_any_bytes_as_the_workbook_give_a_table_or_a_clerk_message(raw):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / WORKBOOK
        path.write_bytes(raw)
        for csv_name, (key, columns) in TABLES.items():
            try:
                read_sheet(path, csv_name, columns, key)
            except DataError as err:
                assert str(path) in str(err)


CSV_TEXT = st.lists(st.lists(st.text(max_size=6), min_size=7, max_size=9), max_size=4).map(
    lambda rows: "\n".join([",".join(unit_columns(load_text(DATA / "2023" / "plan.yaml").locality)),
                            *(",".join(row) for row in rows)]).encode())


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.binary(max_size=500), CSV_TEXT))
def test_any_bytes_as_a_csv_file_give_make_workbook_a_workbook_or_a_clerk_message(raw):
    with tempfile.TemporaryDirectory() as tmp:
        folder = year_2023(Path(tmp)) / "2023"
        (folder / "units.csv").write_bytes(raw)
        try:
            write_workbook(folder)
        except DataError:
            assert sorted(p.name for p in folder.iterdir()) == sorted(
                p.name for p in (DATA / "2023").iterdir()), "nothing written, nothing removed"
        else:
            assert sorted(p.name for p in folder.iterdir()) == [WORKBOOK, "plan.yaml"]


def test_make_workbook_refuses_a_csv_in_another_encoding_and_removes_nothing(tmp_path, capsys):
    folder = year_2023(tmp_path) / "2023"
    shutil.copy(HOSTILE / "units-cp1258.csv", folder / "units.csv")
    assert make_workbook(folder) == 2
    said = capsys.readouterr().err
    assert said.startswith("Chưa tạo được sổ Excel")
    assert f"Tệp {folder / 'units.csv'} không phải mã UTF-8" in said and "CSV UTF-8" in said
    assert not (folder / WORKBOOK).exists() and (folder / "units.csv").is_file()


def test_make_workbook_refuses_a_control_character_with_its_cell(tmp_path):
    folder = year_2023(tmp_path) / "2023"
    edit_csv(folder / "agencies.csv", lambda f: f.replace({"name": {"Phòng Y tế": "Phòng\x01Y tế"}}))
    with pytest.raises(DataError, match=r"agencies.csv, dòng 4, cột 'name': có ký tự điều khiển "
                                        r"U\+0001"):
        write_workbook(folder)
    assert not (folder / WORKBOOK).exists()


# ---------------------------------------------------------------------------- nothing lost


def test_make_workbook_keeps_the_clerks_own_columns(tmp_path):
    data = year_2023(tmp_path)
    folder = data / "2023"
    edit_csv(folder / "units.csv", lambda f: pd.concat([f.assign(
        ghi_chu=["Sáp nhập năm 2025", *[""] * (len(f) - 1)]), pd.DataFrame(
            [dict.fromkeys(f.columns, "") | {"ghi_chu": "Số liệu ngày 31/12"}])]))
    edit_csv(folder / "agencies.csv", lambda f: f.assign(dien_thoai="0204 3854 000"))
    write_workbook(folder)
    book = load_workbook(folder / WORKBOOK)
    units = book["Biểu 01"]
    keys = [c.value for c in units[KEYS_ROW]]
    assert keys[-1] == "ghi_chu" and units.cell(4, len(keys)).value == "ghi_chu"
    assert units.cell(KEYS_ROW + 1, len(keys)).value == "Sáp nhập năm 2025"
    assert units.cell(KEYS_ROW + 18, len(keys)).value == "Số liệu ngày 31/12", "after the total"
    agencies = book["Cơ quan"]
    assert [c.value for c in agencies[KEYS_ROW]] == ["name", "aliases", "dien_thoai"]
    assert agencies["C7"].value == "0204 3854 000" and agencies["C7"].data_type == "s"
    plan = load_plan(data, 2023)
    plan.validate()
    same_plan(plan, load_plan(DATA, 2023))


def test_make_workbook_keeps_the_csv_files_when_the_workbook_does_not_read_back(tmp_path):
    folder = year_2023(tmp_path) / "2023"
    edit_csv(folder / "budget.csv", lambda f: f.assign(content=["x" * 40_000, *f.content[1:]]))
    with pytest.raises(DataError, match=r"budget.csv, dòng 2, cột 'content': sổ Excel vừa ghi "
                                        "không giữ được"):
        write_workbook(folder)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        p.name for p in (DATA / "2023").iterdir())


def test_a_sheet_the_reader_does_not_know_is_named(tmp_path):
    data = year_2023(tmp_path)
    write_workbook(data / "2023")
    path = data / "2023" / WORKBOOK
    book = load_workbook(path)
    book["Đối chiếu"].title = "Doi chieu"
    book.save(path)
    with pytest.raises(DataError) as error:
        load_plan(data, 2023).validate()
    message = str(error.value)
    assert f"Sổ {path}: có trang «Doi chieu» mà phần mềm không biết" in message
    assert "«Biểu 01», «Biểu 02», «Cơ quan», «Đối chiếu»" in message
    book["Doi chieu"].title = unicodedata.normalize("NFD", SHEETS["crosswalk.csv"])
    book.save(path)
    assert load_plan(data, 2023).crosswalk.empty, "the name typed with decomposed accents is known"
    book.create_sheet("Ghi chú")  # the clerk's own notes, beside every sheet of the form
    book["Biểu 01"].cell(KEYS_ROW, 12, "ghi chú")
    book.save(path)
    plan = load_plan(data, 2023)
    plan.validate()
    assert any("trang «Ghi chú» không thuộc mẫu nên sách không đọc" in n for n in plan.notes)
    assert any(f"trang «Biểu 01», dòng {KEYS_ROW}: cột 'ghi chú' không có trong mẫu" in n
               for n in plan.notes)


# ---------------------------------------------------------------------------- honest messages


def test_new_year_of_a_workbook_year_says_to_fill_the_workbook(tmp_path, capsys):
    data = year_2023(tmp_path)
    write_workbook(data / "2023")
    assert start_year(data, 2024) == 0
    said = capsys.readouterr().out
    folder = data / "2024"
    assert sorted(p.name for p in folder.iterdir()) == [WORKBOOK, "plan.yaml"]
    assert f"vào sổ {WORKBOOK} (trang «Biểu 01» và «Biểu 02»)" in said and ".csv" not in said
    comment = "".join(line for line in (folder / "plan.yaml").read_text(encoding="utf-8")
                      .splitlines(keepends=True) if line.startswith("#"))
    assert f"sổ {WORKBOOK} (trang «Biểu 01» và «Biểu 02»)" in comment and ".csv" not in comment


def test_new_year_of_a_csv_year_says_to_fill_the_csv_files(tmp_path, capsys):
    data = year_2023(tmp_path)
    assert start_year(data, 2024) == 0
    assert "vào units.csv và budget.csv" in capsys.readouterr().out
    assert (data / "2024" / "units.csv").is_file() and not (data / "2024" / "wards.csv").exists()
