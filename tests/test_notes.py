"""Notes for people: under each of the plan's forms one note that counts and explains every
finding about it, the disagreeing cells marked in the form (in print too; its downloads keep
the plain figures), files and rows left to the checks annex; the build's record keeps its
technical part folded on the site and out of print."""
import csv
import io
import subprocess
from urllib.parse import unquote

from bs4 import BeautifulSoup

from planbook import checks
from planbook.build import pdf_path

from conftest import ROOT

COLUMNS = {"bieu-01": ["tt", "unit", "households", "poor_prev", "rate_prev", "poor_target",
                       "rate_target", "reduction"],
           "bieu-02": ["tt", "name", "total", "carry_over", "new_funds", "lead", "content",
                       "partners"]}
"""The columns of each form as the site shows them."""


def soup(path):
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def words(node):
    return " ".join(node.get_text(" ").split())


def form_and_note(site, name):
    """A form of the appendix page and the notes between it and the next table."""
    table = soup(site / "book" / "appendix.html").find("table", id=name)
    following = table.find_next("table")
    notes = [n for n in table.find_all_next(class_="planbook-doubt")
             if following is None or following in n.find_all_next("table")]
    return table, notes


def test_under_each_form_one_note_counts_and_explains_every_finding_about_it(site, plan):
    shown = 0
    for name, about in checks.FORMS.items():
        found = checks.concerning(plan, *about)
        _, notes = form_and_note(site, name)
        assert len(notes) == (1 if found else 0), name
        if not found:
            continue
        note = words(notes[0])
        assert f"Ghi chú dưới biểu: {len(found)} điểm chưa khớp" in note, name
        for outcome, finding in found:
            said = f"{finding.item}: {outcome.sides[0]} "
            assert said in note and finding.printed in note.partition(said)[2], finding
        says = dict.fromkeys(o.says for o, _ in found)
        assert all(note.count(s) == 1 for s in says), "each check's words once per note"
        shown += len(found)
    home = words(soup(site / "book" / "index.html"))
    total = checks.counts(checks.run(plan))["findings"]
    assert f"{total} điểm chưa khớp" in home
    assert shown == total, "every finding of the 2023 plan concerns a form and is noted there"


def test_no_note_for_readers_names_a_file_or_a_row(site):
    seen = 0
    for page in sorted(site.rglob("*.html")):
        if page.name == "checks.html":
            continue  # the checks annex tells the clerk where each point is
        for note in soup(page).select(".planbook-doubt"):
            text = words(note)
            seen += 1
            for clerk in (".csv", ".xlsx", ".yaml", "dòng "):
                assert clerk not in text, (page.name, clerk, text)
    assert seen > 3
    assert "units.csv dòng 11" in words(soup(site / "book" / "checks.html"))


def test_the_disagreeing_cells_are_marked_in_the_forms_on_the_site_and_in_print(site, plan):
    for name, about in checks.FORMS.items():
        table, _ = form_and_note(site, name)
        rows = table.tbody.find_all("tr")
        marked = {(i, j) for i, tr in enumerate(rows) for j, td in enumerate(tr.find_all("td"))
                  if td.select_one(".planbook-mark")}
        expected = set()
        for _, finding in checks.concerning(plan, *about):
            if not finding.cell:
                continue
            kind, _, key = finding.about.partition(":")
            column = 1 if kind == "unit" else 0
            row = next((i for i, tr in enumerate(rows)
                        if words(tr.find_all("td")[column]).startswith(key)), None) \
                if key else len(rows) - 1
            expected.add((row, COLUMNS[name].index(finding.cell)))
        assert expected and marked == expected, name
        for i, j in marked:
            td = rows[i].find_all("td")[j]
            assert "planbook-flagged" in td["class"] and words(td.select_one(".planbook-mark")) == "*"
    printed = subprocess.run(["pdftotext", "-layout", str(pdf_path(ROOT, plan)), "-"],
                             capture_output=True, text=True, check=True).stdout
    assert any(line.split()[:2] == ["10", "Đa"] and line.rstrip().endswith("1*")
               for line in printed.splitlines())


def test_the_forms_downloads_keep_the_plain_figures(site):
    for name in checks.FORMS:
        table, _ = form_and_note(site, name)
        line = table.find_next(class_="planbook-downloads")
        href = next(a["href"] for a in line.find_all("a") if a.get_text(strip=True) == "CSV")
        path = (site / "book" / unquote(href)).resolve()
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        assert not any("*" in cell or "chưa khớp" in cell for row in rows for cell in row)
        if name == "bieu-01":
            assert next(r for r in rows if r[1] == "Đa Mai")[-1] == "1"


def pdf_pages(plan):
    text = subprocess.run(["pdftotext", "-layout", str(pdf_path(ROOT, plan)), "-"],
                          capture_output=True, text=True, check=True).stdout
    return text.split("\f")


def test_the_build_record_folds_its_technical_part_on_the_site_and_leaves_it_out_of_print(
        site, plan):
    page = soup(site / "book" / "provenance.html")
    folded = page.select_one("details.sd-dropdown")
    assert folded is not None and not folded.has_attr("open")
    assert {t["id"] for t in page.select("article table")} == \
        {t["id"] for t in folded.select("table")} == {"tham-so", "ma-bam", "phien-ban"}
    shown = words(page.select_one("article"))
    for path in plan.files:
        assert path.name in shown
    assert "Mã nhận diện bộ dữ liệu" in shown and "tháng 4 năm 2023" in shown
    pages = pdf_pages(plan)
    annex = " ".join(" ".join(p.split()) for p in pages
                     if "Cách dựng cuốn sách này" in p and "Mục lục" not in p)
    assert "Mã nhận diện bộ dữ liệu" in annex and "units.csv" in annex
    for technical in ("SHA-256", "papermill", "jupyter-book", "data_dir", "Tham số",
                      "make book"):
        assert technical not in annex, technical
    last = [line for line in pages[-1].splitlines() if line.strip()] or \
        [line for line in pages[-2].splitlines() if line.strip()]
    assert len(last) >= 5, f"the last page holds only {last}"
