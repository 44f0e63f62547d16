"""The site of every year: each year's book at ``_build/html/<year>/``, a root page listing the
years (newest first, with their key figures, links to the book and the PDF) and ``years.js``,
which the year switcher on every page reads to link the same page in another year.

A year's build writes ``year.json`` beside its pages (:func:`describe_year`); the root page and
``years.js`` are written from those files only, so adding or rebuilding a year never rebuilds
another.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from planbook import derive, fmt
from planbook.guard import write_atomically
from planbook.sphinx.ext import CONTENT_POLICY

SITE = Path("_build") / "html"
YEAR_INFO = "year.json"
ENV = Environment(loader=PackageLoader("planbook"), autoescape=select_autoescape(["html"]),
                  trim_blocks=True, lstrip_blocks=True)
ENV.filters.update(num=fmt.number, pct=fmt.percent, capitalize_first=fmt.capitalise)


def year_dir(root: Path, year: int) -> Path:
    """Where the book of ``year`` is published."""
    return root / SITE / str(year)


def describe_year(plan, title: str, pdf: str, html: Path) -> None:
    """Write ``year.json`` into a year's built site: its title, key figures, PDF and pages."""
    totals = derive.totals(plan)
    pages = sorted(p.relative_to(html).as_posix() for p in (html / "book").rglob("*.html"))
    info = {"year": plan.year, "title": title, "locality": plan.locality.full_name,
            "households": totals.households, "poor_prev": totals.poor_prev,
            "rate_prev": totals.rate_prev, "poor_target": totals.poor_target,
            "rate_target": totals.rate_target,
            "budget": derive.grand_total(plan)["total"], "pdf": pdf, "pages": pages}
    (html / YEAR_INFO).write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")


def published(root: Path, folder: Path = SITE) -> list[dict]:
    """What each published year's ``year.json`` says, newest year first (``folder``: a site
    other than the published one, such as the preview's)."""
    infos = [json.loads(p.read_text(encoding="utf-8"))
             for p in (root / folder).glob(f"[0-9][0-9][0-9][0-9]/{YEAR_INFO}")]
    return sorted(infos, key=lambda info: -info["year"])


def _write(path: Path, text: str) -> None:
    """Replace a file whole, unless it already says ``text``."""
    if not (path.is_file() and path.read_text(encoding="utf-8") == text):
        write_atomically(path, text)


def take_off(folder: Path) -> bool:
    """Take the published book in ``folder`` off the site in one step; False when none is
    there."""
    if not (folder / YEAR_INFO).is_file():
        return False
    gone = folder.with_name(folder.name + ".gone")  # not ".old", which a publish restores
    shutil.rmtree(gone, ignore_errors=True)
    folder.rename(gone)  # off the site in one step
    shutil.rmtree(gone, ignore_errors=True)
    return True


def unpublish(root: Path, year: int) -> bool:
    """Take ``year`` off the site (the only way a published year goes) and write the root page
    again; False when the year was not published."""
    if not take_off(year_dir(root, year)):
        return False
    write_root(root)
    return True


def write_root(root: Path, folder: Path = SITE) -> Path:
    """Write the root page and ``years.js`` from the years published (a year is never removed
    here: :func:`unpublish` does that), in the published site or another ``folder``."""
    site = root / folder
    site.mkdir(parents=True, exist_ok=True)
    for leftover in [*site.glob("*.new"), *site.glob("*.old")]:  # of an interrupted publish
        if (site / leftover.stem).exists():
            shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
    for leftover in site.glob("*.gone"):  # of an interrupted unpublish
        shutil.rmtree(leftover, ignore_errors=True)
    years = published(root, folder)
    write_years(site, years)
    _write(site / "index.html", ENV.get_template("site.html").render(
        years=years, policy=CONTENT_POLICY))
    return site / "index.html"


def write_years(folder: Path, years: list[dict]) -> None:
    """``years.js`` beside a locality's years (``folder``): the year switcher's list."""
    switcher = [{"year": y["year"], "pages": y["pages"]} for y in years]
    _write(folder / "years.js", "window.PLANBOOK_YEARS = "
           + json.dumps(switcher, ensure_ascii=False) + ";\n")


def write_localities(root: Path, localities: list[dict]) -> Path:
    """The root page of a site of several localities (:mod:`planbook.localities`): each with
    its published years (``years``, newest first), parents first, and their overviews."""
    site = root / SITE
    _write(site / "index.html", ENV.get_template("localities.html").render(
        localities=localities, policy=CONTENT_POLICY))
    return site / "index.html"
