"""Every year on one site: the 2023 plan and a made-up 2024 (tests/made_up/) built together;
the root page, the year switcher, the chapter on last year's results, a crosswalk of merged
units, rebuilding one year, a failed year, and starting a new year with blank figures."""
import re
import shutil
import subprocess
import tempfile

import pytest
from bs4 import BeautifulSoup

from planbook import checks, compare
from planbook.clerk.newyear import new_year
from planbook.data import DataError, load_plan

from conftest import DATA, MADE_UP, build, build_edited, digest, scratch_project

CHROMIUM = shutil.which("chromium")


@pytest.fixture(scope="module")
def project(two_years):
    return two_years


def soup(path):
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def words(node):
    return re.sub(r" ([,;.)])", r"\1", " ".join(node.get_text(" ").split()))


def test_the_root_page_lists_the_years_newest_first(project):
    site = project / "_build" / "html"
    page = soup(site / "index.html")
    assert [h.get_text() for h in page.select("h2")] == ["Năm 2024", "Năm 2023"]
    text = words(page)
    assert "Hộ nghèo cuối năm 2022 190 hộ, tỷ lệ 0,43%" in text
    assert "Chỉ tiêu năm 2023 còn 185 hộ nghèo, tỷ lệ 0,42%" in text
    assert "Kinh phí 1.691 triệu đồng" in text
    links = [a["href"] for a in page.select("a")]
    assert "2024/book/index.html" in links and "2023/book/index.html" in links
    pdfs = [link for link in links if link.endswith(".pdf")]
    assert pdfs == ["2024/ke-hoach-giam-ngheo-thanh-pho-bac-giang-2024.pdf",
                    "2023/ke-hoach-giam-ngheo-thanh-pho-bac-giang-2023.pdf"]
    assert all((site / link).is_file() for link in links)


def test_each_year_is_titled_with_the_place_and_the_year_and_links_its_pdf(project):
    for year in (2023, 2024):
        home = project / "_build" / "html" / str(year) / "book" / "index.html"
        page = soup(home)
        assert page.title.get_text().endswith(f"Kế hoạch giảm nghèo bền vững thành phố Bắc "
                                              f"Giang năm {year}")
        pdf = page.select_one("nav.planbook-years a.planbook-pdf")
        assert pdf.get_text() == "Tải bản PDF"
        assert (home.parent / pdf["href"]).resolve() == (
            project / "_build" / "html" / str(year) /
            f"ke-hoach-giam-ngheo-thanh-pho-bac-giang-{year}.pdf")


def rendered(path):
    """The page's DOM after its scripts ran, in headless Chromium, from the file."""
    with tempfile.TemporaryDirectory() as profile:
        return BeautifulSoup(subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--virtual-time-budget=3000", "--dump-dom",
             path.as_uri()], capture_output=True, text=True, timeout=120).stdout, "html.parser")


@pytest.mark.skipif(not CHROMIUM, reason="no chromium here: `make book` installs it")
def test_the_year_switcher_leads_to_the_same_page_in_the_other_year(project):
    site = project / "_build" / "html"
    unit = rendered(site / "2024" / "book" / "units" / "02-le-loi.html")
    nav = unit.select_one("nav.planbook-years")
    assert nav.select_one("[aria-current=page]").get_text() == "Năm 2024"
    link = nav.find("a", string="Năm 2023")["href"]
    assert link == "../../../2023/book/units/02-le-loi.html"
    assert (site / "2024" / "book" / "units" / link).resolve().is_file()
    back = rendered(site / "2023" / "book" / "targets.html").select_one("nav.planbook-years")
    assert back.find("a", string="Năm 2024")["href"] == "../../2024/book/targets.html"
    results = rendered(site / "2024" / "book" / "results.html").select_one("nav.planbook-years")
    assert results.find("a", string="Năm 2023")["href"] == "../../2023/book/index.html", \
        "2023 has no chapter on 2022: its home page"


def test_last_years_results_chapter(project):
    page = soup(project / "_build" / "html" / "2024" / "book" / "results.html")
    text = words(page.find("article"))
    assert "Kết quả thực hiện năm 2023" in text
    assert ("Kế hoạch năm 2023 đặt chỉ tiêu toàn thành phố còn 185 hộ nghèo cuối năm 2023; "
            "theo kế hoạch năm 2024, cuối năm 2023 còn 188 hộ nghèo, nhiều hơn chỉ tiêu 3 hộ: "
            "chưa đạt chỉ tiêu") in text
    rows = [[words(td) for td in tr.find_all("td")] for tr in page.select("table tr")]
    assert ["Lê Lợi", "20", "22", "+2", "Chưa đạt"] in rows
    assert ["Trần Phú", "2", "1", "−1", "Đạt"] in rows
    assert ["Cộng", "185", "188", "+3", ""] in rows
    assert ["Dự án 2: Đa dạng hóa sinh kế, phát triển mô hình giảm nghèo", "643", "64", "579",
            "90,0%"] in rows
    assert page.select_one("figure img")["alt"].startswith("Biểu đồ so sánh chỉ tiêu")
    unit = words(soup(project / "_build" / "html" / "2024" / "book" / "units" /
                      "02-le-loi.html").find("article"))
    assert ("Năm 2023: chỉ tiêu còn 20 hộ nghèo, kết quả còn 22 hộ — chưa đạt chỉ tiêu, "
            "nhiều hơn 2 hộ") in unit


def test_a_year_without_last_year_has_no_such_chapter(project):
    book = project / "_build" / "html" / "2023" / "book"
    assert not (book / "results.html").exists()
    assert "Năm 2022:" not in words(soup(book / "units" / "02-le-loi.html").find("article"))


def test_nothing_changed_nothing_rebuilt(project):
    before = digest(project / "_build" / "html")
    result = build(project)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("không có đầu vào nào thay đổi") == 2
    assert digest(project / "_build" / "html") == before


def test_one_year_rebuilt_the_other_kept(project):
    site = project / "_build" / "html"
    kept = digest(site / "2023")
    result = build_edited(project, project / "data" / "2024" / "budget.csv", ",201,64,137,",
                          ",202,64,138,", 2024)
    assert result.returncode == 0, result.stderr
    assert digest(site / "2023") == kept
    assert "2.015 triệu đồng" in words(soup(site / "index.html")), "the root page follows"


def test_a_failed_year_publishes_nothing(project):
    site = project / "_build" / "html"
    build(project)
    before = digest(site)
    result = build_edited(project, project / "data" / "2024" / "units.csv", ",2854,",
                          ",hai nghìn,")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "Lỗi dữ liệu năm 2024" in result.stderr and "cột 'households'" in result.stderr
    assert digest(site) == before


def merged(tmp_path, crosswalk=True):
    """2023 and the made-up 2024 with Song Mai merged into Đa Mai in 2024."""
    data = tmp_path / "data"
    shutil.copytree(DATA / "2023", data / "2023")
    shutil.copytree(MADE_UP / "2024", data / "2024")
    units = data / "2024" / "units.csv"
    lines = units.read_text(encoding="utf-8").splitlines()
    lines = [line for line in lines if ",Song Mai," not in line]
    units.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if crosswalk:
        (data / "2024" / "crosswalk.csv").write_text("old,new\nSong Mai,Đa Mai\n",
                                                     encoding="utf-8")
    return load_plan(data, 2024)


def test_a_crosswalk_matches_merged_units(tmp_path):
    plan = merged(tmp_path)
    results = compare.unit_results(plan)
    group = next(r for r in results.matched if "Đa Mai" in r.new)
    assert group.old == ("Đa Mai", "Song Mai") and group.new == ("Đa Mai",)
    assert group.label == "Đa Mai + Song Mai → Đa Mai"
    assert group.target == 17 + 21 and group.result == 16
    assert not results.vanished and len(results.matched) == 15


def test_a_unit_that_vanished_is_listed_and_checked(tmp_path):
    plan = merged(tmp_path, crosswalk=False)
    assert compare.unit_results(plan).vanished == ["Song Mai"]
    outcome = next(o for o in checks.run(plan) if o.check.name == "units-vanished")
    assert [f.where for f in outcome.findings] == ["Biểu số 01 năm 2023, Song Mai "
                                                   "(units.csv dòng 12)"]


def test_a_crosswalk_naming_an_unknown_unit_is_refused(tmp_path):
    plan = merged(tmp_path)
    (plan.folder / "crosswalk.csv").write_text("old,new\nSong Maii,Đa Mai\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"crosswalk.csv, dòng 2 \(Song Maii\), cột 'old'"):
        load_plan(plan.folder.parent, 2024).validate()


def test_a_carry_over_above_last_years_funds_is_a_finding(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA / "2023", data / "2023")
    shutil.copytree(MADE_UP / "2024", data / "2024")
    budget = data / "2024" / "budget.csv"
    budget.write_text(budget.read_text(encoding="utf-8").replace(",201,64,137,", ",837,700,137,"),
                      encoding="utf-8")
    outcome = next(o for o in checks.run(load_plan(data, 2024)) if o.check.name == "carry-over")
    assert [(f.printed, f.computed) for f in outcome.findings] == [("700 triệu đồng",
                                                                     "643 triệu đồng")]


def test_a_new_year_starts_blank_and_refuses_to_build_until_filled(tmp_path):
    project = scratch_project(tmp_path)
    folder = new_year(project / "data", 2024)
    text = (folder / "plan.yaml").read_text(encoding="utf-8")
    assert "year: 2024" in text and "năm 2024" in text and "text_figures" not in text
    units = (folder / "units.csv").read_text(encoding="utf-8").splitlines()
    assert units[0].endswith(",ref_poor_target") and units[1] == "1,Trần Phú,,,,,,,2"
    result = build(project, 2024)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "ô số liệu chưa điền" in result.stderr
    assert (f"{folder / 'units.csv'}, dòng 2 (Trần Phú): chưa điền households (Tổng số hộ dân "
            "cư), poor_prev") in result.stderr
    assert f"{folder / 'budget.csv'}, dòng 2 (Dự án 2: Đa dạng hóa sinh kế" in result.stderr
    with pytest.raises(DataError, match="đã có"):
        new_year(project / "data", 2024)
