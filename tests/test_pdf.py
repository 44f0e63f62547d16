"""The print PDF: A4, fonts embedded, Vietnamese text intact, every fact of the plan present."""
import html
import re
import shutil
import subprocess
import unicodedata
from collections import Counter
from dataclasses import dataclass

import pytest
import yaml
from bs4 import BeautifulSoup
from fontTools.ttLib import TTFont

from planbook import fmt, plantext
from planbook.build import pdf_path
from planbook.fonts import SERIF
from planbook.sphinx import latex

from conftest import DATA, ROOT

TOOLCHAIN = all(shutil.which(tool) for tool in ("xelatex", "pdftotext", "pdffonts", "pdfinfo"))
pytestmark = pytest.mark.skipif(
    not TOOLCHAIN, reason="no PDF toolchain here (xelatex, poppler-utils): `make book` installs "
                          "them as root, otherwise run: apt-get install texlive-xetex "
                          "texlive-fonts-recommended latexmk fonts-liberation2 poppler-utils")


@pytest.fixture(scope="module")
def pdf(plan):
    path = pdf_path(ROOT, plan)
    if not path.is_file():
        pytest.fail(f"{path} is not built: run `make book` first")
    return path


@pytest.fixture(scope="module")
def pdf_text(pdf):
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return " ".join(text.split())


def data_text():
    return "".join(p.read_text(encoding="utf-8") for p in (DATA / "2023").iterdir())


def test_a4_and_every_font_embedded(pdf):
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert re.search(r"Page size:\s+595.28 x 841.89 pts \(A4\)", info)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(line.split()[-5] == "yes" for line in rows), fonts
    assert any("LiberationSerif" in line for line in rows)


@pytest.mark.parametrize("style", ["Regular", "Bold", "Italic", "BoldItalic"])
def test_fonts_have_a_glyph_for_every_character_of_the_data(style):
    cmap = TTFont(SERIF[style]).getBestCmap()
    needed = {ch for ch in unicodedata.normalize("NFC", data_text()) if ch.isprintable()}
    assert not sorted(ch for ch in needed if ord(ch) not in cmap)


def test_vietnamese_text_comes_back_exactly(pdf_text):
    plan = yaml.safe_load((DATA / "2023" / "plan.yaml").read_text(encoding="utf-8"))
    assert unicodedata.is_normalized("NFC", pdf_text)
    tasks = plantext.paragraphs(plan["sections"][4]["text"])
    for phrase in [plan["title"], plantext.paragraphs(plan["sections"][1]["text"])[1].printed,
                   plan["signature"]["name"], plan["signature"]["authority"],
                   plan["national_slogan"], tasks[0].printed[:60]]:
        assert " ".join(phrase.split()) in pdf_text


def test_units_and_totals_are_in_the_pdf(plan, pdf_text):
    for unit in plan.units.unit:
        assert unit in pdf_text
    for value in (plan.units_total.households, plan.budget_total.total,
                  plan.budget_total.new_funds):
        assert fmt.number(value) in pdf_text


def test_no_code_parameters_or_escapes(pdf_text):
    for leak in ("load_plan", "show(", "import ", "injected-parameters", "\\u1", "\\*", "\\-"):
        assert leak not in pdf_text


# ----------------------------------------------------------------- the pages as printed

@dataclass
class Line:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class Page:
    number: int
    width: float   # as the page is read: a landscape page (turned by /Rotate) is wider
    height: float
    rotated: bool
    lines: list[Line]

    def text_lines(self) -> list[str]:
        """The page's lines of text from top to bottom: words at one height are one line
        (the cells of a table row, a chart's tick labels)."""
        rows: dict[int, list[Line]] = {}
        for line in self.lines:
            rows.setdefault(round(line.y1 / 3), []).append(line)
        return [" ".join(part.text for part in sorted(row, key=lambda item: item.x0))
                for _, row in sorted(rows.items())]


@pytest.fixture(scope="module")
def pages(pdf) -> list[Page]:
    """Every page with its lines and their boxes, in the page's reading orientation
    (pdftotext turns a rotated page; its width and height are given unturned)."""
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "9999", str(pdf)], capture_output=True,
                          text=True, check=True).stdout
    rotation = {int(n): int(r) % 180 != 0
                for n, r in re.findall(r"Page\s+(\d+) rot:\s+(\d+)", info)}
    layout = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True,
                            text=True, check=True).stdout
    result = []
    for number, (width, height, body) in enumerate(re.findall(
            r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', layout, re.S), start=1):
        lines = []
        for box, words in re.findall(r"<line ([^>]*)>(.*?)</line>", body, re.S):
            coords = dict(re.findall(r'(\w+)="([\d.]+)"', box))
            text = " ".join(html.unescape(w) for w in re.findall(r"<word[^>]*>(.*?)</word>",
                                                                 words))
            lines.append(Line(text, *(float(coords[k]) for k in ("xMin", "yMin", "xMax",
                                                                 "yMax"))))
        w, h = float(width), float(height)
        turned = rotation.get(number, False)
        result.append(Page(number, h if turned else w, w if turned else h, turned, lines))
    return result


def test_page_number_at_the_top_centre_of_every_page_from_2_as_the_page_is_read(pages):
    assert len(pages) > 10
    assert any(p.rotated for p in pages), "Biểu số 02 is printed on landscape pages"
    for page in pages[1:]:
        top = min(page.lines, key=lambda line: line.y0)
        assert top.text == str(page.number), (page.number, top.text)
        assert top.y1 < 0.08 * page.height, (page.number, top)
        assert abs(top.centre - page.width / 2) < 0.05 * page.width, (page.number, top)


def test_no_page_is_nearly_empty_but_the_last(pages):
    sparse = {p.number: p.text_lines()[1:] for p in pages[:-1] if len(p.text_lines()) - 1 < 5}
    assert not sparse, sparse


def _attached(plan) -> str:
    """The "(Kèm theo …)" line of the signed plan's forms, from plan.yaml; a number or day
    left blank stays blank (pdftotext shows it as spaces)."""
    text = plan.text
    d = text.date
    return (f"(Kèm theo {text.document_type} số {text.number}/{text.symbol} ngày "
            f"{d.day or ''}/{d.month or ''}/{d.year} của {text.issuer_short})")


@pytest.mark.parametrize("title", ["BIỂU SỐ 01: CHỈ TIÊU KẾ HOẠCH GIẢM NGHÈO NĂM 2023",
                                   "Các dự án, tiểu dự án thuộc Chương trình MTQG giảm nghèo "
                                   "bền vững năm 2023"])
def test_each_form_has_the_attached_to_line_under_its_title(pages, plan, title):
    expected = " ".join(_attached(plan).split())
    for page in pages:
        lines = [" ".join(line.split()) for line in page.text_lines()]
        if title in lines:
            assert lines[lines.index(title) + 1] == expected
            break
    else:
        pytest.fail(f"no page has the title {title!r}")


def test_bieu_02_is_on_at_most_two_landscape_pages(pages, plan):
    landscape = [p for p in pages if p.rotated]
    numbers = [p.number for p in landscape]
    assert 1 <= len(landscape) <= 2 and numbers == list(range(numbers[0], numbers[-1] + 1))
    assert "BIỂU SỐ 02: PHÂN CÔNG THỰC HIỆN" in landscape[0].text_lines()
    last = " ".join(landscape[-1].text_lines())
    assert f"{plan.budget_total['name']} {fmt.number(plan.budget_total.total)}" in last


def test_charts_are_set_in_the_body_font_and_legible_in_print(pdf, pages):
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert not re.search("DejaVu|LastResort", fonts), "every letter in the body's font"
    assert re.search(r"LiberationSerif\S*\s+Type 3", fonts), "the charts' text is in the PDF"
    # A chart's axis starts at "0%" or "0": its words' height against the body's 13 pt.
    heights = [round(line.y1 - line.y0, 1) for page in pages for line in page.lines]
    body = max(set(heights), key=heights.count)
    ticks = [line for page in pages for line in page.lines if line.text == "0%"]
    assert ticks, "a chart with a percent axis"
    assert all(13 * (line.y1 - line.y0) / body >= 8 for line in ticks)


# ------------------------------------------------------------- pages a clerk would sign off

MOST_PAGES = 27
"""The 2023 book's page count (cover, contents, the 8-page plan with its two forms, the
annexes) as measured (29 before the print was tightened, 26 after, 28 once each form's note
counts every finding about it); more pages is a regression of the layout."""
STARTS_A_PAGE = ("Mục lục", "Các biểu kèm theo kế hoạch", "BIỂU SỐ 02", "Phụ lục ")
"""What starts a page of its own (the contents, the forms, the book's annexes): the page before
it may be less than half full."""


def body(page: Page) -> list[Line]:
    """The page's lines but its number at the top."""
    return [line for line in page.lines
            if not (line.text == str(page.number) and line.y1 < 0.08 * page.height)]


def test_the_print_has_no_more_pages_than_measured(pages):
    assert len(pages) <= MOST_PAGES


def test_no_page_is_less_than_half_full_but_before_what_starts_a_page(pages):
    """A page is filled down to its last line of text (a chart's caption, a table's last row),
    measured between the highest and lowest lines of the pages set the same way; the last page
    at least a quarter."""
    sparse = {}
    for rotated in (False, True):
        alike = [p for p in pages if p.rotated == rotated and body(p)]
        top = min(line.y0 for p in alike for line in body(p))
        bottom = max(line.y1 for p in alike for line in body(p))
        for page in alike:
            following = pages[page.number] if page.number < len(pages) else None
            first = following and min(body(following), key=lambda line: line.y0).text
            if first and first.startswith(STARTS_A_PAGE):
                continue
            fill = (max(line.y1 for line in body(page)) - top) / (bottom - top)
            if fill < (0.5 if following else 0.25):  # the book's last page ends where it ends
                #                                       but holds more than a lone sentence
                sparse[page.number] = (round(fill, 2), page.text_lines()[-1])
    assert not sparse, sparse


def test_each_note_box_is_printed_whole_on_one_page(site, pages):
    """The site's boxes (notes, doubts) are in the print, each whole on one page: a box's
    words are found on a page as many times as the site has the box (two say the same)."""
    def bare(text: str) -> str:  # the words without spaces and the print's list marks "-"
        return "".join(text.split()).replace("-", "")

    printed = [bare("".join(page.text_lines())) for page in pages]
    boxes = Counter(bare(box.get_text()) for path in site.rglob("book/**/*.html")
                    for box in BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
                    .select("article div.admonition")
                    if not box.find_parent(class_="planbook-addition"))  # the home page's, site only
    assert sum(boxes.values()) >= 3
    for box, count in boxes.items():
        assert sum(text.count(box) for text in printed) >= count, box


def test_the_print_is_run_again_until_its_references_settle_and_stops_at_an_error(tmp_path):
    """``make-pdf`` (what Jupyter Book runs as ``make all-pdf``) runs XeLaTeX until a page
    reference is resolved, and fails on a LaTeX error."""
    (tmp_path / "doc.tex").write_text(
        "\\documentclass{article}\\begin{document}See page \\pageref{end}.\\newpage"
        "\\label{end}End.\\end{document}\n", encoding="utf-8")
    run = subprocess.run([latex.MAKE_PDF, "all-pdf"], cwd=tmp_path, capture_output=True)
    assert run.returncode == 0, run.stdout[-2000:]
    text = subprocess.run(["pdftotext", tmp_path / "doc.pdf", "-"], capture_output=True,
                          text=True).stdout
    assert "See page 2." in text
    (tmp_path / "doc.tex").write_text("\\documentclass{article}\\begin{document}\\undefined"
                                      "\\end{document}\n", encoding="utf-8")
    assert subprocess.run([latex.MAKE_PDF, "all-pdf"], cwd=tmp_path,
                          capture_output=True).returncode != 0
