"""The list of notebook runs follows _toc.yml and the unit table; what a rebuild does again."""
import copy
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from docutils import nodes

from planbook import assemble, build, derive, execute, kernels
from planbook.sphinx import ext

from conftest import DATA, ROOT, scratch_project


def test_one_job_per_chapter_and_per_unit(plan):
    jobs = build.jobs(plan, ROOT, "data")
    chapters = [page for c in build.chapter_files(ROOT) if c != "book/results" for page in (
        build.section_pages(plan, ROOT) if c == f"book/{build.SECTION_TEMPLATE}" else [c])]
    assert [j.output for j in jobs[:len(chapters)]] == [
        build.book_dir(ROOT, 2023) / f"{c.removeprefix('book/')}.ipynb" for c in chapters], \
        "every chapter but last year's results, which 2023 cannot have (no 2022 data), the " \
        "plan's sections each on its page"
    assert len(jobs) == len(chapters) + len(plan.units)
    unit_jobs = [j for j in jobs if "unit" in j.parameters]
    assert [j.parameters["unit"] for j in unit_jobs] == list(plan.units.unit)
    assert all(j.parameters["data_dir"] == "../../../data" for j in unit_jobs)
    assert sorted(j.output.name for j in unit_jobs) == [j.output.name for j in unit_jobs], \
        "file names keep the unit table's order for the glob in _toc.yml"


def test_a_removed_unit_loses_its_page(plan, tmp_path):
    smaller = copy.copy(plan)
    smaller._unit_table = (plan.units.iloc[1:].reset_index(drop=True), plan.units_total,
                           *plan._unit_table[2:])
    (tmp_path / "_toc.yml").write_text((ROOT / "_toc.yml").read_text())
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    for job in build.jobs(plan, tmp_path, "data"):
        job.output.parent.mkdir(parents=True, exist_ok=True)
        job.output.write_text("{}")
    after = build.jobs(smaller, tmp_path, "data")
    build.remove_stale(build.book_dir(tmp_path, 2023), after)
    remaining = {p.name for p in (tmp_path / "book" / "2023" / "units").glob("*.ipynb")}
    assert remaining <= {j.output.name for j in after}
    assert not any(plan.units.unit[0] == j.parameters.get("unit") for j in after)
    assert f"{derive.unit_pages(plan)[plan.units.unit[0]]}.ipynb" not in remaining


def test_a_unit_page_reads_only_the_unit_data(site, plan):
    """A unit's page reads plan.yaml and Biểu số 01 (units.csv) only, so that editing the
    budget re-runs no unit page (the record of the files each executed notebook read; a file it
    looked for and did not find, such as last year's plan, is recorded as absent); of Biểu số
    01 every unit's counts and its own row's printed figures, so that correcting another unit's
    printed rate re-runs no other unit's page."""
    record = json.loads((build.book_dir(ROOT, 2023) / execute.MANIFEST).read_text())
    units = {name: entry for name, entry in record.items() if name.startswith("units/")}
    pages = {f"units/{page}.ipynb": unit for unit, page in derive.unit_pages(plan).items()}
    assert units.keys() == pages.keys()
    for name, entry in units.items():
        read = {Path(path).name for path, part, digest in entry["deps"] if digest}  # None: absent
        assert read == {"plan.yaml", "units.csv"}, name
        parts = {part for path, part, _ in entry["deps"] if Path(path).name == "units.csv"}
        assert parts == {"counts", f"unit:{pages[name]}"}, name


def test_a_file_written_again_with_the_same_bytes_keeps_its_time(tmp_path):
    page = tmp_path / "page.ipynb"
    page.write_text("{}")
    os.utime(page, ns=(10**18, 10**18))
    with kernels.same_bytes_same_time(page):
        page.write_text("{}")
    assert page.stat().st_mtime_ns == 10**18, "Sphinx does not read it again"
    with kernels.same_bytes_same_time(page):
        page.write_text('{"new": 1}')
    assert page.stat().st_mtime_ns != 10**18


def test_the_pdf_builder_does_not_run_for_what_only_the_site_shows(tmp_path):
    (tmp_path / "book" / "figures").mkdir(parents=True)
    (tmp_path / "_toc.yml").write_text("root: book/index")
    (tmp_path / "book" / "index.ipynb").write_text("{}")
    chart = tmp_path / "book" / "figures" / "ty-le-01.svg"
    chart.write_text("<svg/>")
    before = {b: assemble.builder_inputs(tmp_path, b) for b in ("html", "pdflatex")}
    chart.write_text("<svg>moved</svg>")
    assert assemble.builder_inputs(tmp_path, "pdflatex") == before["pdflatex"]
    assert assemble.builder_inputs(tmp_path, "html") != before["html"]
    (tmp_path / "book" / "index.ipynb").write_text('{"new": 1}')
    assert assemble.builder_inputs(tmp_path, "pdflatex") != before["pdflatex"]


def test_a_renamed_chapter_has_every_page_written_again():
    """Every page's sidebar lists the chapters: Sphinx writes again only the pages it read
    again, so a chapter's new title makes the extension ask for every page."""
    def env(title):
        return SimpleNamespace(
            config=SimpleNamespace(root_doc="book/index"),
            toctree_includes={"book/index": ["book/units"], "book/units": ["book/units/01"]},
            titles={"book/units": nodes.title(text=title)},
            found_docs={"book/index", "book/units", "book/units/01"})
    first = env("Phụ lục 1. Các phường")
    assert ext.chapters_renamed(None, first) == []
    again = env("Phụ lục 1. Các phường")
    again.planbook_chapters_written = first.planbook_chapters_written
    assert ext.chapters_renamed(None, again) == []
    renamed = env("Phụ lục 1. Các thôn")
    renamed.planbook_chapters_written = first.planbook_chapters_written
    assert ext.chapters_renamed(None, renamed) == sorted(renamed.found_docs)


def test_a_data_folder_anywhere_builds(tmp_path):
    """A data folder outside the project, named with spaces and Vietnamese letters, given as
    a link: the book builds, and a second run finds nothing changed."""
    project = scratch_project(tmp_path / "project")
    real = tmp_path / "ổ khác" / "dữ liệu kế hoạch"
    shutil.copytree(DATA / "2023", real / "2023")
    (tmp_path / "liên kết").symlink_to(real)
    command = [sys.executable, "-m", "planbook", "build", "--root", str(project),
               "--data", str(tmp_path / "liên kết")]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (project / "_build" / "html" / "2023" / "year.json").is_file()
    again = subprocess.run(command, capture_output=True, text=True)
    assert again.returncode == 0 and "không có đầu vào nào thay đổi" in again.stdout
