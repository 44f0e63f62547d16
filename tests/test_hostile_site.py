"""Nothing from the data is ever markup. The data here is made up and hostile: the 2023 plan
with a script or an outside address after every text of ``plan.yaml`` (every text field of the
model, nested, in lists; empty ones filled) and every name in its tables. Its site, opened from
the files in Chromium, runs none of it, loads nothing from elsewhere and breaks no rule of its
Content Security Policy; the real site carries the policy on every page, and its scripts (colour
mode, year switcher, search) run under it without a violation."""
import csv
import io
import itertools

import pytest
import yaml
from bs4 import BeautifulSoup
from pydantic import BaseModel

from planbook.data import TOTAL_LABEL, load_plan, normalise_name
from planbook.sphinx.ext import CONTENT_POLICY

from conftest import build, scratch_project
from test_browser import CHROMIUM, CHROMIUM_ARGS, site_pages

PAYLOADS = ['<img src=x onerror="window.__pwned=1">', "<script>window.__pwned=1</script>",
            '"><svg onload=window.__pwned=1>', "</script><script>window.__pwned=1</script>",
            '<img src="http://127.0.0.1:9/leak">', "<!--"]
KEPT = {"tt", "column", "page"}  # codes matched with budget.csv, its columns' names, page names
# The elements the payloads would have made, had they been taken as markup.
INJECTED = """() => document.querySelectorAll(
  'img[src="x"], img[src^="http"], svg[onload], [onerror], [onload]').length
  + [...document.scripts].filter((s) => s.text.includes("__pwned")).length"""
POLICY = "Content Security Policy"  # in Chromium's messages about it
# Every refusal of the policy, as it happens (added to each page before its own scripts).
WATCH = """window.__violations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__violations.push(e.violatedDirective + " " + e.blockedURI));"""


def hostile(model: BaseModel, payloads) -> BaseModel:
    """``model`` with a payload after each of its texts (empty ones too) and a text of a
    payload alone in each empty list of texts."""
    values = {}
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        if name in KEPT:
            continue
        if isinstance(value, str):
            values[name] = f"{value} {next(payloads)}".strip()
        elif isinstance(value, BaseModel):
            values[name] = hostile(value, payloads)
        elif field.annotation == list[str]:
            values[name] = [f"{v} {next(payloads)}" for v in value] or [next(payloads)]
        elif isinstance(value, list):
            values[name] = [hostile(v, payloads) for v in value]
    return model.model_copy(update=values)


def edit_table(path, edit) -> None:
    """Rewrite a CSV file, each row through ``edit`` (a dict of the row's cells)."""
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(edit(row) or row for row in rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def make_hostile(folder) -> None:
    """The year's data in ``folder`` with the payloads; still valid (an agency keeps one payload
    in all its spellings, so budget.csv's leads still name it; the total rows keep their label)."""
    payloads = itertools.cycle(PAYLOADS)
    plan = load_plan(folder.parent, int(folder.name))
    text = hostile(plan.text, payloads).model_dump(mode="json")
    (folder / "plan.yaml").write_text(yaml.safe_dump(text, allow_unicode=True), encoding="utf-8")
    agency_payload = {}

    def agency(row):
        payload = next(payloads)
        spellings = [row["name"], *filter(None, row["aliases"].split("|"))]
        agency_payload.update({normalise_name(s): payload for s in spellings})
        row["name"] = f"{row['name']} {payload}"
        row["aliases"] = "|".join(f"{s} {payload}" for s in spellings[1:])

    def names(*columns):
        def edit(row):
            for column in columns:
                if row[column] and row[column] != TOTAL_LABEL:
                    row[column] = f"{row[column]} {next(payloads)}"
        return edit

    def budget(row):
        names("name", "content", "partners")(row)
        if row["lead"]:
            row["lead"] += " " + agency_payload[normalise_name(row["lead"])]

    edit_table(folder / "agencies.csv", agency)
    edit_table(folder / "units.csv", names("unit"))
    edit_table(folder / "budget.csv", budget)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    project = scratch_project(tmp_path_factory.mktemp("hostile"))
    make_hostile(project / "data" / "2023")
    result = build(project)
    assert result.returncode == 0, result.stderr
    return project / "_build" / "html"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file():
        pytest.fail("chromium is missing: `make book` installs it (Debian package chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def watched_tab(browser):
    """A tab, and what it met: every dialog, request to other than a file, and console message
    or page error about the policy."""
    context = browser.new_context()
    context.add_init_script(WATCH)
    tab = context.new_page()
    seen = {"dialogs": [], "requests": [], "policy": []}
    tab.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    tab.on("request", lambda r: r.url.startswith("file:") or seen["requests"].append(r.url))
    tab.on("console", lambda m: POLICY in m.text and seen["policy"].append(m.text))
    tab.on("pageerror", lambda e: POLICY in str(e) and seen["policy"].append(str(e)))
    return tab, seen


def visit(tab, url: str, found: dict) -> None:
    """Open ``url``; note what ran, was put in the page from the data or refused by the
    policy, if anything."""
    tab.goto(url, wait_until="load")
    seen = tab.evaluate(f"() => [window.__pwned, ({INJECTED})(), window.__violations]")
    if seen != [None, 0, []]:
        found[url] = seen


def test_the_hostile_data_stays_text_everywhere(browser, hostile_site):
    year = hostile_site / "2023"
    pages = [p for p in sorted(year.rglob("*.html"))
             if "_static" not in p.relative_to(year).parts and p != year / "index.html"]
    pages += [hostile_site / "index.html"]
    assert len(pages) > 30
    tab, seen = watched_tab(browser)
    found = {}
    for page in pages:
        visit(tab, page.as_uri(), found)
    visit(tab, (year / "search.html").as_uri() + "?q=window", found)  # titles with payloads
    tab.wait_for_selector("#search-results ul.search li", timeout=10000)
    assert tab.eval_on_selector_all("#search-results ul.search li", "(li) => li.length") > 10
    tab.wait_for_function("() => [...document.querySelectorAll('#search-results p.context')]"
                          ".some((p) => p.textContent.includes('__pwned'))", timeout=10000)
    assert tab.evaluate(f"() => [window.__pwned, ({INJECTED})()]") == [None, 0], "excerpts"
    visit(tab, tab.url, found)
    assert not found and seen == {"dialogs": [], "requests": [], "policy": []}
    tab.goto((year / "book" / "index.html").as_uri())
    title = tab.inner_text(".logo__title")
    assert sum(payload in title for payload in PAYLOADS) >= 2, "the payloads reach the page"
    assert tab.title().endswith(title)
    tab.context.close()


def test_every_page_carries_the_policy_before_anything_it_loads(site):
    """The year's index.html (Jupyter Book's forward to book/index.html) has nothing to guard."""
    for page in site_pages():
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        policy = soup.head.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
        assert policy and policy["content"] == CONTENT_POLICY, page
        loaded = policy.find_all_previous(["script", "link", "style"])
        inline = [s for s in soup.find_all("script") if not s.get("src")
                  and s.get("type", "text/javascript") == "text/javascript"]
        assert not loaded and not inline, (page, loaded, inline)


def test_the_site_runs_under_its_policy(browser, site):
    tab, seen = watched_tab(browser)
    found = {}
    for page in [site / "book" / "index.html", next((site / "book" / "units").glob("01-*.html"))]:
        visit(tab, page.as_uri(), found)
        tab.wait_for_selector("nav.planbook-years li", timeout=5000)  # the year switcher ran
        assert tab.evaluate("document.documentElement.dataset.mode") == "auto"  # colour mode
    visit(tab, (site / "search.html").as_uri(), found)
    tab.keyboard.type("dinh duong")  # the field has the focus (static/search-focus.js)
    tab.keyboard.press("Enter")
    tab.wait_for_selector("#search-results ul.search li", timeout=10000)
    assert tab.inner_text("#search-results .search-summary").startswith("Tìm thấy")
    visit(tab, tab.url, found)
    tab.set_viewport_size({"width": 390, "height": 800})
    visit(tab, (site / "book" / "appendix.html").as_uri(), found)
    tab.wait_for_selector(".planbook-wide", timeout=5000)  # the wide tables' script ran
    assert not found and seen == {"dialogs": [], "requests": [], "policy": []}
    tab.context.close()
