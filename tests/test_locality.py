"""Any locality, any level: no locality word in the software, the 2023 book unchanged, and a
made-up commune's plan (villages and residential groups, three projects, two funding sources)
built with the same command into a book that speaks only of its own place."""
import re
import shutil
import subprocess

import pytest
from bs4 import BeautifulSoup

from planbook.build import pdf_path
from planbook.data import DataError, load_plan

from conftest import EXAMPLES, ROOT, build, scratch_project
from page_text import snapshot

LOCALITY_WORDS = re.compile(
    r"thành phố|tỉnh|huyện|quận|thị xã|thị trấn|phường|\bxã\b(?! hội)|thôn|tổ dân phố|"
    r"Bắc Giang|Bắc Ninh|\bTP\b|\b(city|cities|wards?|communes?|districts?|provinces?|"
    r"villages?)\b", re.IGNORECASE)
SOFTWARE = ["planbook", "notebooks", "_templates", "_static", "locales", "_config.yml",
            "_toc.yml"]
COMMUNE = EXAMPLES / "commune"


def test_no_locality_word_in_the_software():
    found = []
    for name in SOFTWARE:
        path = ROOT / name
        for file in [path] if path.is_file() else sorted(path.rglob("*")):
            if file.is_file() and file.suffix in {".py", ".md", ".ipynb", ".tex", ".sty", ".yml",
                                                  ".html", ".css", ".po"}:
                text = file.read_text(encoding="utf-8").replace("wards.csv", "")
                found += [f"{file.relative_to(ROOT)}:{n}: {line.strip()}"
                          for n, line in enumerate(text.splitlines(), start=1)
                          if LOCALITY_WORDS.search(line)]
    assert not found, "words about a place belong in the data:\n" + "\n".join(found)


def test_the_2023_book_reads_as_before(site):
    expected = (ROOT / "tests" / "snapshots" / "book-2023.txt").read_text(encoding="utf-8")
    assert snapshot(site) == expected, (
        "the text of the 2023 book changed; if that is meant, write the snapshot again: "
        "python tests/page_text.py _build/html/2023 > tests/snapshots/book-2023.txt")


def test_the_words_of_a_place_come_from_its_plan():
    place = load_plan(COMMUNE, 2026).locality
    assert (place.full_name, place.all, place.All) == ("xã Tân An Hòa", "toàn xã", "Toàn xã")
    assert (place.Units, place.units_heading) == ("Thôn, tổ dân phố", "Các thôn, tổ dân phố")
    city = load_plan(ROOT / "data", 2023).locality
    assert (city.all, city.Units) == ("toàn thành phố", "Phường, xã")


def commune_with(tmp_path, name, old, new):
    """A copy of the example's data with ``old`` replaced by ``new`` in one file."""
    data = tmp_path / "data"
    shutil.copytree(COMMUNE, data)
    path = data / "2026" / name
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return data


def test_data_messages_name_the_units_as_the_plan_does(tmp_path):
    data = commune_with(tmp_path, "units.csv", "Thôn Đoài", "")
    with pytest.raises(DataError) as error:
        load_plan(data, 2026).validate()
    assert "cột 'unit' (Thôn, tổ dân phố)" in str(error.value)
    assert "cần có tên thôn, tổ dân phố" in str(error.value)


def test_several_sources_must_each_have_a_column(tmp_path):
    data = commune_with(tmp_path, "plan.yaml", "column: local", "column: ''")
    with pytest.raises(DataError, match="mục funding: .*mỗi nguồn vốn cần một tên cột riêng"):
        load_plan(data, 2026)


@pytest.fixture(scope="module")
def commune(tmp_path_factory):
    """The example built in a scratch project, as `make book DATA=… YEAR=2026` builds it."""
    project = scratch_project(tmp_path_factory.mktemp("commune"), COMMUNE)
    result = build(project, 2026)
    assert result.returncode == 0, result.stderr
    return project


def site_text(project):
    """The words of every page, as a reader sees them (no space before a comma)."""
    text = " ".join(" ".join(BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")
                             .get_text(" ").split())
                    for p in sorted((project / "_build" / "html" / "2026" / "book").rglob("*.html")))
    return re.sub(r" ([,;.)])", r"\1", text)


def test_the_commune_book_speaks_of_the_commune(commune):
    text = site_text(commune)
    plan = load_plan(COMMUNE, 2026)
    for word in ("thành phố", "phường", "Bắc Giang"):
        assert word not in text.lower()
    assert "Kế hoạch giảm nghèo bền vững xã Tân An Hòa năm 2026" in text  # the site's title
    assert "7 thôn, tổ dân phố với 2.821 hộ dân cư" in text
    assert "tỷ lệ hộ nghèo toàn xã giảm từ 1,88% cuối năm 2025" in text
    assert "Các thôn, tổ dân phố phối hợp thực hiện" in text
    pages = sorted((commune / "_build" / "html" / "2026" / "book" / "units").glob("*.html"))
    assert len(pages) == len(plan.units) == 7


def test_the_commune_book_shows_its_structure(commune):
    text = site_text(commune)
    assert ("kinh phí 985 triệu đồng, ngân sách Trung ương 888 triệu đồng, ngân sách địa "
            "phương 97 triệu đồng") in text
    assert "1. Dự án 2: Đa dạng hóa sinh kế" in text  # a project without sub-projects
    assert "Các nguồn vốn cộng lại bằng kinh phí thực hiện" in text
    assert "so với tổng các dự án, ở cả năm cột kinh phí" in text
    assert ("ngân sách Trung ương 420 triệu đồng, ngân sách địa phương 42 triệu đồng; Vốn năm "
            "2025 chuyển sang: 35 triệu đồng") in text
    assert ("Triển khai thực hiện 03 dự án thành phần") in text  # {projects}, as the plan prints

    assert "tổng cộng 0 điểm chưa khớp" in text  # its figures agree with each other
    assert "người có công" not in text  # the plan sets no such target: nothing is shown


def test_the_commune_pdf(commune):
    if not shutil.which("pdftotext"):
        pytest.skip("no pdftotext here: `make book` installs poppler-utils")
    pdf = pdf_path(commune, load_plan(COMMUNE, 2026))
    assert pdf.name == "ke-hoach-giam-ngheo-xa-tan-an-hoa-2026.pdf"
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    assert "thành phố" not in text.lower() and "phường" not in text.lower()
    assert "Thôn Thượng" in text and "ngân sách địa phương 97 triệu đồng" in text
