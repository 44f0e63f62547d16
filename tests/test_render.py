"""Tables, charts and narrative: structure, Vietnamese numbers, text from data kept as text."""
import copy
import re

from markdown_it import MarkdownIt

from planbook import charts, derive, fmt, tables, text


def rows_of(list_table: str) -> list[list[str]]:
    rows = []
    for line in list_table.splitlines():
        if line.startswith("* - "):
            rows.append([line[4:]])
        elif line.startswith("  - "):
            rows[-1].append(line[4:])
    return rows


def test_list_table_has_header_caption_and_escaped_cells():
    table = tables.list_table(["Tên", "Số"], [["<script>x</script>", "1.691"]], "Bảng thử",
                              "thu", bold_rows=[0])
    assert "```{list-table} Bảng thử\n:header-rows: 1\n:name: thu\n" in table
    assert table.startswith("```{tabularcolumns} |")  # column widths in print
    assert ":class: planbook-table longtable" in table  # header repeats across pages
    assert rows_of(table) == [["Tên", "Số"], ["**\\<script\\>x\\</script\\>**", "**1\\.691**"]]


def test_printed_unit_table_reproduces_every_row(plan):
    rows = rows_of(tables.units_printed(plan))
    assert len(rows) == 1 + len(plan.units) + 1
    first = plan.units.iloc[0]
    assert rows[1][1] == str(fmt.md_escape(first.unit))
    assert rows[1][2] == str(fmt.md_escape(fmt.number(first.households)))
    assert rows[-1][1] == "**Tổng cộng**"


def test_budget_summary_totals_are_computed(plan):
    rows = rows_of(tables.budget_summary(plan))
    total = derive.grand_total(plan)["total"]
    assert rows[-1][2] == f"**{fmt.md_escape(fmt.number(total))}**"


def test_chart_writes_svg_and_pdf_with_alt_text(plan, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    unit = plan.units.unit.iloc[0]
    directive = charts.unit_position(plan, unit)
    name = "ty-le-" + derive.unit_pages(plan)[unit]
    assert (tmp_path / "figures" / f"{name}.svg").stat().st_size > 1000
    assert (tmp_path / "figures" / f"{name}.pdf").stat().st_size > 1000
    assert re.search(r"^:alt: \"Biểu đồ .+\"$", directive, re.M)  # quoted: a # stays text
    first = (tmp_path / "figures" / f"{name}.svg").read_bytes()
    charts.unit_position(plan, unit)
    assert (tmp_path / "figures" / f"{name}.svg").read_bytes() == first, "charts are reproducible"


def test_narrative_numbers_come_from_the_tables(plan):
    totals = derive.totals(plan)
    rendered = MarkdownIt().render(text.targets(plan))
    assert fmt.percent(totals.rate_target) in rendered
    assert fmt.number(totals.households) in rendered


def test_markup_in_data_is_rendered_as_text(plan):
    evil = plan.units.copy()
    evil.loc[0, "unit"] = "<img src=x onerror=alert(1)>"
    evil_plan = copy.copy(plan)
    evil_plan._unit_table = (evil, plan.units_total)
    rendered = MarkdownIt().render(text.unit(evil_plan, evil.unit[0]))
    assert "<img" not in rendered
    assert "&lt;img src=x onerror=alert(1)&gt;" in rendered
