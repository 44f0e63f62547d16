"""The book's Sphinx extension (planbook/sphinx/ext.py, rows.py) in a small Sphinx project of
its own: a book table's rows and a list of links, kept as data, are written as the same HTML
docutils writes for them as nodes, and printed as nodes; figures and tables are numbered from
the pages' outlines as from the pages; the print's tables share one template renderer; the
site's templates are compiled once for all the books."""
from __future__ import annotations

import io
import json
import re
import subprocess

import pytest
import sphinx.locale
import sphinx.writers.latex
from sphinx.application import Sphinx
from sphinx.environment.collectors.toctree import TocTreeCollector
from sphinx.util.docutils import docutils_namespace
from sphinx.util.template import LaTeXRenderer

from planbook import tables
from planbook.sphinx import ahead, latex, rows

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ROWS = [[tables.Link("Trần Phú", "units/tran-phu"), "1.234", ""],
        ["<b>Lê & Lợi</b> @x", "", "5"],
        [tables.Link("Cộng", "units/tran-phu"), "1.239", "5"]]


def _project(tmp_path, body: str):
    """A Sphinx project: a page with ``body``, a unit page to link to. (The table's downloads
    are not in it: their links' warnings are left out.)"""
    source = tmp_path / "src"
    (source / "units").mkdir(parents=True)
    (source / "conf.py").write_text(
        "extensions = ['myst_parser', 'planbook.sphinx.ext']\nnumfig = True\n",
        encoding="utf-8")
    (source / "index.md").write_text(
        "# Sổ\n\n```{toctree}\nunits/tran-phu\n```\n\n" + body, encoding="utf-8")
    (source / "units" / "tran-phu.md").write_text("# Trần Phú\n", encoding="utf-8")
    return source


def _build(source, out, builder="html") -> list[str]:
    """Build the project; return its warnings."""
    warnings = io.StringIO()
    with docutils_namespace():  # each project registers its nodes anew
        Sphinx(str(source), str(source), str(out), str(out / ".doctrees"), builder,
               status=None, warning=warnings, freshenv=True).build()
    return [line for line in warnings.getvalue().splitlines() if "tai-ve" not in line]


def _table(html: str) -> str:
    return re.search(r"<table.*?</table>", html, re.S).group(0)


def _list(html: str) -> str:
    return re.search(r'<ul class="simple">.*?</ul>', html, re.S).group(0)


def test_a_book_tables_rows_are_written_as_docutils_writes_them_as_nodes(tmp_path, monkeypatch):
    markdown = str(tables.list_table(["Đơn vị", "Hộ", "Giảm"], ROWS, "Các đơn vị", "don-vi",
                                     bold_rows=[2], widths=[2, 1, 1], align_right=[1, 2]))
    links = str(tables.link_list([tables.Link("Trần <Phú>", "units/tran-phu"),
                                  tables.Link("Trần Phú", "units/tran-phu")]))
    source = _project(tmp_path, markdown + "\n" + links)
    assert _build(source, tmp_path / "rows") == []
    page = (tmp_path / "rows" / "index.html").read_text(encoding="utf-8")
    written, listed = _table(page), _list(page)
    monkeypatch.setattr(rows.ExpandRows, "run", lambda self, **kwargs: rows.expand(self.document))
    _build(source, tmp_path / "nodes")
    page = (tmp_path / "nodes" / "index.html").read_text(encoding="utf-8")
    assert written == _table(page) and listed == _list(page)
    assert listed.count('<li><p><a class="reference internal" href="units/tran-phu.html">') == 2
    assert "Trần &lt;Phú&gt;" in listed
    assert '<a class="reference internal" href="units/tran-phu.html"><span class="doc">Cộng' \
        in written, "a link in a bold row, as the doc role writes it"
    assert "&lt;b&gt;Lê &amp; Lợi&lt;/b&gt; &#64;x" in written, "text stays text"
    assert "<td></td>" in written and '<col style="width: 50.0%" />' in written


def test_a_book_tables_words_are_searched_and_its_rows_printed(tmp_path):
    markdown = str(tables.list_table(["Đơn vị", "Hộ"], [[tables.Link("Trần Phú",
                                                                     "units/tran-phu"), "7"]],
                                     "Các đơn vị", "don-vi"))
    source = _project(tmp_path, markdown)
    _build(source, tmp_path / "html")
    index = (tmp_path / "html" / "searchindex.js").read_text(encoding="utf-8")
    terms = json.loads(re.search(r"Search.setIndex\((.*)\)", index, re.S).group(1))["terms"]
    assert "phú" in terms or "phu" in terms, "the cells' words are in the search index"
    _build(source, tmp_path / "latex", "latex")
    tex = next((tmp_path / "latex").glob("*.tex")).read_text(encoding="utf-8")
    assert r"\hyperref[\detokenize{units/tran-phu::doc}]" in tex
    assert r"\sphinxcaption{Các đơn vị}" in tex and r"\sphinxstyletheadfamily" in tex


def test_a_link_to_a_missing_page_warns_as_the_doc_role_does(tmp_path):
    markdown = str(tables.list_table(["Đơn vị"], [[tables.Link("Không có", "units/khong")]],
                                     "Các đơn vị", "don-vi"))
    source = _project(tmp_path, markdown)
    warnings = _build(source, tmp_path / "html")
    assert len(warnings) == 1 and "index.md:10: WARNING: unknown document: 'units/khong'" \
        in warnings[0]
    written = _table((tmp_path / "html" / "index.html").read_text(encoding="utf-8"))
    assert "<td><p>Không có</p></td>" in written


def test_figures_and_tables_are_numbered_from_the_pages_outlines_as_from_the_pages(tmp_path):
    """Sphinx numbers figures and tables by walking every page; the extension gives it each
    page's outline instead (sections, tables of contents, numbered elements): the same
    numbers, sections and pages in any order and depth."""
    source = tmp_path / "src"
    (source / "parts").mkdir(parents=True)
    (source / "conf.py").write_text(
        "extensions = ['myst_parser', 'planbook.sphinx.ext']\nnumfig = True\n"
        "numfig_secnum_depth = 2\n", encoding="utf-8")
    figure = "```{{figure}} {0}.png\n:name: {0}\n\nHình {0}\n```\n\n"
    table = "```{{table}} Bảng {0}\n:name: {0}\n\n| a |\n|---|\n| 1 |\n```\n\n"
    (source / "index.md").write_text(
        "# Sổ\n\n" + table.format("t0") + "```{toctree}\n:numbered:\nparts/a\nparts/b\n```\n\n"
        + figure.format("f0"), encoding="utf-8")
    (source / "parts" / "a.md").write_text(
        "# A\n\n" + figure.format("fa1") + "## A.1\n\n:::{note}\n" + table.format("ta1")
        + ":::\n\n" + figure.format("fa2") + "```{toctree}\nc\n```\n\n## A.2\n\n"
        + table.format("ta2") + "```{code-block} python\n:caption: mã\n:name: ma\n\n1\n```\n",
        encoding="utf-8")
    (source / "parts" / "b.md").write_text("# B\n\n" + figure.format("fb1"), encoding="utf-8")
    (source / "parts" / "c.md").write_text("# C\n\n" + table.format("tc1"), encoding="utf-8")
    for name in ("f0", "fa1", "fa2", "fb1"):
        (source / f"{name}.png").write_bytes(b"")
    with docutils_namespace():
        app = Sphinx(str(source), str(source), str(tmp_path / "out"),
                     str(tmp_path / "out" / ".doctrees"), "html", status=None,
                     warning=io.StringIO(), freshenv=True)
        app.build()
        from_outlines = app.env.planbook_sphinx  # Sphinx's numbers, before the print's
        assert set(app.env.planbook_outlines) == {"index", "parts/a", "parts/b", "parts/c"}
        app.env.planbook_outlines = {}
        TocTreeCollector().assign_figure_numbers(app.env)  # from the pages read from disk
    assert from_outlines == app.env.toc_fignumbers
    assert from_outlines["parts/a"]["table"] == {"ta1": (1, 1, 1), "ta2": (1, 2, 1)}
    assert from_outlines["parts/a"]["code-block"] == {"ma": (1, 2, 1)}
    assert from_outlines["parts/c"]["table"] == {"tc1": (1, 1, 2)}


def test_the_prints_tables_are_rendered_by_one_renderer_per_language(tmp_path, monkeypatch):
    """Sphinx's LaTeX writer renders each table's template; the print's extension gives it one
    renderer per process and language, so a template is compiled once, in the book's words."""
    made = []

    def counted(*args, **kwargs):
        made.append(kwargs.get("latex_engine"))
        return LaTeXRenderer(*args, **kwargs)
    monkeypatch.setattr(sphinx.writers.latex, "LaTeXRenderer", latex.one_renderer(counted))
    long = [[str(i)] for i in range(tables.KEPT_WHOLE + 2)]
    markdown = "\n".join(str(tables.list_table(["Số"], long, f"Bảng {n}", f"b{n}"))
                         for n in range(3))
    source = _project(tmp_path, markdown)
    for language, continued in (("de", "Fortsetzung auf der nächsten Seite"),
                                ("en", "continues on next page")):
        conf = source / "conf.py"
        conf.write_text(conf.read_text(encoding="utf-8").replace(
            "'planbook.sphinx.ext'", "'planbook.sphinx.ext', 'planbook.sphinx.latex'")
            + f"language = '{language}'\n", encoding="utf-8")
        monkeypatch.setattr(sphinx.locale, "translators", {})  # a new process's
        _build(source, tmp_path / language, "latex")
        tex = next((tmp_path / language).glob("*.tex")).read_text(encoding="utf-8")
        assert tex.count(continued) == 3
    assert len(made) == 2, "one renderer per language"


def _typeset(source, out) -> tuple[str, set[str]]:
    """Write the print and typeset it as Jupyter Book does (``make all-pdf``); its text, and
    what was left beside it."""
    assert _build(source, out, "latex") == []
    left = {path.name for path in out.iterdir()}
    subprocess.run([latex.MAKE_PDF, "all-pdf"], cwd=out, check=True, capture_output=True)
    text = subprocess.run(["pdftotext", out / "so.pdf", "-"], capture_output=True, text=True,
                          check=True).stdout
    return " ".join(text.split()), left


def test_the_print_is_typeset_ahead_on_the_last_preamble_only_when_it_is_the_same(tmp_path):
    """XeLaTeX reads the last build's preamble while Sphinx writes the book: with the same
    preamble the book is typeset by then (make-pdf finds it settled), as it was written; with
    another preamble it is typeset afresh. Nothing is left running or behind."""
    source = _project(tmp_path, "First words.\n")
    conf = source / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8").replace(
        "'planbook.sphinx.ext'", "'planbook.sphinx.ext', 'planbook.sphinx.latex'")
        + "project = 'so'\nlatex_engine = 'xelatex'\nlatex_elements = {'fontpkg': ''}\n",
        encoding="utf-8")
    out = tmp_path / "latex"
    assert "First words." in _typeset(source, out)[0]
    index = source / "index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("First", "Second"),
                     encoding="utf-8")
    text, left = _typeset(source, out)
    assert "Second words." in text and "so.settled" in left, "typeset ahead"
    assert ahead.FOLDER not in left
    conf.write_text(conf.read_text(encoding="utf-8") + "latex_elements['preamble'] = "
                    "r'\\newcommand{\\another}{}'\n", encoding="utf-8")
    index.write_text(index.read_text(encoding="utf-8").replace("Second", "Third"),
                     encoding="utf-8")
    text, left = _typeset(source, out)
    assert "Third words." in text and "so.settled" not in left, "typeset afresh"
    running = subprocess.run(["pgrep", "-f", "so.ahead.tex"], capture_output=True)
    assert running.returncode == 1, "no XeLaTeX left waiting"


def test_the_sites_templates_are_compiled_once_for_every_book(tmp_path, monkeypatch):
    """The books of a site (each built in a folder of its own) share the compiled templates
    (Jinja's bytecode cache): the second book's build compiles none of the theme's pages'
    templates (only the few static files Sphinx renders from a string)."""
    import jinja2

    compiled = []
    compile_ = jinja2.Environment.compile
    monkeypatch.setattr(jinja2.Environment, "compile",
                        lambda self, source, name=None, *args, **kwargs:
                        compiled.append(name) or compile_(self, source, name, *args, **kwargs))
    source = _project(tmp_path, "Một trang.\n")
    assert _build(source, tmp_path / "first") == []
    compiled.clear()
    assert _build(source, tmp_path / "second") == []
    assert (tmp_path / "second" / "index.html").is_file()
    assert compiled and all(name is None for name in compiled), compiled
