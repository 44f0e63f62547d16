"""Bad data is refused with a message a clerk can act on; what spreadsheets write is accepted.

Each folder of ``bad_inputs/`` replaces some of the 2023 data files (``<name>.delete`` removes
one); its ``expected.txt`` lists what the clerk must read. The build must exit non-zero without
a traceback and leave the last published site as it was.
"""
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import nbformat
import pytest

from planbook import build, data, provenance
from planbook.data import DataError, load_plan, read_bytes, table_file
from planbook.data import plan as plan_module

from conftest import DATA, LEGACY, MADE_UP, scratch_project

HERE = Path(__file__).parent
BAD = sorted((HERE / "bad_inputs").iterdir())


def data_with(case: Path, root: Path) -> Path:
    year = root / "data" / "2023"
    shutil.copytree(DATA / "2023", year)
    for path in case.iterdir():
        if path.name == "expected.txt":
            continue
        if path.suffix == ".delete":
            (year / path.stem).unlink()
        else:
            shutil.copy(path, year / path.name)
    return root / "data"


@pytest.mark.parametrize("case", BAD, ids=lambda p: p.name)
def test_bad_input_is_refused_with_a_clear_message(case, tmp_path):
    data_with(case, tmp_path)
    site = tmp_path / "_build" / "html" / "2023"
    site.mkdir(parents=True)
    (site / "index.html").write_text("the last good site")
    result = subprocess.run([sys.executable, "-m", "planbook", "build", "--root", str(tmp_path),
                             "--year", "2023"], capture_output=True, text=True)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Lỗi dữ liệu")
    for line in (case / "expected.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            assert line in result.stderr
    assert (site / "index.html").read_text() == "the last good site"


def test_spreadsheet_export_is_read_like_the_clean_files(tmp_path):
    """BOM, CRLF, thousands written 2.244, decimals 0,42 and a % sign."""
    exported = load_plan(data_with(HERE / "accepted_inputs" / "spreadsheet_export", tmp_path),
                         2023)
    clean = load_plan(DATA, 2023)
    cols = ["unit", "households", "poor_prev", "rate_prev", "poor_target", "rate_target"]
    assert exported.units[cols].equals(clean.units[cols])
    assert exported.budget_total.total == clean.budget_total.total
    assert exported.budget_total.new_funds == clean.budget_total.new_funds


def test_decomposed_unicode_is_read_as_composed(tmp_path):
    """Text written in NFD (as macOS writes it) is the same text: agencies and the total row
    are recognised, names come out composed, and an NFD twin of a name is a duplicate."""
    year = tmp_path / "data" / "2023"
    shutil.copytree(DATA / "2023", year)
    for name in ("units.csv", "budget.csv"):
        path = year / name
        path.write_text(unicodedata.normalize("NFD", path.read_text(encoding="utf-8")),
                        encoding="utf-8")
    decomposed = load_plan(tmp_path / "data", 2023)
    decomposed.validate()
    clean = load_plan(DATA, 2023)
    assert list(decomposed.units.unit) == list(clean.units.unit)
    assert list(decomposed.budget.lead_agency) == list(clean.budget.lead_agency)
    units = year / "units.csv"
    units.write_text(units.read_text(encoding="utf-8").replace(
        unicodedata.normalize("NFD", "2,Lê Lợi,"), "2,Trần Phú,"), encoding="utf-8")
    with pytest.raises(DataError, match=r"dòng 3 \(Trần Phú\), cột 'unit'.*bị trùng"):
        load_plan(tmp_path / "data", 2023).validate()


def test_a_table_is_parsed_once_per_process_and_read_again_when_it_changes(tmp_path,
                                                                           monkeypatch):
    """A warm kernel runs every unit's page: Biểu số 01 is parsed and validated once for a
    given content, each page still records that it read the file, and an edited file is
    parsed anew (a fresh copy each time, so a page cannot change another's table)."""
    shutil.copytree(DATA / "2023", tmp_path / "2023")
    parsed = []
    real = plan_module._validate
    monkeypatch.setattr(plan_module, "_validate", lambda *a: parsed.append(1) or real(*a))
    first = load_plan(tmp_path, 2023).units
    first.loc[0, "unit"] = "đã sửa trong trang trước"
    data.READ.clear()
    again = load_plan(tmp_path, 2023).units
    assert parsed == [1] and again.unit[0] != first.unit[0]
    assert (str((tmp_path / "2023" / "units.csv").resolve()), "") in data.READ
    path = tmp_path / "2023" / "units.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Trần Phú", "Trần Phú Mới"),
                    encoding="utf-8")
    assert load_plan(tmp_path, 2023).units.unit[0] == "Trần Phú Mới" and parsed == [1, 1]


# ------------------------------------------------------------ a data file under an earlier name

def test_a_table_is_found_under_its_name_or_an_earlier_one(tmp_path):
    """Biểu số 01 is units.csv, or wards.csv in a year written before it was renamed; under
    both names it is a clerk error naming both; under neither, the usual missing file."""
    assert table_file(tmp_path, "units.csv") == tmp_path / "units.csv"
    with pytest.raises(DataError, match=f"^Thiếu tệp {re.escape(str(tmp_path / 'units.csv'))}"):
        read_bytes(table_file(tmp_path, "units.csv"))
    (tmp_path / "wards.csv").write_text("tt,unit\n", encoding="utf-8")
    assert table_file(tmp_path, "units.csv") == tmp_path / "wards.csv"
    assert table_file(tmp_path, "wards.csv") == tmp_path / "wards.csv"
    (tmp_path / "units.csv").write_text("tt,unit\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        table_file(tmp_path, "units.csv")
    assert err.value.problems == [
        f"Thư mục {tmp_path} có cả tệp units.csv và wards.csv: wards.csv là tên cũ của "
        "units.csv, cùng một bảng số liệu. Hãy giữ một tệp, tên units.csv, và xóa tệp kia."]
    (tmp_path / "wards.csv").unlink()
    assert table_file(tmp_path, "units.csv") == tmp_path / "units.csv"
    assert table_file(tmp_path, "budget.csv") == tmp_path / "budget.csv"


def test_a_year_with_wards_csv_is_read_and_named_as_the_clerk_has_it(tmp_path):
    """tests/legacy/2023 keeps Biểu số 01 under its earlier name: the same table as the 2023
    data's units.csv, listed as wards.csv among the data files, and wards.csv in messages."""
    old = load_plan(LEGACY, 2023)
    old.validate()
    assert not (LEGACY / "2023" / "units.csv").exists()
    assert old.units.equals(load_plan(DATA, 2023).units)
    assert LEGACY / "2023" / "wards.csv" in old.files
    assert "2023/wards.csv" in provenance.data_hashes(old)
    assert old.location("units.csv", 13) == "wards.csv dòng 13"
    shutil.copytree(LEGACY / "2023", tmp_path / "2023")
    path = tmp_path / "2023" / "wards.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",2837,", ",-2837,"),
                    encoding="utf-8")
    with pytest.raises(DataError, match=re.escape(f"Tệp {path}, dòng ")):
        load_plan(tmp_path, 2023).validate()



def test_a_year_with_both_names_is_refused(tmp_path):
    year = tmp_path / "2023"
    shutil.copytree(DATA / "2023", year)
    shutil.copy(LEGACY / "2023" / "wards.csv", year / "wards.csv")
    with pytest.raises(DataError, match=f"Thư mục {re.escape(str(year))} có cả tệp units.csv "
                                        "và wards.csv"):
        load_plan(tmp_path, 2023).validate()


def test_last_years_wards_csv_is_read_beside_this_years_units_csv(tmp_path):
    """A new year (units.csv) after a year published with wards.csv: last year's table is
    read, named as it is, and its parts known to the build."""
    shutil.copytree(LEGACY / "2023", tmp_path / "2023")
    shutil.copytree(MADE_UP / "2024", tmp_path / "2024")
    plan = load_plan(tmp_path, 2024)
    plan.validate()
    assert [p.name for p in plan.previous.files if p.suffix == ".csv"][0] == "wards.csv"
    assert [p.name for p in plan.files if p.suffix == ".csv"][0] == "units.csv"
    for path, year in ((tmp_path / "2023" / "wards.csv", plan.previous),
                       (tmp_path / "2024" / "units.csv", plan)):
        assert data.part_digest(plan, path, "counts") == year.part_digest("counts") is not None
    (tmp_path / "2024" / "crosswalk.csv").write_text("old,new\nSong Maii,Đa Mai\n",
                                                     encoding="utf-8")
    with pytest.raises(DataError, match="cần là tên một phường, xã trong wards.csv của năm 2023"):
        load_plan(tmp_path, 2024).validate()


def run_page(job, monkeypatch) -> dict:
    """Run a chapter notebook's code in this process, as papermill would run it with the
    job's parameters, in its output's folder; what it read (:data:`planbook.data.READ`)."""
    job.output.parent.mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(job.output.parent)
    data.READ.clear()
    namespace: dict = {}
    cells = nbformat.read(job.source, as_version=4).cells
    for cell in (c for c in cells if c.cell_type == "code"):
        exec(cell.source, namespace)
        if "parameters" in cell.metadata.get("tags", []):
            namespace.update(job.parameters)
    return dict(data.READ)


def test_a_page_notes_what_it_reads_of_a_plan_kept_from_the_pages_before(tmp_path,
                                                                         monkeypatch):
    """A kernel keeps the plan for its next page (:func:`planbook.data.kept_plan`): each
    page still records every part of the data it uses, exactly as with a plan of its own, so
    that an edit runs again the pages it changes and only those."""
    root = scratch_project(tmp_path)
    jobs = build.jobs(load_plan(root / "data", 2023), root, "data")
    units = [j for j in jobs if j.source.stem == "unit"]
    pages = [j for j in jobs if j.source.stem in ("section", "units", "analysis", "checks")][:4]
    pages += [units[0], units[1], units[-1]]
    alone = {}
    for job in pages:
        plan_module._KEPT.clear()
        alone[job.output] = run_page(job, monkeypatch)
    plan_module._KEPT.clear()
    kept = {job.output: run_page(job, monkeypatch) for job in [*reversed(pages), *pages]}
    assert len(plan_module._KEPT) == 1  # one plan for the chapters and the units' pages
    assert kept == alone
    assert alone[units[0].output] != alone[units[1].output]  # each its own row


def test_a_kept_plan_is_read_again_when_a_file_of_the_data_folder_changes(tmp_path):
    shutil.copytree(DATA / "2023", tmp_path / "2023")
    plan_module._KEPT.clear()
    first = data.kept_plan(tmp_path, 2023)
    assert data.kept_plan(tmp_path, 2023) is first
    path = tmp_path / "2023" / "units.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Trần Phú", "Trần Phú Mới"),
                    encoding="utf-8")
    again = data.kept_plan(tmp_path, 2023)
    assert again is not first and again.units.unit[0] == "Trần Phú Mới"
    (tmp_path / "2022").mkdir()  # last year's folder appears: what the plan reads may change
    assert data.kept_plan(tmp_path, 2023) is again  # an empty folder holds nothing to read
    (tmp_path / "2022" / "plan.yaml").write_text("year: 2022\n", encoding="utf-8")
    assert data.kept_plan(tmp_path, 2023) is not again
