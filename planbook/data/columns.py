"""The tables' columns and how a figure in them is read, as the clerk writes it."""
from __future__ import annotations

import re

# ---------------------------------------------------------------------------- tables

# Column → (Vietnamese label as the printed table says it, kind).
UNIT_COLUMNS = {
    "tt": ("TT", "code"),
    "unit": ("Đơn vị", "text"),
    "households": ("Tổng số hộ dân cư", "int"),
    "poor_prev": ("Số hộ nghèo năm trước", "int"),
    "rate_prev": ("Tỷ lệ hộ nghèo năm trước (%)", "rate"),
    "poor_target": ("Chỉ tiêu số hộ nghèo", "int"),
    "rate_target": ("Chỉ tiêu tỷ lệ hộ nghèo (%)", "rate"),
    "reduction": ("Số hộ giảm", "int"),
}
BUDGET_COLUMNS = {
    "tt": ("TT", "code"),
    "name": ("Tên dự án, tiểu dự án", "text"),
    "total": ("Kinh phí thực hiện (triệu đồng)", "amount"),
    "carry_over": ("Vốn năm trước chuyển sang", "money"),
    "new_funds": ("Vốn năm kế hoạch", "money"),
    "lead": ("Cơ quan chủ trì", "text"),
    "content": ("Nội dung thực hiện", "text"),
    "partners": ("Cơ quan phối hợp", "text"),
}


UNIT_COUNTS = ["tt", "unit", "households", "poor_prev", "poor_target"]
"""The columns of Biểu số 01 the book derives its own figures from."""
UNIT_PRINTED = ["row", "rate_prev", "rate_target", "reduction"]
"""The figures Biểu số 01 prints that the book only compares with its own, and their row."""


CROSSWALK_COLUMNS = {
    "old": ("Tên năm trước", "text"),
    "new": ("Tên năm nay", "text"),
}
AGENCY_COLUMNS = {
    "name": ("Tên cơ quan", "text"),
    "aliases": ("Tên gọi khác (cách nhau bởi |)", "text"),
}

_SPACES = " \u00a0\u202f"
"""What may stand between groups of thousands besides a dot: a space or a no-break space
(U+00A0, U+202F)."""
_INT = re.compile(rf"^-?[0-9]{{1,3}}([.{_SPACES}])[0-9]{{3}}(\1[0-9]{{3}})*$|^-?[0-9]+$")
_PERCENT = re.compile(r"^-?[0-9]+([.,][0-9]+)?$")
_CODE = re.compile(r"^\d+(\.\d+)?\.?$")


def _parse_int(text: str) -> int:
    """A whole number as the clerk sees it: ``2244``, ``2.244``, ``2 244`` (one separator
    throughout, ASCII digits only)."""
    if not _INT.match(text):
        raise ValueError
    return int(re.sub(f"[.{_SPACES}]", "", text))


def _parse_rate(text: str) -> float:
    """A percentage: ``0,42``, ``0.42``, with or without a ``%`` sign."""
    text = text.removesuffix("%").strip(_SPACES)
    if not _PERCENT.match(text):
        raise ValueError
    return float(text.replace(",", "."))


_PARSERS = {
    "int": (_parse_int, "một số nguyên, ví dụ 2.244"),
    "money": (_parse_int, "một số tiền nguyên (triệu đồng), ví dụ 1.691, hoặc để trống"),
    "amount": (_parse_int, "một số tiền nguyên (triệu đồng), ví dụ 1.691"),
    "rate": (_parse_rate, "một tỷ lệ phần trăm, ví dụ 0,42"),
}


def parse_figure(text: str, kind: str) -> int | float:
    """A figure of a column of ``kind`` (a key of ``_PARSERS``) read as the clerk sees it — the
    one reading of the CSV files, the workbook's cells and the figures its formulas use;
    ValueError when it is not one."""
    return _PARSERS[kind][0](text.strip())


def normalise_name(name: str) -> str:
    """Fold case, spacing and the spacing around dashes and ampersands."""
    name = re.sub(r"\s*([-&])\s*", r" \1 ", name.casefold())
    return " ".join(name.replace("hóa", "hoá").split()).strip(" .")
