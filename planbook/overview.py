"""A parent's overview of a year: every unit of its plan side by side — the parent's figures
and, where the unit is a locality of the site, that locality's own — as a table with its CSV
and Excel downloads and a chart of the rates at the start and the targets; which units have
published a plan. Written beside the parent's books at ``<key>/tong-hop-<year>/``, from the
plans and the pairs (:mod:`planbook.crosslevel`), never from a book's pages.
"""
from __future__ import annotations

import io
from pathlib import Path

from planbook import derive, downloads, fmt, site
from planbook.crosslevel import Pair, allocation, name_key
from planbook.data import Plan
from planbook.guard import write_atomically
from planbook.lazy import lazy

charts = lazy("planbook.charts")  # matplotlib, for a parent's overview only

HEADER = ["TT", "Đơn vị", "Số hộ dân cư", "Hộ nghèo đầu năm", "Tỷ lệ đầu năm (%)",
          "Hộ nghèo theo chỉ tiêu", "Tỷ lệ chỉ tiêu (%)", "Kinh phí phân bổ (triệu đồng)",
          "Kế hoạch riêng", "Số hộ dân cư (kế hoạch riêng)", "Hộ nghèo đầu năm (kế hoạch riêng)",
          "Hộ nghèo theo chỉ tiêu (kế hoạch riêng)", "Kinh phí (kế hoạch riêng, triệu đồng)"]


def folder_name(year: int) -> str:
    return f"tong-hop-{year}"


def rows(plan: Plan, pairs: list[Pair], plans: dict, published: set[str]) -> list[dict]:
    """One row per unit of ``plan``: its figures as the parent prints them and, for a unit
    paired with a locality, that locality's own and whether its book is published."""
    by_unit = {name_key(p.unit): p for p in pairs}
    found = []
    for i, row in enumerate(derive.units(plan).itertuples(), start=1):
        pair = by_unit.get(name_key(row.unit))
        figures = {f.label: f for f in pair.figures} if pair else {}
        funds = allocation(plan, row.unit)
        child = plans.get((pair.child, pair.year)) if pair else None
        found.append({
            "tt": i, "unit": row.unit, "households": int(row.households),
            "poor_prev": int(row.poor_prev), "rate_prev": row.rate_prev_calc,
            "poor_target": int(row.poor_target), "rate_target": row.rate_target_calc,
            "funds": funds[0] if funds else None, "child": pair.child if pair else None,
            "published": bool(pair and pair.child in published),
            "own": {f.label: f.child for f in figures.values()} if child else {},
            "differs": {f.label for f in figures.values() if f.differs}})
    return found


def table(plan: Plan, found: list[dict]) -> dict:
    """The overview as a download's table (:func:`planbook.downloads.csv_bytes`)."""
    labels = [label for label, _ in _own_labels()]
    cells = []
    for r in found:
        own = [r["own"].get(label) for label in labels]
        cells.append([r["tt"], r["unit"], r["households"], r["poor_prev"],
                      round(r["rate_prev"], 2), r["poor_target"], round(r["rate_target"], 2),
                      r["funds"] if r["funds"] is not None else "",
                      "có" if r["published"] else "chưa có",
                      *["" if v is None else v for v in own]])
    return {"name": folder_name(plan.year), "header": HEADER, "rows": cells,
            "caption": f"Tổng hợp các {plan.locality.units} năm {plan.year}",
            "formats": {"4": "0.00", "6": "0.00"}, "bold_rows": []}


def _own_labels() -> list[tuple[str, str]]:
    """The figures compared, in the table's order (labels of :mod:`planbook.crosslevel`)."""
    return [("Số hộ dân cư", "households"), ("Số hộ nghèo đầu năm", "poor_prev"),
            ("Số hộ nghèo theo chỉ tiêu", "poor_target"), ("Kinh phí (triệu đồng)", "funds")]


def chart(plan: Plan, found: list[dict]) -> tuple[bytes, str]:
    """SVG of every unit's rate at the start and its target, as the parent prints them, and
    its alt text."""
    order = sorted(found, key=lambda r: r["rate_target"])
    height = 0.28 * len(order) + 1.6
    fig, ax = charts.plt.subplots(figsize=(charts.WIDTH, height))
    y = range(len(order))
    ax.hlines(list(y), [r["rate_target"] for r in order], [r["rate_prev"] for r in order],
              color="#bbbbbb", linewidth=1)
    prev = ax.scatter([r["rate_prev"] for r in order], list(y), color=charts.COLOURS["prev"],
                      label=f"Đầu năm {plan.year}", zorder=3)
    target = ax.scatter([r["rate_target"] for r in order], list(y),
                        color=charts.COLOURS["target"], label=f"Chỉ tiêu năm {plan.year}",
                        zorder=3)
    ax.set_yticks(list(y), [r["unit"] for r in order])
    ax.xaxis.set_major_formatter(charts.percent_ticks())
    ax.set_xlabel("Tỷ lệ hộ nghèo (% số hộ dân cư)")
    fig.legend(handles=[prev, target], loc="outside lower center", ncols=2, frameon=False)
    out = io.BytesIO()
    fig.savefig(out, format="svg", metadata={"Date": None})
    charts.plt.close(fig)
    top = order[-1] if order else None
    alt = (f"Biểu đồ chấm tỷ lệ hộ nghèo đầu năm và chỉ tiêu năm {plan.year} của "
           f"{fmt.number(len(order))} {plan.locality.units}, xếp theo chỉ tiêu"
           + (f"; cao nhất là {top['unit']} với chỉ tiêu {fmt.percent(top['rate_target'])}."
              if top else "."))
    return out.getvalue(), alt


def write(html: Path, book: tuple[str, int], plan: Plan, pairs: list[Pair], plans: dict,
          published: set[str]) -> dict:
    """Write the overview of the parent's ``book`` into the site ``html``; return its entry
    for the root page (``year``, ``href``)."""
    key, year = book
    folder = html / key / folder_name(year)
    folder.mkdir(parents=True, exist_ok=True)
    found = rows(plan, pairs, plans, published)
    data = table(plan, found)
    svg, alt = chart(plan, found)
    files = {f"{data['name']}.csv": downloads.csv_bytes(data),
             f"{data['name']}.xlsx": downloads.xlsx_bytes(data), "ty-le.svg": svg}
    for name, content in files.items():
        path = folder / name
        if not (path.is_file() and path.read_bytes() == content):
            write_atomically(path, content)
    page = site.ENV.get_template("overview.html").render(
        plan=plan, rows=found, labels=[label for label, _ in _own_labels()], alt=alt,
        name=data["name"], year=year, parent=key, policy=site.CONTENT_POLICY,
        published=sum(r["published"] for r in found), paired=sum(bool(r["child"]) for r in found))
    index = folder / "index.html"
    if not (index.is_file() and index.read_text(encoding="utf-8") == page):
        write_atomically(index, page)
    return {"year": year, "href": f"{key}/{folder_name(year)}/index.html"}
