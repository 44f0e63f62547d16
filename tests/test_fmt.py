import datetime as dt

from planbook import fmt


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


def test_dates():
    assert fmt.date(dt.date(2023, 3, 21)) == "ngày 21 tháng 3 năm 2023"


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
