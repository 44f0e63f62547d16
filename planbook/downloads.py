"""Data to take away: each table of the book as CSV and Excel, the year's data files as one ZIP.

The rows travel with the notebook, not as side files (a notebook may run on a remote worker and
its output is cached): a table made by :func:`planbook.tables.list_table` — or any table that
calls :func:`attach` — is a :class:`Table`, its MyST followed by a line of links, carrying its
rows; markup made of tables carries theirs (:func:`holding`), and :func:`planbook.text.show`
puts them into the output's metadata (:func:`metadata`). Before Jupyter
Book runs, the build writes the files the links name into ``tai-ve/`` of the year's sources
(:func:`write_files`), exactly those of this build. The links are MyST links to files, with
paths from the sources' root, so the same line works on every page; Sphinx copies the files
pages link into the site's ``_downloads/``, and :func:`prune` removes there what an earlier
build copied, so a removed table or unit leaves nothing behind. The links show on the web,
not in the PDF.

Figures reach the files as numbers a spreadsheet computes with: a cell shown the Vietnamese
way (``1.691``, ``0,42%``, ``−1``) in a number column becomes ``1691``, ``0.42``, ``-1``; a
percentage stays in percent, as the data has it, and its header says ``(%)``. Every other cell
is text and stays text: a name typed ``=HYPERLINK(…)`` never becomes a formula (:func:`csv_text`,
:func:`put_text`).
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import re
import shutil
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd
from markupsafe import Markup

from planbook import fmt
from planbook.data import read_bytes
from planbook.guard import write_atomically
from planbook.lazy import lazy
from planbook.stamp import sha256

nbformat = lazy("nbformat")  # read by the build, not by the pages of a kernel
openpyxl = lazy("openpyxl")  # written by the build, not by the pages of a kernel
styles = lazy("openpyxl.styles")

FOLDER = "tai-ve"
"""The folder of the year's sources that holds the files to download (Sphinx copies those a
page links into the site's ``_downloads/``)."""
KEY = "planbook/downloads"
"""The output metadata key holding the rows of the tables an output displays."""
CLASS = "planbook-downloads"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
"""Every file inside a ZIP or XLSX gets this time, so the same data gives the same bytes."""

_NUMBER = re.compile(r"^([+−-]?)(\d{1,3}(?:\.\d{3})*)(?:,(\d+))?(%?)$")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet takes for the start of a formula when a text begins with it (OWASP, CSV
injection)."""


def _plain(value: object) -> str:
    """A cell's text (a link's, :class:`planbook.tables.Link`, is its words)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)


def number(text: str) -> tuple[int | float, str, bool] | None:
    """A figure as :mod:`planbook.fmt` shows it → (value, Excel number format, is a percent);
    None for anything else. ``1.691`` → 1691, ``0,42%`` → 0.42, ``−1`` → -1."""
    found = _NUMBER.match(text.strip())
    if not found:
        return None
    sign, whole, decimals, percent = found.groups()
    value = int(whole.replace(".", ""))
    if decimals:
        value = float(f"{value}.{decimals}")
    if sign in ("−", "-"):
        value = -value
    return value, ("0." + "0" * len(decimals) if decimals else "#,##0"), bool(percent)


def csv_text(text: str) -> str:
    """A text cell as a CSV file holds it: one a spreadsheet would take for a formula gets a
    leading apostrophe, as OWASP advises against CSV injection."""
    return "'" + text if text.startswith(FORMULA_START) else text


def put_text(cell, text: str) -> None:
    """Write ``text`` into an openpyxl cell as text, never as a formula or an error code
    (openpyxl makes ``=…`` a formula and ``#N/A`` an error); text starting like a formula is
    marked as typed after an apostrophe (quotePrefix): Excel shows it as it is, without the
    apostrophe, and keeps it text when the cell is edited."""
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_START):
        cell.quotePrefix = True


def _line(words: str, links: str) -> str:
    """A line of links for the web pages only (not the PDF), set apart by its class."""
    return (f"\n`````{{only}} html\n````{{container}} {CLASS}\n{words} {links}\n````\n"
            "`````\n")


def _download(label: str, file: str) -> str:
    """A link to a file of ``tai-ve/`` (MyST makes a link to a file a download)."""
    return f"[{label}](/{FOLDER}/{file})"


class Table(Markup):
    """MyST that shows one or more tables, with the rows of each for its downloads
    (``records``, one dict a table); joined to other markup, it keeps them."""

    def __new__(cls, base: object = "", records: Iterable[dict] = ()) -> "Table":
        table = super().__new__(cls, base)
        table.records = tuple(records)
        return table

    def __add__(self, other: object) -> "Table":
        return Table(Markup.__add__(self, other), self.records + getattr(other, "records", ()))

    def __radd__(self, other: object) -> "Table":
        return Table(Markup.__radd__(self, other), getattr(other, "records", ()) + self.records)


def holding(markup: object, *parts: object) -> Table:
    """``markup`` made (by a template, a join) of ``parts`` that may be tables: with their
    rows."""
    return Table(markup, [record for part in parts for record in getattr(part, "records", ())])


def attach(markup: str, name: str, caption: str, header: Sequence[str],
           rows: Iterable[Sequence[object]], numeric: Iterable[int] = (),
           bold_rows: Iterable[int] = ()) -> Table:
    """A table's ``markup`` (MyST) followed by the line linking its CSV and Excel files, with
    its rows for them. ``name`` is the table's label, unique in the book;
    ``numeric`` are the indexes of the columns whose cells, shown the Vietnamese way, become
    numbers; ``bold_rows`` (totals) are bold in Excel too. A table made other than by
    ``list_table`` (raw HTML, LaTeX) calls this with its rows and one label per column (a
    two-level header joined: ``Năm 2022 - Số hộ nghèo``); its output must go through
    :func:`planbook.text.show`."""
    key = fmt.slug(name) or "bang"
    numeric = set(numeric)
    cells, formats, percent = [], {}, set()
    for row in rows:
        out = []
        for j, value in enumerate(row):
            if isinstance(value, int) and not isinstance(value, bool):
                parsed = value, "General", False  # a number given as such (a row's STT)
            else:
                parsed = number(_plain(value)) if j in numeric else None
            if not parsed:
                out.append(_plain(value))
                continue
            out.append(parsed[0])
            shown = formats.get(j)
            if shown is None or shown in ("General", "#,##0") and parsed[1].startswith("0."):
                formats[j] = parsed[1]  # the most decimals the column shows
            elif parsed[1].startswith("0.") and len(parsed[1]) > len(shown):
                formats[j] = parsed[1]
            percent.update([j] if parsed[2] else [])
        cells.append(out)
    heads = [_plain(h) + (" (%)" if j in percent and "%" not in str(h) else "")
             for j, h in enumerate(header)]
    record = {"name": key, "caption": _plain(caption), "header": heads, "rows": cells,
              "formats": {str(j): f for j, f in formats.items()},
              "bold_rows": sorted(set(bold_rows))}
    links = f"{_download('CSV', key + '.csv')} · {_download('Excel', key + '.xlsx')}"
    return Table(str(markup).rstrip("\n") + "\n" + _line("Tải bảng:", links), [record])


def metadata(markup: object) -> dict | None:
    """The output metadata carrying the rows of the tables ``markup`` holds; None when it
    holds none."""
    records = list(getattr(markup, "records", ()))
    return {KEY: records} if records else None


def pdf_name(plan) -> str:
    """The PDF's file name: the locality and the year."""
    return f"ke-hoach-giam-ngheo-{fmt.slug(plan.locality.full_name)}-{plan.year}.pdf"


def zip_name(plan) -> str:
    """The file name of the year's data files as one ZIP."""
    return f"du-lieu-ke-hoach-giam-ngheo-{fmt.slug(plan.locality.full_name)}-{plan.year}.zip"


def data_links(plan) -> Markup:
    """For the home page (``book/index.html``, beside which the PDF is published): the line
    linking the PDF and the year's data files."""
    pdf = f'<a class="reference download" href="../{pdf_name(plan)}">Bản PDF</a>'
    return Markup(_line("Tải về:", f"{pdf} · {_download('Tệp dữ liệu (ZIP)', zip_name(plan))}"))


def data_link(plan) -> Markup:
    """The line linking the year's data files (``plan.files``) as one ZIP."""
    return Markup(_line("Tải về:", _download("Các tệp dữ liệu của kế hoạch (ZIP)",
                                             zip_name(plan))))


def tables_of(nb) -> list[dict]:
    """The tables whose rows the outputs of ``nb`` carry."""
    return [table for cell in nb.cells for output in cell.get("outputs", [])
            for table in output.get("metadata", {}).get(KEY, [])]


def csv_bytes(table: dict) -> bytes:
    """The table as CSV: UTF-8 with a BOM (Excel reads the accents), the header row, then
    the rows; numbers plain (``1691``, ``0.42``), texts quoted and never a formula
    (:func:`csv_text`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC)
    for row in [table["header"], *table["rows"]]:
        writer.writerow([csv_text(v) if isinstance(v, str) else v for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _fixed_times(data: bytes) -> bytes:
    """An XLSX's bytes again with every member dated :data:`FIXED_TIME`, and its document
    properties too (openpyxl stamps the time of saving)."""
    stamp = "%04d-%02d-%02dT%02d:%02d:%02dZ" % FIXED_TIME
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            content = old.read(info)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*",
                                 rb"\g<1>" + stamp.encode(), content)
            new.writestr(zipfile.ZipInfo(info.filename, FIXED_TIME), content,
                         zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _sheet_title(caption: str) -> str:
    """An Excel sheet's name from a caption: before its colon, without ``[]:*?/\\``, at most
    31 characters."""
    title = re.sub(r"[\[\]:*?/\\]", " ", caption.split(":")[0])
    return " ".join(title.split())[:31].strip() or "Bảng"


def xlsx_bytes(table: dict) -> bytes:
    """The table as an Excel workbook: the header row (bold, frozen), the rows, numbers with
    the formats of the clerk's workbook (``#,##0``, ``0.00``), texts as text (:func:`put_text`),
    totals in bold."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = _sheet_title(table["caption"])
    book.properties.title = table["caption"]
    book.properties.creator = "planbook"
    for j, head in enumerate(table["header"], start=1):
        cell = sheet.cell(1, j)
        put_text(cell, head)
        cell.font = styles.Font(bold=True)
        cell.alignment = styles.Alignment(wrap_text=True, vertical="top")
    bold = {i + 2 for i in table["bold_rows"]}
    for i, row in enumerate(table["rows"], start=2):
        for j, value in enumerate(row):
            cell = sheet.cell(i, j + 1)
            if isinstance(value, str):
                put_text(cell, value)
            else:
                cell.value = value
                cell.number_format = table["formats"].get(str(j), "General")
            if i in bold:
                cell.font = styles.Font(bold=True)
    for j, head in enumerate(table["header"]):
        longest = max([len(str(head)) // 2, *(len(str(r[j])) for r in table["rows"] if j < len(r))],
                      default=8)
        sheet.column_dimensions[sheet.cell(1, j + 1).column_letter].width = min(60, longest + 3)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return _fixed_times(out.getvalue())


def _changed(path: Path) -> tuple[int, ...]:
    """When the file at ``path`` was last changed, as a ZIP records it (its dates start in
    1980)."""
    when = dt.datetime.fromtimestamp(path.stat().st_mtime)
    return max(when, dt.datetime(1980, 1, 1)).timetuple()[:6]


def zip_bytes(plan) -> bytes:
    """The year's data files (:attr:`planbook.data.Plan.files`) as one ZIP, in a folder named
    after the year, each with the date it was last changed; a CSV file starts with a byte-order
    mark, so that Excel opens it with its accents."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in plan.files:
            content = read_bytes(path)
            if path.suffix == ".csv" and not content.startswith(codecs.BOM_UTF8):
                content = codecs.BOM_UTF8 + content
            archive.writestr(zipfile.ZipInfo(f"{plan.year}/{path.name}", _changed(path)),
                             content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


_MADE: dict[str, dict[str, bytes]] = {}
"""The files of the tables of each executed notebook this process read, by its bytes' hash: a
preview builds again and again, and most notebooks stay as they were."""

MADE_FROM = ".made-from.json"
"""In the downloads folder: each notebook's hash and the files written from it, so that a
later build writes only the files of the notebooks that changed."""


def notebook_files(path: Path, digest: str | None = None) -> dict[str, bytes]:
    """The CSV and XLSX of every table the executed notebook at ``path`` (whose hash is
    ``digest``, when known) carries."""
    key = digest or sha256(path)
    if key not in _MADE:
        tables = tables_of(nbformat.read(path, as_version=4))
        _MADE[key] = {name: content for table in tables for name, content in [
            (f"{table['name']}.csv", csv_bytes(table)),
            (f"{table['name']}.xlsx", xlsx_bytes(table))]}
    return _MADE[key]


def write_files(plan, source: Path, notebooks: Iterable[Path]) -> list[Path]:
    """Make ``tai-ve/`` of the year's Jupyter Book sources ``source`` hold exactly the CSV and
    XLSX of every table the executed ``notebooks`` carry and the ZIP of the data files. A file
    whose bytes are unchanged is left as it is (Sphinx re-reads a page whose download's time
    changed); a notebook unchanged since the last build (:data:`MADE_FROM`) is not read."""
    folder = source / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    record = folder / MADE_FROM
    try:
        before = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        before = {}
    record.unlink(missing_ok=True)  # written again once every file is
    files = {zip_name(plan): zip_bytes(plan)}
    made, kept = {}, set()
    for path in notebooks:
        digest = sha256(path)
        known = before.get(str(path))
        if known and known["hash"] == digest and all((folder / n).is_file()
                                                     for n in known["files"]):
            kept |= set(known["files"])
            made[str(path)] = known
            continue
        written = notebook_files(path, digest)
        files |= written
        made[str(path)] = {"hash": digest, "files": sorted(written)}
    for path in folder.iterdir():
        if path.name not in files and path.name not in kept:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    for name, content in files.items():
        path = folder / name
        if not path.is_file() or path.read_bytes() != content:
            path.write_bytes(content)
    write_atomically(record, json.dumps(made, ensure_ascii=False))
    return [folder / name for name in sorted(files.keys() | kept)]


def prune(html: Path, files: Iterable[Path]) -> None:
    """Remove from the built site's ``_downloads/`` (kept between builds with Sphinx's other
    state) every file that is not one of this build's ``files``."""
    keep = {path.name for path in files}
    folder = html / "_downloads"
    for path in sorted(folder.rglob("*"), reverse=True) if folder.is_dir() else []:
        if path.is_file() and path.name not in keep:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
