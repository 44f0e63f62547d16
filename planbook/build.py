"""Build the book of one year: execute the notebooks with papermill into ``book/<year>/``, then
assemble its site and PDF with Jupyter Book and publish them at ``_build/html/<year>/`` only if
everything succeeded. The site of all years is one layer above (:mod:`planbook.site`).
"""
from __future__ import annotations

import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

import nbformat

from planbook import (
    checks,
    cluster,
    crosslevel,
    derive,
    downloads,
    execute,
    fmt,
    fonts,
    plantext,
    site,
    text,
)
from planbook.assemble import BuildError, assemble, publish, workspace
from planbook.data import DataError, Plan, load_plan, part_digest
from planbook.kernels import ExecutionError, Job, Kernels
from planbook.layout import (
    BOOK,
    SECTION_TEMPLATE,
    SOURCES,
    UNIT_FOLDER,
    UNIT_TEMPLATE,
    book_dir,
    chapter_files,
)
from planbook.lazy import lazy
from planbook.sphinx import ext
from planbook.warm import warm_jupyter_book

ttLib = lazy("fontTools.ttLib")  # for the print font's check, when a book is built

NEEDS = {"previous_year": lambda plan: plan.previous is not None}
"""What a chapter may need (``planbook: {requires: […]}`` in its notebook's metadata)."""


def chapter_meta(source: Path) -> dict:
    """A chapter notebook's ``planbook`` metadata: ``annex: true`` (what the book adds,
    numbered Phụ lục 1, 2, …), ``requires`` and ``across: true`` (it shows what the site's
    other levels print: findings across levels, links to their books)."""
    return json.loads(source.read_text(encoding="utf-8"))["metadata"].get("planbook", {})


def section_pages(plan: Plan, root: Path) -> list[str]:
    """The page of each of the plan's sections (``book/<page>``); a page named like another
    chapter of the book or like another section's is refused with a message."""
    sections = plantext.sections(plan)
    taken = set(chapter_files(root)) | {(BOOK / UNIT_FOLDER).as_posix()}
    pages = []
    for section in sections:
        page = (BOOK / section.page_name).as_posix()
        if page in taken or page in pages:
            raise DataError([f"Tệp {plan.folder / 'plan.yaml'}, mục sections, «{section.heading}»: "
                             f"trang «{section.page_name}» trùng tên một trang khác của sách; "
                             f"hãy ghi page: với một tên khác."],
                            f"Section page {section.page_name!r} is taken.")
        pages.append(page)
    return pages


def jobs(plan: Plan, root: Path, data_dir: str, across: dict | None = None) -> list[Job]:
    """Every notebook run of the book: the plan's sections, each on its page, where
    ``_toc.yml`` names ``book/section``; one per other chapter in ``_toc.yml`` that the plan has
    what it requires for; one per unit. An annex gets its number as the parameter ``number``;
    a chapter whose metadata says ``across: true`` gets the whole of ``across``
    (:mod:`planbook.crosslevel`) as the parameter ``across``, a unit's page what it has for
    that unit; only when there is something."""
    across = across or {}
    book = book_dir(root, plan.year)
    annexes = 0

    def relative_data(output: Path) -> str:
        depth = len(output.relative_to(root).parts) - 1
        return str(Path(*[".."] * depth, data_dir))

    found = []
    for entry in chapter_files(root):
        name = Path(entry).relative_to(BOOK)
        source = root / SOURCES / f"{name}.ipynb"
        if name.as_posix() == SECTION_TEMPLATE:
            for number, page in enumerate(section_pages(plan, root), start=1):
                output = book / f"{Path(page).name}.ipynb"
                found.append(Job(source, output, {"year": plan.year, "section": number,
                                                  "data_dir": relative_data(output)}))
            continue
        output = book / f"{name}.ipynb"
        meta = chapter_meta(source)
        if not all(NEEDS[need](plan) for need in meta.get("requires", [])):
            continue
        parameters = {"year": plan.year, "data_dir": relative_data(output)}
        if meta.get("annex"):
            annexes += 1
            parameters["number"] = str(annexes)
        if meta.get("across") and across:
            parameters["across"] = crosslevel.parameter(across)
        found.append(Job(source, output, parameters))
    for unit, page in derive.unit_pages(plan).items():
        output = book / UNIT_FOLDER / f"{page}.ipynb"
        parameters = {"year": plan.year, "data_dir": relative_data(output), "unit": unit}
        if across.get(unit):
            parameters["across"] = crosslevel.parameter({unit: across[unit]})
        found.append(Job(root / SOURCES / f"{UNIT_TEMPLATE}.ipynb", output, parameters))
    return found


def place_words(plan: Plan) -> dict[str, str]:
    """The locality's words that Markdown cells of the notebooks use: ``{{ units }}``,
    ``{{ units_heading }}`` and ``{{ all }}`` (see :class:`planbook.data.Locality`)."""
    place = plan.locality
    return {"units": place.units, "units_heading": place.units_heading, "all": place.all}


def drop_times(metadata: dict) -> None:
    """Remove papermill's start, end and duration of a run from a notebook's or a cell's
    metadata."""
    for name in ("start_time", "end_time", "duration"):
        metadata.get("papermill", {}).pop(name, None)


def finish_notebook(path: Path, parameters: dict, plan: Plan) -> None:
    """Hide papermill's injected parameters cell; expose the parameters, the locality's words,
    the plan's kind and title (``{{ document_type }}``, ``{{ plan_title }}``) and, on a
    section's page, its heading (``{{ heading }}``) to Markdown cells as MyST substitutions,
    escaped as text. The times of the run are left out, so that a notebook run again on the
    same inputs is the same file."""
    nb = nbformat.read(path, as_version=4)
    drop_times(nb.metadata)
    for cell in nb.cells:
        tags = cell.metadata.setdefault("tags", [])
        cell.metadata.pop("execution", None)
        drop_times(cell.metadata)
        if "injected-parameters" in tags:
            cell.id = "injected-parameters"  # papermill draws a new one each run
            if "remove-cell" not in tags:
                tags.append("remove-cell")
    words = {**place_words(plan), "previous_year": plan.previous_year,
             "document_type": plan.text.document_type, "plan_title": plan.text.title,
             **parameters}
    if "section" in parameters:
        words["heading"] = plantext.sections(plan)[parameters["section"] - 1].heading
    nb.metadata["myst"] = {"substitutions": {k: str(fmt.md_escape(v)) for k, v in words.items()}}
    nbformat.write(nb, path)


def remove_stale(book: Path, keep: list[Job]) -> None:
    """Delete executed notebooks of ``book`` no job writes any more, e.g. the page of a unit
    removed from the data (the table of contents picks unit pages up by a glob)."""
    wanted = {job.output for job in keep}
    for path in book.rglob("*.ipynb"):
        if path not in wanted:
            path.unlink()


def title(plan: Plan) -> str:
    """The book's title: the kind of document, the program, the locality and the year."""
    return (f"{plan.text.document_type} giảm nghèo bền vững {plan.locality.full_name} "
            f"năm {plan.year}")


pdf_name = downloads.pdf_name


def pdf_path(root: Path, plan: Plan) -> Path:
    """Where the published PDF of the plan goes: inside its year's site."""
    return site.year_dir(root, plan.year) / pdf_name(plan)


def write_book_info(plan: Plan, path: Path) -> None:
    """What the Sphinx extension :mod:`planbook.sphinx.ext` needs: the site's title, the PDF."""
    info = {"title": title(plan), "pdf": pdf_name(plan)}
    path.write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")


PRINT_FONT = fonts.SERIF["Regular"]
"""The PDF's body font (:mod:`planbook.fonts`): every character of the data must be in it."""


def check_print_font(plan: Plan) -> None:
    """Stop with a clerk message when a text holds a character the PDF's font lacks (CJK,
    emoji…), naming the character and where it is; nothing to check without the font."""
    if not PRINT_FONT.is_file():
        return
    cmap = ttLib.TTFont(PRINT_FONT).getBestCmap()
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
          workers: int | None = None, scheduler: str | None = None, *,
          site_only: bool = False, kernels: Kernels | None = None,
          start=None, across: dict | None = None) -> Path:
    """Validate the data, execute the notebooks whose inputs changed, assemble the year's site
    and PDF and publish them together only if every step succeeded; return the year's site.
    A preview builds the site alone (``site_only``), in kernels and a Jupyter Book it keeps
    warm between builds (``kernels``, ``start``), and shows what this returns: the built site,
    unpublished. ``across``: what the book shows of the other levels' books
    (:func:`planbook.crosslevel.context`). With a ``scheduler`` the notebooks and Jupyter Book
    run on that Dask cluster (:mod:`planbook.cluster`); the publishing stays here."""
    root = root.resolve()
    start = start or (cluster.assembler(scheduler) if scheduler else
                      warm_jupyter_book())  # loads while the data is checked, as the kernels
    own = kernels is None and not scheduler
    kernels = Kernels() if own else kernels
    if own:
        kernels.warm(1)  # more when there is much to run (execute.threads)
    try:
        plan = load_plan(root / data_dir, year, crosslevel.parameter(across))
        plan.validate()  # last year's data too, when a chapter compares with it
        check_print_font(plan)
        report_findings(plan)
        book = book_dir(root, year)
        todo = jobs(plan, root, data_dir, across)
        remove_stale(book, todo)
        with ThreadPoolExecutor(1) as making:  # each notebook's downloads, while the next runs
            report = execute.run(todo, root, book, partial(finish_notebook, plan=plan), workers,
                                 scheduler=scheduler, kernels=kernels,
                                 parts=partial(part_digest, plan),
                                 then=partial(making.submit, downloads.notebook_files))
    except ExecutionError as err:
        raise BuildError(f"Notebook lỗi (a notebook failed): {err}") from None
    except cluster.ClusterError as err:
        raise BuildError(str(err)) from None
    finally:
        if own:
            kernels.close()
    print(f"Đã chạy {len(report.executed)} notebook trong {report.seconds:.1f} s.", flush=True)
    text.write_cover(plan, book / "cover.inc")
    write_book_info(plan, book / ext.BOOK_INFO.name)
    files = downloads.write_files(plan, workspace(root, year, todo), [job.output for job in todo])
    try:
        html, *latex = assemble(root, year, todo,
                                ["html"] if site_only else ["html", "pdflatex"], start)
    except cluster.ClusterError as err:
        raise BuildError(str(err)) from None
    downloads.prune(html, files)
    for stale in html.glob("*.pdf"):  # a PDF named after an earlier name of the locality
        stale.unlink()
    if latex:
        shutil.copy(latex[0] / "book.pdf", html / pdf_name(plan))
    site.describe_year(plan, title(plan), pdf_name(plan), html)
    if site_only:
        return html
    publish(html, site.year_dir(root, year))
    return site.year_dir(root, year)
