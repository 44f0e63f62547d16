"""A site of several localities: a data folder whose subfolders each hold a locality's years.
Each locality's book of a year is built as a one-locality book is (:func:`planbook.build.build`)
in a project of its own under ``_build/localities/<key>/`` (links to the project's sources, its
``data`` a link to the locality's folder), and published at ``_build/html/<key>/<year>/``
(``<key>``: the folder's name through :func:`planbook.fmt.slug`). The root page, each
locality's ``years.js`` (its year switcher) and the parent's overview are written from the
books published; the pairs across levels (:mod:`planbook.crosslevel`) from the plans.

All books of one run share the warm kernels and are built side by side (:func:`at_once`); with
a Dask scheduler their notebooks and their assemblies run on its workers. One book that fails
is reported and leaves every other book built and its own published book as it was.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from planbook import cluster, crosslevel, fmt, overview, site, stamp
from planbook.assemble import publish
from planbook.build import BuildError, build
from planbook.data import DataError, Plan, data_years, load_plan
from planbook.guard import write_atomically
from planbook.kernels import Kernels

PROJECTS = Path("_build") / "localities"
RECORDS = Path("_build") / ".published-localities.json"
LINKED = (*stamp.BOOK_INPUTS, "requirements.txt")
BOOKS_AT_ONCE = os.cpu_count() or 1
"""Books built side by side, one per core: while one book is assembled (its site and PDF
forked from the Jupyter Book loaded once), the next runs its notebooks in the shared kernels.
On 2 cores, 8 small books took 46 s two at a time against 52–64 s one after another (README)."""
_RECORDING = threading.Lock()
_BUILDING = {"books": 0, "lock": threading.Lock()}
"""The books of this process whose build is under way (:func:`notebooks_at_once`)."""


@contextmanager
def notebooks_at_once():
    """While a book builds: how many of its notebooks to run at once. One when another book
    is building beside it (the books side by side keep the cores busy, and a book's pages then
    keep to one kernel, which keeps its plan: 16 made-up books ran 5–15 % faster so); all
    the cores' worth (None) when it builds alone, as an edit of one book of a site does."""
    with _BUILDING["lock"]:
        others = _BUILDING["books"]
        _BUILDING["books"] += 1
    try:
        yield 1 if others else None
    finally:
        with _BUILDING["lock"]:
            _BUILDING["books"] -= 1


def at_once(scheduler: str | None) -> int:
    """Books built side by side: :data:`BOOKS_AT_ONCE`; on the Dask cluster at ``scheduler``,
    one per worker thread of the cluster if that is more, as its workers run the notebooks and
    Jupyter Book while this machine only sends them the books and publishes."""
    return max(BOOKS_AT_ONCE, cluster.threads(scheduler)) if scheduler else BOOKS_AT_ONCE


@dataclass(frozen=True)
class Locality:
    key: str  # its address on the site
    folder: Path  # its data: one folder per year
    years: tuple[int, ...]


def find(folder: Path) -> list[Locality]:
    """The localities of a site's data folder, by key; none when ``folder`` is one locality's
    (its subfolders are years). Two folders with the same key get a clerk message."""
    if data_years(folder):
        return []
    found: dict[str, Locality] = {}
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        years = data_years(sub)
        key = fmt.slug(sub.name)
        if not years or not key:
            continue
        if key in found:
            raise DataError([f"Thư mục {sub} và {found[key].folder} có cùng địa chỉ «{key}» "
                             "trên trang — hãy đổi tên một thư mục."], f"{key}: taken twice.")
        found[key] = Locality(key, sub, tuple(years))
    return list(found.values())


def project(root: Path, locality: Locality, copy: bool = False) -> Path:
    """The project a locality's books are built in: links to the sources, ``data`` to its
    folder — or a copy of it (``copy``), as a Dask cluster takes only data inside a project."""
    folder = root / PROJECTS / locality.key
    folder.mkdir(parents=True, exist_ok=True)
    links = {name: root / name for name in LINKED if (root / name).exists()}
    data = folder / "data"
    if copy:
        data.unlink() if data.is_symlink() else shutil.rmtree(data, ignore_errors=True)
        shutil.copytree(locality.folder, data, symlinks=True)
    elif data.is_dir() and not data.is_symlink():
        shutil.rmtree(data)
    if not copy:
        links["data"] = locality.folder
    for name, target in links.items():
        link = folder / name
        if not (link.is_symlink() and link.resolve() == target.resolve()):
            link.unlink(missing_ok=True)
            link.symlink_to(target.resolve())
    return folder


def book_dir(root: Path, key: str, year: int) -> Path:
    """Where a locality's book of ``year`` is published."""
    return root / site.SITE / key / str(year)


def _records(root: Path) -> dict:
    try:
        return json.loads((root / RECORDS).read_text())
    except (OSError, ValueError):
        return {}


def book_stamp(work: Path, year: int, across: dict) -> str:
    """The book's inputs (:func:`planbook.stamp.build_stamp`) and what it shows across levels."""
    spec = stamp.build_stamp(work, "data", year) + crosslevel.parameter(across)
    return hashlib.sha256(spec.encode()).hexdigest()


def load(root: Path, localities: list[Locality]) -> dict[tuple[str, int], Plan]:
    """Every locality's plan of every year that reads, by (key, year); one that does not is
    left out here and reported when its book is built."""
    plans = {}
    for locality in localities:
        work = project(root, locality)
        for year in locality.years:
            try:
                plan = load_plan(work / "data", year)
                plan.unit_counts  # noqa: B018 (read now: a pair needs it)
                plans[locality.key, year] = plan
            except DataError:
                continue
    return plans


def build_site(root: Path, data: str, only: str | None = None, year: int | None = None,
               scheduler: str | None = None) -> int:
    """Build every book of the site under ``data`` (or locality ``only``'s, or ``year``'s),
    publish each that built and write the root page, the year switchers and the overviews;
    0 when every book is published, 2 for bad data, 1 for a failed build."""
    folder = root / data
    try:
        localities = find(folder)
        crosswalk = crosslevel.read_crosswalk(folder, {lc.folder.name: lc.key
                                                       for lc in localities})
    except DataError as err:
        print(f"Lỗi dữ liệu — không dựng gì, trang đã đăng giữ nguyên:\n{err}", file=sys.stderr)
        return 2
    chosen = [lc for lc in localities if only in (None, lc.key, lc.folder.name)]
    if not chosen:
        print(f"Không có địa phương «{only}» trong {folder} (có: "
              f"{', '.join(lc.key for lc in localities)}) — không dựng gì.", file=sys.stderr)
        return 2
    try:
        side_by_side = at_once(scheduler)
    except cluster.ClusterError as err:
        print(f"Lỗi cụm Dask — không dựng gì, trang đã đăng giữ nguyên:\n{err}", file=sys.stderr)
        return 1
    plans = load(root, localities)
    pairs = crosslevel.pairs(plans, crosswalk)
    books = [(lc, y) for lc in chosen for y in lc.years if year in (None, y)]
    kernels = None if scheduler else Kernels()
    try:
        with ThreadPoolExecutor(side_by_side) as pool:
            codes = list(pool.map(lambda book: build_book(
                root, *book, pairs, plans, scheduler, kernels), books))
    finally:
        if kernels:
            kernels.close()
    write(root, localities, plans, pairs)
    elsewhere = [key for key in published_keys(root) if key not in {lc.key for lc in localities}]
    if elsewhere:
        print(f"Lưu ý: {', '.join(elsewhere)} vẫn đăng trên trang nhưng không có trong {folder}; "
              "gỡ một địa phương khỏi trang bằng lệnh make unpublish LOCALITY=<địa phương>.",
              file=sys.stderr)
    if any(codes):
        print(f"{sum(1 for c in codes if c)} trong {len(codes)} cuốn sách chưa dựng được (xem "
              "trên); các cuốn khác đã đăng.", file=sys.stderr)
        return max(codes)
    print(f"Đã dựng xong {len(codes)} cuốn sách: {root / site.SITE / 'index.html'}")
    return 0


def build_book(root: Path, locality: Locality, year: int, pairs: list, plans: dict,
               scheduler: str | None, kernels: Kernels | None) -> int:
    """Build and publish one book unless it was published from the same inputs."""
    name = f"{locality.key} năm {year}"
    work = project(root, locality, copy=bool(scheduler))
    across = crosslevel.context((locality.key, year), pairs, plans)
    current = book_stamp(work, year, across)
    target = book_dir(root, locality.key, year)
    record = _records(root).get(f"{locality.key}/{year}")
    if record == {"stamp": current, "site": stamp.site_digest(target)} and target.is_dir():
        print(f"{name}: không có đầu vào nào thay đổi — giữ nguyên bản đã đăng.", flush=True)
        return 0
    print(f"{name}: dựng sách.", flush=True)
    try:
        with notebooks_at_once() as workers:
            built = build(year, work, "data", workers, scheduler=scheduler, kernels=kernels,
                          across=across)
        publish(built, target, published=True)
    except DataError as err:  # named as the clerk knows the files
        said = str(err).replace(str(work / "data"), str(locality.folder))
        print(f"Lỗi dữ liệu ({name}) — sách này chưa được dựng, bản đã đăng giữ nguyên:\n{said}",
              file=sys.stderr)
        return 2
    except BuildError as err:
        print(f"Dựng sách {name} thất bại — bản đã đăng giữ nguyên:\n{err}", file=sys.stderr)
        return 1
    done = {f"{locality.key}/{year}": {"stamp": current, "site": stamp.site_digest(target)}}
    with _RECORDING:
        write_atomically(root / RECORDS, json.dumps(_records(root) | done, sort_keys=True))
    return 0


def published(root: Path, key: str) -> list[dict]:
    """What each published year of a locality says (``year.json``), newest first."""
    return site.published(root, site.SITE / key)


def published_keys(root: Path) -> list[str]:
    """The localities with a book on the site, by key."""
    top = root / site.SITE
    return sorted(sub.name for sub in top.iterdir() if sub.is_dir() and published(root, sub.name)) \
        if top.is_dir() else []


def unpublish(root: Path, data: str, name: str, year: int | None = None) -> int:
    """Take a locality's book of ``year``, or every book of it, off the site (the only way a
    published book goes; ``name``: its key or its folder's name) and write the pages above the
    books again; 2 when none is published, or when the data cannot say what the pages show
    (then nothing is taken off)."""
    key = fmt.slug(name) or name
    years = [info["year"] for info in published(root, key) if year in (None, info["year"])]
    if not years:
        print(f"{name}{f' năm {year}' if year else ''} không có trên trang {root / site.SITE}: "
              "không gỡ gì.", file=sys.stderr)
        return 2
    folder = root / data
    try:
        localities = find(folder) if folder.is_dir() else []
        crosswalk = crosslevel.read_crosswalk(folder, {lc.folder.name: lc.key
                                                       for lc in localities})
    except DataError as err:
        print(f"Lỗi dữ liệu — không gỡ gì, trang đã đăng giữ nguyên:\n{err}", file=sys.stderr)
        return 2
    for gone in years:
        site.take_off(book_dir(root, key, gone))
    with _RECORDING:
        records = {book: done for book, done in _records(root).items()
                   if book not in {f"{key}/{gone}" for gone in years}}
        write_atomically(root / RECORDS, json.dumps(records, sort_keys=True))
    if not published(root, key):
        shutil.rmtree(root / site.SITE / key)  # its year switcher
    plans = load(root, localities)
    write(root, localities, plans, crosslevel.pairs(plans, crosswalk))
    again = f"; make book đăng lại khi thư mục của nó còn trong {folder}" \
        if key in {lc.key for lc in localities} else ""
    print(f"Đã gỡ {name} năm {', '.join(map(str, years))} khỏi trang {root / site.SITE}{again}; "
          "các sách khác giữ nguyên.")
    return 0


def order(localities: list[Locality], pairs: list) -> list[Locality]:
    """Parents first (the localities whose units are others), then the others by key."""
    parents = {p.parent for p in pairs}
    return sorted(localities, key=lambda lc: (lc.key not in parents, lc.key))


def write(root: Path, localities: list[Locality], plans: dict[tuple[str, int], Plan],
          pairs: list) -> None:
    """The site's pages above the books, from what is published: each locality's
    ``years.js``, each parent's overview of each year, the root page (listing too the books of
    a locality no longer in the data, until they are unpublished)."""
    html = root / site.SITE
    rows = []
    keys = [locality.key for locality in order(localities, pairs)]
    for name in keys + [key for key in published_keys(root) if key not in keys]:
        years = published(root, name)
        if not years:
            continue
        site.write_years(root / site.SITE / name, years)
        rows.append({"key": name, "years": years,
                     "parent": any(p.parent == name for p in pairs),
                     "overviews": []})
        for info in years:
            key = (name, info["year"])
            children = [p for p in pairs if (p.parent, p.year) == key]
            if key in plans and children:
                published_children = {p.child for p in children
                                       if (book_dir(root, p.child, p.year) / "year.json").is_file()}
                rows[-1]["overviews"].append(overview.write(
                    html, key, plans[key], children, plans, published_children))
    site.write_localities(root, rows)
