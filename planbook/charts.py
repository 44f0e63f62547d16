"""Charts with Vietnamese titles, labels and alt text, saved as SVG (site) and PDF (print).

Each chart function draws one figure, writes it next to the executing notebook under
``figures/`` and returns a MyST ``figure`` directive with a numbered caption and alt text.
"""
from __future__ import annotations

import io
import json
import textwrap
import warnings
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from markupsafe import Markup  # noqa: E402
from matplotlib.textpath import TextToPath  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from planbook import compare, derive, fmt  # noqa: E402
from planbook.data import Plan  # noqa: E402

FIGURE_DIR = Path("figures")
FONT_DIR = Path("/usr/share/fonts/truetype/liberation2")
"""The body's font (Debian fonts-liberation2), so that a chart's words read like the text."""
WIDTH = 4.6
"""A chart's width in inches. The site shows a chart at the content's width (on a 390 px phone
about 350 px, so a 10 pt word is 10 px or more) and the PDF at the text's width (6.5 in, so a
10 pt word prints at 14 pt)."""
TEXT = 10
"""The smallest type in a chart, in points (ticks, legends, labels on bars)."""
COLOURS = {"prev": "#9bb7d4", "target": "#1f4e79", "whole": "#c0392b", "new": "#1f4e79",
           "carry": "#e0a84b", "highlight": "#c0392b"}
for _style in ("Regular", "Bold", "Italic", "BoldItalic"):
    if (FONT_DIR / f"LiberationSerif-{_style}.ttf").is_file():
        font_manager.fontManager.addfont(str(FONT_DIR / f"LiberationSerif-{_style}.ttf"))
plt.rcParams.update({
    "font.family": "Liberation Serif", "font.size": TEXT, "axes.titlesize": TEXT + 1,
    "legend.fontsize": TEXT, "svg.hashsalt": "planbook",
    "svg.fonttype": "none", "pdf.fonttype": 3, "figure.constrained_layout.use": True,
    "axes.spines.top": False, "axes.spines.right": False,
    "text.parse_math": False,  # a "$" in a name is a dollar sign, not mathematics
})
# A character the chart font lacks is drawn as a box; the PDF's font is checked at load.
warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font", category=UserWarning)

_vi_percent = FuncFormatter(lambda v, _: fmt.percent(v, 1))
_vi_number = FuncFormatter(lambda v, _: fmt.number(v))


def _wrap(text: str, width: int = 52) -> str:
    """A title or an axis label on as many lines of ``width`` characters as it needs."""
    return "\n".join(textwrap.wrap(text, width)) or text


def _short(name: str, width: int = 24) -> str:
    """A name as a chart label: on at most two lines of ``width``, cut with "…" beyond (the
    caption and the alt text carry it whole)."""
    lines = textwrap.wrap(name, width) or [""]
    return "\n".join(lines[:2]) + ("…" if len(lines) > 2 else "")


def _write(fig: plt.Figure, path: Path, metadata: dict) -> None:
    """Save ``fig`` at ``path`` unless the file already holds the same drawing: its time then
    stays, and Sphinx does not read again the pages that show it."""
    drawn = io.BytesIO()
    fig.savefig(drawn, format=path.suffix[1:], metadata=metadata)
    if not path.is_file() or path.read_bytes() != drawn.getvalue():
        path.write_bytes(drawn.getvalue())


def save(fig: plt.Figure, name: str, caption: str, alt: str, site_only: bool = False) -> Markup:
    """Write ``figures/<name>.svg`` and ``.pdf`` reproducibly; return the figure directive.
    A ``site_only`` figure is drawn for the site alone (SVG, shown only in HTML): a unit page's
    chart, which the print's compact units annex leaves out."""
    FIGURE_DIR.mkdir(exist_ok=True)
    _write(fig, FIGURE_DIR / f"{name}.svg", {"Date": None})
    if not site_only:
        _write(fig, FIGURE_DIR / f"{name}.pdf", {"CreationDate": None, "ModDate": None})
    plt.close(fig)
    directive = (f"```{{figure}} {FIGURE_DIR}/{name}.{'svg' if site_only else '*'}\n"
                 f":name: fig-{name}\n"
                 f":alt: {json.dumps(' '.join(alt.split()), ensure_ascii=False)}\n"
                 f":width: 100%\n\n{fmt.md_escape(caption)}\n```\n")
    return Markup(f"````{{only}} html\n{directive}````\n" if site_only else directive)


MAX_BARS = 40
"""Above this many units the locality chart shows the distribution instead of one bar per unit."""


def unit_rates(plan: Plan) -> Markup:
    """Every unit's poverty rate, last year and this year's target, against the locality's rate
    (a histogram of target rates when there are too many units for one bar each)."""
    table = derive.units(plan).sort_values("rate_target_calc", kind="stable")
    totals = derive.totals(plan)
    place = plan.place
    whole_label = f"{place.All} năm {plan.year} ({fmt.percent(totals.rate_target)})"
    caption = (f"Tỷ lệ hộ nghèo của các {place.units} cuối năm {plan.previous_year} và chỉ tiêu "
               f"năm {plan.year} (tính từ Biểu số 01)")
    top = table.iloc[-1]
    if len(table) > MAX_BARS:
        fig, ax = plt.subplots(figsize=(WIDTH, 4))
        ax.hist(table.rate_target_calc, bins=20, color=COLOURS["target"])
        ax.axvline(totals.rate_target, color=COLOURS["whole"], linestyle="--", label=whole_label)
        ax.yaxis.set_major_formatter(_vi_number)
        ax.set_ylabel(f"Số {place.units}")
        ax.set_title(_wrap(f"Phân bố tỷ lệ hộ nghèo chỉ tiêu năm {plan.year} của "
                           f"{fmt.number(len(table))} {place.units}"), fontsize=TEXT + 1)
        alt = (f"Biểu đồ cột phân bố tỷ lệ hộ nghèo chỉ tiêu của {fmt.number(len(table))} "
               f"{place.units}; cao nhất là {top.unit} với {fmt.percent(top.rate_target_calc)}; "
               f"đường đứt nét là tỷ lệ {place.all} {fmt.percent(totals.rate_target)}.")
    else:
        fig, ax = plt.subplots(figsize=(WIDTH, 0.3 * len(table) + 1.6))
        y = range(len(table))
        ax.barh([i + 0.2 for i in y], table.rate_prev_calc, height=0.4, color=COLOURS["prev"],
                label=f"Cuối năm {plan.previous_year}")
        ax.barh([i - 0.2 for i in y], table.rate_target_calc, height=0.4,
                color=COLOURS["target"], label=f"Chỉ tiêu năm {plan.year}")
        ax.axvline(totals.rate_target, color=COLOURS["whole"], linestyle="--", linewidth=1,
                   label=whole_label)
        ax.set_yticks(list(y), [_short(unit) for unit in table.unit])
        ax.set_title(_wrap(f"Tỷ lệ hộ nghèo theo {place.units}: cuối năm {plan.previous_year} "
                           f"và chỉ tiêu năm {plan.year}"), fontsize=TEXT + 1)
        alt = (f"Biểu đồ thanh ngang tỷ lệ hộ nghèo của {fmt.number(len(table))} {place.units}, "
               f"xếp từ thấp đến cao; cao nhất là {top.unit} với chỉ tiêu "
               f"{fmt.percent(top.rate_target_calc)}; "
               f"đường đứt nét là tỷ lệ {place.all} {fmt.percent(totals.rate_target)}.")
    ax.xaxis.set_major_formatter(_vi_percent)
    ax.set_xlabel("Tỷ lệ hộ nghèo (% số hộ dân cư)")
    ax.legend(loc="lower right", fontsize=TEXT, frameon=False)
    return save(fig, "ty-le-ho-ngheo", caption, alt)


_TEXT_PATH = TextToPath()
LINE = TEXT * 1.3 / 72
"""The height of a line of chart text, in inches."""


def _width(label: str, bold: bool = False) -> float:
    """A label's width in inches at the charts' smallest size (its longest line)."""
    font = font_manager.FontProperties(size=TEXT, weight="bold" if bold else "normal")
    return max(_TEXT_PATH.get_text_width_height_descent(line, font, False)[0]
               for line in label.split("\n")) / 72


def unit_position(plan: Plan, unit: str) -> Markup:
    """One unit against the locality (bars, last year and target) and among all units (a strip of
    every unit's target rate with this one marked; above :data:`MAX_BARS` units, the number
    of units by rate), so that its cost stays flat as the units grow. Its margins are measured
    from its labels (a layout engine would lay out every unit's figure anew: a fifth of a unit
    page's time)."""
    table = derive.units(plan)
    row = table[table.unit == unit].iloc[0]
    totals = derive.totals(plan)
    place = plan.place
    height = 3.4
    title = _short(f"{unit}: tỷ lệ hộ nghèo so với {place.all} và các {place.units}", 52)
    many = len(table) > MAX_BARS  # then the strip counts the units, at a cost that stays flat
    xlabel = _wrap(f"Tỷ lệ hộ nghèo (%); dải dưới: " + (
        f"số {place.units} theo tỷ lệ chỉ tiêu năm {plan.year}" if many else
        f"chỉ tiêu năm {plan.year} của từng {place.units}"), 60)
    labels = [_short(unit), place.All]
    fig, (bars, strip) = plt.subplots(2, 1, figsize=(WIDTH, height), height_ratios=[2, 1],
                                      sharex=True, layout="none")
    left = max(_width(labels[0], bold=True), _width(labels[1])) + 0.15
    top = (title.count("\n") + 1) * LINE + 0.12
    bottom = 0.3 + (xlabel.count("\n") + 1) * LINE + 0.25  # legend, axis label, ticks
    fig.subplots_adjust(left=left / WIDTH, right=1 - 0.1 / WIDTH, top=1 - top / height,
                        bottom=bottom / height, hspace=0.45)
    y = [1, 0]
    bars.barh([v + 0.2 for v in y], [row.rate_prev_calc, totals.rate_prev], height=0.4,
              color=COLOURS["prev"], label=f"Cuối năm {plan.previous_year}")
    bars.barh([v - 0.2 for v in y], [row.rate_target_calc, totals.rate_target], height=0.4,
              color=COLOURS["target"], label=f"Chỉ tiêu năm {plan.year}")
    for v, value in zip(y, [row.rate_target_calc, totals.rate_target]):
        bars.text(value, v - 0.2, " " + fmt.percent(value), va="center", fontsize=TEXT)
    bars.set_yticks(y, labels)
    bars.get_yticklabels()[0].set_fontweight("bold")
    bars.set_title(title, fontsize=TEXT + 1)
    fig.legend(loc="lower center", ncol=2, fontsize=TEXT, frameon=False)
    right = max(table.rate_target_calc.max(), table.rate_prev_calc.max(), 0.01) * 1.15
    if many:  # bars of the number of units by rate, the tallest 1 high; the label above them
        counts, edges = np.histogram(table.rate_target_calc, bins=30, range=(0, right))
        strip.bar(edges[:-1], counts / counts.max(), width=np.diff(edges), align="edge",
                  color=COLOURS["prev"])
        strip.axvline(row.rate_target_calc, color=COLOURS["highlight"], linewidth=1.5)
        label_y, offset = 1, 2
    else:
        strip.scatter(table.rate_target_calc, [0] * len(table), s=18, color=COLOURS["prev"],
                      alpha=0.8)
        label_y, offset = 0, 8
    strip.scatter([row.rate_target_calc], [0], s=60, color=COLOURS["highlight"], zorder=3)
    at = row.rate_target_calc / right  # the label stands inside the figure wherever the dot is
    strip.annotate(f"{_short(unit)}: thứ {fmt.number(row['rank'])}/{fmt.number(len(table))}",
                   (row.rate_target_calc, label_y), xytext=(0, offset),
                   textcoords="offset points", fontsize=TEXT,
                   ha="left" if at < 0.3 else "right" if at > 0.7 else "center")
    strip.set_yticks([])
    strip.spines["left"].set_visible(False)
    strip.set_xlim(0, right)
    strip.xaxis.set_major_formatter(_vi_percent)
    strip.set_xlabel(xlabel)
    alt = (f"Biểu đồ so sánh: tỷ lệ hộ nghèo của {unit} cuối năm {plan.previous_year} là "
           f"{fmt.percent(row.rate_prev_calc)}, chỉ tiêu năm {plan.year} là "
           f"{fmt.percent(row.rate_target_calc)}; {place.all} {fmt.percent(totals.rate_prev)} "
           f"và {fmt.percent(totals.rate_target)}; {unit} đứng thứ {fmt.number(row['rank'])}/"
           f"{fmt.number(len(table))} về tỷ lệ chỉ tiêu (thứ 1 là cao nhất).")
    caption = (f"Tỷ lệ hộ nghèo của {unit} so với {place.all}, và vị trí trong "
               f"{fmt.number(len(table))} {place.units} ("
               + ("cột: số đơn vị theo tỷ lệ" if many else "mỗi chấm là một đơn vị") + ")")
    return save(fig, f"ty-le-{derive.unit_pages(plan)[unit]}", caption, alt, site_only=True)


def budget_by_project(plan: Plan) -> Markup:
    """Carry-over and this year's funds, stacked, per project."""
    table = derive.project_sums(plan).iloc[::-1]
    fig, ax = plt.subplots(figsize=(WIDTH, 0.5 * len(table) + 1.5))
    labels = [name.split(":")[0] for name in table.name]
    ax.barh(labels, table.carry_over_calc, color=COLOURS["carry"],
            label=f"Vốn năm {plan.previous_year} chuyển sang")
    ax.barh(labels, table.new_funds_calc, left=table.carry_over_calc, color=COLOURS["new"],
            label=f"Vốn năm {plan.year}")
    for i, total in enumerate(table.total_calc):
        ax.text(total, i, " " + fmt.number(total), va="center", fontsize=TEXT)
    ax.xaxis.set_major_formatter(_vi_number)
    ax.set_xlabel("Triệu đồng")
    ax.set_xlim(0, max(table.total_calc.max(), 1) * 1.15)
    sources = plan.text.funding.sources
    funds = fmt.lower_first(sources[0].name) + " " if len(sources) == 1 else ""
    ax.set_title(_wrap(f"Kinh phí {funds}theo dự án năm {plan.year}"), fontsize=TEXT + 1)
    ax.legend(loc="lower right", fontsize=TEXT, frameon=False)
    parts = "; ".join(f"{label}: {fmt.number(c)} chuyển sang và {fmt.number(n)} năm {plan.year}"
                      for label, c, n in zip(labels[::-1], table.carry_over_calc[::-1],
                                             table.new_funds_calc[::-1]))
    alt = f"Biểu đồ thanh chồng kinh phí từng dự án, triệu đồng. {parts}."
    return save(fig, "kinh-phi-du-an",
                f"Vốn năm {plan.previous_year} chuyển sang và vốn năm {plan.year} theo dự án "
                "(triệu đồng, tính từ Biểu số 02)", alt)


def lead_shares(plan: Plan) -> Markup:
    """Share of the money led by each agency."""
    shares = derive.lead_shares(plan).iloc[::-1]
    fig, ax = plt.subplots(figsize=(WIDTH, 0.45 * len(shares) + 1.4))
    ax.barh([_short(agency) for agency in shares.index], shares.share, color=COLOURS["target"])
    for i, (share, total) in enumerate(zip(shares.share, shares.total)):
        ax.text(share, i, f" {fmt.percent(share, 1)} ({fmt.number(total)})", va="center",
                fontsize=TEXT)
    ax.xaxis.set_major_formatter(_vi_percent)
    ax.set_xlim(0, 100)
    ax.set_xlabel("Tỷ trọng trong tổng kinh phí (%)")
    ax.set_title(f"Kinh phí theo cơ quan chủ trì năm {plan.year}", fontsize=TEXT + 1)
    alt = "Biểu đồ thanh tỷ trọng kinh phí theo cơ quan chủ trì: " + "; ".join(
        f"{a} {fmt.percent(s, 1)}" for a, s in zip(shares.index[::-1], shares.share[::-1])) + "."
    return save(fig, "kinh-phi-co-quan",
                "Tỷ trọng kinh phí theo cơ quan chủ trì (tính từ Biểu số 02)", alt)


def unit_results(plan: Plan) -> Markup:
    """Last year's target and the result for each unit (or group), one pair of bars each (the
    gaps' distribution when there are too many units for one bar each)."""
    results = compare.unit_results(plan).matched
    prev, place = plan.previous_year, plan.place
    met = sum(r.met for r in results)
    if len(results) > MAX_BARS:
        fig, ax = plt.subplots(figsize=(WIDTH, 4))
        ax.hist([r.gap for r in results], bins=20, color=COLOURS["target"])
        ax.axvline(0, color=COLOURS["whole"], linestyle="--", linewidth=1)
        ax.set_xlabel(_wrap("Kết quả trừ chỉ tiêu (hộ nghèo; âm là đạt chỉ tiêu)", 60))
        ax.set_ylabel(f"Số {place.units}")
        ax.yaxis.set_major_formatter(_vi_number)
    else:
        fig, ax = plt.subplots(figsize=(WIDTH, 0.3 * len(results) + 1.6))
        y = range(len(results))[::-1]
        ax.barh([i + 0.2 for i in y], [r.target for r in results], height=0.4,
                color=COLOURS["prev"], label=f"Chỉ tiêu cuối năm {prev}")
        ax.barh([i - 0.2 for i in y], [r.result for r in results], height=0.4,
                color=[COLOURS["target"] if r.met else COLOURS["highlight"] for r in results],
                label=f"Kết quả cuối năm {prev} (đỏ: chưa đạt)")
        ax.set_yticks(list(y), [_short(r.label) for r in results])
        ax.set_xlabel("Số hộ nghèo")
        ax.xaxis.set_major_formatter(_vi_number)
        fig.legend(loc="outside lower center", ncol=2, fontsize=TEXT, frameon=False)
    ax.set_title(_wrap(f"Chỉ tiêu và kết quả giảm nghèo năm {prev} theo {place.units}"),
                 fontsize=TEXT + 1)
    missed = [r.label for r in results if not r.met]
    alt = (f"Biểu đồ so sánh chỉ tiêu hộ nghèo cuối năm {prev} với kết quả của "
           f"{len(results)} {place.units}: {met} đạt chỉ tiêu"
           + (f", chưa đạt: {', '.join(missed)}." if missed else "."))
    return save(fig, "ket-qua-nam-truoc", f"Chỉ tiêu năm {prev} và kết quả theo từng "
                f"{place.units} (tính từ Biểu số 01 của hai năm)", alt)
