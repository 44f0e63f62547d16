import datetime as dt
import shutil

from planbook import fmt, text
from planbook.data import load_plan

from conftest import EXAMPLES


def test_numbers_use_vietnamese_separators():
    assert fmt.number(1691) == "1.691"
    assert fmt.number(43980) == "43.980"
    assert fmt.number(5) == "5"
    assert fmt.number(1234567) == "1.234.567"
    assert fmt.number(0.5, 1) == "0,5"
    assert fmt.number(None) == ""


def test_percent_keeps_two_decimals_with_comma():
    assert fmt.percent(0.42) == "0,42%"
    assert fmt.percent(0.4206457) == "0,42%"
    assert fmt.percent(69.249, 1) == "69,2%"


def test_a_figure_as_printed_read_back():
    assert fmt.as_printed(0.0891) == fmt.as_printed(0.0937) == 0.09
    assert fmt.as_printed(1234.56, 1) == 1234.6


def test_an_axis_number_has_only_the_decimals_it_needs():
    assert [fmt.percent(v, 2, trim=True) for v in (0, 20.0, 0.5, 0.30000000000000004)] == [
        "0%", "20%", "0,5%", "0,3%"]
    assert fmt.number(-1e-17, 2, trim=True) == "0" and fmt.number(1500.0, 2, trim=True) == "1.500"


def test_dates():
    assert fmt.date(dt.date(2023, 3, 21)) == "ngày 21 tháng 3 năm 2023"
    # Decree 30/2020/NĐ-CP: a 0 before days 1–9 and before months 1 and 2
    assert fmt.date(dt.date(2024, 1, 11)) == "ngày 11 tháng 01 năm 2024"
    assert fmt.date(dt.date(2024, 2, 5)) == "ngày 05 tháng 02 năm 2024"
    assert fmt.date(dt.date(2024, 10, 9)) == "ngày 09 tháng 10 năm 2024"


def test_markdown_escape_neutralises_markup():
    escaped = fmt.md_escape("<b>Trần</b> *Phú* [x](y) {doc}`z`")
    assert "<b>" not in escaped
    assert escaped.startswith("\\<b\\>")
    assert "\\*Phú\\*" in escaped
    assert fmt.md_escape("a\n  b") == "a b"


def test_slug_strips_diacritics():
    assert fmt.slug("Dĩnh Trì") == "dinh-tri"
    assert fmt.slug("Đồng Sơn") == "dong-son"
    assert fmt.slug("Trần Nguyên Hãn") == "tran-nguyen-han"


def test_the_plans_dates_as_decree_30_writes_them(tmp_path):
    """The header's date, the forms' «(Kèm theo …)» line and the cover, for a plan of 5
    February (made-up date on the made-up commune's plan)."""
    shutil.copytree(EXAMPLES / "commune" / "2026", tmp_path / "2026")
    path = tmp_path / "2026" / "plan.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  day: null", "  day: 5", 1),
                    encoding="utf-8")
    plan = load_plan(tmp_path, 2026)
    assert plan.text.attached_line("…") == ("(Kèm theo Kế hoạch số …/KH-UBND ngày 05/02/2026 "
                                            "của UBND xã)")
    assert "ngày 05 tháng 02 năm 2026" in text.header(plan)
    text.write_cover(plan, tmp_path / "cover.inc")
    assert "ngày 05 tháng 02 năm 2026" in (tmp_path / "cover.inc").read_text(encoding="utf-8")
