"""Builds that survive what happens to a clerk: Ctrl-C or a kill at any step, two builds at
once, a unit removed, an output deleted, odd but valid names and figures. Each builds the
made-up commune (examples/commune, 7 units) in a scratch project, to stay quick."""
import signal
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from planbook.kernels import KERNELS

from conftest import EXAMPLES, build, digest, scratch_project

COMMUNE = EXAMPLES / "commune"
TOOLCHAIN = Path("/usr/bin/pdftotext").exists()


def as_in_a_terminal() -> None:
    """Ctrl-C as a clerk's terminal delivers it: tests started in the background (``nohup``,
    ``&``) inherit SIGINT ignored, and so would the build."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(project):
    return subprocess.Popen([sys.executable, "-m", "planbook", "build", "--root", str(project)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=as_in_a_terminal)


def interrupt_when(process, line_start: str, signum: int, delay: float = 0.0) -> str:
    """Send ``signum`` once the build prints a line starting with ``line_start`` (and
    ``delay`` seconds more); return what it wrote to stderr."""
    for line in process.stdout:
        if line.startswith(line_start):
            time.sleep(delay)
            process.send_signal(signum)
            break
    _, err = process.communicate(timeout=300)
    return err


def published_units(project):
    return sorted(p.name for p in (project / "_build" / "html" / "2026" / "book" / "units")
                  .glob("*.html"))


def kernel_folders(pid):
    """The temporary kernel folders of the build with process id ``pid``."""
    return list(Path(tempfile.gettempdir()).glob(f"{KERNELS}{pid}-*"))


@pytest.fixture
def project(tmp_path):
    return scratch_project(tmp_path, COMMUNE)


@pytest.mark.parametrize("step, line, signum, delay", [
    ("notebooks", "[1/", signal.SIGINT, 0.0),        # Ctrl-C while pages execute
    ("site", "Đã chạy", signal.SIGTERM, 1.0),         # kill while Jupyter Book runs
    ("pdf", "Đã chạy", signal.SIGKILL, 12.0),         # kill -9 later, while LaTeX runs
])
def test_an_interrupted_build_is_finished_by_the_next(project, step, line, signum, delay):
    process = start(project)
    err = interrupt_when(process, line, signum, delay)
    if signum != signal.SIGKILL:
        assert "Traceback" not in err and err.strip().count("\n") == 0, err
        assert "Đã dừng giữa chừng" in err, f"exit code {process.returncode}: {err!r}"
        assert not kernel_folders(process.pid), "the kernels' temporary folders are removed"
    result = build(project)
    assert result.returncode == 0, result.stderr
    assert not kernel_folders(process.pid), "a killed build's are removed by the next"
    assert len(published_units(project)) == 7
    assert (project / "_build" / "html" / "2026" /
            "ke-hoach-giam-ngheo-xa-tan-an-hoa-2026.pdf").is_file()


def test_two_builds_at_once_take_turns(project):
    first, second = start(project), start(project)
    (out1, err1), (out2, err2) = first.communicate(timeout=600), second.communicate(timeout=600)
    assert first.returncode == 0 and second.returncode == 0, err1 + err2
    assert "Đang có một lần dựng sách khác" in out1 + out2
    assert "Traceback" not in err1 + err2
    assert len(published_units(project)) == 7


def test_a_removed_unit_leaves_nothing_behind_and_deleted_outputs_come_back(project):
    assert build(project).returncode == 0
    units = project / "data" / "2026" / "units.csv"
    lines = units.read_text(encoding="utf-8").splitlines()
    units.write_text("\n".join(line for line in lines if ",Thôn Hạ," not in line) + "\n",
                     encoding="utf-8")
    assert build(project).returncode == 0
    pages = published_units(project)
    assert len(pages) == 6 and not any("thon-ha" in page for page in pages)
    site = project / "_build" / "html" / "2026"
    assert not any("thon-ha" in p.name for p in site.rglob("*")), "its chart went too"
    before = digest(site)
    (site / "ke-hoach-giam-ngheo-xa-tan-an-hoa-2026.pdf").unlink()
    (site / "book" / "units" / pages[0]).unlink()
    result = build(project)
    assert result.returncode == 0 and "không có đầu vào nào thay đổi" not in result.stdout
    assert digest(site) == before
    text = project / "data" / "2026" / "plan.yaml"
    text.write_text(text.read_text(encoding="utf-8").replace("name: Tân An Hòa", "name: Tân An"),
                    encoding="utf-8")
    assert build(project).returncode == 0
    assert [p.name for p in site.glob("*.pdf")] == ["ke-hoach-giam-ngheo-xa-tan-an-2026.pdf"], \
        "a renamed locality's PDF replaces the old one"
    assert [p.name for p in site.rglob("*.zip")] == [
        "du-lieu-ke-hoach-giam-ngheo-xa-tan-an-2026.zip"], "and so does its data files' ZIP"


def test_messages_for_a_wrong_year_and_an_unwritable_build_folder(project):
    result = subprocess.run([sys.executable, "-m", "planbook", "build", "--root",
                             str(project), "--year", "abc"], capture_output=True, text=True)
    assert result.returncode == 2 and result.stderr.startswith("Lệnh chưa đúng — YEAR: năm ")
    (project / "_build").write_text("not a folder")
    result = build(project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("Không ghi hoặc đọc được")


TRICKY = {
    "Thôn Đông": "Tân An",                    # two names that differ only by marks…
    "Thôn Đoài": "Tấn An",
    "Thôn Trung": "TÂN AN",                   # …or by case
    "Thôn Hạ": "Khu #5 — $x$ * _a_ `b` {c}",   # comment, maths and markup characters
    "Thôn Thượng": unicodedata.normalize("NFD", "Xóm Thượng ") + "dài " * 50,  # NFD, long
}


@pytest.mark.skipif(not TOOLCHAIN, reason="no PDF toolchain: `make book` installs it")
def test_names_are_shown_as_themselves(project):
    units = project / "data" / "2026" / "units.csv"
    text = units.read_text(encoding="utf-8")
    for old, new in TRICKY.items():
        text = text.replace(f",{old},", f',"{new.strip()}",')
    units.write_text(text, encoding="utf-8")
    result = build(project)
    assert result.returncode == 0, result.stderr
    site = project / "_build" / "html" / "2026"
    titles = []
    for page in sorted((site / "book" / "units").glob("*.html")):
        h1 = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find("article").h1
        titles.append(h1.get_text().rstrip("#").strip())
    names = [unicodedata.normalize("NFC", n.strip()) for n in TRICKY.values()]
    assert set(names) <= set(titles)
    pdf = subprocess.run(["pdftotext", str(next(site.glob("*.pdf"))), "-"],
                         capture_output=True, text=True).stdout
    flat = " ".join(pdf.split())
    for name in names[:4]:
        assert name in flat, name


def test_a_character_the_print_font_lacks_gets_a_message(project):
    units = project / "data" / "2026" / "units.csv"
    units.write_text(units.read_text(encoding="utf-8").replace("Thôn Đông", "Thôn 東 🌾"),
                     encoding="utf-8")
    result = build(project)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "units.csv dòng 2, cột 'unit': có ký tự «東» (U+6771), «🌾» (U+1F33E)" in result.stderr


def test_valid_edge_figures_build(project):
    """One unit, no poor households at all, then a target above last year."""
    units = project / "data" / "2026" / "units.csv"
    units.write_text("tt,unit,households,poor_prev,rate_prev,poor_target,rate_target,reduction\n"
                     "1,Thôn Đông,0,0,0,0,0,0\n,Tổng cộng,0,0,0,0,0,0\n", encoding="utf-8")
    text = project / "data" / "2026" / "plan.yaml"
    text.write_text(text.read_text(encoding="utf-8").replace("rate_target: 1.56", "rate_target: 0"),
                    encoding="utf-8")
    result = build(project)
    assert result.returncode == 0, result.stderr
    units.write_text("tt,unit,households,poor_prev,rate_prev,poor_target,rate_target,reduction\n"
                     "1,Thôn Đông,400,2,0.50,7,1.75,0\n,Tổng cộng,400,2,0.50,7,1.75,0\n",
                     encoding="utf-8")
    result = build(project)
    assert result.returncode == 0, result.stderr
    book = project / "_build" / "html" / "2026" / "book"
    annex = " ".join(BeautifulSoup((book / "units.html").read_text(encoding="utf-8"),
                                   "html.parser").get_text(" ").split())
    assert "tăng 5 hộ nghèo" in annex and "giảm -" not in annex
