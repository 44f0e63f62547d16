"""Assemble a year's executed notebooks into its site and PDF with Jupyter Book, each builder
in a staging folder kept between builds (run again only when what it reads changed), and
publish the result atomically: the published site is always exactly the last good build."""
from __future__ import annotations

import ctypes
import io
import json
import os
import shutil
from functools import partial
from pathlib import Path

import yaml
from babel.messages import mofile, pofile

from planbook import (
    downloads,
    stamp,
)
from planbook.guard import write_atomically
from planbook.kernels import Job
from planbook.layout import BOOK, SECTION_TEMPLATE, book_dir, builder_output


class BuildError(Exception):
    """A build step failed; the message says which and why."""



BOOK_SOURCES = ("_config.yml", "_static", "_templates", "locales")


def year_toc(root: Path, year: int, todo: list[Job]) -> str:
    """``_toc.yml`` without the chapters this year has no notebook for."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    book = book_dir(root, year)
    have = {(BOOK / job.output.relative_to(book).with_suffix("")).as_posix() for job in todo}

    sections = [(BOOK / job.output.relative_to(book).with_suffix("")).as_posix()
                for job in todo if job.source.stem == SECTION_TEMPLATE]

    def keep(entries):
        kept = []
        for entry in entries or []:
            if entry.get("file") == (BOOK / SECTION_TEMPLATE).as_posix():
                kept += [{"file": page} for page in sections]
                continue
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
    if staging.exists() and (finished is None or
                             {key: finished.get(key) for key in record} != record):
        shutil.rmtree(staging)
    path.unlink(missing_ok=True)  # written again only when this build succeeds


def builder_inputs(source: Path, builder: str) -> str:
    """One hash of what a builder reads from the year's sources besides the site sources: the
    table of contents and the executed notebooks with their figures and, for the site, the
    files to download. The PDF's leaves out what only the site shows (SVG charts, downloads)."""
    book = source / "book"
    files = [source / "_toc.yml", *book.rglob("*")]
    if builder == "html":
        files += (source / downloads.FOLDER).rglob("*")
    return stamp.hash_files([p for p in files if p.is_file() and not (
        any(part.startswith(".") for part in p.relative_to(source).parts)
        or builder != "html" and p.suffix == ".svg")], source)


def up_to_date(staging: Path, builder: str, record: dict) -> bool:
    """Whether the last build in ``staging`` finished from exactly ``record`` (pages, site
    sources and the builder's inputs) and its output is there: then it has nothing to do."""
    output = builder_output(staging, builder)
    try:
        finished = json.loads((staging / ".docs.json").read_text())
    except (OSError, ValueError):
        return False
    return finished == record and (output / "book.pdf" if builder == "pdflatex" else
                                   output / "index.html").is_file()


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


SITE_BESIDE_PRINT = 5
"""How much more the site's Jupyter Book run yields the processor than the print's, when both
run: the print is the longer way (Sphinx, then XeLaTeX, which starts on the preamble beside
Sphinx: :mod:`planbook.sphinx.ahead`), and the site waits for it anyway."""


def assemble(root: Path, year: int, todo: list[Job], builders: list[str],
             start=None) -> list[Path]:
    """Run Jupyter Book once per builder whose inputs changed since its last build, side by
    side, with warnings as errors, each into a staging folder of its own (so each keeps its
    incremental state: Sphinx reads again only the pages whose files changed, and writes them
    and the pages that show them); return the outputs. ``start`` runs Jupyter Book (a preview
    keeps it loaded)."""
    source = workspace(root, year, todo)
    compile_catalogues(root)
    docs = sorted(job.output.relative_to(book_dir(root, year)).as_posix() for job in todo)
    record = {"docs": docs, "sources": stamp.site_sources_hash(root)}
    runs, outputs = [], []
    try:
        for builder in builders:
            staging = root / "_build" / f".staging-{year}-{builder}"
            finished = {**record, "inputs": builder_inputs(source, builder)}
            outputs.append(builder_output(staging, builder))
            if up_to_date(staging, builder, finished):
                continue
            fresh_staging(staging, record)
            command = ["build", str(source), "--path-output", str(staging), "--builder",
                       builder, "-W", "--keep-going", "-q"]
            nice = SITE_BESIDE_PRINT if builder == "html" and "pdflatex" in builders else 0
            run = start(command, nice=nice)  # a cluster may refuse
            runs.append((builder, staging, finished, run))
        for builder, staging, finished, process in runs:
            out, err = process.communicate()
            if process.returncode != 0:
                raise BuildError(f"Jupyter Book ({builder}) báo lỗi (Jupyter Book failed):\n"
                                 + (err.strip() or out.strip())[-4000:])
            write_atomically(staging / ".docs.json", json.dumps(finished))
    finally:
        for *_, process in runs:  # interrupted or refused: stop the other builder too
            if process.poll() is None:
                process.terminate()
                process.wait()
    return outputs


def _copy_or_link(built: Path, published: Path, source: str, copy: str) -> None:
    """Copy a built file for publishing, or link the published one when it is that file as
    published last time (the same size and time, which copying keeps): a published file is
    never written again, only replaced with its folder. An edit's site is mostly the pages
    it did not touch."""
    there = published / Path(source).relative_to(built)
    try:
        here, was = os.stat(source), there.stat()
        if (here.st_size, here.st_mtime_ns) == (was.st_size, was.st_mtime_ns):
            return os.link(there, copy)
    except OSError:  # not published, or no links on this disk
        pass
    shutil.copy2(source, copy)


def _link(source: str, copy: str) -> None:
    """Link a file of a published folder (never written again), or copy it where the disk
    has no links."""
    try:
        os.link(source, copy)
    except OSError:
        shutil.copy2(source, copy)


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


def publish(built: Path, target: Path, published: bool = False) -> None:
    """Replace ``target`` (a folder) with a copy of ``built``: the copy is made beside it and
    swapped in one step, so that the target is at every moment the old build or the new.
    A ``built`` folder itself ``published`` (a locality's book, published again in a site of
    several) is linked file by file, not copied: its files are never written again."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh, old = (target.with_name(target.name + suffix) for suffix in (".new", ".old"))
    if old.exists() and not target.exists():  # a swap below was cut short: undo it
        old.rename(target)
    shutil.rmtree(fresh, ignore_errors=True)
    try:
        shutil.copytree(built, fresh, copy_function=_link if published else
                        partial(_copy_or_link, built, target))
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
