"""Build the book of one year: execute the notebooks with papermill into ``book/<year>/``, then
assemble its site and PDF with Jupyter Book and publish them at ``_build/html/<year>/`` only if
everything succeeded. The site of all years is one layer above (:mod:`planbook.site`).
"""
from __future__ import annotations

import ctypes
import io
import json
import os
import shutil
import subprocess
import sys
from functools import partial
from pathlib import Path

import nbformat
import yaml
from babel.messages import mofile, pofile
from fontTools.ttLib import TTFont

from planbook import checks, derive, downloads, execute, fmt, fonts, site, sphinx_ext, stamp, text
from planbook.cluster import ClusterError
from planbook.data import DataError, Plan, load_plan
from planbook.guard import write_atomically
from planbook.kernels import ExecutionError, Job

SOURCES = Path("notebooks")
BOOK = Path("book")
UNIT_TEMPLATE = "unit"
UNIT_FOLDER = "units"


class BuildError(Exception):
    """A build step failed; the message says which and why."""


def chapter_files(root: Path) -> list[str]:
    """The ``file:`` entries of ``_toc.yml`` (book/…), in order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))

    walk(toc.get("chapters"))
    return files


def book_dir(root: Path, year: int) -> Path:
    """Where the executed notebooks of ``year`` go."""
    return root / BOOK / str(year)


NEEDS = {"previous_year": lambda plan: plan.previous is not None}
"""What a chapter may need (``planbook: {requires: […]}`` in its notebook's metadata)."""


def chapter_meta(source: Path) -> dict:
    """A chapter notebook's ``planbook`` metadata: ``section`` (the plan's own section it
    prints, numbered I., II., … as the plan numbers them), ``annex: true`` (what the book adds,
    numbered Phụ lục 1, 2, …) and ``requires``."""
    return nbformat.read(source, as_version=4).metadata.get("planbook", {})


def jobs(plan: Plan, root: Path, data_dir: str) -> list[Job]:
    """Every notebook run of the book: one per chapter in ``_toc.yml`` that the plan has (a
    section of the plan with its text, a chapter with what it requires), one per unit. A
    numbered chapter gets its number as the parameter ``number``."""
    book = book_dir(root, plan.year)
    numerals = derive.sections(plan)
    annexes = 0

    def relative_data(output: Path) -> str:
        depth = len(output.relative_to(root).parts) - 1
        return str(Path(*[".."] * depth, data_dir))

    found = []
    for entry in chapter_files(root):
        name = Path(entry).relative_to(BOOK)
        output = book / f"{name}.ipynb"
        source = root / SOURCES / f"{name}.ipynb"
        meta = chapter_meta(source)
        if "section" in meta and meta["section"] not in numerals or \
                not all(NEEDS[need](plan) for need in meta.get("requires", [])):
            continue
        parameters = {"year": plan.year, "data_dir": relative_data(output)}
        if "section" in meta:
            parameters["number"] = numerals[meta["section"]]
        elif meta.get("annex"):
            annexes += 1
            parameters["number"] = str(annexes)
        found.append(Job(source, output, parameters))
    for unit, page in derive.unit_pages(plan).items():
        output = book / UNIT_FOLDER / f"{page}.ipynb"
        found.append(Job(root / SOURCES / f"{UNIT_TEMPLATE}.ipynb", output,
                         {"year": plan.year, "data_dir": relative_data(output), "unit": unit}))
    return found


def place_words(plan: Plan) -> dict[str, str]:
    """The locality's words that Markdown cells of the notebooks use: ``{{ units }}``,
    ``{{ units_heading }}`` and ``{{ all }}`` (see :class:`planbook.data.Locality`)."""
    place = plan.place
    return {"units": place.units, "units_heading": place.units_heading, "all": place.all}


def has_text(plan: Plan, dotted: str) -> bool:
    """Whether ``plan.yaml`` has text at ``dotted`` (``funding.other_sources``)."""
    value = plan.text
    for name in dotted.split("."):
        value = getattr(value, name)
    return bool(value)


def finish_notebook(path: Path, parameters: dict, plan: Plan) -> None:
    """Hide papermill's injected parameters cell; drop a cell tagged ``if-text:<field>`` (the
    heading of a section) when the plan has no such text; number the headings tagged
    ``numbered`` that are left (1., 2., … as the plan numbers its subsections); expose the
    parameters, the locality's words and the plan's kind and title (``{{ document_type }}``,
    ``{{ plan_title }}``) to Markdown cells as MyST substitutions (``{{ unit }}``,
    ``{{ number }}`` in a title), escaped as text."""
    nb = nbformat.read(path, as_version=4)
    kept = []
    for cell in nb.cells:
        tags = cell.metadata.setdefault("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            tags.append("remove-cell")
        if all(has_text(plan, tag.removeprefix("if-text:")) for tag in tags
               if tag.startswith("if-text:")):
            kept.append(cell)
    numbered = [cell for cell in kept if "numbered" in cell.metadata.tags]
    for number, cell in enumerate(numbered, start=1):  # "## Mục đích" → "## 1. Mục đích"
        marks, _, heading = cell.source.partition(" ")
        cell.source = f"{marks} {number}. {heading}"
    nb.cells = kept
    words = {**place_words(plan), "previous_year": plan.previous_year,
             "document_type": plan.text.document_type, "plan_title": plan.text.title,
             **parameters}
    nb.metadata["myst"] = {"substitutions": {k: str(fmt.md_escape(v)) for k, v in words.items()}}
    nbformat.write(nb, path)


def remove_stale(book: Path, keep: list[Job]) -> None:
    """Delete executed notebooks of ``book`` no job writes any more, e.g. the page of a unit
    removed from the data (the table of contents picks unit pages up by a glob)."""
    wanted = {job.output for job in keep}
    for path in book.rglob("*.ipynb"):
        if path not in wanted:
            path.unlink()


BOOK_SOURCES = ("_config.yml", "_static", "_templates", "locales")


def year_toc(root: Path, year: int, todo: list[Job]) -> str:
    """``_toc.yml`` without the chapters this year has no notebook for."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    book = book_dir(root, year)
    have = {(BOOK / job.output.relative_to(book).with_suffix("")).as_posix() for job in todo}

    def keep(entries):
        kept = []
        for entry in entries or []:
            if "file" in entry and entry["file"] not in have:
                continue
            if "sections" in entry:
                entry["sections"] = keep(entry["sections"])
            kept.append(entry)
        return kept

    toc["chapters"] = keep(toc.get("chapters"))
    return yaml.safe_dump(toc, allow_unicode=True, sort_keys=False)


def workspace(root: Path, year: int, todo: list[Job]) -> Path:
    """A Jupyter Book project for ``year``: links to the project's configuration and, as its
    ``book/``, to the year's executed notebooks; its ``_toc.yml`` lists the year's chapters."""
    folder = root / "_build" / f".src-{year}"
    folder.mkdir(parents=True, exist_ok=True)
    toc = year_toc(root, year, todo)
    path = folder / "_toc.yml"
    if path.is_symlink() or not path.is_file() or path.read_text(encoding="utf-8") != toc:
        path.unlink(missing_ok=True)
        path.write_text(toc, encoding="utf-8")
    links = {name: root / name for name in BOOK_SOURCES}
    links["book"] = book_dir(root, year)
    for name, target in links.items():
        link = folder / name
        if not (link.is_symlink() and link.resolve() == target.resolve()):
            link.unlink(missing_ok=True)
            link.symlink_to(target)
    return folder


def fresh_staging(staging: Path, record: dict) -> None:
    """Keep a builder's staging folder (its incremental state) only when the last build in it
    finished with the same pages and the same site sources (``record``); else start it anew.
    An interrupted or failed build, or a removed unit, leaves nothing behind that could be
    published; a new chapter does not meet the labels of a chapter it took them from (Sphinx's
    incremental state keeps a changed page's old labels while it reads the new one); a changed
    style, template or message reaches every page (Sphinx rewrites only changed pages)."""
    path = staging / ".docs.json"
    try:
        finished = json.loads(path.read_text())
    except (OSError, ValueError):
        finished = None
    if staging.exists() and finished != record:
        shutil.rmtree(staging)
    path.unlink(missing_ok=True)  # written again only when this build succeeds


def compile_catalogues(root: Path) -> None:
    """Compile the site's message catalogues (``locales/*/LC_MESSAGES/*.po``) before Jupyter
    Book runs: Sphinx would compile them itself, but the HTML and PDF builders run side by
    side and one could read the file the other is writing."""
    for po in (root / "locales").glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalogue = pofile.read_po(source)
        compiled = io.BytesIO()
        mofile.write_mo(compiled, catalogue)
        write_atomically(mo, compiled.getvalue())


def assemble(root: Path, year: int, todo: list[Job], builders: list[str]) -> list[Path]:
    """Run Jupyter Book once per builder, side by side, with warnings as errors, each into a
    staging folder of its own (so each keeps its incremental state); return the outputs."""
    jupyter_book = str(Path(sys.executable).with_name("jupyter-book"))
    source = workspace(root, year, todo)
    compile_catalogues(root)
    docs = sorted(job.output.relative_to(book_dir(root, year)).as_posix() for job in todo)
    record = {"docs": docs, "sources": stamp.site_sources_hash(root)}
    runs = []
    for builder in builders:
        staging = root / "_build" / f".staging-{year}-{builder}"
        fresh_staging(staging, record)
        command = [jupyter_book, "build", str(source), "--path-output", str(staging),
                   "--builder", builder, "-W", "--keep-going", "-q"]
        runs.append((builder, staging, subprocess.Popen(command, stdout=subprocess.PIPE,
                                                        stderr=subprocess.PIPE, text=True)))
    outputs = []
    try:
        for builder, staging, process in runs:
            out, err = process.communicate()
            if process.returncode != 0:
                raise BuildError(f"Jupyter Book ({builder}) báo lỗi (Jupyter Book failed):\n"
                                 + (err.strip() or out.strip())[-4000:])
            write_atomically(staging / ".docs.json", json.dumps(record))
            outputs.append(staging / "_build" / ("latex" if builder == "pdflatex" else builder))
    finally:
        for _, _, process in runs:  # interrupted: stop the other builder too
            if process.poll() is None:
                process.terminate()
                process.wait()
    return outputs


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where the system
    cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_cwd, exchange = -100, 2
    return renameat2(at_cwd, os.fsencode(a), at_cwd, os.fsencode(b), exchange) == 0


def publish(built: Path, target: Path) -> None:
    """Replace ``target`` (a folder) with a copy of ``built``: the copy is made beside it and
    swapped in one step, so that the target is at every moment the old build or the new."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh, old = (target.with_name(target.name + suffix) for suffix in (".new", ".old"))
    if old.exists() and not target.exists():  # a swap below was cut short: undo it
        old.rename(target)
    shutil.rmtree(fresh, ignore_errors=True)
    try:
        shutil.copytree(built, fresh)
    except OSError as err:  # a full disk; shutil.Error carries a list, one item per file
        shutil.rmtree(fresh, ignore_errors=True)
        failures = err.args[0] if isinstance(err, shutil.Error) else None
        reason = failures[0][2] if isinstance(failures, list) and failures else err.strerror or err
        raise BuildError(f"Không chép được trang đã dựng vào {target.parent} ({reason}) — hãy "
                         "kiểm tra chỗ trống trên đĩa và quyền ghi; bản đã đăng giữ nguyên.") \
            from None
    if not target.exists():
        fresh.rename(target)
    elif not _exchange(fresh, target):
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
        fresh.rename(target)
        fresh = old
    shutil.rmtree(fresh, ignore_errors=True)


def title(plan: Plan) -> str:
    """The book's title: the kind of document, the program, the locality and the year."""
    return (f"{plan.text.document_type} giảm nghèo bền vững {plan.place.full_name} "
            f"năm {plan.year}")


pdf_name = downloads.pdf_name


def pdf_path(root: Path, plan: Plan) -> Path:
    """Where the published PDF of the plan goes: inside its year's site."""
    return site.year_dir(root, plan.year) / pdf_name(plan)


def write_book_info(plan: Plan, path: Path) -> None:
    """What the Sphinx extension :mod:`planbook.sphinx_ext` needs: the site's title, the PDF."""
    info = {"title": title(plan), "pdf": pdf_name(plan)}
    path.write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")


PRINT_FONT = fonts.SERIF["Regular"]
"""The PDF's body font (:mod:`planbook.fonts`): every character of the data must be in it."""


def check_print_font(plan: Plan) -> None:
    """Stop with a clerk message when a text holds a character the PDF's font lacks (CJK,
    emoji…), naming the character and where it is; nothing to check without the font."""
    if not PRINT_FONT.is_file():
        return
    cmap = TTFont(PRINT_FONT).getBestCmap()
    problems = []
    for where, value in plan.texts():
        lacking = sorted({ch for ch in value if ch.isprintable() and ord(ch) not in cmap})
        if lacking:
            shown = ", ".join(f"«{ch}» (U+{ord(ch):04X})" for ch in lacking)
            problems.append(f"{where}: có ký tự {shown} mà phông chữ của bản in "
                            f"({PRINT_FONT.stem}) không có — hãy thay bằng chữ khác.")
    if problems:
        raise DataError(problems, f"{len(problems)} text(s) with characters the PDF font lacks.")


def report_findings(plan: Plan) -> None:
    """Print what the clerk should know about the tables (a column the book leaves out) and
    the consistency checks' findings, as warnings; they never stop the build."""
    for plan_read in [plan, plan.previous] if plan.previous else [plan]:
        for note in plan_read.notes:
            print(f"Lưu ý: {note}", flush=True)
    outcomes = checks.run(plan)
    for outcome in outcomes:
        for f in outcome.findings:
            print(f"Cảnh báo: {outcome.title} — {f.where}: {outcome.sides[0]} {f.printed}; "
                  f"{outcome.sides[1]} {f.computed}" + (f" ({f.note})" if f.note else "") + ".",
                  flush=True)
    print(checks.summary(outcomes), flush=True)


def build(year: int, root: Path = Path("."), data_dir: str = "data",
          workers: int | None = None, scheduler: str | None = None) -> Path:
    """Validate the data, execute the notebooks whose inputs changed, assemble the year's site
    and PDF and publish them together only if every step succeeded; return the year's site."""
    root = root.resolve()
    plan = load_plan(root / data_dir, year)
    plan.validate()  # last year's data too, when a chapter compares with it
    check_print_font(plan)
    report_findings(plan)
    book = book_dir(root, year)
    todo = jobs(plan, root, data_dir)
    remove_stale(book, todo)
    try:
        report = execute.run(todo, root, book, partial(finish_notebook, plan=plan), workers,
                             scheduler=scheduler)
    except ExecutionError as err:
        raise BuildError(f"Notebook lỗi (a notebook failed): {err}") from None
    except ClusterError as err:
        raise BuildError(str(err)) from None
    print(f"Đã chạy {len(report.executed)} notebook trong {report.seconds:.1f} s.", flush=True)
    text.write_cover(plan, book / "cover.inc")
    write_book_info(plan, book / sphinx_ext.BOOK_INFO.name)
    files = downloads.write_files(plan, workspace(root, year, todo), [job.output for job in todo])
    html, latex = assemble(root, year, todo, ["html", "pdflatex"])
    downloads.prune(html, files)
    for stale in html.glob("*.pdf"):  # a PDF named after an earlier name of the locality
        stale.unlink()
    shutil.copy(latex / "book.pdf", html / pdf_name(plan))
    site.describe_year(plan, title(plan), pdf_name(plan), html)
    publish(html, site.year_dir(root, year))
    return site.year_dir(root, year)
