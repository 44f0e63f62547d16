"""The print PDF: A4, fonts embedded, Vietnamese text intact, every fact of the plan present."""
import re
import shutil
import subprocess
import unicodedata

import pytest
import yaml
from fontTools.ttLib import TTFont

from planbook import fmt
from planbook.build import pdf_path

from conftest import DATA, ROOT

FONTS = "/usr/share/fonts/truetype/liberation2/LiberationSerif-{}.ttf"
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
    cmap = TTFont(FONTS.format(style)).getBestCmap()
    needed = {ch for ch in unicodedata.normalize("NFC", data_text()) if ch.isprintable()}
    assert not sorted(ch for ch in needed if ord(ch) not in cmap)


def test_vietnamese_text_comes_back_exactly(pdf_text):
    plan = yaml.safe_load((DATA / "2023" / "plan.yaml").read_text(encoding="utf-8"))
    assert unicodedata.is_normalized("NFC", pdf_text)
    for phrase in [plan["title"], plan["targets"]["meritorious_families"],
                   plan["signature"]["name"], plan["signature"]["authority"],
                   plan["national_slogan"], plan["tasks"][0][:60]]:
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
