"""A site of several localities, built: a made-up province and three of its communes, one of
which the province prints differently (examples/make_province.py). Each book is published at
its locality's address; the two levels link each other and note the difference on both sides;
the province's overview puts them side by side; one book is rebuilt alone."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from distributed import LocalCluster
from playwright.sync_api import sync_playwright

from conftest import EXAMPLES, build, digest, scratch_project
from test_browser import AXE, AXE_RUN, AXE_TAGS, CHROMIUM, CHROMIUM_ARGS
from test_cluster import assemblies

PARENT, DIFFERS, AGREES, OTHER = "tinh-tra-son", "xa-kim-bac", "xa-nam-chau", "xa-hoa-my"


def pages(site: Path, href_from: Path) -> list[Path]:
    """The local pages a page links to, resolved."""
    soup = BeautifulSoup(href_from.read_text(encoding="utf-8"), "html.parser")
    return [(href_from.parent / a["href"].split("#")[0]).resolve() for a in soup.select("a[href]")
            if not a["href"].startswith(("http", "#", "mailto"))]


def soup_of(page: Path) -> BeautifulSoup:
    return BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")


def across(page: Path) -> str:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    box = soup.select_one(".planbook-across")
    return box.get_text(" ", strip=True) if box else ""


def run(project: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "planbook", "build", "--root", str(project),
                           *options], capture_output=True, text=True)


def made_up(folder: Path) -> Path:
    data = folder / "site"
    subprocess.run([sys.executable, str(EXAMPLES / "make_province.py"), str(data), "--units",
                    "4", "--plans", "3", "--disagree", "1"], check=True, capture_output=True)
    return scratch_project(folder / "project", data)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    project = made_up(tmp_path_factory.mktemp("localities"))
    result = build(project)
    assert result.returncode == 0, result.stderr
    return project


def test_every_book_at_its_address_and_the_root_lists_them_parent_first(project):
    site = project / "_build" / "html"
    for key in (PARENT, DIFFERS, AGREES, OTHER):
        assert (site / key / "2026" / "book" / "index.html").is_file(), key
        assert (site / key / "years.js").read_text().count('"year": 2026') == 1
        assert list((site / key / "2026").glob("*.pdf")), key
    root = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    names = [h.get_text(strip=True) for h in root.select("h2")]
    assert names == ["Tỉnh Trà Sơn", "Xã Hòa Mỹ", "Xã Kim Bắc", "Xã Nam Châu"]
    assert all(p.is_file() for p in pages(site, site / "index.html"))
    assert not (site / "2026").exists()


def test_the_two_levels_link_each_other_and_note_the_difference(project):
    site = project / "_build" / "html"
    unit = site / PARENT / "2026" / "book" / "units" / "01-xa-kim-bac.html"
    home = site / DIFFERS / "2026" / "book" / "index.html"
    assert home.resolve() in pages(site, unit)
    assert unit.resolve() in pages(site, home)
    for page in unit, home:
        text = across(page)
        assert "chưa khớp (2 điểm)" in text, page
        assert "2.634" in text and "2.624" in text and "980" in text and "985" in text
    agrees = across(site / PARENT / "2026" / "book" / "units" / "02-xa-nam-chau.html")
    assert "khớp với các biểu" in agrees and "chưa khớp" not in agrees
    assert "Đơn vị cấp trên" in across(site / AGREES / "2026" / "book" / "index.html")
    assert across(site / PARENT / "2026" / "book" / "units" / "04-phuong-minh-loc.html") == ""
    assert across(site / PARENT / "2026" / "book" / "index.html") == ""


def test_a_difference_across_levels_is_counted_and_marked_in_both_books(project):
    """Biểu số 01 of the province links each commune's row to the commune's book and marks the
    figure it prints differently; both books count the difference among their checks'."""
    site = project / "_build" / "html"
    forms = soup_of(site / PARENT / "2026" / "book" / "appendix.html").select_one("#bieu-01")
    row = next(tr for tr in forms.select("tbody tr") if "Xã Kim Bắc" in tr.get_text())
    assert (site / PARENT / "2026" / "book" / row.a["href"]).resolve() == \
        (site / DIFFERS / "2026" / "book" / "index.html").resolve()
    assert [td.get_text(" ", strip=True) for td in row.select("td.planbook-flagged")] == \
        ["2.634 * (chưa khớp)"]
    assert row.select_one("td.planbook-flagged").find_previous_sibling("td").a is not None
    for key in (PARENT, DIFFERS):
        home = soup_of(site / key / "2026" / "book" / "index.html").get_text(" ", strip=True)
        assert "điểm chưa khớp" in home and "tất cả đều khớp" not in home, key
        checks = soup_of(site / key / "2026" / "book" / "checks.html").get_text(" ", strip=True)
        assert "Số liệu giữa hai cấp" in checks and "2.624" in checks, key
    agrees = soup_of(site / AGREES / "2026" / "book" / "checks.html").get_text(" ", strip=True)
    assert "Số liệu giữa hai cấp" in agrees


def test_the_overview_of_the_parent(project):
    site = project / "_build" / "html"
    page = site / PARENT / "tong-hop-2026" / "index.html"
    assert page.resolve() in pages(site, site / "index.html")
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    rows = soup.select("tbody tr")
    assert len(rows) == 4 and len(soup.select("td.differs")) == 4
    assert "3 trong 4" in soup.get_text()
    assert all(p.is_file() for p in pages(site, page))
    assert soup.select_one("img")["alt"].startswith("Biểu đồ chấm tỷ lệ hộ nghèo")


def test_one_book_rebuilt_alone_and_the_parent_follows_at_the_next_whole_build(project):
    site = project / "_build" / "html"
    units = project / "data" / AGREES / "2026" / "units.csv"
    lines = units.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[2] = str(int(cells[2]) + 7)
    lines[1] = ",".join(cells)
    total = lines[-1].split(",")
    total[2] = str(int(total[2]) + 7)
    lines[-1] = ",".join(total)
    units.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = {key: digest(site / key / "2026") for key in (PARENT, DIFFERS, OTHER)}
    result = run(project, "--locality", AGREES)
    assert result.returncode == 0, result.stderr
    assert f"{AGREES} năm 2026: dựng sách." in result.stdout
    assert {key: digest(site / key / "2026") for key in before} == before
    assert "chưa khớp (1 điểm)" in across(site / AGREES / "2026" / "book" / "index.html")
    again = run(project)
    assert again.returncode == 0, again.stderr
    for key in (DIFFERS, OTHER, AGREES):
        assert f"{key} năm 2026: không có đầu vào nào thay đổi" in again.stdout
    assert f"{PARENT} năm 2026: dựng sách." in again.stdout
    # the pages that show it: the unit's, Biểu số 01, the units annex, the checks, the home
    assert "5 notebook cần chạy" in again.stdout
    unit = site / PARENT / "2026" / "book" / "units" / "02-xa-nam-chau.html"
    assert "chưa khớp (1 điểm)" in across(unit)
    assert digest(site / DIFFERS / "2026") == before[DIFFERS]



def test_a_book_with_bad_data_is_named_and_the_others_stay(project):
    site = project / "_build" / "html"
    units = project / "data" / OTHER / "2026" / "units.csv"
    good = units.read_text(encoding="utf-8")
    lines = good.splitlines()
    cells = lines[1].split(",")
    cells[2] = "nhiều"
    lines[1] = ",".join(cells)
    units.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = {key: digest(site / key / "2026") for key in (OTHER, DIFFERS, AGREES)}
    try:
        result = run(project)
    finally:
        units.write_text(good, encoding="utf-8")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"Lỗi dữ liệu ({OTHER} năm 2026)" in result.stderr
    assert str(units) in result.stderr and "_build/localities" not in result.stderr
    assert {key: digest(site / key / "2026") for key in before} == before
    assert (site / "index.html").is_file()

def test_a_locality_that_is_not_there_is_named(project):
    result = run(project, "--locality", "khong-co")
    assert result.returncode == 2 and "«khong-co»" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_same_site_from_a_two_worker_cluster(project, tmp_path):
    mine = made_up(tmp_path)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        result = run(mine, "--scheduler", cluster.scheduler_address)
        workers = set(cluster.scheduler_info["workers"])
    assert result.returncode == 0, result.stderr
    assert "cụm Dask" in result.stdout
    ran = assemblies(result.stdout)  # each book's site and PDF, built on the workers
    assert sorted(builder for builder, _ in ran) == ["html"] * 4 + ["pdflatex"] * 4, ran
    assert {address for _, address in ran} <= workers, (ran, workers)
    for page in ["xa-kim-bac/2026/book/index.html",  # (the local build's other pages
                 "tinh-tra-son/2026/book/units/01-xa-kim-bac.html"]:  # were edited since)
        ours, local = (p / "_build" / "html" / page for p in (mine, project))
        assert across(ours) and across(ours) == across(local), page
    agrees = mine / "_build" / "html" / PARENT / "2026" / "book" / "units" / "02-xa-nam-chau.html"
    assert "khớp với các biểu" in across(agrees)
    assert (mine / "_build" / "html" / PARENT / "tong-hop-2026" / "index.html").is_file()


def test_the_new_pages_pass_axe_and_fit_a_phone(project):
    """The root page, the overview, a parent's unit page and a child's home: no axe-core
    violation at desktop and phone width, no page wider than a phone, the year switcher."""
    site = project / "_build" / "html"
    found = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for width in (1280, 390):
            context = browser.new_context(viewport={"width": width, "height": 800})
            context.add_init_script(path=str(AXE))
            tab = context.new_page()
            for page in ["index.html", f"{PARENT}/tong-hop-2026/index.html",
                         f"{PARENT}/2026/book/units/01-xa-kim-bac.html",
                         f"{DIFFERS}/2026/book/index.html"]:
                tab.goto((site / page).as_uri(), wait_until="load")
                if "/book/" in page:
                    tab.wait_for_selector("nav.planbook-years li", timeout=5000)
                    assert tab.eval_on_selector_all(
                        "nav.planbook-years li", "(els) => els.map((e) => e.innerText)"
                    ) == ["Năm 2026"]
                found[width, page] = (tab.evaluate(AXE_RUN, AXE_TAGS),
                                      tab.evaluate("document.scrollingElement.scrollWidth"))
            context.close()
        browser.close()
    assert all(not violations and scroll <= width
               for (width, _), (violations, scroll) in found.items()), found


def unpublish(project: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "planbook", "unpublish", "--root",
                           str(project), *options], capture_output=True, text=True)


def test_a_locality_gone_from_the_data_stays_listed_until_it_is_unpublished(project):
    """(Last: it takes a commune off the site the other tests read.) A commune's folder taken
    out of the data: the build says its book is still published, and the root page still lists
    it; ``make unpublish LOCALITY=…`` takes it off, leaves the other books as they were and
    every link of the root page and the overview working."""
    site = project / "_build" / "html"
    shutil.move(project / "data" / OTHER, project / OTHER)
    result = run(project)
    assert result.returncode == 0, result.stderr
    assert f"{OTHER} vẫn đăng trên trang" in result.stderr
    root = soup_of(site / "index.html")
    assert "Xã Hòa Mỹ" in [h.get_text(strip=True) for h in root.select("h2")]
    before = {key: digest(site / key) for key in (PARENT, DIFFERS, AGREES)}
    gone = unpublish(project, "--locality", OTHER)
    assert gone.returncode == 0, gone.stderr
    assert not (site / OTHER).exists()
    assert {key: digest(site / key) for key in before} == before
    root = soup_of(site / "index.html")
    assert [h.get_text(strip=True) for h in root.select("h2")] == [
        "Tỉnh Trà Sơn", "Xã Kim Bắc", "Xã Nam Châu"]
    for page in (site / "index.html", site / PARENT / "tong-hop-2026" / "index.html"):
        assert all(p.is_file() for p in pages(site, page)), page
    assert OTHER not in (project / "_build" / ".published-localities.json").read_text()
    again = unpublish(project, "--locality", OTHER, "--year", "2026")
    assert again.returncode == 2 and "không gỡ gì" in again.stderr
    assert "Traceback" not in again.stderr + gone.stderr
    quiet = run(project)
    assert quiet.returncode == 0 and "vẫn đăng" not in quiet.stderr
