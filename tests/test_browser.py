"""The built site in a browser (Debian's chromium driven by Playwright, pages opened from
file://, one browser for the module): every page passes axe-core's WCAG 2.1 A/AA rules, fits a
390 px phone screen, speaks Vietnamese once its scripts ran, and every link to a local file —
the year switcher's among them — leads to a file that exists; a chart's words are no larger
than the text on a desktop and legible on a phone."""
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from planbook import charts

from conftest import ROOT, SITE
from test_site import ENGLISH_UI

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE, DESKTOP = 390, 1280
# Without these, chromium tries the network at start (the site itself loads nothing from it).
CHROMIUM_ARGS = ["--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-gpu"]


def site_pages():
    """Every page of the built 2023 site (not the theme's files under _static/, not the
    year's index.html, which only forwards to book/index.html), and the root page."""
    pages = [p for p in sorted(SITE.rglob("*.html"))
             if "_static" not in p.relative_to(SITE).parts and p != SITE / "index.html"]
    return pages + [SITE.parent / "index.html"]


def page_id(path):
    return str(path.relative_to(SITE.parent))


PAGES = site_pages() if SITE.is_dir() else []


@pytest.fixture(scope="module")
def browser(site):
    if not CHROMIUM.is_file():
        pytest.fail("chromium is missing: `make book` installs it (Debian package chromium)")
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: `make book` installs axe-core with npm")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def tab(browser, width: int, height: int):
    """A page of its own window size, with axe-core loaded in every document it opens."""
    context = browser.new_context(viewport={"width": width, "height": height})
    context.add_init_script(path=str(AXE))
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def phone(browser):
    yield from tab(browser, PHONE, 800)


@pytest.fixture(scope="module")
def desktop(browser):
    yield from tab(browser, DESKTOP, 900)


def open_page(tab, path):
    tab.goto(path.as_uri(), wait_until="load")
    return tab


AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                         resultTypes: ["violations"]});
  return result.violations.map((v) => v.id + ": " + v.nodes.map(
    (n) => n.target.join(" ")).join(", "));
}"""
# What a reader sees or hears once the page's scripts ran: its text, title and the attributes
# that name or explain its controls.
UI_TEXTS = """() => [document.body.innerText, document.title].concat(
  [...document.querySelectorAll("[aria-label], [title], [placeholder], [alt]")]
    .flatMap((e) => ["aria-label", "title", "placeholder", "alt"]
      .map((a) => e.getAttribute(a)).filter(Boolean)))"""

# The search fields and buttons a reader sees on the page as it opens.
SEARCH_BOXES = """() => [...document.querySelectorAll(
    'input[type="search"], .search-button__button')].filter(
  (e) => e.checkVisibility({visibilityProperty: true}) && e.getBoundingClientRect().width > 0
).length"""


@pytest.fixture(scope="module")
def visit(desktop, phone):
    """Each page opened once per width (the slow part); the tests below read what was seen."""
    seen = {}

    def visit(path):
        if path not in seen:
            result = {"axe": {DESKTOP: axe_run(open_page(desktop, path))},
                      "search boxes": {DESKTOP: desktop.evaluate(SEARCH_BOXES)}}
            tab = open_page(phone, path)
            if path.is_relative_to(SITE / "book"):  # the switcher's list comes from years.js
                tab.wait_for_selector("nav.planbook-years li", timeout=5000)
            result["axe"][PHONE] = axe_run(tab)
            result["search boxes"][PHONE] = tab.evaluate(SEARCH_BOXES)
            result["width"] = tab.evaluate("document.scrollingElement.scrollWidth")
            result["texts"] = tab.evaluate(UI_TEXTS)
            result["links"] = tab.evaluate(
                "() => [...document.querySelectorAll('a[href]')].map((a) => a.href)")
            result["years"] = tab.eval_on_selector_all(
                "nav.planbook-years li", "(els) => els.map((e) => e.innerText)")
            result["current"] = tab.eval_on_selector_all(
                "nav.planbook-years [aria-current]", "(els) => els.map((e) => e.innerText)")
            result["switcher"] = tab.eval_on_selector_all(
                "nav.planbook-years a", "(els) => els.map((a) => a.href)")
            seen[path] = result
        return seen[path]

    return visit


def axe_run(tab):
    return tab.evaluate(AXE_RUN, AXE_TAGS)


def test_the_site_has_its_pages():
    assert len(PAGES) > 20 and SITE.parent / "index.html" in PAGES


@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_accessible(visit, path):
    """No axe-core violation at desktop width nor on a phone (the theme shows other controls)."""
    found = {width: v for width, v in visit(path)["axe"].items() if v}
    assert not found


@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_fits_a_phone(visit, path):
    width = visit(path)["width"]
    assert width <= PHONE + 1, f"{page_id(path)} is {width} px wide on a {PHONE} px screen"


@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_interface_is_vietnamese_once_scripts_ran(visit, path):
    texts = visit(path)["texts"]
    assert not sorted({m.group(0) for text in texts for m in ENGLISH_UI.finditer(text)})


@pytest.mark.parametrize("path", [p for p in PAGES if p.is_relative_to(SITE)], ids=page_id)
def test_one_search_box(visit, path):
    """One way to search on every page of the year, at desktop width and on a phone (the
    search page's own field on the search page)."""
    assert visit(path)["search boxes"] == {DESKTOP: 1, PHONE: 1}


def local_target(url):
    """The file a file:// link leads to (None for other links and in-page anchors)."""
    parts = urlsplit(url)
    if parts.scheme != "file":
        return None
    return Path(unquote(parts.path))


@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_local_links_resolve(visit, path):
    missing = sorted({url for url in visit(path)["links"]
                      if (target := local_target(url)) and not target.is_file()})
    assert not missing


@pytest.mark.parametrize("path", [p for p in PAGES if p.is_relative_to(SITE / "book")],
                         ids=page_id)
def test_year_switcher(visit, path):
    """The switcher lists every published year (the current one unlinked) and its links,
    "Các năm" to the root page and each other year, lead to files that exist."""
    seen = visit(path)
    years = re.findall(r'"year": (\d+)', (SITE.parent / "years.js").read_text(encoding="utf-8"))
    assert sorted(seen["years"]) == sorted(f"Năm {y}" for y in years)
    assert seen["current"] == [f"Năm {SITE.name}"]
    links = seen["switcher"]
    assert links and all(local_target(url).is_file() for url in links), links
    assert local_target(links[0]) == SITE.parent / "index.html"


def test_the_year_switcher_of_two_years(phone, two_years):
    """On a site of two years (2023 and the made-up 2024, built by conftest), the switcher of
    every page of each year links the other year, to a file that exists; the chapter only a
    second year has (last year's results) passes axe-core too."""
    site = two_years / "_build" / "html"
    broken, unlinked = [], []
    for year, other in (("2023", "2024"), ("2024", "2023")):
        for path in sorted((site / year / "book").rglob("*.html")):
            tab = open_page(phone, path)
            tab.wait_for_selector("nav.planbook-years li", timeout=5000)
            links = dict(tab.eval_on_selector_all(
                "nav.planbook-years a", "(els) => els.map((a) => [a.innerText, a.href])"))
            if f"Năm {other}" not in links:
                unlinked.append(path)
            broken += [url for url in links.values() if not local_target(url).is_file()]
    assert not unlinked and not broken
    assert not axe_run(open_page(phone, site / "2024" / "book" / "results.html"))


CHART_SIZES = """() => [...document.querySelectorAll("img.planbook-chart")].map((img) =>
  [img.getBoundingClientRect().width / img.naturalWidth,
   parseFloat(getComputedStyle(document.querySelector("article p")).fontSize)])"""


@pytest.mark.parametrize("page", ["book/units.html", "book/analysis.html",
                                  "book/units/01-tran-phu.html"])
def test_chart_words_no_larger_than_the_text_and_legible_on_a_phone(desktop, phone, page):
    """A chart's smallest words (10 pt where the chart is drawn 4.6 in wide) are at most the
    body's size on a desktop and about 10 px on a phone (once they were 22 px against 16 px,
    30 px on a unit's page)."""
    words = charts.TEXT * 96 / 72  # CSS px at the chart's own size
    desk = open_page(desktop, SITE / page).evaluate(CHART_SIZES)
    small = open_page(phone, SITE / page).evaluate(CHART_SIZES)
    assert desk and len(small) == len(desk)
    assert all(words * scale <= body for scale, body in desk), desk
    assert all(words * scale >= 9.5 for scale, _ in small), small


def test_the_year_page_forwards_to_a_page(site):
    """The year's index.html, left out above, only forwards: to a page that exists."""
    target = re.search(r'http-equiv="Refresh" content="0; url=([^"]+)"',
                       (site / "index.html").read_text(encoding="utf-8"))
    assert target and (site / target.group(1)).is_file()


def test_the_checks_find_faults(phone):
    """The same checks on a page made to fail them: axe-core runs and reports, the width is
    measured. (A blank document first: written into the last page, the test's page would keep
    that page's Content Security Policy, which refuses the script tag adding axe-core.)"""
    phone.goto("about:blank")
    phone.set_content('<html><body><div style="width: 800px">x</div><img src="x.png">'
                      '<button aria-label="Đóng">Mở bảng</button></body></html>')
    phone.add_script_tag(path=str(AXE))
    found = {v.split(":")[0] for v in axe_run(phone)}
    assert {"html-has-lang", "image-alt", "label-content-name-mismatch"} <= found
    assert phone.evaluate("document.scrollingElement.scrollWidth") > PHONE + 1


# A wide table's box scrolled to `at` (0 to 1 of its way), its headers measured: each header
# cell's first and last column (spans counted, as in HTML's table model), its box against its
# columns' body cells, the pinned (sticky) cells' backgrounds, and what lies at points inside
# each pinned header cell. What is wrong, as text.
SWIPED = """async ([index, at]) => {
  const box = document.querySelectorAll(".planbook-wide")[index];
  const table = box.querySelector("table");
  const spans = new Map();
  for (const group of table.querySelectorAll(":scope > :is(thead, tbody)")) {
    const taken = [];
    [...group.rows].forEach((row, r) => {
      let column = 0;
      for (const cell of row.cells) {
        while (taken[r] && taken[r].has(column)) column++;
        spans.set(cell, [column, column + cell.colSpan - 1]);
        for (let i = r; i < r + (cell.rowSpan || group.rows.length - r); i++)
          for (let c = column; c < column + cell.colSpan; c++)
            (taken[i] = taken[i] || new Set()).add(c);
        column += cell.colSpan;
      }
    });
  }
  window.scrollTo(0, window.scrollY + table.tHead.getBoundingClientRect().top - 250);
  box.scrollLeft = at * (box.scrollWidth - box.clientWidth);
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const body = [...table.tBodies[0].rows[0].cells];
  const name = (cell) => `«${cell.textContent.trim()}» (${at})`;
  const pinned = (cell) => getComputedStyle(cell).position === "sticky";
  const wrong = [];
  for (const cell of table.querySelectorAll("thead th, thead td")) {
    const [first, last] = spans.get(cell);
    const own = cell.getBoundingClientRect();
    const left = body[first].getBoundingClientRect().left;
    const right = body[last].getBoundingClientRect().right;
    if (Math.abs(own.left - left) > 1.5 || Math.abs(own.right - right) > 1.5)
      wrong.push(`${name(cell)} spans ${own.left}-${own.right}, its columns ${left}-${right}`);
    if (!pinned(cell)) continue;
    for (const [x, y] of [[0.5, 0.5], [0.15, 0.5], [0.85, 0.5], [0.5, 0.15], [0.5, 0.85]]) {
      const seen = document.elementFromPoint(own.left + x * own.width, own.top + y * own.height);
      if (!cell.contains(seen))
        wrong.push(`${name(cell)} is covered by «${seen ? seen.textContent.trim() : "nothing"}»`);
    }
  }
  for (const cell of table.querySelectorAll("th, td"))
    if (pinned(cell) && !/^rgb\\(|, 1\\)$/.test(getComputedStyle(cell).backgroundColor))
      wrong.push(`${name(cell)} lets through what scrolls under it`);
  return wrong;
}"""
TABLE_PAGES = [p for p in PAGES if "<table" in p.read_text(encoding="utf-8")]


@pytest.mark.parametrize("path", TABLE_PAGES, ids=page_id)
def test_a_swiped_table_keeps_each_header_over_its_column(phone, path):
    """On a phone, each wide table swiped from its first column to its last: every header cell
    (both rows of a Biểu's, spans counted) stays over its own column, the pinned columns' headers
    are not covered by what scrolls under them, and no pinned cell lets it show through."""
    tab = open_page(phone, path)
    shown = tab.evaluate("[...document.querySelectorAll('.planbook-wide')].flatMap("
                         "(box, i) => box.checkVisibility() ? [i] : [])")  # not folded away
    if path.name == "appendix.html":
        assert len(shown) >= 2, "Biểu số 01 and 02 are wider than a phone"
    wrong = [f"table {index + 1}: {fault}" for index in shown
             for at in (0, 0.25, 0.5, 0.75, 1) for fault in tab.evaluate(SWIPED, [index, at])]
    assert not wrong
