"""Every chart the books draw (the 2023 plan, the made-up commune, last year's results of the
made-up 2024, a plan of more units than bars) as a reader sees it: its text in the body's font
whatever other font bears that name, the key clear of the data, no two texts over each other,
lines broken between words, no needless decimals on the axes, bars named as the plan names
them."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from fontTools import subset
from fontTools.ttLib import TTFont
from matplotlib import font_manager
from matplotlib import pyplot as plt
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.lines import Line2D
from matplotlib.text import Annotation, Text

from planbook import bench, charts, data, fonts
from planbook.bench.edits import edit_units
from planbook.data import load_plan
from planbook.sphinx import latex

from conftest import DATA, EXAMPLES, MADE_UP, ROOT

CHARTS = ["unit_rates", "budget_by_project", "lead_shares", "unit_position"]
CASES = ([("2023", chart) for chart in CHARTS] + [("commune", chart) for chart in CHARTS]
         + [("2024", "unit_results"), ("many", "unit_rates"), ("many", "unit_position")])


@pytest.fixture(scope="module")
def plans(plan, tmp_path_factory):
    """The plans the charts are drawn for, by name."""
    folder = tmp_path_factory.mktemp("plans")
    shutil.copytree(DATA / "2023", folder / "years" / "2023")
    shutil.copytree(MADE_UP / "2024", folder / "years" / "2024")
    bench.synthetic_data(DATA / "2023", folder / "many" / "2023", charts.MAX_BARS + 10)
    return {"2023": plan, "commune": load_plan(EXAMPLES / "commune", 2026),
            "2024": load_plan(folder / "years", 2024), "many": load_plan(folder / "many", 2023)}


def draw(plan, chart, folder, monkeypatch):
    """The figures ``chart`` draws for ``plan`` (a unit page's: its first and its last unit),
    written under ``folder``."""
    monkeypatch.chdir(folder)
    figures = []
    save = charts.save
    monkeypatch.setattr(charts, "save", lambda fig, *args, **kw: (figures.append(fig),
                                                                   save(fig, *args, **kw))[1])
    if chart == "unit_position":  # each unit's figure of its own, to look at after
        for unit in plan.units.unit.iloc[[0, -1]]:
            charts._POSITIONS.clear()
            charts.unit_position(plan, unit)
    else:
        getattr(charts, chart)(plan)
    return figures


def texts(fig):
    """The texts a reader sees in a drawn figure (not the labels of ticks off the axis)."""
    off = {tick.label1 for ax in fig.axes for axis in (ax.xaxis, ax.yaxis)
           for tick in axis.get_major_ticks()
           if not min(axis.get_view_interval()) <= tick.get_loc() <= max(axis.get_view_interval())}
    return [t for t in fig.findobj(Text)
            if t.get_visible() and t.get_text().strip() and t not in off]


@pytest.fixture(scope="module")
def liberation_1(tmp_path_factory):
    """Debian's fonts-liberation (version 1), which comes with Chromium: a "Liberation Serif"
    without Vietnamese letters. Made here from liberation2's files cut to ASCII, so that the
    test is the same on any machine."""
    folder = tmp_path_factory.mktemp("liberation1")
    entries = []
    for style in ("Regular", "Bold"):
        font = TTFont(fonts.SERIF[style])
        cut = subset.Subsetter(subset.Options(name_IDs=["*"], notdef_outline=True))
        cut.populate(unicodes=range(0x20, 0x7F))
        cut.subset(font)
        font.save(folder / f"LiberationSerif-{style}.ttf")
        entries.append(font_manager.ttfFontProperty(
            font_manager.get_font(str(folder / f"LiberationSerif-{style}.ttf"))))
    return entries


@pytest.mark.parametrize("name, chart", CASES)
def test_every_character_is_in_the_body_font_whatever_else_is_installed(
        plans, name, chart, tmp_path, monkeypatch, liberation_1):
    """The older "Liberation Serif" is listed first by matplotlib as a kernel loads it (it
    comes with Chromium): a chart still draws every letter from liberation2, so no box and no
    fallback font."""
    manager = font_manager.fontManager
    monkeypatch.setattr(manager, "ttflist", liberation_1 + manager.ttflist)
    manager._findfont_cached.cache_clear()
    charts._style(plt)  # as when pyplot is first loaded (charts.plt)
    cmaps = {str(path): TTFont(path).getBestCmap() for path in fonts.SERIF.values()}
    try:
        for fig in draw(plans[name], chart, tmp_path, monkeypatch):
            for text in texts(fig):  # the font each text was drawn in
                path = str(font_manager.findfont(text.get_fontproperties()))
                assert path in cmaps, (text.get_text(), path)
                lacking = {ch for ch in text.get_text() if ch.isprintable()
                           and ord(ch) not in cmaps[path]}
                assert not lacking, (text.get_text(), path)
    finally:
        monkeypatch.undo()
        manager._findfont_cached.cache_clear()


def test_the_pdf_and_the_charts_have_the_same_font_files():
    """The font's folder is written in :mod:`planbook.fonts` alone: the print's style gets it
    from :mod:`planbook.sphinx.latex`, the Makefile reads it from there."""
    files = [ROOT / "_config.yml", ROOT / "Makefile", *sorted((ROOT / "planbook").rglob("*"))]
    written = [path.relative_to(ROOT).as_posix() for path in files
               if path.is_file() and path.suffix != ".pyc"
               and str(fonts.FONT_DIR) in path.read_text(encoding="utf-8", errors="replace")]
    assert written == ["planbook/fonts.py"]
    config = SimpleNamespace(latex_additional_files=["book/cover.inc"], latex_elements={})
    latex.configure(None, config)
    assert config.latex_additional_files == ["book/cover.inc", str(latex.STYLE)]
    assert config.latex_elements["passoptionstopackages"] == (
        rf"\PassOptionsToPackage{{fonts={fonts.FONT_DIR}/}}{{planbook}}")
    style = latex.STYLE.read_text(encoding="utf-8")
    assert style.count(r"Path=\planbook@fonts,") == 3
    makefile = subprocess.run(["make", "-s", "-p", "-n", "-f", "Makefile", "clean"], cwd=ROOT,
                              capture_output=True, text=True).stdout
    assert f"LIBERATION := {fonts.SERIF['Regular']}" in makefile.splitlines()


@pytest.fixture(scope="module")
def drawn(plans, tmp_path_factory):
    """Every case's figures, drawn once."""
    figures = {}
    for name, chart in CASES:
        with pytest.MonkeyPatch.context() as monkeypatch:
            folder = tmp_path_factory.mktemp(f"{name}-{chart}")
            figures[name, chart] = draw(plans[name], chart, folder, monkeypatch)
    return figures


def renderer(fig):
    """A renderer of ``fig`` as last saved, in SVG or PDF at 72 dpi (not drawn again: once
    saved, a figure laid out by hand would be laid out by matplotlib's engine)."""
    fig.set_dpi(72)
    return FigureCanvasAgg(fig).get_renderer()


def overlap(a, b) -> bool:
    """Whether two boxes share more than a pixel's edge."""
    return (min(a.x1, b.x1) - max(a.x0, b.x0) > 1) and (min(a.y1, b.y1) - max(a.y0, b.y0) > 1)


def marks(fig, render):
    """The boxes of the data a chart draws: bars, lines (as wide as drawn, and a pixel more on
    either side), dots."""
    return [mark.get_window_extent(render).padded(mark.get_linewidth() / 2 + 1)
            if isinstance(mark, Line2D) else mark.get_window_extent(render)
            for ax in fig.axes for mark in (*ax.patches, *ax.lines, *ax.collections)]


@pytest.mark.parametrize("name, chart", CASES)
def test_the_key_stands_clear_of_the_data(drawn, name, chart):
    """The dashed line of the locality's rate once ran through the key of Hình 1."""
    for fig in drawn[name, chart]:
        render = renderer(fig)
        keys = fig.legends + [ax.get_legend() for ax in fig.axes if ax.get_legend()]
        assert keys or chart == "lead_shares", "a chart of several series has a key"
        for key in keys:
            box = key.get_window_extent(render)
            assert not [m for m in marks(fig, render) if overlap(box, m)]


@pytest.mark.parametrize("name, chart", CASES)
def test_texts_stand_clear_of_each_other_and_of_the_data(drawn, name, chart):
    for fig in drawn[name, chart]:
        render = renderer(fig)
        boxes = [(t.get_text(), t.get_window_extent(render)) for t in texts(fig)]
        for i, (text, box) in enumerate(boxes):
            assert not [other for other, b in boxes[i + 1:] if overlap(box, b)], text
            assert not [m for m in marks(fig, render) if overlap(box, m)], text


WORDS = {"bền vững", "cải thiện", "chỉ tiêu", "chủ trì", "chương trình", "cơ quan", "công chức",
         "dải dưới", "dân cư", "dân phố", "dịch vụ", "dinh dưỡng", "dự án", "đa dạng",
         "đánh giá", "địa phương", "đơn vị", "giám sát", "giảm nghèo", "giáo dục", "hỗ trợ",
         "hộ nghèo", "kết quả", "kinh phí", "kỹ thuật", "lao động", "mô hình", "mô phỏng",
         "năng lực", "nâng cao", "ngân sách", "nghề nghiệp", "nông nghiệp", "phân bố",
         "phát triển", "sản xuất", "sinh kế", "so với", "thành phố", "thông tin", "tổ dân",
         "triệu đồng", "trung tâm", "trung ương", "truyền thanh", "truyền thông", "tỷ lệ",
         "tỷ trọng", "văn hoá", "văn hóa", "việc làm", "xã hội", "y tế"}
"""The words of two syllables in these charts (a Vietnamese word may have several syllables,
each written apart: a line that ends after "Thông" of "Thông tin" cuts a word)."""


@pytest.mark.parametrize("name, chart", CASES)
def test_lines_break_between_words(drawn, name, chart):
    for fig in drawn[name, chart]:
        for text in texts(fig):
            lines = text.get_text().lower().split("\n")
            cut = [f"{a.split()[-1]} {b.split()[0]}" for a, b in zip(lines, lines[1:])
                   if a.split() and b.split()]
            assert not WORDS.intersection(cut), text.get_text()


@pytest.mark.parametrize("name, chart", CASES)
def test_axis_numbers_have_no_needless_decimals(drawn, name, chart):
    """"0%", "20%", "0,5%", never "0,0%" or "20,0%"."""
    for fig in drawn[name, chart]:
        ticks = [label.get_text() for ax in fig.axes for label in
                 (*ax.get_xticklabels(), *ax.get_yticklabels()) if label.get_text()]
        assert ticks
        assert not [tick for tick in ticks if re.search(r",\d*0%?$|^-0%?$", tick)], ticks


@pytest.mark.parametrize("name", ["2023", "commune"])
@pytest.mark.parametrize("chart, names", [("budget_by_project", lambda p: list(p.name)),
                                           ("lead_shares", lambda p: list(p.index))])
def test_bars_are_named_as_the_plan_names_them(drawn, plans, name, chart, names):
    """Each bar of the projects' and the agencies' charts has its whole name above it."""
    from planbook import derive
    table = (derive.project_sums if chart == "budget_by_project" else derive.lead_shares)
    (fig,) = drawn[name, chart]
    shown = [t.get_text().replace("\n", " ") for t in fig.axes[0].texts
             if isinstance(t, Annotation)]
    assert shown == names(table(plans[name]))


def test_a_chart_is_drawn_again_only_when_what_it_read_changed(tmp_path, monkeypatch):
    """An edit of a unit's printed figure leaves the chart of every unit's rate as drawn (it
    reads the counts only), and the page that shows it still records what the chart read; an
    edited count, or a figure file changed on disk, draws it again."""
    shutil.copytree(DATA / "2023", tmp_path / "data" / "2023")
    (tmp_path / "page").mkdir()
    monkeypatch.chdir(tmp_path / "page")
    drawn = []
    real = charts.plt.subplots
    monkeypatch.setattr(charts.plt, "subplots", lambda *a, **k: drawn.append(1) or real(*a, **k))

    def rates():
        data.READ.clear()
        return charts.unit_rates(load_plan(tmp_path / "data", 2023)), dict(data.READ)

    first, read = rates()
    assert rates() == (first, read) and len(drawn) == 1
    edit_units(tmp_path, "reduction")  # a printed figure: not what the chart shows
    assert rates() == (first, read) and len(drawn) == 1
    edit_units(tmp_path, "poor_target")
    again, read_again = rates()
    assert len(drawn) == 2 and again.startswith("```{figure}") and read_again != read
    svg = tmp_path / "page" / "figures" / "ty-le-ho-ngheo.svg"
    svg.write_text("<svg/>", encoding="utf-8")
    assert rates()[0] == first and len(drawn) == 3 and len(svg.read_bytes()) > 1000


@pytest.mark.parametrize("name", ["2023", "many"])
def test_a_units_chart_drawn_in_the_plans_figure_is_the_one_drawn_alone(plans, name, tmp_path,
                                                                      monkeypatch):
    """A kernel's pages of units draw their charts in one figure per plan, each setting its
    own parts: every unit's SVG is byte for byte the one drawn in a figure of its own, whatever
    unit came before (the first, a unit with a long name, the last, the first again)."""
    plan = plans[name]
    units = list(plan.units.unit)
    longest = max(units, key=len)
    order = [*dict.fromkeys([units[0], longest, units[-1], units[len(units) // 2]]), units[0]]
    files = {}
    for folder, alone in (("alone", True), ("kept", False)):
        monkeypatch.chdir((tmp_path / folder).mkdir() or tmp_path / folder)
        charts._POSITIONS.clear()
        for i, unit in enumerate(order):
            if alone:
                charts._POSITIONS.clear()
            shutil.rmtree("figures", ignore_errors=True)  # drawn again, not taken as drawn
            charts.unit_position(plan, unit)
            charts.plt.close("all")  # as a kernel does between pages
            (svg,) = Path("figures").glob("*.svg")
            files[folder, i] = svg.read_bytes()
    assert all(files["kept", i] == files["alone", i] for i in range(len(order)))
    assert len({files["alone", i] for i in range(len(order))}) == len(order) - 1


def test_a_chart_is_laid_out_once_for_its_svg_and_its_pdf(plan, tmp_path, monkeypatch):
    """matplotlib's layout engine (a third of a chart's time) lays a chart out for its SVG;
    its PDF keeps the places."""
    from matplotlib import layout_engine
    monkeypatch.chdir(tmp_path)
    laid_out = []
    execute = layout_engine.ConstrainedLayoutEngine.execute
    monkeypatch.setattr(layout_engine.ConstrainedLayoutEngine, "execute",
                        lambda engine, fig: laid_out.append(fig) or execute(engine, fig))
    charts.unit_rates(plan)
    assert len(laid_out) == 1
    assert {p.suffix for p in Path("figures").glob("ty-le-ho-ngheo.*")} == {".svg", ".pdf"}


def test_a_page_whose_charts_stay_as_drawn_never_loads_matplotlib(tmp_path):
    """A kernel's pages import the charts without matplotlib, which loads (a second of an
    edit's build) only when a chart is drawn: not for a chart that stays as drawn."""
    shutil.copytree(DATA / "2023", tmp_path / "data" / "2023")
    (tmp_path / "page").mkdir()
    page = ("import sys\nfrom planbook import chapter\n"
            "assert 'matplotlib' not in sys.modules, 'imported with the pages'\n"
            "chapter.charts.unit_rates(chapter.load_plan('../data', 2023))\n"
            "print('matplotlib' in sys.modules)")

    def loaded() -> bool:
        run = subprocess.run([sys.executable, "-c", page], cwd=tmp_path / "page", text=True,
                             capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert run.returncode == 0, run.stderr
        return run.stdout.strip() == "True"

    assert loaded()  # drawn the first time
    assert not loaded()  # as drawn
    edit_units(tmp_path, "poor_target")
    assert loaded()
