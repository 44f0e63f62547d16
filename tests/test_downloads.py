"""Data to take away: each table as CSV and Excel linked under it, the year's data files as one
ZIP and the PDF linked from the home page; every link resolves in the published site."""
import codecs
import csv
import datetime as dt
import io
import re
import subprocess
import time
import zipfile
from urllib.parse import unquote

import nbformat
import openpyxl
import pytest
from bs4 import BeautifulSoup

from planbook import checks, downloads, fmt, tables, text


def test_figures_shown_the_vietnamese_way_become_numbers():
    assert downloads.number("1.691") == (1691, "#,##0", False)
    assert downloads.number("0,42%") == (0.42, "0.00", True)
    assert downloads.number("−1") == (-1, "#,##0", False)
    assert downloads.number("+2") == (2, "#,##0", False)
    assert downloads.number("24,4%") == (24.4, "0.0", True)
    assert downloads.number("2.1") is None, "a sub-project's number is not a thousand"
    assert downloads.number("Phòng Y tế") is None


def _table(plan):
    markup = tables.units_computed(plan)
    (table,) = downloads.metadata(markup)[downloads.KEY]
    return markup, table


def test_a_table_carries_its_rows_as_numbers(plan):
    markup, table = _table(plan)
    assert "Tải bảng:" in markup and "(/tai-ve/don-vi-tinh-lai.csv)" in markup
    assert len(table["rows"]) == len(plan.units) + 1
    first = table["rows"][0]
    unit = plan.units.iloc[0]
    assert first[1] == unit.unit, "the unit's name, not its Markdown link"
    assert first[2] == int(unit.households) and isinstance(first[2], int)
    assert isinstance(first[4], float) and table["header"][4].endswith("(%)")
    assert table["formats"]["2"] == "#,##0" and table["formats"]["4"] == "0.00"
    assert table["bold_rows"] == [len(plan.units)]
    assert downloads.metadata(str(markup)) is None, "the rows travel with the table, not its text"


def test_markup_made_of_tables_carries_their_rows(plan):
    """No state between outputs: a table carries its rows through what is made of it."""
    one, two = tables.units_computed(plan), tables.lead_shares(plan)
    assert downloads.metadata(one) == downloads.metadata(one), "shown twice, rows twice"
    names = [t["name"] for t in downloads.metadata(two)[downloads.KEY]]
    joined = one + "\n\n" + two
    assert [t["name"] for t in downloads.metadata(joined)[downloads.KEY]] == [
        "don-vi-tinh-lai", *names]
    assert [t["name"] for t in downloads.metadata("\n" + one)[downloads.KEY]] == [
        "don-vi-tinh-lai"]
    chapter = [t["name"] for t in downloads.metadata(text.checks(plan))[downloads.KEY]]
    assert chapter[1:] == [f"kiem-tra-{o.check.name}" for o in checks.run(plan)]


def test_csv_has_a_bom_the_header_and_plain_numbers(plan):
    _, table = _table(plan)
    data = downloads.csv_bytes(table)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == table["header"] and rows[0][1] == plan.locality.Units
    assert len(rows) == len(plan.units) + 2
    assert rows[1][2] == str(int(plan.units.iloc[0].households)), "1691, not 1.691"
    assert float(rows[1][4]) == pytest.approx(plan.units.iloc[0].rate_prev, abs=0.01)


def test_xlsx_opens_with_numbers_formatted(plan, tmp_path):
    _, table = _table(plan)
    path = tmp_path / "t.xlsx"
    path.write_bytes(downloads.xlsx_bytes(table))
    sheet = openpyxl.load_workbook(path).active
    assert [c.value for c in sheet[1]] == table["header"]
    assert sheet.max_row == len(plan.units) + 2
    assert sheet["C2"].value == int(plan.units.iloc[0].households)
    assert sheet["C2"].number_format == "#,##0" and sheet["E2"].number_format == "0.00"
    assert sheet.cell(sheet.max_row, 2).font.b, "the total row is bold"
    first = downloads.xlsx_bytes(table)
    time.sleep(1.1)
    assert downloads.xlsx_bytes(table) == first, "same rows, same bytes, whenever made"


def test_a_table_made_another_way_registers_its_rows():
    markup = downloads.attach("<table>…</table>", "Biểu số 01", "Biểu số 01: …",
                              ["TT", "Số hộ"], [["1", "2.244"], ["", "43.980"]], numeric=[1])
    assert markup.startswith("<table>…</table>") and "(/tai-ve/bieu-so-01.xlsx)" in markup
    (table,) = downloads.metadata(markup)[downloads.KEY]
    assert table["rows"] == [["1", 2244], ["", 43980]]


def test_sources_hold_exactly_the_files_linked(plan, tmp_path):
    stale = tmp_path / downloads.FOLDER / "removed-table.csv"
    stale.parent.mkdir()
    stale.write_text("old")
    written = downloads.write_files(plan, tmp_path, [])
    assert not stale.exists()
    assert [p.name for p in written] == [downloads.zip_name(plan)]
    with zipfile.ZipFile(written[0]) as archive:
        assert archive.namelist() == [f"{plan.year}/{p.name}" for p in plan.files]
        assert archive.read(f"{plan.year}/plan.yaml") == (plan.folder / "plan.yaml").read_bytes()
    copied = tmp_path / "html" / "_downloads"
    for folder, name in [("a1", "removed-table.csv"), ("b2", written[0].name)]:
        (copied / folder).mkdir(parents=True)
        (copied / folder / name).write_text("x")
    downloads.prune(tmp_path / "html", written)
    assert [p.relative_to(copied).as_posix() for p in copied.rglob("*")] == \
        ["b2", f"b2/{written[0].name}"], "what an earlier build copied goes"


# The published site (built by `make book`).

def _page(site, name):
    path = site / "book" / name
    return path, BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _target(page, href):
    return (page.parent / unquote(href.split("#")[0])).resolve()


def _links(page, soup):
    found = {}
    for line in soup.select(".planbook-downloads"):
        for a in line.find_all("a"):
            assert not a["href"].startswith(("http:", "https:", "/")), a["href"]
            assert _target(page, a["href"]).is_file(), (page, a["href"])
            found[a.get_text(" ", strip=True)] = _target(page, a["href"])
    return found


@pytest.mark.parametrize("name", ["units.html", "analysis.html", "checks.html"])
def test_each_table_has_its_files_linked_right_under_it(site, name):
    page, soup = _page(site, name)
    shown = soup.select("table.planbook-table")
    assert shown
    for table in shown:
        line = table.find_next(class_="planbook-downloads")
        assert line and line.find_previous("table") is table, "the links follow their table"
        assert line.get_text(" ", strip=True).startswith("Tải bảng: CSV · Excel")
        links = {a.get_text(strip=True): _target(page, a["href"]) for a in line.find_all("a")}
        raw = links["CSV"].read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        heads = [th.get_text(" ", strip=True) for th in table.select("thead th")]
        assert [h.removesuffix(" (%)") for h in rows[0]] == heads
        assert len(rows) - 1 == len(table.select("tbody tr"))
        right = {int(c.removeprefix("align-right-")) - 1 for c in table["class"]
                 if c.startswith("align-right-")}
        for row, tr in zip(rows[1:], table.select("tbody tr")):
            cells = [td.get_text(" ", strip=True) for td in tr.find_all("td")]
            for j in right:
                if cells[j]:
                    assert re.fullmatch(r"-?\d+(\.\d+)?", row[j]), (links["CSV"], row)
                    assert fmt.number(float(row[j]), len(row[j].partition(".")[2])) \
                        in cells[j].replace("−", "").lstrip("+"), (row[j], cells[j])
        sheet = openpyxl.load_workbook(links["Excel"]).active
        assert sheet.max_row == len(rows)


def test_home_page_links_the_pdf_and_the_data_files(site, plan):
    page, soup = _page(site, "index.html")
    links = _links(page, soup)
    assert links["Bản PDF"].name == downloads.pdf_name(plan)
    zipped = links["Tệp dữ liệu (ZIP)"]
    assert zipped.name == downloads.zip_name(plan)
    with zipfile.ZipFile(zipped) as archive:
        assert archive.namelist() == [f"{plan.year}/{p.name}" for p in plan.files]
        for path in plan.files:
            bom = codecs.BOM_UTF8 if path.suffix == ".csv" else b""  # Excel reads the accents
            assert archive.read(f"{plan.year}/{path.name}") == bom + path.read_bytes()
            changed = dt.datetime.fromtimestamp(path.stat().st_mtime)
            assert abs(dt.datetime(*archive.getinfo(f"{plan.year}/{path.name}").date_time)
                       - changed) < dt.timedelta(seconds=2), "the file's own date, not 1980"
    page, soup = _page(site, "provenance.html")
    assert _links(page, soup)["Các tệp dữ liệu của kế hoạch (ZIP)"] == zipped


def test_the_published_files_are_those_linked_with_ascii_names(site):
    linked = set()
    for page in site.rglob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        linked |= {_target(page, a["href"]) for a in soup.select(".planbook-downloads a")}
    published = set((site / "_downloads").rglob("*.*"))
    assert published and published <= linked, "no file of a removed table stays"
    assert all(p.name.isascii() for p in published)


def test_links_are_not_printed(site, plan):
    pdf = site / downloads.pdf_name(plan)
    words = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout
    assert "Biểu số 01" in words and "Tải bảng" not in words and "Tải về" not in words


def test_the_plan_forms_have_their_files_too(site):
    page, soup = _page(site, "appendix.html")
    for name in ("bieu-01", "bieu-02"):
        table = soup.find(id=name)
        table = table if table.name == "table" else table.find_next("table")
        line = table.find_next(class_="planbook-downloads")
        links = {a.get_text(strip=True): _target(page, a["href"]) for a in line.find_all("a")}
        rows = list(csv.reader(io.StringIO(links["CSV"].read_text(encoding="utf-8-sig"))))
        assert len(rows) - 1 == len(table.select("tbody tr")), name
        assert openpyxl.load_workbook(links["Excel"]).active.max_row == len(rows)


def test_only_the_notebooks_that_changed_are_read_again(plan, tmp_path, monkeypatch):
    """A later build writes the files of the notebooks that changed; the others' files stay,
    unread, and a table gone from a changed notebook takes its files with it."""
    def executed(path, *names):
        nb = nbformat.v4.new_notebook()
        for name in names:
            markup = downloads.attach("…", name, f"{name}: …", ["TT"], [["1"]])
            nb.cells.append(nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output(
                "display_data", {"text/markdown": str(markup)},
                metadata=downloads.metadata(markup))]))
        nbformat.write(nb, path)
        return path

    one, two = executed(tmp_path / "one.ipynb", "Bảng A"), executed(tmp_path / "two.ipynb",
                                                                    "Bảng B", "Bảng C")
    source = tmp_path / "src"
    first = {p.name for p in downloads.write_files(plan, source, [one, two])}
    assert {"bang-a.csv", "bang-b.xlsx", "bang-c.csv"} <= first
    executed(two, "Bảng B")
    read = []
    monkeypatch.setattr(downloads, "_MADE", {})
    real = downloads.notebook_files
    monkeypatch.setattr(downloads, "notebook_files",
                        lambda path, *known: read.append(path) or real(path, *known))
    second = {p.name for p in downloads.write_files(plan, source, [one, two])}
    assert read == [two]
    assert second == first - {"bang-c.csv", "bang-c.xlsx"}
    assert sorted(p.name for p in (source / downloads.FOLDER).iterdir()
                  if not p.name.startswith(".")) == sorted(second)
