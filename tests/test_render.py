"""Tables, charts and narrative: structure, Vietnamese numbers, text from data kept as text."""
import copy
import json
import re

from markdown_it import MarkdownIt
from markupsafe import escape

from planbook import charts, derive, fmt, printed, tables, text


def spec_of(table: str) -> dict:
    """What a table gives the book: its caption, header, rows and bold rows (JSON)."""
    return json.loads(re.search(r"^(\{.*\})$", table, re.M).group(1))


def rows_of(table: str) -> list[list[str]]:
    """A table's header and rows."""
    spec = spec_of(table)
    return [spec["header"], *spec["rows"]]


def test_list_table_has_header_caption_and_cells_of_text():
    table = tables.list_table(["Tên", "Số"], [["<script>x</script>", "1.691"]], "Bảng *thử*",
                              "thu", bold_rows=[0])
    assert "```{book-table}\n:name: thu\n" in table
    assert table.startswith("```{tabularcolumns} |")  # column widths in print
    assert ":class: planbook-table\n" in table  # a short table is printed whole
    assert spec_of(table) == {"caption": "Bảng *thử*", "header": ["Tên", "Số"],
                              "rows": [["<script>x</script>", "1.691"]], "bold": [0]}
    fenced = tables.list_table(["A", "B", "C"], [["x ``` y", "", "z"]], "Ống", "ong")
    assert "\n````{book-table}\n" in fenced, "a fence in a name is text"
    assert rows_of(fenced)[1] == ["x ``` y", "", "z"]
    linked = tables.list_table(["A"], [[tables.Link("Đa Mai", "units/10-da-mai")]], "Nối", "noi")
    assert rows_of(linked)[1] == [{"text": "Đa Mai", "page": "units/10-da-mai"}]


def test_a_long_table_breaks_between_rows_in_print_its_header_repeated():
    rows = [[str(i)] for i in range(tables.KEPT_WHOLE + 1)]
    assert ":class: planbook-table longtable\n" in tables.list_table(["Số"], rows, "Dài", "dai")
    assert "longtable" not in tables.list_table(["Số"], rows[1:], "Ngắn", "ngan")


def test_printed_unit_table_reproduces_every_row(plan):
    form = printed.units(plan)
    html = re.search(r"```\{raw\} html\n(.*?)\n```", form, re.S).group(1)
    rows = [re.findall(r"<td>(.*?)</td>", row)
            for row in re.findall(r"<tr>(.*?)</tr>", html, re.S) if "<td>" in row]
    assert len(rows) == len(plan.units) + 1
    first = plan.units.iloc[0]
    assert rows[0][1] == str(escape(first.unit))
    assert rows[0][2] == fmt.number(first.households)
    assert rows[-1][1] == "<strong>Tổng cộng</strong>"
    assert 'colspan="2"' in html and 'id="bieu-01"' in html  # two-level header; link target
    latex = re.search(r"```\{raw\} latex\n(.*?)\n```", form, re.S).group(1)
    assert r"\begin{longtable}" in latex and "(Kèm theo " in latex
    assert form.startswith("(bieu-01)=")


def test_budget_summary_totals_are_computed(plan):
    rows = rows_of(tables.budget_summary(plan))
    total = derive.grand_total(plan)["total"]
    assert rows[-1][2] == fmt.number(total)
    assert spec_of(tables.budget_summary(plan))["bold"][-1] == len(rows) - 2


def test_chart_writes_svg_and_pdf_with_alt_text(plan, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    directive = charts.unit_rates(plan)
    assert (tmp_path / "figures" / "ty-le-ho-ngheo.svg").stat().st_size > 1000
    assert (tmp_path / "figures" / "ty-le-ho-ngheo.pdf").stat().st_size > 1000
    assert directive.startswith("```{figure} figures/ty-le-ho-ngheo.*")  # SVG site, PDF print
    assert re.search(r"^:alt: \"Biểu đồ .+\"$", directive, re.M)  # quoted: a # stays text


def test_unit_chart_is_for_the_site_only_and_reproducible(plan, tmp_path, monkeypatch):
    """A unit page's chart is drawn once, as SVG, and shown in HTML only (the print's units
    annex is compact)."""
    monkeypatch.chdir(tmp_path)
    unit = plan.units.unit.iloc[0]
    directive = charts.unit_position(plan, unit)
    name = "ty-le-" + derive.unit_pages(plan)[unit]
    assert (tmp_path / "figures" / f"{name}.svg").stat().st_size > 1000
    assert not (tmp_path / "figures" / f"{name}.pdf").exists()
    assert directive.startswith(f"````{{only}} html\n```{{figure}} figures/{name}.svg\n")
    assert re.search(r"^:alt: \"Biểu đồ .+\"$", directive, re.M)
    first = (tmp_path / "figures" / f"{name}.svg").read_bytes()
    charts.unit_position.__wrapped__(plan, unit)  # drawn again, not taken as drawn
    assert (tmp_path / "figures" / f"{name}.svg").read_bytes() == first, "charts are reproducible"


def test_narrative_numbers_come_from_the_tables(plan):
    totals = derive.totals(plan)
    rendered = MarkdownIt().render(text.units_overview(plan))
    assert fmt.percent(totals.rate_target) in rendered
    assert fmt.number(totals.households) in rendered


def test_markup_in_data_is_rendered_as_text(plan):
    evil = plan.units.copy()
    evil.loc[0, "unit"] = "<img src=x onerror=alert(1)>"
    evil_plan = copy.copy(plan)
    evil_plan._unit_table = (evil, plan.units_total, *plan._unit_table[2:])
    rendered = MarkdownIt().render(text.unit(evil_plan, evil.unit[0]))
    assert "<img" not in rendered
    assert "&lt;img src=x onerror=alert(1)&gt;" in rendered
