"""End to end in a scratch copy of the project: a good build publishes; text from data stays
text; a failed build — bad data, a broken notebook — leaves the last good site untouched."""
import json
import os

import nbformat
import pytest
from bs4 import BeautifulSoup

from planbook import assemble

from conftest import build, build_edited, digest, scratch_project

MARKUP_UNIT = "<b>Trần</b> Phú <script>alert(1)</script>"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = scratch_project(tmp_path_factory.mktemp("project"))
    units = root / "data" / "2023" / "units.csv"
    text = units.read_text(encoding="utf-8").replace("Trần Phú", f'"{MARKUP_UNIT}"')
    units.write_text(text.replace(",Tổng cộng,43980,", ",Tổng cộng,44000,"), encoding="utf-8")
    result = build(root)
    assert result.returncode == 0, result.stderr
    return root


def test_markup_in_data_is_shown_as_text(project):
    page = next((project / "_build" / "html" / "2023" / "book" / "units").glob("01-*.html"))
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    title = soup.find("article").find("h1")
    assert title.get_text().rstrip("#").strip() == MARKUP_UNIT
    assert [h.get_text() for h in soup.select("#jb-print-docs-body h1")] == [MARKUP_UNIT]
    assert not soup.select("h1 b, h1 script, article b")
    assert "<script>alert" not in page.read_text(encoding="utf-8")


def test_a_total_that_does_not_add_up_is_a_finding(project):
    soup = BeautifulSoup((project / "_build" / "html" / "2023" / "book" / "checks.html")
                         .read_text(encoding="utf-8"), "html.parser")
    rows = [[" ".join(td.get_text().split()) for td in tr.find_all("td")]
            for tr in soup.select("table tr")]
    assert ["Biểu số 01, dòng Tổng cộng (units.csv dòng 18)", "44.000", "43.980",
            "tổng số hộ dân cư: cộng 16 phường, xã"] in rows


def test_bad_data_keeps_the_last_good_site(project):
    site = project / "_build" / "html"
    before = digest(site)
    result = build_edited(project, project / "data" / "2023" / "units.csv", ",2837,", ",-2837,")
    assert result.returncode != 0
    assert "cột 'households'" in result.stderr and "Traceback" not in result.stderr
    assert digest(site) == before


def test_a_failing_notebook_stops_the_build_and_keeps_the_site(project):
    site = project / "_build" / "html"
    before = digest(site)
    source = project / "notebooks" / "analysis.ipynb"
    good = source.read_text(encoding="utf-8")
    nb = nbformat.reads(good, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise ValueError('hỏng')"))
    nbformat.write(nb, source)
    try:
        result = build(project)
    finally:
        source.write_text(good, encoding="utf-8")
    assert result.returncode == 1
    assert "analysis.ipynb" in result.stderr and "ValueError: hỏng" in result.stderr
    assert digest(site) == before
    manifest = json.loads((project / "book" / "2023" / ".executed.json").read_text())
    assert "analysis.ipynb" not in manifest, "a failed notebook is never taken as up to date"


def test_publishing_again_links_what_was_published_and_copies_what_changed(tmp_path):
    """A page the build did not write again is linked from the site published last time, not
    copied; a page it wrote is copied; the published site shares no file with the build's own
    folder, which the next build writes into."""
    built, target = tmp_path / "built", tmp_path / "site" / "2023"
    built.mkdir()
    for name in ("kept.html", "edited.html"):
        (built / name).write_text(name, encoding="utf-8")
    assemble.publish(built, target)
    kept = (target / "kept.html").stat().st_ino
    (built / "edited.html").write_text("edited again", encoding="utf-8")
    os.utime(built / "edited.html", ns=(1, 1))  # another time, whatever the clock's grain
    assemble.publish(built, target)
    assert (target / "kept.html").stat().st_ino == kept
    assert (target / "edited.html").read_text(encoding="utf-8") == "edited again"
    (built / "kept.html").write_text("written in place", encoding="utf-8")
    (built / "edited.html").write_text("written in place", encoding="utf-8")
    assert {(target / name).read_text(encoding="utf-8") for name in ("kept.html", "edited.html")} \
        == {"kept.html", "edited again"}


def test_a_published_book_published_again_in_a_site_is_linked_not_copied(tmp_path, monkeypatch):
    """A locality's published book goes into a site of several by links (its files are never
    written again: a later build of it is published beside it and swapped in), or by copies
    where the disk has no links; either way the site's book is replaced whole."""
    book, site = tmp_path / "locality" / "2026", tmp_path / "site" / "2026"
    book.mkdir(parents=True)
    (book / "index.html").write_text("một", encoding="utf-8")
    assemble.publish(book, site, published=True)
    assert (site / "index.html").stat().st_ino == (book / "index.html").stat().st_ino
    fresh = tmp_path / "locality" / "2026.next"
    fresh.mkdir()
    (fresh / "index.html").write_text("hai", encoding="utf-8")
    monkeypatch.setattr(os, "link", lambda *args: (_ for _ in ()).throw(OSError("no links")))
    assemble.publish(fresh, site, published=True)
    assert (site / "index.html").read_text(encoding="utf-8") == "hai"
    assert (site / "index.html").stat().st_ino != (fresh / "index.html").stat().st_ino
    assert (book / "index.html").read_text(encoding="utf-8") == "một"
