"""Vietnamese search (planbook/sphinx/search.py, planbook/sphinx/search.js): the folding of marks, tones and
case in Python (the index) and in the browser (the query), the index of the built 2023 site,
and the search page run in headless Chromium from the files: its results, their excerpts, and
the words marked on the page a result opens."""
import csv
import json
import re
import shutil
import subprocess
import tempfile
import unicodedata
from pathlib import Path
from urllib.parse import quote_plus

import pytest
import yaml
from bs4 import BeautifulSoup

from planbook.derive import unit_pages
from planbook.sphinx.search import JS_FOLD, SearchVietnamese, fold, pairs, syllables

from conftest import DATA

CHROMIUM = shutil.which("chromium")
needs_chromium = pytest.mark.skipif(not CHROMIUM, reason="no chromium here: `make book` "
                                                          "installs it")


def test_fold_drops_case_tones_and_marks():
    assert fold("Dĩnh Trì") == "dinh tri"
    assert fold("DINH DƯỠNG") == fold("dinh dưỡng") == fold("Dinh Duong") == "dinh duong"
    assert fold("Đường đê") == "duong de"
    assert fold("Ấp Ổn Định, 2023") == "ap on dinh, 2023"
    assert fold("hỗ trợ") == fold("hộ trợ") == fold("HỖ TRỢ") == "ho tro"


def test_fold_reads_decomposed_text_as_composed():
    composed = "Nghèo đa chiều, Thọ Xương"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert fold(decomposed) == fold(composed) == "ngheo da chieu, tho xuong"
    assert syllables(decomposed) == syllables(composed) == ["Nghèo", "đa", "chiều", "Thọ", "Xương"]


def test_the_index_holds_syllables_and_neighbouring_pairs_folded():
    language = SearchVietnamese({})
    words = language.split("Hỗ trợ dinh dưỡng. Hộ nghèo\nđa chiều")
    assert words[:7] == ["Hỗ", "trợ", "dinh", "dưỡng", "Hộ", "nghèo", "đa"]
    assert {"Hỗ trợ", "trợ dinh", "dinh dưỡng", "Hộ nghèo"} <= set(words)
    assert "dưỡng Hộ" not in words, "a full stop parts the pair"
    assert "nghèo đa" not in words, "so does a line break"
    assert pairs("a, b c") == ["b c"]
    assert [language.stem(w) for w in ("Dưỡng", "dinh dưỡng", "Đa")] == ["duong", "dinh duong",
                                                                        "da"]
    assert language.word_filter("va") and not language.word_filter("")
    assert language.lang == "vi" and not language.stopwords


def data_words():
    """Every word of the 2023 plan's text and tables, and a few written oddly."""
    text = "\n".join(path.read_text(encoding="utf-8-sig")
                     for path in sorted((DATA / "2023").iterdir()) if path.is_file())
    words = set(syllables(text))
    words |= {unicodedata.normalize("NFD", w) for w in list(words)[:200]}
    words |= {"ĐẮK", "Ðắk", "ẞ", "İ", "Ǆ", "ﬁ", "x̃", "Ạ̀"}
    return sorted(words)


@needs_chromium
def test_the_browser_folds_as_the_index_does(tmp_path):
    words = data_words()
    page = tmp_path / "fold.html"
    page.write_text(
        "<!doctype html><meta charset=utf-8><pre id=out></pre><script>"
        + JS_FOLD + f"\nconst words = {json.dumps(words)};\n"
        "document.getElementById('out').textContent = JSON.stringify(words.map(planbookFold));"
        "</script>", encoding="utf-8")
    folded = json.loads(rendered(page).select_one("#out").get_text())
    assert len(folded) == len(words) > 500
    assert [(w, js) for w, js in zip(words, folded) if js != fold(w)] == []


def index(site):
    text = (site / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[len("Search.setIndex("):-1])


def test_the_sites_index_is_folded(site):
    data = index(site)
    terms = set(data["terms"]) | set(data["titleterms"])
    assert all(term == fold(term) for term in terms), [t for t in terms if t != fold(t)][:10]
    assert {"dinh", "duong", "dinh duong", "dinh tri", "ngheo"} <= terms
    assert not any(re.search(r"[^\x00-\x7f]", term) for term in terms if term.isalpha())
    language_data = (site / "_static" / "language_data.js").read_text(encoding="utf-8")
    assert "planbookFold" in language_data and "Search._performSearch =" in language_data
    assert "planbook-search-order.js" in (site / "search.html").read_text(encoding="utf-8")
    order = re.search(r"var PLANBOOK_SEARCH_ORDER = (\[.*?\]);",
                      (site / "_static" / "planbook-search-order.js").read_text(encoding="utf-8"))
    assert order, "the search page is given the reading order"
    docs = json.loads(order.group(1))
    assert docs[0] == "book/index" and sorted(docs) == sorted(data["docnames"])
    toc = yaml.safe_load((Path(__file__).parents[1] / "_build" / ".src-2023" / "_toc.yml")
                         .read_text(encoding="utf-8"))  # the year's, its sections listed
    listed = [name for name in toc_files(toc) if name in docs]
    assert len(listed) > 5 and [d for d in docs if d in listed] == listed, "the toc's order"


def toc_files(node):
    """The files _toc.yml names, in its order."""
    if isinstance(node, dict):
        return ([node["file"]] if "file" in node else []) + [
            name for key, value in node.items() if key != "file" for name in toc_files(value)]
    if isinstance(node, list):
        return [name for item in node for name in toc_files(item)]
    return []


def test_the_search_messages_are_vietnamese(site):
    text = (site / "_static" / "translations.js").read_text(encoding="utf-8")
    catalog = re.search(r"const catalog = (\{.*?\});\n", text, re.S).group(1)
    messages = json.loads(catalog)["messages"]
    assert "new Function" not in text and "addTranslations" not in text, "no eval: the CSP"
    for message in ("Search Results", "Searching", "Preparing search...",
                    "Search finished, found ${resultCount} page(s) matching the search query.",
                    "Your search did not match any documents. Please make sure that all words "
                    "are spelled correctly and that you've selected enough categories.",
                    "Hide Search Matches"):
        assert messages[message] and messages[message] != message, message
    assert "${resultCount}" in messages["Search finished, found ${resultCount} page(s) "
                                        "matching the search query."]
    assert messages["Search"] == "Tìm kiếm", "the interface's catalogue stays"


def rendered(path: Path, query: str = "") -> BeautifulSoup:
    """The page's DOM after its scripts ran, in headless Chromium, from the file."""
    with tempfile.TemporaryDirectory() as profile:
        return BeautifulSoup(subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--virtual-time-budget=5000", "--dump-dom",
             path.as_uri() + query], capture_output=True, text=True, timeout=120).stdout,
            "html.parser")


def search(site, query):
    """The search page's heading, message and results (link, title) for ``query``."""
    page = rendered(site / "search.html", "?q=" + quote_plus(query))
    out = page.select_one("#search-results")
    return (out.select_one("h2").get_text(), out.select_one(".search-summary").get_text(),
            [(a["href"], a.get_text()) for a in out.select("ul.search li a")])


def folded_text(path):
    article = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").select_one("article")
    return fold(" ".join(article.get_text(" ").split()))


@needs_chromium
def test_dinh_duong_finds_the_pages_with_dinh_duong_first_in_reading_order(site):
    heading, message, results = search(site, "dinh duong")
    assert (heading, message) == ("Kết quả tìm kiếm",
                                  f"Tìm thấy {len(results)} trang phù hợp với từ khóa tìm kiếm.")
    pages = sorted(site.glob("book/**/*.html"))
    phrase = {p.relative_to(site).as_posix() for p in pages
              if re.search(r"\bdinh duong\b", folded_text(p))}
    assert len(phrase) >= 3
    links = [href for href, _ in results]
    assert set(links[:len(phrase)]) == phrase, "the pages where the words stand together first"
    assert len(links) == len(set(links)), "one result per page"
    assert search(site, "DINH DƯỠNG")[2] == results, "marks and case do not matter"


@needs_chromium
def test_pages_that_match_alike_come_in_reading_order(site):
    links = [href for href, _ in search(site, "ho dan cu")[2]]  # every unit's page says it
    units = [int(re.search(r"units/(\d+)-", h).group(1)) for h in links if "units/" in h]
    assert len(units) > 10 and units == sorted(units), "unit 2 before unit 10"


@needs_chromium
def test_a_units_name_without_marks_finds_its_page_first(site, plan):
    names = [name for name in plan.units.unit if name != fold(name)]
    for name in {names[-1], next(n for n in names if "đ" in n.lower())}:
        query = fold(name).title()  # "Dinh Tri"
        assert query != name
        _, message, results = search(site, query)
        assert message.startswith("Tìm thấy ")
        href, title = results[0]
        assert href == f"book/units/{unit_pages(plan)[name]}.html", (query, results[:3])
        assert title.endswith(name)
        for href, _ in results:  # every word, even one of two letters ("da")
            text = folded_text(site / href.split("#")[0])
            assert all(re.search(rf"\b{word}\b", text) for word in fold(name).split()), href


@needs_chromium
def test_a_section_title_links_to_its_section(site):
    _, _, results = search(site, "theo co quan chu tri")
    href, title = results[0]
    assert re.fullmatch(r"book/analysis\.html#[\w-]+", href), results[:3]
    assert title.lower().endswith("theo cơ quan chủ trì")  # the section, or its table


@needs_chromium
def test_nothing_found_says_so_in_vietnamese(site):
    heading, message, results = search(site, "xyzxyz")
    assert heading == "Kết quả tìm kiếm"
    assert message.startswith("Không tìm thấy trang nào")
    assert results == []


@needs_chromium
def test_a_figure_finds_the_pages_that_print_it(site):
    rows = list(csv.DictReader(open(DATA / "2023" / "budget.csv", encoding="utf-8-sig")))
    figure = next(row["new_funds"] for row in rows if row["tt"] == "2.1")  # a sub-project's
    _, message, results = search(site, figure)
    printing = {p.relative_to(site).as_posix() for p in sorted(site.glob("book/**/*.html"))
                if re.search(rf"(?<![\d.,]){figure}(?![\d.,]\d)", folded_text(p))}
    assert printing and message.startswith(f"Tìm thấy {len(results)} trang")
    assert {href.split("#")[0] for href, _ in results} == printing


NAVIGATION = ("Các năm", "Tải bản PDF", "Trang trước", "Trang sau")  # around each page's text
# Each word or phrase marked in `root`, with the characters just before and after it.
MARKS = """(root) => [...root.querySelectorAll(".highlighted")].map((mark) => [
  (mark.previousSibling?.textContent ?? "").slice(-1), mark.textContent,
  (mark.nextSibling?.textContent ?? "").slice(0, 1)])"""
RESULTS = """() => [...document.querySelectorAll("#search-results ul.search li")].map((li) => [
  li.querySelector("a").getAttribute("href"), li.querySelector("p.context")?.textContent,
  (MARKS)(li)])""".replace("MARKS", MARKS)
EXCERPTS_SHOWN = """() => document.querySelector("#search-results .search-summary")?.textContent
  && [...document.querySelectorAll("#search-results ul.search li")].every(
    (li) => li.querySelector("p.context"))"""


@pytest.fixture(scope="module")
def reader():
    """A browser tab (Playwright driving Chromium) at desktop width."""
    from playwright.sync_api import sync_playwright

    from test_browser import CHROMIUM_ARGS
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser.new_page(viewport={"width": 1280, "height": 900})
        browser.close()


def excerpts(tab, site, query):
    """The search page's results for ``query``, opened from the files, once their excerpts are
    shown: [(link, excerpt or None, [(character before, mark, character after)])]."""
    from playwright.sync_api import TimeoutError as Timeout
    tab.goto((site / "search.html").as_uri() + "?q=" + quote_plus(query))
    tab.wait_for_selector("#search-results .search-summary:not(:empty)", timeout=10000)
    try:
        tab.wait_for_function(EXCERPTS_SHOWN, timeout=5000)
    except Timeout:
        pass  # the assertions say which are missing
    return tab.evaluate(RESULTS)


def whole_words(marks, allowed):
    """The marks that are not one of ``allowed`` (folded) as a whole word."""
    return [m for m in marks if fold(m[1]) not in allowed or re.match(r"\w", m[0] + " ")
            or re.match(r"\w", m[2] + " ")]


def total_funds():
    """The plan's total funds as the site prints them ("1.691")."""
    rows = list(csv.DictReader(open(DATA / "2023" / "budget.csv", encoding="utf-8-sig")))
    return f"{int(rows[-1]['total']):,}".replace(",", ".")


@needs_chromium
@pytest.mark.parametrize("query", ["dinh duong", "Da Mai", "ho tro", total_funds()])
def test_results_from_the_files_have_an_excerpt_with_the_querys_words(reader, site, query):
    """Opened from the files (a USB stick, the ZIP), every result shows the text around the
    query's words, marked as whole words, marks folded; never the navigation around the page."""
    results = excerpts(reader, site, query)
    words = set(syllables(fold(query)))
    assert len(results) >= 2
    for href, excerpt, marks in results:
        assert excerpt, f"{href}: no excerpt"
        assert all(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", fold(excerpt)) for w in words), (
            href, excerpt)
        assert marks and not whole_words(marks, words | {fold(query)}), (href, marks)
        assert not [n for n in NAVIGATION if n in excerpt], (href, excerpt)


@needs_chromium
def test_a_figure_is_found_with_its_excerpt(reader, site):
    """"1.691" is one figure: each excerpt shows it, marked whole."""
    number = total_funds()
    results = excerpts(reader, site, number)
    assert results and all(number in excerpt for _, excerpt, _ in results), results
    assert all(marks and {mark for _, mark, _ in marks} == {number} for _, _, marks in results)


@needs_chromium
@pytest.mark.parametrize("query, marked", [("Da Mai", {"da mai"}), ("ho", {"ho"})])
def test_the_opened_page_marks_the_query_as_the_search_finds_it(reader, site, query, marked):
    """A result opened, its page marks what the search found: the query's words in a row where
    the page has them so ("Da Mai": «Đa Mai», not «đã»), else each word; whole words only
    ("ho": «hộ», «hỗ», not the «ho» of «hoạch»), marks folded."""
    excerpts(reader, site, query)
    reader.click("#search-results ul.search li a >> nth=0")
    reader.wait_for_load_state("load")
    reader.wait_for_timeout(300)
    marks = reader.evaluate(f"({MARKS})(document.querySelector('article'))")
    assert marks and not whole_words(marks, marked), marks
    assert not reader.evaluate(f"({MARKS})(document.querySelector('nav.planbook-years'))")
