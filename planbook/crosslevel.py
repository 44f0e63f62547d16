"""Across levels: a locality whose plan lists another locality of the site as a unit (the
unit's name is the other's level and name, or a crosswalk says so) is that locality's parent.
For each such pair of books of the same year, what the parent prints for the child (households,
poor households at the start, the target; the funds allocated to it when the parent has a form
by unit with a ``total`` column) is compared with the child's own Biểu totals. Pure functions of
the plans; each book receives what concerns it as the notebook parameter ``across`` (JSON) and
shows it with :func:`note`.
"""
from __future__ import annotations

import csv
import json
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

from markupsafe import Markup, escape

from planbook import derive, fmt, forms
from planbook.data import DataError, Plan

CROSSWALK = "localities.csv"
"""Optional, in a site's folder: ``unit, locality`` — a unit's name as a parent prints it and the
folder of the locality it is, where the two are written differently."""

COUNTS = (("households", "Số hộ dân cư"), ("poor_prev", "Số hộ nghèo đầu năm"),
          ("poor_target", "Số hộ nghèo theo chỉ tiêu"))
FUNDS = "total"
"""The column of a parent's form by unit compared with the child's Biểu số 02 total."""


@dataclass(frozen=True)
class Figure:
    label: str
    parent: float
    child: float
    form: str  # where the parent prints it: the form's label
    key: str = ""  # the column of the parent's form (``households``, ``total``…)
    form_name: str = ""  # that form (``bieu-01``, ``bieu-03``)

    @property
    def differs(self) -> bool:
        return self.parent != self.child


@dataclass(frozen=True)
class Pair:
    """A parent's unit that is a locality of the site with a plan of the same year."""
    year: int
    parent: str  # the localities' keys (their folders' slugs)
    child: str
    unit: str  # as the parent prints it
    figures: list[Figure] = field(default_factory=list)

    @property
    def findings(self) -> list[Figure]:
        return [f for f in self.figures if f.differs]


def name_key(text: str) -> str:
    """A name compared without case, marks written apart (NFC) or extra spaces."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def read_crosswalk(folder: Path, keys: dict[str, str]) -> dict[str, str]:
    """``localities.csv`` of the site's ``folder`` as {unit's name key: locality key};
    ``keys`` maps each locality's folder name to its key. A clerk message for a locality that
    is not a folder of the site."""
    path = folder / CROSSWALK
    if not path.is_file():
        return {}
    found, problems = {}, []
    with path.open(encoding="utf-8-sig", newline="") as source:
        for row, line in enumerate(csv.DictReader(source), start=2):
            unit, place = (line.get("unit") or "").strip(), (line.get("locality") or "").strip()
            if not unit or place not in keys:
                problems.append(f"Tệp {path}, dòng {row}: cột 'unit' phải ghi tên đơn vị và cột "
                                f"'locality' tên một thư mục của trang ({', '.join(keys)}); "
                                f"đang ghi «{unit}», «{place}».")
                continue
            found[name_key(unit)] = keys[place]
    if problems:
        raise DataError(problems, f"{path}: bad crosswalk of localities.")
    return found


def allocation(plan: Plan, unit: str) -> tuple[float, str, str] | None:
    """The funds a parent's form by unit gives ``unit`` (its ``total``), the form's label and
    its name."""
    for form in plan.forms.extra:
        if FUNDS not in form.keys:
            continue
        rows, _ = plan.form_table(form.name)
        row = rows[~rows.is_group & (rows[form.name_key] == unit)]
        if len(row) and row[FUNDS].notna().all():
            value = float(row[FUNDS].iloc[0])
            return (int(value) if value.is_integer() else value), form.label, form.name
    return None


def compare(parent: Plan, unit: str, child: Plan) -> list[Figure]:
    """What ``parent`` prints for ``unit`` beside ``child``'s own totals."""
    row = parent.unit_counts.set_index("unit").loc[unit]
    totals = derive.totals(child)
    form = parent.forms[forms.UNITS]
    figures = [Figure(words, int(row[key]), getattr(totals, key), form.label, key, form.name)
               for key, words in COUNTS]
    funds = allocation(parent, unit)
    if funds is not None:
        figures.append(Figure("Kinh phí (triệu đồng)", funds[0],
                              derive.grand_total(child)[FUNDS], funds[1], FUNDS, funds[2]))
    return figures


def pairs(plans: dict[tuple[str, int], Plan], crosswalk: dict[str, str]) -> list[Pair]:
    """Every parent's unit that is another locality's plan of the same year, compared."""
    by_name = {}
    for (key, _), plan in plans.items():
        by_name.setdefault(name_key(plan.locality.full_name), key)
    found = []
    for (key, year), plan in sorted(plans.items()):
        for unit in plan.unit_counts.unit:
            child = crosswalk.get(name_key(unit)) or by_name.get(name_key(unit))
            if child and child != key and (child, year) in plans:
                found.append(Pair(year, key, child, unit,
                                  compare(plan, unit, plans[child, year])))
    return found


def book_path(key: str, year: int) -> str:
    """A book's home from the site's root."""
    return f"{key}/{year}/book/index.html"


def context(book: tuple[str, int], found: list[Pair], plans: dict[tuple[str, int], Plan]
            ) -> dict[str, dict]:
    """What the book ``book`` shows across levels: for each of its units that is a locality of
    the site, under the unit's name, that locality's book; under ``""``, its parent's (its own
    row there). Links are relative to the page that shows them."""
    key, year = book
    shown: dict[str, dict] = {}
    for pair in found:
        if pair.year != year:
            continue
        figures = [asdict(f) for f in pair.figures]
        if pair.parent == key:  # shown on the unit's page: book/units/<page>.html
            other = plans[pair.child, year]
            shown[pair.unit] = {"role": "child", "name": other.locality.full_name,
                                "href": "../../../../" + book_path(pair.child, year),
                                "book": book_path(pair.child, year), "figures": figures}
        elif pair.child == key and "" not in shown:  # shown on the home page
            other = plans[pair.parent, year]
            page = derive.unit_pages(other)[pair.unit]
            shown[""] = {"role": "parent", "name": other.locality.full_name,
                         "href": f"../../../{pair.parent}/{year}/book/units/{page}.html",
                         "figures": figures}
    return shown


def parameter(shown: dict | None) -> str:
    """The notebook parameter ``across``: JSON, or empty when there is nothing to show."""
    return json.dumps(shown, ensure_ascii=False, sort_keys=True) if shown else ""


def note(plan: Plan, unit: str = "") -> Markup:
    """On the site only, on a unit's page (``unit``) or the home page: the link to the other
    level's book and, where the two print different figures for the same unit, each
    difference (Markdown; every text from the data escaped)."""
    shown = plan.across.get(unit)
    if not shown:
        return Markup("")
    own, other = plan.locality.full_name, shown["name"]
    link = Markup('<a class="reference external" href="{}">{}</a>')
    if shown["role"] == "child":
        lead = Markup("**Kế hoạch riêng của {}:** {}.").format(
            fmt.md_escape(fmt.capitalise(other)),
            link.format(shown["href"], fmt.md_escape(f"kế hoạch năm {plan.year} của {other}")))
        sides = own, other
    else:
        lead = Markup("**Đơn vị cấp trên:** {} là một đơn vị trong kế hoạch năm {} của {} "
                      "({}).").format(fmt.md_escape(fmt.capitalise(own)), plan.year,
                                      fmt.md_escape(other),
                                      link.format(shown["href"], fmt.md_escape(f"trang của {own} ở đó")))
        sides = other, own
    figures = [Figure(**f) for f in shown["figures"]]
    differ = [f for f in figures if f.differs]
    lines = [f"- {fmt.md_escape(f.label)}: {fmt.md_escape(f.form)} của {fmt.md_escape(sides[0])}"
             f" ghi **{figure_text(f.parent)}**; các biểu của {fmt.md_escape(sides[1])} cho "
             f"**{figure_text(f.child)}**." for f in differ]
    if differ:
        body = Markup(":::{{important}}\n{}\n\n{}\n:::\n").format(
            Markup("Số liệu giữa hai cấp chưa khớp ({} điểm):").format(len(differ)),
            Markup("\n".join(lines)))
    else:
        body = Markup("Các số {} ghi cho {} ({}) khớp với các biểu của chính kế hoạch đó.\n"
                      ).format(fmt.md_escape(sides[0]), fmt.md_escape(sides[1]), escape(", ".join(f.label.lower() for f in figures)))
    return Markup("::::{{only}} html\n:::{{div}} planbook-across\n{}\n\n{}:::\n::::\n").format(
        lead, body)


def figure_text(value: float) -> str:
    """A figure one level prints for the other, as printed: a count or an amount whole, a
    fraction with two decimals."""
    return fmt.number(int(value)) if float(value).is_integer() else fmt.number(value, 2)
