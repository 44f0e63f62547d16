"""The book follows the plan as issued: its sections with the plan's own numbering (I., II., …;
1., 2.), then its two tables, then what the book adds as numbered annexes; a figure the plan
prints differently carries a note where it is shown."""
import re
import subprocess

import nbformat
from bs4 import BeautifulSoup

from planbook import checks, derive, fmt, plantext, text
from planbook.build import pdf_path
from planbook.data import load_plan

from conftest import LEGACY, ROOT
from page_text import blocks

SECTIONS = ["I. MỤC ĐÍCH, YÊU CẦU", "II. MỤC TIÊU", "III. NỘI DUNG THỰC HIỆN",
            "IV. KINH PHÍ THỰC HIỆN", "V. NHIỆM VỤ VÀ GIẢI PHÁP CHỦ YẾU",
            "VI. TỔ CHỨC THỰC HIỆN"]


def soup(path):
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def words(node):
    return " ".join(node.get_text(" ").split())


def chapters(site):
    """The chapter titles in the order of the sidebar."""
    nav = soup(site / "book" / "purpose.html").select_one("nav.bd-docs-nav")
    return [words(a) for a in nav.select("a.reference")]


def test_the_plan_comes_first_in_its_own_numbering_then_its_tables_then_the_annexes(site):
    titles = chapters(site)
    assert titles[:6] == SECTIONS
    assert titles[6] == "Các biểu kèm theo kế hoạch"
    annexes = titles[7:]
    assert annexes and all(re.match(rf"Phụ lục {i}\. ", t) for i, t in enumerate(annexes, 1))
    page = soup(site / "book" / "purpose.html")
    assert [words(b) for b in page.select("article p > strong")] == ["1. Mục đích", "2. Yêu cầu"]


def the_header(plan) -> list[str]:
    """The plan's national header as the site shows it, line by line: issuer, number, motto,
    slogan, then the place and date."""
    t = plan.text
    return [*(t.issuer_header or [t.issuer.upper()]), f"Số: {t.number or '…'}/{t.symbol}",
            t.national_motto, t.national_slogan]


def test_the_home_page_opens_with_the_plan_as_issued_then_what_the_book_adds(site, plan):
    """Nothing of the book's above the plan's header: the home page opens with the header, the
    title (the page's heading, its name in the browser's tab) and the preamble, as the plan
    prints them; what follows (section I is the next page) is labelled as the book's."""
    page = soup(site / "book" / "index.html")
    article = page.select_one("article.bd-article")
    article.select_one("nav.planbook-years").decompose()  # the site's own links, every page
    for link in article.select("a.headerlink"):
        link.decompose()
    lines = blocks(article)
    t = plan.text
    header = the_header(plan)
    assert lines[:len(header)] == header
    assert lines[len(header)].startswith(f"{t.place}, ngày ")
    title = f"{t.document_type.upper()} {t.title}"
    assert lines[len(header) + 1:len(header) + 3] == [title, " ".join(t.preamble.split())]
    assert [words(h) for h in article.find_all("h1")] == [title]
    assert page.title.get_text().startswith(title)
    assert "Tổng quan" not in [words(h) for h in article.find_all(re.compile("^h[1-6]$"))]
    addition = article.select_one(".planbook-addition")
    assert blocks(addition)[0] == "Phần do cuốn sách bổ sung"
    assert lines[len(header) + 3:] == blocks(addition), "after the preamble, the book's only"


def test_the_home_page_links_every_units_page(site, plan):
    """A reader finds their unit in one step: the home page lists the units, each linked to
    its page, in the plan's order."""
    page = soup(site / "book" / "index.html")
    links = page.select(".planbook-addition .planbook-unit-list li a")
    assert [(words(a), a["href"]) for a in links] == \
        [(unit, f"units/{name}.html") for unit, name in derive.unit_pages(plan).items()]
    for _, name in derive.unit_pages(plan).items():
        assert (site / "book" / "units" / f"{name}.html").is_file()


def test_a_unit_page_lists_the_chapters_only_and_marks_its_own(site, plan):
    """The sidebar holds one line per chapter, not every unit (that made the build grow with
    the square of the units); a unit's page marks the units annex as where it is."""
    name = next(iter(derive.unit_pages(plan).values()))
    nav = soup(site / "book" / "units" / f"{name}.html").select_one("nav.bd-docs-nav")
    assert [words(a) for a in nav.select("a.reference")] == chapters(site)
    current = nav.select("li.current")
    assert len(current) == 1 and current[0].a["href"] == "../units.html"
    assert soup(site / "book" / "units.html").select_one(
        "nav.bd-docs-nav li.current a")["href"] == "#"


def test_a_section_an_earlier_plan_yaml_lacks_is_left_out_and_the_next_take_its_number():
    plan = load_plan(LEGACY, 2023)
    assert [s.heading for s in plantext.sections(plan)] == SECTIONS
    plan = load_plan(LEGACY, 2023)  # a plan's sections are worked out once
    plan.__dict__["text"] = plan.text.model_copy(update={"tasks": [], "purpose": "",
                                                         "requirements": []})
    assert [s.heading for s in plantext.sections(plan)] == [
        "I. MỤC TIÊU", "II. NỘI DUNG THỰC HIỆN", "III. KINH PHÍ THỰC HIỆN",
        "IV. TỔ CHỨC THỰC HIỆN"]


def test_a_figure_printed_differently_has_a_note_where_it_is_shown(site, plan):
    findings = {f.about for o in checks.run(plan) for f in o.findings if f.about}
    assert findings, "the 2023 plan has figures that disagree (Đa Mai, Song Mai)"
    pages = derive.unit_pages(plan)
    for unit, name in pages.items():
        page = soup(site / "book" / "units" / f"{name}.html")
        note = page.select_one(".planbook-doubt")
        if f"unit:{unit}" in findings:
            assert note is not None, unit
            assert "kế hoạch in" in words(note) and note.select_one("a[href*='checks']")
        else:
            assert note is None, unit
    for chapter in ["appendix", "units"]:
        assert soup(site / "book" / f"{chapter}.html").select_one(".planbook-doubt")


def test_no_note_when_the_plan_agrees_with_itself(plan):
    assert str(text.doubts(plan, "no-such-figure")).strip() == ""


def pdf_pages(plan):
    """The text of each page of the 2023 PDF, words joined by single spaces."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf_path(ROOT, plan)), "-"],
                          capture_output=True, text=True, check=True).stdout
    return [" ".join(page.split()) for page in text.split("\f")]


def first_page_with(pages, phrase, start=0):
    found = [i for i in range(start, len(pages)) if phrase in pages[i]]
    assert found, f"{phrase!r} is on no page from page {start + 1} on"
    return found[0]


def test_the_pdf_has_the_plan_sections_in_order_then_the_annexes(plan):
    pages = pdf_pages(plan)
    at = first_page_with(pages, "Mục lục") + 1  # after the table of contents
    for title in [*SECTIONS, "BIỂU SỐ 01", "BIỂU SỐ 02", "Phụ lục 1."]:
        at = first_page_with(pages, title, at)  # each after the one before


def test_the_pdf_opens_with_the_plans_header_and_its_preamble_leads_into_section_i(plan):
    """In print the plan's first page comes first (header, title), and nothing of the book's
    stands between the preamble and section I (the page numbers at the top aside)."""
    pages = pdf_pages(plan)
    header = the_header(plan)
    assert pages[0].startswith(f"{header[0]} {plan.text.national_motto}")
    text = " ".join(page.removeprefix(f"{number} ") for number, page in enumerate(pages, 1))
    preamble = " ".join(plan.text.preamble.split())
    assert text.count(preamble) == 1
    assert text.split(preamble)[1].lstrip().startswith(SECTIONS[0])
    assert "Tổng quan" not in text and "Phần do cuốn sách bổ sung" not in text


def test_the_cover_sends_to_the_chapter_of_the_forms_not_an_annex(plan):
    cover = pdf_pages(plan)[0]
    assert "Các biểu kèm theo kế hoạch" in cover
    assert "ở phụ lục" not in cover


def test_each_unit_is_printed_whole_on_one_page_of_the_pdf(plan):
    """The print's units annex is compact (units follow one another, no chart), but a unit's
    text and its doubt note are never split between two pages."""
    pages = pdf_pages(plan)
    start = first_page_with(pages, "Phụ lục 1.", first_page_with(pages, "Mục lục") + 1)
    printed_on = []
    for unit in plan.units.unit:
        printed_on.append(first_page_with(pages, f"{unit} có ", start))  # its first sentence
        page = pages[printed_on[-1]]
        assert f"{unit} đứng thứ" in page, f"{unit}'s text runs over to the next page"
        for o, f in checks.concerning(plan, f"unit:{unit}"):
            assert f"{f.item}: {o.sides[0]} {f.printed}" in page, \
                f"{unit}'s doubt note is on another page"
    assert len(set(printed_on)) < len(printed_on), "the units annex is compact"


def test_bieu_01_is_printed_whole_on_one_page(plan):
    pages = pdf_pages(plan)
    page = pages[first_page_with(pages, "BIỂU SỐ 01")]
    assert f"Tổng cộng {fmt.number(int(plan.units_total.households))}" in page


def captions_on_site(site):
    """(label, caption) of every numbered table and figure of the site, page by page in
    reading order (along the "next page" links); the figures of pages the print lacks (a unit's
    chart) have no number and are not listed."""
    found, path = [], (site / "book" / "index.html").resolve()
    while path is not None:
        page = soup(path)
        for number in page.select("article span.caption-number"):
            label = words(number).rstrip(":")
            found.append((label, words(number.find_next_sibling(class_="caption-text"))))
        following = page.select_one("a.right-next")
        path = (path.parent / following["href"]).resolve() if following else None
    return found


def test_tables_and_figures_have_the_same_numbers_in_print_and_on_the_site(site, plan):
    """Each kind in its order: a chart may stand at the top of the next page in print, after
    a table that follows it on the site."""
    on_site = captions_on_site(site)
    printed = " ".join(pdf_pages(plan))
    in_print = [(m[1], printed[m.end():]) for m in re.finditer(r"((?:Bảng|Hình) \d+): ", printed)]
    for kind in ("Bảng", "Hình"):
        site_kind = [(label, caption) for label, caption in on_site if label.startswith(kind)]
        print_kind = [(label, after) for label, after in in_print if label.startswith(kind)]
        assert [label for label, _ in site_kind][:1] == [f"{kind} 1"]
        assert [label for label, _ in print_kind] == [label for label, _ in site_kind]
        for (label, caption), (_, after) in zip(site_kind, print_kind):
            assert after.startswith(caption), (label, caption, after[:len(caption)])


def test_a_units_chart_is_on_the_site_only_and_not_numbered(site, plan):
    name = next(iter(derive.unit_pages(plan).values()))
    figure = soup(site / "book" / "units" / f"{name}.html").select_one("article figure")
    assert figure is not None and figure.select_one(".caption-text")
    assert figure.select_one(".caption-number") is None


def test_every_chapter_opens_alike():
    """The notebooks' shared opening is one module (planbook/chapter.py): each chapter's first
    cell after its parameters imports it and reads the plan (with what the other levels print,
    in a chapter that shows it), and nothing else."""
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        cells = [c for c in notebook.cells if c.cell_type == "code"
                 and "parameters" not in c.metadata.get("tags", [])]
        lines = [line.split("#")[0].strip() for line in cells[0].source.splitlines()]
        across = notebook.metadata.get("planbook", {}).get("across") or path.stem == "unit"
        assert [line for line in lines if line] == [
            "from planbook.chapter import *",
            f"plan = load_plan(data_dir, year{', across' if across else ''})"], path.name
        assert not any("import" in c.source for c in cells[1:]), path.name
