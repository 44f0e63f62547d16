"""Vietnamese number and date formatting (Babel's ``vi`` locale) and Markdown escaping."""
from __future__ import annotations

import datetime as dt
import re
import string
import unicodedata

from babel.numbers import format_decimal
from markupsafe import Markup

LOCALE = "vi"
_MD_SPECIAL = set(string.punctuation) - set(",;?/'\"")


def number(value: float | int | None, digits: int = 0, trim: bool = False) -> str:
    """``1691`` → ``1.691``; ``0.5`` with ``digits=1`` → ``0,5``; ``None`` → ``""``. With
    ``trim``, only the decimals needed (as on a chart's axis): ``20.0`` → ``20``."""
    if value is None:
        return ""
    pattern = "#,##0" + ("." + ("#" if trim else "0") * digits if digits else "")
    if trim:  # an axis's 0 may come as -0.0 or -1e-17: never "-0"
        value = round(value, digits) + 0
    return format_decimal(value, format=pattern, locale=LOCALE)


def as_printed(value: float, digits: int = 2) -> float:
    """A figure as :func:`number` prints it, read back: ``0.0891`` → ``0.09``."""
    return float(number(value, digits).replace(".", "").replace(",", "."))


def percent(value: float | None, digits: int = 2, trim: bool = False) -> str:
    """A rate already in percent: ``0.42`` → ``0,42%``; ``20.0`` with ``trim`` → ``20%``."""
    return "" if value is None else number(value, digits, trim) + "%"


def day(value: int) -> str:
    """A day of the month as Decree 30/2020/NĐ-CP writes it: a 0 before 1–9 (``05``)."""
    return f"{value:02d}"


def month(value: int) -> str:
    """A month as Decree 30/2020/NĐ-CP writes it: a 0 before January and February only
    (``01``, ``02``, ``3``)."""
    return f"{value:02d}" if value < 3 else str(value)


def date(value: dt.date) -> str:
    """``2023-03-21`` → ``ngày 21 tháng 3 năm 2023``; ``2024-01-05`` → ``ngày 05 tháng 01 năm
    2024`` (Decree 30/2020/NĐ-CP)."""
    return f"ngày {day(value.day)} tháng {month(value.month)} năm {value.year}"


def capitalise(text: str) -> str:
    """First letter upper case, the rest as written: ``các dự án`` → ``Các dự án``."""
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """First letter lower case, for a name inside a sentence: ``Ngân sách Trung ương`` →
    ``ngân sách Trung ương``."""
    return text[:1].lower() + text[1:]


def fence(text: str) -> str:
    """A run of backticks longer than any in ``text``, at least three: a fence around it that
    nothing inside closes."""
    return "`" * max([3] + [len(run) + 1 for run in re.findall("`+", text)])


def md_escape(text: object) -> Markup:
    """Text from data as literal Markdown: every ASCII punctuation mark is backslash-escaped,
    so markup in a name (``<b>``, ``*``, ``{role}``) is shown, never interpreted."""
    if isinstance(text, Markup):
        return text
    flat = " ".join(str(text).split())
    return Markup("".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in flat))


def slug(text: str) -> str:
    """ASCII file-name form of a Vietnamese name: ``Dĩnh Trì`` → ``dinh-tri``."""
    ascii_text = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = ascii_text.encode("ascii", "ignore").decode().lower()
    return "-".join("".join(ch if ch.isalnum() else " " for ch in ascii_text).split())


_TEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                "^": r"\textasciicircum{}", "<": r"\textless{}", ">": r"\textgreater{}"}


def tex_escape(text: object) -> Markup:
    """Text from data as literal LaTeX (for the PDF's cover and signature block)."""
    if isinstance(text, Markup):
        return text
    return Markup("".join(_TEX_SPECIAL.get(ch, ch) for ch in " ".join(str(text).split())))
