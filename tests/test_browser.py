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


@pytest.fixture(scope="module")
def visit(desktop, phone):
    """Each page opened once per width (the slow part); the tests below read what was seen."""
    seen = {}

    def visit(path):
        if path not in seen:
            result = {"axe": {DESKTOP: axe_run(open_page(desktop, path))}}
            tab = open_page(phone, path)
            if path.is_relative_to(SITE / "book"):  # the switcher's list comes from years.js
                tab.wait_for_selector("nav.planbook-years li", timeout=5000)
            result["axe"][PHONE] = axe_run(tab)
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
