"""The built site against the data files: every fact of the plan is there, as text, in the
Vietnamese number format, with no code, no parameters and nothing fetched from the internet."""
import csv
import re

import pytest
import yaml
from bs4 import BeautifulSoup

from planbook import fmt, plantext
from planbook.derive import unit_pages

from conftest import DATA


def page(site, name):
    return BeautifulSoup((site / "book" / f"{name}.html").read_text(encoding="utf-8"),
                         "html.parser")


def words(node):
    return " ".join(node.get_text(" ").split())


def raw_rows(name):
    with open(DATA / "2023" / name, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def all_pages(site):
    return sorted(site.rglob("*.html"))


def form(site, name):
    """A Biểu as the site shows it: its caption's words, its header rows (each cell's words
    and span), its body rows (a cell's words without the mark of a disagreeing cell)."""
    table = page(site, "appendix").find("table", id=name)
    assert table is not None, f"no table #{name}"
    for mark in table.select(".planbook-mark, .visually-hidden"):
        mark.decompose()
    header = [[(words(c), int(c.get("colspan", 1)), int(c.get("rowspan", 1)))
               for c in tr.find_all("th")] for tr in table.thead.find_all("tr")]
    body = [[words(c) for c in tr.find_all("td")] for tr in table.tbody.find_all("tr")]
    return words(table.caption), header, body


def test_appendix_reproduces_bieu_01(site):
    caption, header, rows = form(site, "bieu-01")
    assert caption.startswith("BIỂU SỐ 01: CHỈ TIÊU KẾ HOẠCH GIẢM NGHÈO NĂM 2023 (Kèm theo ")
    assert header[0][3] == ("Kết quả thực hiện năm 2022", 2, 1)
    assert [label for label, _, _ in header[1]] == ["Số hộ", "Tỷ lệ (%)"] * 2
    expected = [[r["tt"], r["unit"], fmt.number(int(r["households"])),
                 fmt.number(int(r["poor_prev"])), fmt.percent(float(r["rate_prev"])),
                 fmt.number(int(r["poor_target"])), fmt.percent(float(r["rate_target"])),
                 fmt.number(int(r["reduction"]))] for r in raw_rows("units.csv")]
    assert rows == expected


def test_appendix_reproduces_bieu_02(site):
    caption, header, rows = form(site, "bieu-02")
    assert caption.startswith("BIỂU SỐ 02: PHÂN CÔNG THỰC HIỆN Các dự án, tiểu dự án thuộc "
                              "Chương trình MTQG giảm nghèo bền vững năm 2023 (Kèm theo ")
    assert header[0][3] == ("Trong đó", 2, 1)
    assert [label for label, _, _ in header[1]] == ["Vốn năm 2022 chuyển sang", "Vốn năm 2023"]
    money = lambda v: fmt.number(int(v)) if v else ""  # noqa: E731
    expected = [[r["tt"].rstrip("."), r["name"], money(r["total"]), money(r["carry_over"]),
                 money(r["new_funds"]), r["lead"], r["content"], r["partners"]]
                for r in raw_rows("budget.csv")]
    assert rows == [[" ".join(c.split()) for c in row] for row in expected]


def test_each_unit_has_its_page_titled_with_its_name(site, plan):
    for row in [r for r in raw_rows("units.csv") if r["tt"]]:
        soup = page(site, f"units/{unit_pages(plan)[row['unit']]}")
        title = soup.find("article").find("h1")
        assert not title.find("span", class_="section-number")  # the plan's numbering only
        assert words(title).rstrip("#").strip() == row["unit"]
        text = words(soup.find("article"))
        assert fmt.number(int(row["households"])) + " hộ dân cư" in text
        assert f"còn {fmt.number(int(row['poor_target']))} hộ nghèo" in text
        assert soup.find("img")["alt"].startswith("Biểu đồ")


def yaml_strings(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in {"tt", "symbol", "number", "content_label"}:
                yield from yaml_strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from yaml_strings(value)
    elif isinstance(node, str) and node:
        yield " ".join(node.split())


def test_every_text_of_the_plan_is_in_the_site(site):
    text = " ".join(words(BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser"))
                    for p in (site / "book").rglob("*.html"))
    plan = yaml.safe_load((DATA / "2023" / "plan.yaml").read_text(encoding="utf-8"))
    typed = [p.printed for section in plan.pop("sections")
             for p in plantext.paragraphs(section["text"])]
    missing = [s for s in [*yaml_strings(plan), *typed] if s not in text]
    assert not missing


def test_signature_block_and_recipients(site):
    text = words(page(site, "organisation").find("article"))
    plan = yaml.safe_load((DATA / "2023" / "plan.yaml").read_text(encoding="utf-8"))
    sig = plan["signature"]
    assert f"{sig['authority']} {sig['title']} {sig['name']}" in text
    assert " ".join(plan["recipients"]) in text


@pytest.mark.parametrize("check", ["code", "escapes", "numbers", "offline", "tables", "images"])
def test_pages_show_a_book_not_a_notebook(site, check):
    for path in all_pages(site):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        body = soup.find("article") or soup.body or soup
        if check == "code":
            assert not soup.select(".cell_input, .highlight-ipython3"), path
            assert not soup.select(".output.stream, .output.stderr, .output.traceback, "
                                   ".output.text_plain"), path
            assert "injected-parameters" not in str(soup), path
        elif check == "escapes":
            assert not re.search(r"\\u[0-9a-fA-F]{4}|\\[<>*_#.\-&:%]", words(body)), path
        elif check == "numbers":
            assert not re.search(r"\d\.\d{1,2}%|\d,\d{3}\b(?!,)", words(body)), path
        elif check == "offline":
            for tag in soup.find_all(["script", "link", "img"]):
                src = tag.get("src") or tag.get("href") or ""
                assert not src.startswith(("http:", "https:", "//")), (path, src)
        elif check == "tables":
            for table in body.find_all("table"):
                assert table.find("thead") and table.find("caption"), path
        elif check == "images":
            for img in body.find_all("img"):
                assert img.get("alt"), (path, img)


# The theme's English interface words (and the odd forms of the bundled Vietnamese catalogue),
# as words: the plan's own Vietnamese text never has them.
ENGLISH_UI = re.compile(
    r"\b(?:Skip to|Back to top|Search|Color mode|Colou?r|Light|Dark|System Settings|Toggle|"
    r"[Ss]idebar|Link to this|[Pp]revious|[Nn]ext|On this page|Contents|Main|Page|Site "
    r"navigation|Navigation|Version warning|Ctrl|Home|Breadcrumb|Announcement|Download|"
    r"Fullscreen|Print|Edit|Theme|Close|Copy|Index|Indices|Error|Please|Expand|Collapse|"
    r"Show Source|Hide)\b|Tìm Kiếm|[Xx]em [Ll]ại|[Xx]em [Tt]iếp")
UI_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt", "data-bs-title")


def ui_texts(soup):
    """The words a reader sees or hears on a page: its text (not scripts or styles) and the
    attributes that name or explain its controls."""
    for tag in soup.find_all(["script", "style", "noscript"]):
        tag.decompose()
    yield words(soup)
    yield soup.title.get_text() if soup.title else ""
    for tag in soup.find_all(True):
        for name in UI_ATTRIBUTES:
            if tag.get(name):
                yield f"{name}={tag[name]!r}"


def test_interface_is_vietnamese(site):
    pages = [p for p in all_pages(site) if "_static" not in p.parts] + [site.parent / "index.html"]
    assert len(pages) > 10
    english = {}
    for path in pages:
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        found = sorted({m.group(0) for text in ui_texts(soup) for m in ENGLISH_UI.finditer(text)})
        if found:
            english[str(path.relative_to(site.parent))] = found
    assert not english


def test_interface_check_finds_english():
    soup = BeautifulSoup('<p>Tìm kiếm</p><button title="Toggle primary sidebar"></button>'
                         '<input placeholder="Search..."><a aria-label="Xem lại">x</a>',
                         "html.parser")
    found = {m.group(0) for text in ui_texts(soup) for m in ENGLISH_UI.finditer(text)}
    assert found == {"Toggle", "sidebar", "Search", "Xem lại"}
