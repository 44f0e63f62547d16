"""Charts with Vietnamese titles, labels and alt text, saved as SVG (site) and PDF (print).

Each chart function draws one figure, writes it next to the executing notebook under
``figures/`` and returns a MyST ``figure`` directive with a numbered caption and alt text.
"""
from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import io
import json
import os
import warnings
import weakref
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from markupsafe import Markup

from planbook import compare, derive, fmt, fonts
from planbook.data import Plan, part_digest
from planbook.data.files import note_again, recording, unnoted
from planbook.guard import write_atomically
from planbook.labels import LABEL, LINE, TEXT, fit, text_width
from planbook.lazy import lazy
from planbook.stamp import file_digest, package_hash, sha256


def _style(pyplot) -> None:
    """The charts' settings, set once pyplot is loaded: drawn off screen, in the body's font,
    the only font matplotlib then knows (:mod:`planbook.fonts`: Debian's older Liberation
    Serif, without Vietnamese letters, bears the same name), so that every text of a chart,
    the tick labels it adds as it draws too, is set in its files."""
    pyplot.switch_backend("agg")
    font_manager.fontManager.ttflist = []
    for path in fonts.SERIF.values():
        font_manager.fontManager.addfont(path)
    pyplot.rcParams.update({
        "font.family": "Liberation Serif",  # the name an SVG gives browsers
        "font.size": TEXT, "axes.titlesize": TEXT + 1,
        "legend.fontsize": TEXT, "svg.hashsalt": "planbook",
        "svg.fonttype": "none", "pdf.fonttype": 3, "figure.constrained_layout.use": True,
        "axes.spines.top": False, "axes.spines.right": False,
        "text.parse_math": False,  # a "$" in a name is a dollar sign, not mathematics
    })
    # A character the chart font lacks is drawn as a box; the PDF's font is checked at load.
    warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font",
                            category=UserWarning)


# Loaded when a chart is first drawn: a page whose charts stay as drawn never loads them.
plt = lazy("matplotlib.pyplot", then=_style)
font_manager = lazy("matplotlib.font_manager")
ticker = lazy("matplotlib.ticker")
transforms = lazy("matplotlib.transforms")

FIGURE_DIR = Path("figures")
WIDTH = 4.6
"""A chart's width in inches. The site shows a chart at the content's width up to 30 rem
(``_static/planbook.css``: on a 390 px phone about 350 px, so a 10 pt word is 10 px or more;
on a desktop 480 px, so a 10 pt word is no larger than the body's text) and the PDF at 90 %
(``templates/planbook.sty``: a 10 pt word prints at 9 pt)."""
COLOURS = {"prev": "#9bb7d4", "target": "#1f4e79", "whole": "#c0392b", "new": "#1f4e79",
           "carry": "#e0a84b", "highlight": "#c0392b"}

def percent_ticks() -> ticker.FuncFormatter:
    """Tick labels in percent, the Vietnamese way."""
    return ticker.FuncFormatter(lambda v, _: fmt.percent(v, 2, trim=True))


def _vi_number() -> ticker.FuncFormatter:
    """Tick labels as numbers, the Vietnamese way."""
    return ticker.FuncFormatter(lambda v, _: fmt.number(v, 2, trim=True))


def _counts(axis) -> None:
    """An axis of counts (households, units): whole numbers only."""
    axis.set_major_locator(ticker.MaxNLocator(integer=True))
    axis.set_major_formatter(_vi_number())


def _title(fig: plt.Figure, phrases: list[str], lines: int = 3) -> str:
    """``fig``'s title across the chart, its ``phrases`` each kept whole on a line where they
    fit; returned."""
    title = fit(phrases, WIDTH - 0.2, lines, TEXT + 1)
    fig.suptitle(title, fontsize=TEXT + 1)
    return title


def _after(ax: plt.Axes) -> transforms.Transform:
    """Data positions 3 pt to the right: a bar's figure just after its end (a leading space
    would be dropped by the browser in the SVG)."""
    return transforms.offset_copy(ax.transData, fig=ax.get_figure(), x=3, units="points")


def _legend(fig: plt.Figure, handles: list) -> None:
    """The key under the chart, clear of its data, in as many columns as its width holds."""
    labels = [handle.get_label() for handle in handles]
    em = TEXT / 72  # a key's mark and gap take 2.8 em; 2 em between columns
    for ncol in range(len(labels), 0, -1):
        rows = -(-len(labels) // ncol)
        columns = [labels[i:i + rows] for i in range(0, len(labels), rows)]
        if (sum(max(map(text_width, column)) + 2.8 * em for column in columns)
                + 2 * em * (len(columns) - 1) <= WIDTH - 0.2):
            break
    fig.legend(handles=handles, loc="outside lower center", ncol=ncol, frameon=False)


def _write(fig: plt.Figure, path: Path, metadata: dict) -> None:
    """Save ``fig`` at ``path`` unless the file already holds the same drawing: its time then
    stays, and Sphinx does not read again the pages that show it."""
    drawn = io.BytesIO()
    # matplotlib hands a figure laid out by hand, once saved, the layout engine the settings
    # name; a unit's chart is saved again from the same figure (:func:`unit_position`).
    with plt.rc_context({"figure.constrained_layout.use": False}):
        fig.savefig(drawn, format=path.suffix[1:], metadata=metadata)
    if not path.is_file() or path.read_bytes() != drawn.getvalue():
        path.write_bytes(drawn.getvalue())


_WRITTEN: list[Path] = []
"""The files :func:`save` wrote for the chart being drawn (:func:`drawn_once`)."""


def save(fig: plt.Figure, name: str, caption: str, alt: str, site_only: bool = False) -> Markup:
    """Write ``figures/<name>.svg`` and ``.pdf`` reproducibly; return the figure directive.
    A ``site_only`` figure is drawn for the site alone (SVG, shown only in HTML): a unit page's
    chart, which the print's compact units annex leaves out."""
    FIGURE_DIR.mkdir(exist_ok=True)
    _write(fig, FIGURE_DIR / f"{name}.svg", {"Date": None})
    _WRITTEN.append(FIGURE_DIR / f"{name}.svg")
    if not site_only:
        fig.set_layout_engine("none")  # laid out for the SVG: the PDF keeps its places
        _write(fig, FIGURE_DIR / f"{name}.pdf", {"CreationDate": None, "ModDate": None})
        _WRITTEN.append(FIGURE_DIR / f"{name}.pdf")
    plt.close(fig)
    directive = (f"```{{figure}} {FIGURE_DIR}/{name}.{'svg' if site_only else '*'}\n"
                 f":name: fig-{name}\n"
                 f":alt: {json.dumps(' '.join(alt.split()), ensure_ascii=False)}\n"
                 f":width: 100%\n:class: planbook-chart\n\n{fmt.md_escape(caption)}\n```\n")
    return Markup(f"````{{only}} html\n{directive}````\n" if site_only else directive)


@functools.cache
def _code() -> str:
    """The package and matplotlib's version: what a chart is drawn with."""
    return package_hash() + importlib.metadata.version("matplotlib")


def drawn_once(chart):
    """``chart(plan, *args)`` drawn again only when what it read of the data
    (:data:`planbook.data.READ`: a table's part or a whole file), its arguments or the code
    changed; else its files (checked) stay as drawn, and what it read is noted again, as if it
    had read it. An edit of one unit's printed figure runs again the annex of units, whose
    chart of every unit's rate it leaves as it was (most of that page's time), and that unit's
    page. The record, ``figures/.<chart>-<hash of the arguments>.json``, goes with the
    figures."""

    @functools.wraps(chart)
    def once(plan: Plan, *args) -> Markup:
        called = json.dumps([chart.__name__, *args], ensure_ascii=False)
        key = json.dumps([called, _code()])
        digest = hashlib.sha256(called.encode()).hexdigest()[:16]
        record = FIGURE_DIR / f".{chart.__name__}-{digest}.json"
        try:
            drawn = json.loads(record.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            drawn = None
        with unnoted():  # what is read to compare is not what the chart read
            same = drawn and drawn["key"] == key and _unchanged(plan, drawn)
        if same:
            note_again({(str(Path(path).resolve()), part): digest
                        for path, part, digest in drawn["reads"]})
            return Markup(drawn["directive"])
        _WRITTEN.clear()
        with recording() as reads:
            directive = chart(plan, *args)
        write_atomically(record, json.dumps({
            "key": key, "directive": str(directive),
            "reads": [[os.path.relpath(path), part, digest]  # the same in a copy elsewhere
                      for (path, part), digest in reads.items()],
            "files": {path.name: sha256(path) for path in _WRITTEN}}, ensure_ascii=False))
        return directive
    return once


def _unchanged(plan: Plan, drawn: dict) -> bool:
    """Whether the files of a chart drawn before are as it wrote them and what it read of
    the data says the same now."""
    for name, digest in drawn["files"].items():
        path = FIGURE_DIR / name
        if not path.is_file() or sha256(path) != digest:
            return False
    for path, part, digest in drawn["reads"]:
        if digest != (part_digest(plan, Path(path), part) if part else file_digest(Path(path))):
            return False
    return True


MAX_BARS = 40
"""Above this many units the locality chart shows the distribution instead of one bar per unit."""


@drawn_once
def unit_rates(plan: Plan) -> Markup:
    """Every unit's poverty rate, last year and this year's target, against the locality's rate
    (a histogram of target rates when there are too many units for one bar each)."""
    table = derive.units(plan).sort_values("rate_target_calc", kind="stable")
    totals = derive.totals(plan)
    place = plan.locality
    whole_label = fit([place.All, f"năm {plan.year}", f"({fmt.percent(totals.rate_target)})"],
                       WIDTH - 0.6)
    caption = (f"Tỷ lệ hộ nghèo của các {place.units} cuối năm {plan.previous_year} và chỉ tiêu "
               f"năm {plan.year} (tính từ Biểu số 01)")
    top = table.iloc[-1]
    if len(table) > MAX_BARS:
        fig, ax = plt.subplots(figsize=(WIDTH, 4))
        ax.hist(table.rate_target_calc, bins=20, color=COLOURS["target"])
        keys = [ax.axvline(totals.rate_target, color=COLOURS["whole"], linestyle="--",
                           label=whole_label)]
        _counts(ax.yaxis)
        ax.set_ylabel(f"Số {place.units}")
        _title(fig, ["Phân bố tỷ lệ hộ nghèo", f"chỉ tiêu năm {plan.year}",
                    f"của {fmt.number(len(table))} {place.units}"])
        alt = (f"Biểu đồ cột phân bố tỷ lệ hộ nghèo chỉ tiêu của {fmt.number(len(table))} "
               f"{place.units}; cao nhất là {top.unit} với {fmt.percent(top.rate_target_calc)}; "
               f"đường đứt nét là tỷ lệ {place.all} {fmt.percent(totals.rate_target)}.")
    else:
        fig, ax = plt.subplots(figsize=(WIDTH, 0.3 * len(table) + 1.9))
        y = range(len(table))
        keys = [ax.barh([i + 0.2 for i in y], table.rate_prev_calc, height=0.4,
                        color=COLOURS["prev"], label=f"Cuối năm {plan.previous_year}"),
                ax.barh([i - 0.2 for i in y], table.rate_target_calc, height=0.4,
                        color=COLOURS["target"], label=f"Chỉ tiêu năm {plan.year}"),
                ax.axvline(totals.rate_target, color=COLOURS["whole"], linestyle="--",
                           linewidth=1, label=whole_label)]
        ax.set_yticks(list(y), [fit(unit, LABEL) for unit in table.unit])
        _title(fig, ["Tỷ lệ hộ nghèo", f"theo {place.units}:", f"cuối năm {plan.previous_year}",
                    f"và chỉ tiêu năm {plan.year}"])
        alt = (f"Biểu đồ thanh ngang tỷ lệ hộ nghèo của {fmt.number(len(table))} {place.units}, "
               f"xếp từ thấp đến cao; cao nhất là {top.unit} với chỉ tiêu "
               f"{fmt.percent(top.rate_target_calc)}; "
               f"đường đứt nét là tỷ lệ {place.all} {fmt.percent(totals.rate_target)}.")
    ax.xaxis.set_major_formatter(percent_ticks())
    ax.set_xlabel("Tỷ lệ hộ nghèo (% số hộ dân cư)")
    _legend(fig, keys)
    return save(fig, "ty-le-ho-ngheo", caption, alt)


@dataclass
class _Position:
    """A unit's position chart as every unit of a plan shares it (its axes, its key, the strip of
    all units), and the parts each unit sets: its two bars, its figure beside the bar, its line
    (above :data:`MAX_BARS` units), its dot and its label on the strip."""
    fig: "matplotlib.figure.Figure"
    bars: "matplotlib.axes.Axes"
    strip: "matplotlib.axes.Axes"
    prev: "matplotlib.patches.Rectangle"
    target: "matplotlib.patches.Rectangle"
    figure: "matplotlib.text.Text"
    line: "matplotlib.collections.LineCollection | None"
    dot: "matplotlib.collections.PathCollection"
    label: "matplotlib.text.Annotation"


_POSITIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
"""Each plan's :class:`_Position` in this process: a kernel's pages of units set theirs in it
(drawing the figure anew, its axes and their ticks, was half of a unit chart's time)."""

POSITION_HEIGHT = 3.4
"""A unit's position chart's height in inches."""


def _position(plan: Plan, table, totals, right: float, many: bool) -> _Position:
    """The plan's :class:`_Position`, drawn on its first use (``many``: the strip counts the
    units)."""
    if plan in _POSITIONS:
        return _POSITIONS[plan]
    fig, (bars, strip) = plt.subplots(2, 1, figsize=(WIDTH, POSITION_HEIGHT),
                                      height_ratios=[2, 1], sharex=True, layout="none")
    y = [1, 0]
    prev = bars.barh([v + 0.2 for v in y], [0, totals.rate_prev], height=0.4,
                     color=COLOURS["prev"], label=f"Cuối năm {plan.previous_year}")
    target = bars.barh([v - 0.2 for v in y], [0, totals.rate_target], height=0.4,
                       color=COLOURS["target"], label=f"Chỉ tiêu năm {plan.year}")
    figure, _ = (bars.text(value, v - 0.2, fmt.percent(value), va="center", fontsize=TEXT,
                           transform=_after(bars)) for v, value in zip(y, [0, totals.rate_target]))
    fig.legend(loc="lower center", ncol=2, fontsize=TEXT, frameon=False)
    if many:  # bars of the number of units by rate, the tallest 1 high; the label above them
        counts, edges = np.histogram(table.rate_target_calc, bins=30, range=(0, right))
        strip.bar(edges[:-1], counts / counts.max(), width=np.diff(edges), align="edge",
                  color=COLOURS["prev"])
        line = strip.vlines(0, 0, 1, color=COLOURS["highlight"], linewidth=1.5)
        label_y, offset = 1, 2
    else:
        strip.scatter(table.rate_target_calc, [0] * len(table), s=18, color=COLOURS["prev"],
                      alpha=0.8)
        line, label_y, offset = None, 0, 8
    dot = strip.scatter([0], [0], s=60, color=COLOURS["highlight"], zorder=3)
    label = strip.annotate("", (0, label_y), xytext=(0, offset), textcoords="offset points",
                           fontsize=TEXT)
    strip.set_yticks([])
    strip.spines["left"].set_visible(False)
    strip.set_xlim(0, right)
    strip.xaxis.set_major_formatter(percent_ticks())
    _POSITIONS[plan] = _Position(fig, bars, strip, prev.patches[0], target.patches[0], figure,
                                 line, dot, label)
    return _POSITIONS[plan]


@drawn_once
def unit_position(plan: Plan, unit: str) -> Markup:
    """One unit against the locality (bars, last year and target) and among all units (a strip of
    every unit's target rate with this one marked; above :data:`MAX_BARS` units, the number
    of units by rate), so that its cost stays flat as the units grow. Its margins are measured
    from its labels (a layout engine would lay out every unit's figure anew: a fifth of a unit
    page's time); the figure is the plan's, each unit's page setting its own parts
    (:func:`_position`)."""
    table = derive.units(plan)
    row = table[table.unit == unit].iloc[0]
    totals = derive.totals(plan)
    place = plan.locality
    many = len(table) > MAX_BARS  # then the strip counts the units, at a cost that stays flat
    right = max(table.rate_target_calc.max(), table.rate_prev_calc.max(), 0.01) * 1.15
    chart = _position(plan, table, totals, right, many)
    labels = [fit(unit, LABEL, bold=True), fit(place.All, LABEL)]
    left = max(text_width(labels[0], bold=True), text_width(labels[1])) + 0.15
    xlabel = fit(["Tỷ lệ hộ nghèo (%);", "dải dưới:"] + (
        [f"số {place.units}", f"theo tỷ lệ chỉ tiêu năm {plan.year}"] if many else
        [f"chỉ tiêu năm {plan.year}", f"của từng {place.units}"]), WIDTH - left - 0.2, lines=3)
    title = _title(chart.fig, [f"{unit}:", "tỷ lệ hộ nghèo", f"so với {place.all}",
                               f"và các {place.units}"], lines=2)
    top = (title.count("\n") + 1) * LINE * 1.1 + 0.15
    bottom = 0.3 + (xlabel.count("\n") + 1) * LINE + 0.25  # legend, axis label, ticks
    chart.fig.subplots_adjust(left=left / WIDTH, right=1 - 0.1 / WIDTH,
                              top=1 - top / POSITION_HEIGHT, bottom=bottom / POSITION_HEIGHT,
                              hspace=0.45)
    chart.prev.set_width(row.rate_prev_calc)
    chart.target.set_width(row.rate_target_calc)
    chart.figure.set_x(row.rate_target_calc)
    chart.figure.set_text(fmt.percent(row.rate_target_calc))
    chart.bars.set_yticks([1, 0], labels)
    chart.bars.get_yticklabels()[0].set_fontweight("bold")
    if chart.line:
        chart.line.set_segments([[(row.rate_target_calc, 0), (row.rate_target_calc, 1)]])
    chart.dot.set_offsets([[row.rate_target_calc, 0]])
    at = row.rate_target_calc / right  # the label stands inside the figure wherever the dot is
    rank = f": thứ {fmt.number(row['rank'])}/{fmt.number(len(table))}"
    chart.label.set_text(fit(unit, WIDTH / 2 - text_width(rank), lines=1) + rank)
    chart.label.xy = (row.rate_target_calc, chart.label.xy[1])
    chart.label.set_horizontalalignment("left" if at < 0.3 else "right" if at > 0.7 else
                                        "center")
    chart.strip.set_xlabel(xlabel)
    alt = (f"Biểu đồ so sánh: tỷ lệ hộ nghèo của {unit} cuối năm {plan.previous_year} là "
           f"{fmt.percent(row.rate_prev_calc)}, chỉ tiêu năm {plan.year} là "
           f"{fmt.percent(row.rate_target_calc)}; {place.all} {fmt.percent(totals.rate_prev)} "
           f"và {fmt.percent(totals.rate_target)}; {unit} đứng thứ {fmt.number(row['rank'])}/"
           f"{fmt.number(len(table))} về tỷ lệ chỉ tiêu (thứ 1 là cao nhất).")
    caption = (f"Tỷ lệ hộ nghèo của {unit} so với {place.all}, và vị trí trong "
               f"{fmt.number(len(table))} {place.units} ("
               + ("cột: số đơn vị theo tỷ lệ" if many else "mỗi chấm là một đơn vị") + ")")
    return save(chart.fig, f"ty-le-{derive.unit_pages(plan)[unit]}", caption, alt,
                site_only=True)


BAR = 0.26
"""A bar's thickness in inches where each bar's name stands above it."""


def _named_bars(names: list[str], segments: list[tuple[list[float], str, str]],
                ends: list[str], title: list[str], xlabel: str, ticks: ticker.FuncFormatter,
                right: float | None = None) -> plt.Figure:
    """One bar per name, top to bottom, stacked from ``segments`` (values, colour, the key's
    label or ""), each name above its bar across the chart (a long name needs no room beside
    the bars) and ``ends`` after it; the x axis to ``right``."""
    labels = [fit(name, WIDTH - 0.35) for name in names]
    row = BAR + max(label.count("\n") + 1 for label in labels) * LINE + 0.14
    fig, ax = plt.subplots(figsize=(WIDTH, len(names) * row + 2))
    y = [len(names) - 1.5 - i + (0.07 + BAR / 2) / row for i in range(len(names))]
    totals, keys = np.zeros(len(names)), []
    for values, colour, key in segments:
        keys.append(ax.barh(y, values, left=totals, height=BAR / row, color=colour, label=key))
        totals = totals + np.asarray(values, dtype=float)
    for v, label, end, total in zip(y, labels, ends, totals):
        ax.annotate(label, (0, v + BAR / row / 2), xytext=(0, 2), textcoords="offset points",
                    va="bottom", fontsize=TEXT)
        ax.text(total, v, end, va="center", fontsize=TEXT, transform=_after(ax))
    ax.set_ylim(-0.5, len(names) - 0.5)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.set_xlim(0, right or max(totals.max(), 1) * 1.15)
    ax.xaxis.set_major_formatter(ticks)
    ax.set_xlabel(xlabel)
    _title(fig, title)
    if any(key for _, _, key in segments):
        _legend(fig, keys)
    fig.draw_without_rendering()  # then the rows' height, the margins once laid out kept
    fig.set_figheight(fig.get_figheight() + len(names) * row
                      - ax.get_position().height * fig.get_figheight())
    return fig


@drawn_once
def budget_by_project(plan: Plan) -> Markup:
    """Carry-over and this year's funds, stacked, per project."""
    table = derive.project_sums(plan)
    sources = plan.text.funding.sources
    funds = fmt.lower_first(sources[0].name) + " " if len(sources) == 1 else ""
    fig = _named_bars(
        list(table.name),
        [(table.carry_over_calc, COLOURS["carry"], f"Vốn năm {plan.previous_year} chuyển sang"),
         (table.new_funds_calc, COLOURS["new"], f"Vốn năm {plan.year}")],
        [fmt.number(total) for total in table.total_calc],
        [f"Kinh phí {funds}theo dự án", f"năm {plan.year}"], "Triệu đồng", _vi_number())
    parts = "; ".join(f"{name} ({fmt.number(c)} chuyển sang và {fmt.number(n)} năm {plan.year})"
                      for name, c, n in zip(table.name, table.carry_over_calc,
                                            table.new_funds_calc))
    alt = f"Biểu đồ thanh chồng kinh phí từng dự án, triệu đồng: {parts}."
    return save(fig, "kinh-phi-du-an",
                f"Vốn năm {plan.previous_year} chuyển sang và vốn năm {plan.year} theo dự án "
                "(triệu đồng, tính từ Biểu số 02)", alt)


@drawn_once
def lead_shares(plan: Plan) -> Markup:
    """Share of the money led by each agency."""
    shares = derive.lead_shares(plan)
    fig = _named_bars(
        list(shares.index), [(shares.share, COLOURS["target"], "")],
        [f"{fmt.percent(share, 1)} ({fmt.number(total)})"
         for share, total in zip(shares.share, shares.total)],
        ["Kinh phí", "theo cơ quan chủ trì", f"năm {plan.year}"],
        "Tỷ trọng trong tổng kinh phí (%)", percent_ticks(), right=100)
    alt = "Biểu đồ thanh tỷ trọng kinh phí theo cơ quan chủ trì: " + "; ".join(
        f"{a} {fmt.percent(s, 1)}" for a, s in zip(shares.index, shares.share)) + "."
    return save(fig, "kinh-phi-co-quan",
                "Tỷ trọng kinh phí theo cơ quan chủ trì (tính từ Biểu số 02)", alt)


@drawn_once
def unit_results(plan: Plan) -> Markup:
    """Last year's target and the result for each unit (or group), one pair of bars each (the
    gaps' distribution when there are too many units for one bar each)."""
    results = compare.unit_results(plan).matched
    prev, place = plan.previous_year, plan.locality
    met = sum(r.met for r in results)
    if len(results) > MAX_BARS:
        fig, ax = plt.subplots(figsize=(WIDTH, 4))
        ax.hist([r.gap for r in results], bins=20, color=COLOURS["target"])
        ax.axvline(0, color=COLOURS["whole"], linestyle="--", linewidth=1)
        ax.set_xlabel(fit(["Kết quả trừ chỉ tiêu", "(hộ nghèo;", "âm là đạt chỉ tiêu)"],
                           WIDTH - 1))
        ax.set_ylabel(f"Số {place.units}")
        _counts(ax.yaxis)
    else:
        fig, ax = plt.subplots(figsize=(WIDTH, 0.3 * len(results) + 1.6))
        y = range(len(results))[::-1]
        keys = [ax.barh([i + 0.2 for i in y], [r.target for r in results], height=0.4,
                        color=COLOURS["prev"], label=f"Chỉ tiêu cuối năm {prev}"),
                ax.barh([i - 0.2 for i in y], [r.result for r in results], height=0.4,
                        color=[COLOURS["target"] if r.met else COLOURS["highlight"]
                               for r in results],
                        label=f"Kết quả cuối năm {prev} (đỏ: chưa đạt)")]
        ax.set_yticks(list(y), [fit(r.label, LABEL) for r in results])
        ax.set_xlabel("Số hộ nghèo")
        _counts(ax.xaxis)
        _legend(fig, keys)
    _title(fig, ["Chỉ tiêu và kết quả giảm nghèo", f"năm {prev}", f"theo {place.units}"])
    missed = [r.label for r in results if not r.met]
    alt = (f"Biểu đồ so sánh chỉ tiêu hộ nghèo cuối năm {prev} với kết quả của "
           f"{len(results)} {place.units}: {met} đạt chỉ tiêu"
           + (f", chưa đạt: {', '.join(missed)}." if missed else "."))
    return save(fig, "ket-qua-nam-truoc", f"Chỉ tiêu năm {prev} và kết quả theo từng "
                f"{place.units} (tính từ Biểu số 01 của hai năm)", alt)
