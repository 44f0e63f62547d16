"""Content hashes of the build's inputs, cheap to compute, so that a build with nothing changed
stops before it reads any data or runs anything."""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from planbook.guard import write_atomically

PACKAGE = Path(__file__).resolve().parent
BOOK_INPUTS = ("_config.yml", "_toc.yml", "_static", "_templates", "locales", "notebooks")
PUBLISHED = Path("_build") / ".published.json"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def file_digest(path: Path) -> str | None:
    """A file's hash, or None for a file that is not there (a page may have looked for one,
    such as last year's plan, and must be made again when it appears)."""
    return sha256(path) if path.is_file() else None


def hash_files(paths, root: Path) -> str:
    """One hash of the files' contents and their paths from ``root`` (``../`` for a data
    folder outside the project)."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        name = Path(os.path.relpath(path, root)).as_posix()
        digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def package_hash() -> str:
    """The package's files (its code, templates and static files)."""
    files = [p for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return hash_files(files, PACKAGE.parent)


def code_hash(root: Path) -> str:
    """Everything a notebook runs besides its data: the package and the pinned requirements."""
    pins = [p for p in [root / "requirements.txt"] if p.is_file()]
    return package_hash() + hash_files(pins, root)


def _files(tops) -> list[Path]:
    return [p for top in tops if top.exists()
            for p in ([top] if top.is_file() else top.rglob("*"))
            if p.is_file() and ".ipynb_checkpoints" not in p.parts and p.suffix != ".mo"]


def site_sources_hash(root: Path) -> str:
    """What every page of the site is made with besides its own notebook: the book's
    configuration, templates, styles and messages, and the package (its Sphinx extension,
    scripts and search)."""
    return hash_files(_files([root / name for name in BOOK_INPUTS if name != "notebooks"]),
                       root) + code_hash(root)


def build_stamp(root: Path, data_dir: str, year: int) -> str:
    """One hash of every input of the book of ``year``: its data, the previous year's (which
    its chapter on last year's results reads), the book's sources and the code."""
    data = root / data_dir
    inputs = [data / str(year), data / str(year - 1)] + [root / name for name in BOOK_INPUTS]
    files = _files(inputs)
    spec = {"year": year, "code": code_hash(root), "inputs": hash_files(files, root)}
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()


def site_digest(folder: Path) -> str:
    """One hash of every published file of a year and its name: a page deleted or changed by
    hand shows."""
    files = [p for p in folder.rglob("*") if p.is_file()] if folder.is_dir() else []
    return hash_files(files, folder)


def _records(root: Path) -> dict:
    try:
        return json.loads((root / PUBLISHED).read_text())
    except (OSError, ValueError):  # none yet, or from an older layout: build again
        return {}


def is_published(root: Path, year: int, stamp: str) -> bool:
    """Whether the published book of ``year`` was built from exactly these inputs and is
    still there as it was published (every page, the PDF), with its executed notebooks."""
    record = _records(root).get(str(year))
    return (isinstance(record, dict) and record.get("stamp") == stamp
            and (root / "book" / str(year) / ".executed.json").is_file()
            and record.get("site") == site_digest(root / "_build" / "html" / str(year)))


def record_published(root: Path, year: int, stamp: str) -> None:
    records = _records(root) | {str(year): {
        "stamp": stamp, "site": site_digest(root / "_build" / "html" / str(year))}}
    write_atomically(root / PUBLISHED, json.dumps(records, sort_keys=True))
