"""Load one year's plan data with types, and stop with a clerk-readable message when it is wrong.

A year's folder (``data/<year>/``) holds:

- ``plan.yaml``   — the plan's text and metadata (:class:`PlanText`);
- ``wards.csv``   — Biểu số 01, poor households per unit of the locality (named as
  ``locality.units`` in ``plan.yaml`` says), last row the printed total;
- ``budget.csv``  — Biểu số 02, projects and sub-projects, last row the printed grand total;
- ``agencies.csv``— the agencies that may lead or partner, with other spellings of their names;
- ``crosswalk.csv`` (optional) — units renamed, merged or split since last year;
- or, in place of the CSV files, ``ke-hoach.xlsx``: the clerk's workbook, one sheet per table
  (read by :mod:`planbook.workbook`, with the same checks and messages).

Tables are read as text and parsed here, so the forms spreadsheets really write are accepted:
a UTF-8 byte-order mark, CRLF line ends, thousands written ``2.244`` and decimals ``0,42``.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from io import StringIO
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from planbook import fmt, forms
from planbook.fmt import capitalise

READ: dict[tuple[str, str], str | None] = {}
"""What this process read of the data, so that the build can record what each notebook used:
(path, part) → a hash of what was read. Part ``""`` is the whole file (hash ``None``: looked
for and not there); the parts of Biểu số 01 are :attr:`Plan.unit_counts` and
:meth:`Plan.printed`: a unit's page reads every unit's counts but the printed figures of its
own row only, so it runs again when those change, not when another row's printed rate does."""
_UNNOTED = 0
_PARSED: dict[tuple, object] = {}
"""Tables already parsed by this process, by file content (:meth:`Plan._parsed_once`)."""
TOTAL_LABEL = "Tổng cộng"
WORKBOOK = "ke-hoach.xlsx"
"""The clerk's workbook: when a year's folder has it, its sheets replace the CSV files."""
SHEETS = {"wards.csv": "Biểu 01", "budget.csv": "Biểu 02", "agencies.csv": "Cơ quan",
          "crosswalk.csv": "Đối chiếu"}
"""The workbook's sheet for each CSV file."""


class DataError(Exception):
    """Wrong, missing or malformed data; ``str()`` is the message a clerk sees (Vietnamese,
    then English)."""

    def __init__(self, problems: list[str], english: str):
        self.problems = problems
        self.english = english
        super().__init__("\n".join(problems + [english]))


# ---------------------------------------------------------------------------- plan.yaml


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TextFigures(_Model):
    """Budget figures as the plan's prose states them (million VND)."""
    total: int
    carry_over: int | None = None
    new_funds: int | None = None


class PlanDate(_Model):
    day: int | None = Field(None, ge=1, le=31)
    month: int | None = Field(None, ge=1, le=12)
    year: int


class LegalBasis(_Model):
    document: str
    date: dt.date
    issuer: str
    subject: str


class Targets(_Model):
    text_figures: dict[str, float] = {}
    meritorious_families: str = ""
    implementation: str = ""


class ProjectText(_Model):
    tt: str
    title: str
    content_label: str = "Nội dung"
    content: str = ""
    source: str = ""
    text_figures: TextFigures | None = None
    lead: str = ""
    partners: str = ""


class Source(_Model):
    """A source of the funds of Biểu số 02 (Ngân sách Trung ương, ngân sách địa phương…).

    With several sources each has a money column of its own in ``budget.csv`` (``column``);
    a single source needs none: it funds the whole of each row."""
    name: str
    column: str = ""
    text_figures: TextFigures | None = None


class Funding(_Model):
    sources: list[Source] = Field(min_length=1)
    other_sources: list[str] = []

    @model_validator(mode="after")
    def _columns(self) -> "Funding":
        columns = [s.column for s in self.sources]
        if len(self.sources) > 1 and (not all(columns) or len(set(columns)) < len(columns)):
            raise ValueError("mỗi nguồn vốn cần một tên cột riêng (column) trong budget.csv "
                             "khi kế hoạch có nhiều nguồn vốn")
        if set(columns) & set(BUDGET_COLUMNS):
            raise ValueError("tên cột của nguồn vốn trùng một cột sẵn có của budget.csv")
        return self

    @property
    def columns(self) -> list[str]:
        """The money columns of the sources in ``budget.csv`` (none for a single source)."""
        return [s.column for s in self.sources if s.column]


class Locality(_Model):
    """The issuing locality and what its units are called, in the forms sentences need.

    ``level`` and ``name`` give the locality's full name (level, then name); ``units`` is
    the name of its units as it follows a number or "các"; ``units_agency`` is how
    ``agencies.csv`` names the units' own bodies, when they take part. ``whole`` and
    ``units_header`` override the forms derived from them (the README shows the fields).
    """
    level: str = Field(min_length=1)
    name: str = Field(min_length=1)
    units: str = Field(min_length=1)
    units_agency: str = ""
    whole: str = ""
    units_header: str = ""

    @property
    def full_name(self) -> str:
        """Level and name, as the plan writes them in a sentence."""
        return f"{self.level} {self.name}"

    @property
    def all(self) -> str:
        """The whole locality: "toàn" and the level (unless ``whole`` says otherwise)."""
        return self.whole or f"toàn {self.level}"

    @property
    def All(self) -> str:
        return capitalise(self.all)

    @property
    def Units(self) -> str:
        """The units as a column header: capitalised (unless ``units_header`` says otherwise)."""
        return self.units_header or capitalise(self.units)

    @property
    def units_heading(self) -> str:
        """The units as a chapter heading: "Các" and the units."""
        return f"Các {self.units}"


class AgencyDuties(_Model):
    agency: str
    intro: str = ""
    duties: list[str] = []


class Signature(_Model):
    authority: str
    title: str
    name: str


PAGE = r"^[a-z0-9][a-z0-9-]{0,39}$"
"""A page's name in the book's address: lower-case ASCII letters, digits and hyphens."""


class Section(_Model):
    """One of the plan's own sections: its heading and its text as printed (see
    :mod:`planbook.plantext`), and the name of its page (from the heading when not given)."""
    heading: str = Field(min_length=1)
    text: str = ""
    page: str = Field("", pattern=PAGE)

    @property
    def page_name(self) -> str:
        return self.page or fmt.slug(self.heading)[:40].strip("-") or "muc"


COUNTS = {"projects": "số dự án thành phần", "subprojects": "số tiểu dự án"}
"""Counts of Biểu số 02 that a text of ``plan.yaml`` may name: "Triển khai thực hiện
{projects} dự án thành phần…" is printed with the count as the plan prints it ("05")."""


class PlanText(_Model):
    """Everything in ``plan.yaml``."""
    year: int
    locality: Locality
    national_motto: str
    national_slogan: str
    issuer: str
    issuer_header: list[str] = []
    issuer_short: str
    place: str
    document_type: str
    number: str = ""
    symbol: str
    date: PlanDate
    title: str
    legal_basis: LegalBasis | None = None
    preamble: str = ""
    sections: list[Section] = []
    purpose: str = ""
    requirements: list[str] = []
    targets: Targets = Targets()
    content_intro: str = ""
    content_outro: str = ""
    projects: list[ProjectText] = []
    funding: Funding
    tasks: list[str] = []
    organisation: list[AgencyDuties] = []
    closing: str = ""
    recipients: list[str] = []
    signature: Signature

    def attached_line(self, blank: str) -> str:
        """The line under a form's title: "(Kèm theo Kế hoạch số …/KH-UBND ngày …/4/2023 của
        UBND …)"; a number or day left blank in the signed plan is ``blank``."""
        d = self.date
        day = fmt.day(d.day) if d.day else blank
        month = fmt.month(d.month) if d.month else blank
        return (f"(Kèm theo {self.document_type} số {self.number or blank}/{self.symbol} ngày "
                f"{day}/{month}/{d.year} của {self.issuer_short})")

    @field_validator("content_intro")
    @classmethod
    def _known_counts(cls, value: str) -> str:
        """The intro to section III may name a count of Biểu số 02 (``{projects}``)."""
        unknown = set(re.findall(r"\{([^{}]*)\}", value)) - set(COUNTS)
        if unknown:
            raise ValueError(f"không có số liệu tên {{{', '.join(sorted(unknown))}}}; dùng được: "
                             + ", ".join(f"{{{name}}} ({what})" for name, what in COUNTS.items()))
        return value


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


def unit_columns(locality: Locality) -> dict[str, tuple[str, str]]:
    """The columns of Biểu số 01, the unit column labelled with the locality's own word."""
    return {**UNIT_COLUMNS, "unit": (locality.Units, "text")}


def budget_columns(funding: Funding) -> dict[str, tuple[str, str]]:
    """The columns of Biểu số 02: one more money column per source when there are several."""
    columns = list(BUDGET_COLUMNS.items())
    sources = [(s.column, (s.name, "money")) for s in funding.sources if s.column]
    return dict(columns[:5] + sources + columns[5:])


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


def _where(source: Path | str, row: int | None, label: str | None = None) -> str:
    """Where a value is, as the clerk sees it: ``source`` is a file's path, or the words for
    a sheet of a workbook; ``row`` is the row as the spreadsheet numbers it."""
    where = f"Tệp {source}" if isinstance(source, Path) else source
    if row is not None:
        where += f", dòng {row}" + (f" ({label})" if label else "")
    return where


MAX_BYTES = 64 * 2**20
"""The largest data file read (64 MiB): a plan listing every locality of the country is far smaller."""


def note(path: Path, digest: str | None = None, part: str = "") -> None:
    """Note in :data:`READ` that ``path`` (or its ``part``) was read, with the hash of what was
    read; without one, of the file as it is now."""
    if _UNNOTED:
        return
    if digest is None and not part and path.is_file():
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    READ[str(path.resolve()), part] = digest


@contextmanager
def unnoted() -> Iterator[None]:
    """Reads that :data:`READ` does not note (a table parsed whole for the parts a page
    reads, which note themselves)."""
    global _UNNOTED
    _UNNOTED += 1
    try:
        yield
    finally:
        _UNNOTED -= 1


def read_bytes(path: Path) -> bytes:
    """A data file's bytes, noted in :data:`READ`. A file that is a link to somewhere
    outside the data folder and its year's folder (``data/<year>/file`` → elsewhere) is refused
    unread, so that no message ever shows another file's content; so is a file larger than
    :data:`MAX_BYTES`."""
    if not path.is_file():
        note(path)
        raise DataError([f"Thiếu tệp {path}."], f"Missing file {path}.")
    data = path.parent.parent.resolve()
    if not any(path.resolve().is_relative_to(folder) for folder in (data, path.parent.resolve())):
        raise DataError([f"Tệp {path} là liên kết tới một tệp ngoài thư mục dữ liệu {data}: "
                         "hãy chép tệp thật vào thư mục năm thay cho liên kết."],
                        f"{path} links outside the data folder.")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise DataError([f"Tệp {path} quá lớn ({size // 2**20} MiB, tối đa "
                         f"{MAX_BYTES // 2**20} MiB): không phải tệp số liệu của kế hoạch?"],
                        f"{path} is too large.")
    try:
        content = path.read_bytes()
    except OSError as err:
        raise DataError([f"Không đọc được tệp {path}: {err.strerror or err}."],
                        f"{path} cannot be read.") from None
    note(path, hashlib.sha256(content).hexdigest())
    return content


def read_text(path: Path) -> str:
    raw = read_bytes(path)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise DataError(
            [f"Tệp {path} không phải mã UTF-8 (byte lỗi ở vị trí {err.start}). "
             "Hãy lưu lại tệp với mã hóa «CSV UTF-8»."],
            f"{path} is not UTF-8 encoded: save it as 'CSV UTF-8'.") from None


def read_csv(path: Path, columns: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """A CSV file as text, every column kept, blank lines too (so that rows keep their
    spreadsheet numbers), once its header has every column of the form."""
    text = read_text(path)
    if not text.strip():
        raise DataError([f"Tệp {path} trống: cần dòng tiêu đề {', '.join(columns)}."],
                        f"{path} is empty.")
    try:
        frame = pd.read_csv(StringIO(text), dtype=str, keep_default_na=False,
                            skipinitialspace=True, skip_blank_lines=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise DataError([f"Tệp {path} không đọc được dạng CSV: {err}"],
                        f"{path} is not valid CSV.") from None
    frame.columns = [c.strip() for c in frame.columns]
    check_header(list(frame.columns), columns, path)
    return frame


def read_table(path: Path, columns: dict[str, tuple[str, str]], key: str) -> pd.DataFrame:
    """Read a CSV as text, check its header, parse each typed column (:func:`parse_table`).

    ``key`` names the column used to label a row in messages. The returned frame keeps the
    spreadsheet row number (header = row 1) in the column ``row``.
    """
    frame = read_csv(path, columns)
    notes = unknown_columns(list(frame.columns), columns, path)
    frame = frame[list(columns)]
    frame.insert(0, "row", range(2, len(frame) + 2))  # blank lines count, as in a spreadsheet
    frame = frame[(frame[list(columns)].apply(lambda col: col.str.strip()) != "").any(axis=1)]
    table = parse_table(frame.reset_index(drop=True), columns, key, path)
    table.attrs["notes"] = notes
    return table


def unknown_columns(found: list[str], columns: dict[str, tuple[str, str]],
                    source: Path | str, row: int = 1) -> list[str]:
    """A note for each column the form does not have, which the book leaves out: the clerk's
    own notes, or a column whose name is mistyped (``row``: the header's row). Reference
    columns (``ref_…``, written by ``make new-year``) are expected."""
    extra = [c for c in found if c and c not in columns and not c.startswith("ref_")]
    return [f"{_where(source, row)}: cột {c!r} không có trong mẫu biểu nên sách không in "
            f"(các cột của mẫu: {', '.join(columns)})." for c in extra]


def check_header(found: list[str], columns: dict[str, tuple[str, str]],
                 source: Path | str, row: int = 1) -> None:
    """Every column the table needs is there, in its header row ``row`` (others are left
    out: see :func:`unknown_columns`)."""
    missing = [c for c in columns if c not in found]
    extra = [c for c in found if c not in columns]
    if missing:
        raise DataError(
            [f"{_where(source, row)}: thiếu cột {', '.join(repr(c) for c in missing)}"
             + (f" (có cột lạ {', '.join(repr(c) for c in extra)} — sai tên cột?)" if extra else "")
             + f". Các cột cần có: {', '.join(columns)}."],
            f"{source}: missing column(s) {', '.join(missing)}.")


LIMITS = {"int": 99_999_999, "money": 999_999_999, "amount": 999_999_999}
"""The largest count and amount (million VND) a plan can hold, far above any locality's;
rates are checked against 0–100 by the schema."""


def parse_table(frame: pd.DataFrame, columns: dict[str, tuple[str, str]], key: str,
                source: Path | str) -> pd.DataFrame:
    """Parse a table read as text (with its spreadsheet row numbers in ``row``): text in NFC,
    each typed column made numbers; blank figures are listed as left to fill, malformed or
    implausible ones refused."""
    frame = frame.copy()
    for name in columns:
        frame[name] = frame[name].astype(str).map(
            lambda v: unicodedata.normalize("NFC", v.strip()))
    problems, blanks = [], {}
    for name, (label, kind) in columns.items():
        for row, cell, who in zip(frame["row"], frame[name], frame[key]):
            bad = control_characters(cell)
            if bad:
                problems.append(f"{_where(source, row, who)}, cột {name!r} ({label}): có ký tự "
                                f"điều khiển {bad} không in được — hãy xóa ký tự đó.")
        if kind not in _PARSERS:
            continue
        expected = _PARSERS[kind][1]
        values = []
        for row, cell, who in zip(frame["row"], frame[name], frame[key]):
            if cell == "":
                values.append(None)
                if kind != "money":  # a blank money cell stays blank, as printed
                    blanks.setdefault((row, who), []).append(f"{name} ({label})")
                continue
            try:
                value = parse_figure(cell, kind)
            except ValueError:
                value = None
                problems.append(f"{_where(source, row, who)}, cột {name!r} ({label}): "
                                f"giá trị {cell!r} — cần {expected}.")
            if value is not None and abs(value) > LIMITS.get(kind, float("inf")):
                limit = f"{LIMITS[kind]:,}".replace(",", ".")
                problems.append(f"{_where(source, row, who)}, cột {name!r} ({label}): giá trị "
                                f"{cell!r} — quá lớn, cần không quá {limit}.")
                value = None
            values.append(value)
        frame[name] = pd.array(values, dtype="Float64" if kind == "rate" else "Int64")
    if blanks:
        problems = [f"{_where(source, row, who)}: chưa điền {', '.join(names)}."
                    for (row, who), names in sorted(blanks.items())] + problems
        problems.insert(0, f"Còn {sum(map(len, blanks.values()))} ô số liệu chưa điền "
                        f"(các dòng dưới đây):")
    if problems:
        raise DataError(problems, f"{source}: {len(problems)} blank or malformed value(s).")
    return frame


def _validate(frame: pd.DataFrame, schema: pa.DataFrameSchema, path: Path, key: str,
              columns: dict[str, tuple[str, str]]) -> None:
    """Run a pandera schema and turn its failure cases into clerk messages."""
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases.dropna(subset=["index"])
        problems = []
        for (index, check), group in cases.groupby(["index", "check"], sort=True):
            column = group["column"].iloc[0]
            column = check.split(":")[0] if column not in columns else column
            message = _BUILTIN_CHECKS.get(check, check.split(":", 1)[-1])
            row = frame.loc[index]
            label = columns.get(column, (column, ""))[0]
            problems.append(f"{_where(path, row['row'], row[key])}, cột {column!r} ({label}): "
                            f"giá trị {_show(row[column])} — {message}.")
        raise DataError(problems, f"{path}: {len(problems)} invalid value(s).") from None


_BUILTIN_CHECKS = {
    "field_uniqueness": "bị trùng với một dòng phía trên, mỗi tên chỉ được có một dòng",
    "not_nullable": "không được để trống",
}


def _show(value: object) -> str:
    return "trống" if pd.isna(value) or value == "" else repr(str(value))


def _check(column: str, test, expected: str) -> pa.Check:
    """A row-wise check reported against ``column``; ``expected`` says what is wanted."""
    return pa.Check(test, element_wise=False, error=f"{column}:{expected}")


_COUNT = dict(nullable=False, checks=pa.Check.ge(0, error="cần là số không âm"))
_RATE = dict(nullable=False, checks=pa.Check.in_range(0, 100, error="cần nằm trong khoảng 0–100"))
def _unit_schema(locality: Locality) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "unit": pa.Column(str, [pa.Check.str_length(min_value=1,
                                                        error=f"cần có tên {locality.units}")],
                              unique=True, report_duplicates="exclude_first"),
            "households": pa.Column("Int64", **_COUNT),
            "poor_prev": pa.Column("Int64", **_COUNT),
            "rate_prev": pa.Column("Float64", **_RATE),
            "poor_target": pa.Column("Int64", **_COUNT),
            "rate_target": pa.Column("Float64", **_RATE),
            "reduction": pa.Column("Int64", nullable=False),  # negative: the target is higher
        },
        checks=[
            _check("poor_prev", lambda d: d["poor_prev"] <= d["households"],
                   "số hộ nghèo không được lớn hơn tổng số hộ dân cư"),
            _check("poor_target", lambda d: d["poor_target"] <= d["households"],
                   "số hộ nghèo không được lớn hơn tổng số hộ dân cư"),
        ],
    )


def _form_schema(form: forms.Form, keys: list[str]) -> pa.DataFrameSchema:
    """What a described form's columns ``keys`` must hold: counts and money not negative,
    rates within 0–100, a name on each row and no name twice."""
    columns = {}
    for key in keys:
        kind = form.column(key).kind
        if kind == "name":
            columns[key] = pa.Column(str, pa.Check.str_length(min_value=1, error="cần có tên"),
                                     unique=True, report_duplicates="exclude_first")
        elif kind == "rate":
            columns[key] = pa.Column("Float64", **_RATE)
        elif kind in ("count", "money"):
            columns[key] = pa.Column("Int64", nullable=kind == "money", checks=pa.Check.ge(
                0, error="cần là số không âm"))
    return pa.DataFrameSchema(columns)


AGENCY_SCHEMA = pa.DataFrameSchema({"name": pa.Column(
    str, pa.Check.str_length(min_value=1, error="cần có tên cơ quan"),
    unique=True, report_duplicates="exclude_first")})


def _budget_schema(spellings: set[str], sources: list[str]) -> pa.DataFrameSchema:
    money = dict(nullable=True, checks=pa.Check.ge(0, error="cần là số tiền không âm"))
    return pa.DataFrameSchema(
        {
            **{column: pa.Column("Int64", **money) for column in sources},
            "tt": pa.Column(str, pa.Check.str_matches(_CODE, error="cần là số thứ tự như 2 hoặc 2.1"),
                            unique=True, report_duplicates="exclude_first"),
            "name": pa.Column(str, pa.Check.str_length(min_value=1, error="cần có tên dự án")),
            "total": pa.Column("Int64", **money),
            "carry_over": pa.Column("Int64", **money),
            "new_funds": pa.Column("Int64", **money),
            "lead": pa.Column(str, pa.Check(
                lambda s: s.map(lambda v: v == "" or normalise_name(v) in spellings),
                error="cần là một cơ quan có trong agencies.csv (cột name hoặc aliases)")),
        },
    )


# ---------------------------------------------------------------------------- the plan


class Plan:
    """One year's plan. Each data file is read, parsed and validated the first time it is
    needed, so a page reads only the files it uses (see :data:`READ`)."""

    def __init__(self, folder: Path, year: int):
        self.folder = folder
        self.year = year
        self.notes: list[str] = []
        """What the clerk should know about the tables read, short of an error (a column
        the book leaves out); the build prints them."""
        self._parts: dict[str, tuple] = {}  # Biểu số 01's parts, with the table taken from
        self._digests: tuple = (None, {})  # their hashes, with the table hashed

    @property
    def previous_year(self) -> int:
        return self.year - 1

    @cached_property
    def previous(self) -> "Plan | None":
        """Last year's plan, when the data folder has it (the folder beside this one)."""
        folder = self.folder.parent / str(self.previous_year)
        note(folder / "plan.yaml")
        return Plan(folder, self.previous_year) if (folder / "plan.yaml").is_file() else None

    @cached_property
    def text(self) -> PlanText:
        """``plan.yaml``, whose year must be the year asked for."""
        path = self.folder / "plan.yaml"
        text = load_text(path)
        if text.year != self.year:
            raise DataError([f"Tệp {path}, mục year: ghi năm {text.year} "
                             f"nhưng đang dựng sách cho năm {self.year}."],
                            f"{path} says year {text.year}, the build asked for {self.year}.")
        return text

    def texts(self):
        """Every text of the year, with where it is: (where, text)."""
        def walk(node, where):
            if isinstance(node, dict):
                for key, value in node.items():
                    yield from walk(value, f"{where}.{key}" if where else key)
            elif isinstance(node, list):
                for i, value in enumerate(node, start=1):
                    yield from walk(value, f"{where}.{i}")
            elif isinstance(node, str):
                yield f"plan.yaml, mục {where}", node
        yield from walk(self.text.model_dump(), "")
        for csv_name, table in (("wards.csv", self.unit_rows), ("budget.csv", self.budget),
                                ("agencies.csv", self.agencies),
                                *((f.file, self.form_table(f.name)[0]) for f in self.forms.extra)):
            for column in table.columns:
                for row, value in zip(table.row, table[column]):
                    if isinstance(value, str):
                        yield f"{self.location(csv_name, row)}, cột {column!r}", value

    def location(self, csv_name: str, row: int) -> str:
        """Where a row of a table is, as the clerk finds it: ``wards.csv dòng 13``, or the
        sheet's row when the year has a workbook."""
        if self.workbook.is_file() and csv_name in SHEETS:
            return f"{self.workbook.name}, trang «{SHEETS[csv_name]}», dòng {row}"
        return f"{csv_name} dòng {row}"

    @property
    def files(self) -> list[Path]:
        """The year's data files: ``plan.yaml``, then the workbook or the CSV files."""
        tables = [self.workbook] if self.workbook.is_file() else [
            self.folder / name for name in SHEETS if (self.folder / name).is_file()]
        described = [self.folder / forms.FILE] if (self.folder / forms.FILE).is_file() else []
        return [self.folder / "plan.yaml", *described, *tables,
                *(self.folder / form.file for form in self.forms.extra)]

    @property
    def workbook(self) -> Path:
        """The clerk's workbook, which replaces the CSV files when it is there."""
        return self.folder / WORKBOOK

    def _read(self, path: Path, columns: dict[str, tuple[str, str]], key: str,
              form: forms.Form | None = None) -> tuple[pd.DataFrame, Path | str]:
        """A table from its CSV file or, when the year has a workbook, from its sheet; with
        the words that say where it came from, for messages."""
        note(self.workbook)
        if not self.workbook.is_file():
            table = read_table(path, columns, key)
            self.notes += table.attrs.get("notes", [])
            return table, path
        if path.is_file():
            raise DataError([f"Thư mục {self.folder} có cả sổ {self.workbook.name} và tệp "
                             f"{path.name}: sổ Excel là nguồn số liệu duy nhất của năm, hãy xóa "
                             f"{path.name} (hoặc xóa sổ để dùng các tệp CSV)."],
                            f"{self.folder}: both a workbook and {path.name}.")
        from planbook import workbook  # openpyxl only for years that have a workbook
        table, where = workbook.read_sheet(self.workbook, path.name, columns, key, form)
        self.notes += table.attrs.get("notes", [])
        return table, where

    @property
    def place(self) -> Locality:
        """The issuing locality and the words for it and its units."""
        return self.text.locality

    @property
    def money_columns(self) -> list[str]:
        """The money columns of Biểu số 02: total, carry-over, new funds, then the sources'."""
        return ["total", "carry_over", "new_funds", *self.text.funding.columns]

    @cached_property
    def agencies(self) -> pd.DataFrame:
        path = self.folder / "agencies.csv"
        agencies, path = self._read(path, AGENCY_COLUMNS, "name")
        _validate(agencies, AGENCY_SCHEMA, path, "name", AGENCY_COLUMNS)
        return agencies

    @cached_property
    def _unit_table(self) -> tuple[pd.DataFrame, pd.Series, Path, str, pd.DataFrame]:
        """Biểu số 01 parsed, its total row, the file it came from and the hash of its bytes,
        and its rows as printed (group rows among the units); the accessors below note what a
        page reads of it."""
        path = self.folder / "wards.csv"
        form = self.forms[forms.UNITS]
        columns = unit_columns(self.place)
        columns |= {k: v for k, v in form.parse_columns().items() if k not in columns}

        def parse():
            table, where = self._read(path, columns, "unit", form)
            rows, total = _split_total(table, where, "tt")
            rows = forms.mark_groups(rows, form)
            units = rows[~rows.is_group].drop(columns=["is_group", "group"])
            units = units.reset_index(drop=True)
            _validate(units, _unit_schema(self.place), where, "unit", columns)
            described = [k for k in columns if k not in UNIT_COLUMNS]
            if described:  # the columns a description adds
                _validate(units, _form_schema(form, described), where, "unit", columns)
            return units, total, rows, table.attrs.get("notes", [])

        with unnoted():
            (units, total, rows, notes), source, digest = self._parsed_once(
                path, repr((columns, form.subtotals)), parse)
        self.notes += [note for note in notes if note not in self.notes]  # parsed earlier
        return units.copy(), total.copy(), source, digest, rows.copy()

    def _parsed_once(self, path: Path, words: str, parse,
                     workbook: bool = True) -> tuple[object, Path, str]:
        """``parse()`` of the table at ``path`` (or of its sheet, unless ``workbook`` is false),
        done once per process for the file's content and the ``words`` its parsing uses: a warm
        kernel runs every unit's page, and each would parse and validate the whole table again
        (the build would grow with the square of the units). Also the file read and the hash
        of its bytes."""
        note(self.workbook)
        source = self.workbook if workbook and self.workbook.is_file() else path
        if not source.is_file():
            return parse(), source, ""  # which says what is missing
        digest = hashlib.sha256(read_bytes(source)).hexdigest()
        key = (source.resolve(), path.name, digest, words)
        if key not in _PARSED:
            _PARSED[key] = parse()
        return _PARSED[key], source, digest

    def _note_units(self) -> tuple[pd.DataFrame, pd.Series]:
        """Biểu số 01 whole, noted as read whole: its file, and whether the workbook is there."""
        units, total, source, digest, _ = self._unit_table
        note(self.workbook)
        note(source, digest)
        return units, total

    @property
    def units(self) -> pd.DataFrame:
        """Biểu số 01 without its printed total row."""
        return self._note_units()[0]

    @property
    def units_total(self) -> pd.Series:
        """The printed ``Tổng cộng`` row of Biểu số 01."""
        return self._note_units()[1]

    def unit_part(self, part: str) -> pd.DataFrame | None:
        """A part of Biểu số 01: ``counts`` (:attr:`unit_counts`) or ``unit:<name>``
        (:meth:`printed`), taken once per plan (not to be changed in place); None for a unit
        that is not there."""
        units = self._unit_table[0]
        taken = self._parts.get(part)
        if taken is None or taken[0] is not units:  # not yet, or from another table
            rows = units[UNIT_COUNTS] if part == "counts" else \
                units.loc[units.unit == part.removeprefix("unit:"), UNIT_PRINTED]
            taken = self._parts[part] = (units, rows if len(rows) else None)
        return taken[1]

    def part_digest(self, part: str) -> str | None:
        """The hash of a part of Biểu số 01 as the data says it now, with the name of the file
        it comes from (a row's place is said differently in a workbook); None for a unit that
        is not there. All the parts' at once, row by row with pandas' own hashing: a page asks
        for one or two, the build for every unit's."""
        units, _, source, *_ = self._unit_table
        if self._digests[0] is not units:
            counts = pd.util.hash_pandas_object(units[UNIT_COUNTS]).to_numpy().tobytes()
            printed = pd.util.hash_pandas_object(units[UNIT_PRINTED], index=False).to_numpy()
            digests = {"counts": hashlib.sha256(source.name.encode() + counts).hexdigest()}
            digests.update((f"unit:{unit}", f"{source.name}:{row:016x}")
                           for unit, row in zip(units.unit, printed))
            self._digests = (units, digests)
        return self._digests[1].get(part)

    def _noted_part(self, part: str):
        note(self.folder / "wards.csv", self.part_digest(part), part)
        return self.unit_part(part)

    @property
    def unit_counts(self) -> pd.DataFrame:
        """The units of Biểu số 01 with the figures the book derives its own from: number,
        name, households, poor households last year and targeted. Most pages read only these."""
        return self._noted_part("counts")

    def printed(self, unit: str) -> pd.DataFrame:
        """What Biểu số 01 prints for ``unit`` that the book only compares with its own
        figures (the rates and the reduction) and the spreadsheet row they stand on: one row,
        indexed as in :attr:`units`."""
        return self._noted_part(f"unit:{unit}")

    @property
    def unit_rows(self) -> pd.DataFrame:
        """Biểu số 01's rows as printed, group rows (subtotals, which are not units) among
        the units: ``is_group`` and ``group`` added (:func:`planbook.forms.mark_groups`)."""
        self._note_units()
        return self._unit_table[4]

    # ---------------------------------------------------------------- forms (planbook.forms)

    @cached_property
    def forms(self) -> forms.Forms:
        """The description of each form the plan attaches: ``forms.yaml`` when the year has
        one, else Biểu số 01 and 02 as :func:`planbook.forms.defaults` gives them."""
        path = self.folder / forms.FILE
        note(path)
        sources = [(s.column, s.name) for s in self.text.funding.sources if s.column]
        defaults = forms.defaults(self.place.Units, self.year, sources)
        try:
            return forms.describe(load_yaml(path) if path.is_file() else None, defaults,
                                  f"Tệp {path}")
        except ValueError as err:
            raise DataError(str(err).splitlines(), f"{path}: invalid form description.") from None

    def form_table(self, name: str) -> tuple[pd.DataFrame, pd.Series]:
        """A form beyond Biểu số 01 and 02 (:attr:`planbook.forms.Forms.extra`): its rows as
        printed, group rows marked (``is_group``, ``group``), and its printed total row; read
        from its own CSV file, also in a year whose other tables are in the workbook."""
        form = self.forms[name]
        path = self.folder / form.file
        columns = form.parse_columns()

        def parse():
            table = read_table(path, columns, form.name_key)
            rows, total = _split_total(table, path, "tt")
            rows = forms.mark_groups(rows, form)
            _validate(rows[~rows.is_group], _form_schema(form, list(columns)), path,
                      form.name_key, columns)
            return rows, total, table.attrs.get("notes", [])

        (rows, total, notes), _, _ = self._parsed_once(
            path, repr((columns, form.subtotals)), parse, workbook=False)
        self.notes += [note for note in notes if note not in self.notes]
        return rows.copy(), total.copy()

    @cached_property
    def _budget_table(self) -> tuple[pd.DataFrame, pd.Series]:
        path = self.folder / "budget.csv"
        columns = budget_columns(self.text.funding)
        form = self.forms[forms.BUDGET]
        columns |= {k: v for k, v in form.parse_columns().items() if k not in columns}
        table, path = self._read(path, columns, "name")
        budget, total = _split_total(table, path, "tt")
        budget["tt"] = budget["tt"].str.rstrip(".")
        _validate(budget, _budget_schema(set(self.alias_to_agency),
                                         self.text.funding.columns), path, "name", columns)
        described = [k for k in columns if k not in BUDGET_COLUMNS
                     and k not in self.text.funding.columns]
        if described:  # the columns a description adds
            _validate(budget, _form_schema(form, described), path, "name", columns)
        budget["lead_agency"] = budget["lead"].map(
            lambda v: self.alias_to_agency.get(normalise_name(v), v) if v else v)
        budget.insert(1, "project", budget["tt"].str.split(".").str[0])
        budget.insert(2, "is_project", ~budget["tt"].str.contains(r"\."))
        return budget, total

    @property
    def budget(self) -> pd.DataFrame:
        """Biểu số 02 without its printed total row; ``project`` and ``is_project`` added."""
        return self._budget_table[0]

    @property
    def budget_total(self) -> pd.Series:
        """The printed ``Tổng cộng`` row of Biểu số 02."""
        return self._budget_table[1]

    @cached_property
    def crosswalk(self) -> pd.DataFrame:
        """``crosswalk.csv`` (optional): units renamed, merged or split since last year, one
        row per pair of last year's name (``old``) and this year's (``new``)."""
        path = self.folder / "crosswalk.csv"
        note(path)
        if not path.is_file() and not self.workbook.is_file():
            return pd.DataFrame({"row": [], "old": [], "new": []})
        table, path = self._read(path, CROSSWALK_COLUMNS, "old")
        known = {"old": set(self.previous.unit_counts.unit) if self.previous else set(),
                 "new": set(self.unit_counts.unit)}
        problems = [f"{_where(path, row.row, getattr(row, column))}, cột {column!r} "
                    f"({CROSSWALK_COLUMNS[column][0]}): giá trị {getattr(row, column)!r} — cần "
                    f"là tên một {self.place.units} trong wards.csv của năm "
                    f"{self.previous_year if column == 'old' else self.year}."
                    for row in table.itertuples() for column in ("old", "new")
                    if getattr(row, column) not in known[column]]
        if problems:
            raise DataError(problems, f"{path}: {len(problems)} unknown unit name(s).")
        return table

    def validate(self) -> None:
        """Read and check every file now (the build does this before running any notebook),
        and last year's too when the chapter on its results will read them."""
        problems, english = [], []
        for plan in [self, self.previous] if self.previous else [self]:
            for table in ("text", "forms", "agencies", "units", "budget"):
                try:
                    getattr(plan, table)
                except DataError as err:  # every file's problems in one list
                    problems += err.problems
                    english.append(err.english)
            for form in plan.forms.extra if not problems else []:
                try:
                    plan.form_table(form.name)
                except DataError as err:
                    problems += err.problems
                    english.append(err.english)
        if problems:  # a workbook's problem is found once per sheet read: say it once
            raise DataError(list(dict.fromkeys(problems)), " ".join(dict.fromkeys(english)))
        assert self.crosswalk is not None

    def project_text(self, tt: str) -> ProjectText | None:
        return next((p for p in self.text.projects if p.tt == tt), None)

    @cached_property
    def alias_to_agency(self) -> dict[str, str]:
        """Every spelling of an agency name (case-folded, spaces normalised) → its name."""
        mapping = {}
        for name, aliases in zip(self.agencies["name"], self.agencies["aliases"]):
            for spelling in [name, *filter(None, aliases.split("|"))]:
                mapping[normalise_name(spelling)] = name
        return mapping


def normalise_name(name: str) -> str:
    """Fold case, spacing and the spacing around dashes and ampersands."""
    name = re.sub(r"\s*([-&])\s*", r" \1 ", name.casefold())
    return " ".join(name.replace("hóa", "hoá").split()).strip(" .")


def _split_total(frame: pd.DataFrame, path: Path | str,
                 first: str) -> tuple[pd.DataFrame, pd.Series]:
    """Separate the printed total row (its first column blank, label "Tổng cộng")."""
    is_total = (frame[first].astype("string").fillna("") == "") & (frame.iloc[:, 2] == TOTAL_LABEL)
    if is_total.sum() != 1 or not is_total.iloc[-1]:
        raise DataError(
            [f"{_where(path, None)}: dòng cuối phải là dòng «{TOTAL_LABEL}» (cột {first!r} để trống) "
             "và chỉ có một dòng như vậy."],
            f"{path}: the last row must be the single '{TOTAL_LABEL}' row.")
    return frame[~is_total].reset_index(drop=True), frame[is_total].iloc[0]


_YAML_ERRORS = {
    "missing": "thiếu mục bắt buộc này",
    "extra_forbidden": "mục lạ, không có trong mẫu (sai tên mục?)",
    "int_parsing": "cần là một số nguyên",
    "float_parsing": "cần là một số",
    "string_type": "cần là một đoạn chữ",
    "list_type": "cần là một danh sách (các dòng bắt đầu bằng -)",
    "date_from_datetime_parsing": "cần là một ngày dạng năm-tháng-ngày, ví dụ 2023-03-21",
    "date_parsing": "cần là một ngày dạng năm-tháng-ngày, ví dụ 2023-03-21",
    "greater_than_equal": "nhỏ hơn giá trị cho phép",
    "less_than_equal": "lớn hơn giá trị cho phép",
}


class _TextLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """YAML as the clerk wrote it: a date stays text until the schema reads it, so that an
    impossible date (30 February) gets a message, not a crash. LibYAML's parser where PyYAML
    has it (every page reads plan.yaml; the pure-Python parser took most of a page's time)."""


_TextLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


MAX_DEPTH = 16
"""How deep ``plan.yaml`` may nest (its form needs five levels)."""


def _screen(text: str, path: Path) -> None:
    """Refuse, before building anything, what YAML allows but a plan never needs: aliases
    (``*name``, which can make a small file grow without bound), nesting deeper than
    :data:`MAX_DEPTH`, and a key written twice in one mapping (the last would silently win)."""
    depth, keys = 0, []  # per open collection: its keys so far and whether a key comes next
    #                       (None in a sequence)
    for event in yaml.parse(text, Loader=_TextLoader):
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            raise DataError([f"Tệp {path}, dòng {line}: bí danh YAML (*{event.anchor}) không "
                             "dùng được — hãy chép lại đoạn chữ thay cho bí danh."],
                            f"{path}: YAML aliases are not accepted.")
        is_key = bool(keys) and keys[-1][1] is True
        if keys and keys[-1][1] is not None and isinstance(
                event, (yaml.ScalarEvent, yaml.CollectionStartEvent)):
            keys[-1][1] = not keys[-1][1]
        if is_key and isinstance(event, yaml.ScalarEvent):
            seen = keys[-1][0]
            if event.value in seen:
                raise DataError([f"Tệp {path}, dòng {line}: mục «{event.value}» ghi hai lần "
                                 f"(lần đầu ở dòng {seen[event.value]}) — chỉ giữ một lần."],
                                f"{path}: the key {event.value!r} is written twice.")
            seen[event.value] = line
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise DataError([f"Tệp {path}, dòng {line}: lồng quá {MAX_DEPTH} cấp — mẫu "
                                 "plan.yaml không sâu như vậy."], f"{path}: nested too deep.")
            keys.append([{}, isinstance(event, yaml.MappingStartEvent) or None])
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
            keys.pop()


_SCALARS = (str, int, float, bool, type(None))


def _clean(node, path: Path, where: str = ""):
    """Every text of ``plan.yaml`` in NFC, refused if it holds a control character; values of
    other YAML types (``!!binary``, ``!!set``…) refused."""
    if isinstance(node, dict):
        return {k: _clean(v, path, f"{where}.{k}".strip(".")) for k, v in node.items()}
    if isinstance(node, list):
        return [_clean(v, path, f"{where}.{i + 1}") for i, v in enumerate(node)]
    if not isinstance(node, _SCALARS):
        raise DataError([f"Tệp {path}, mục {where}: kiểu dữ liệu YAML «{type(node).__name__}» "
                         "không dùng được — hãy ghi chữ hoặc số."],
                        f"{path}: unsupported YAML type in {where}.")
    if isinstance(node, str):
        bad = control_characters(node)
        if bad:
            raise DataError([f"Tệp {path}, mục {where}: có ký tự điều khiển {bad} không in được "
                             "— hãy xóa ký tự đó."], f"{path}: control character in {where}.")
        return unicodedata.normalize("NFC", node)
    return node


def control_characters(text: str) -> str:
    """The control characters of ``text`` (tabs and line ends excepted), as U+XXXX."""
    return ", ".join(sorted({f"U+{ord(ch):04X}" for ch in text
                             if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r"}))


def load_yaml(path: Path) -> object:
    """A YAML file of the year as Python values, screened and cleaned (:func:`_screen`,
    :func:`_clean`)."""
    text = read_text(path)
    try:
        _screen(text, path)
        raw = _clean(yaml.load(text, Loader=_TextLoader), path)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f", dòng {mark.line + 1}" if mark else ""
        raise DataError([f"Tệp {path}{where}: không đọc được dạng YAML "
                         f"({getattr(err, 'problem', None) or err})."],
                        f"{path}: invalid YAML.") from None
    return raw


def load_text(path: Path) -> PlanText:
    raw = load_yaml(path)
    try:
        return PlanText.model_validate(raw if isinstance(raw, dict) else {})
    except ValidationError as err:
        problems = [f"Tệp {path}, mục {'.'.join(str(p) for p in e['loc'])}: "
                    + (_YAML_ERRORS["missing"] if e["type"] == "missing" else
                       str(e["ctx"]["error"]) if e["type"] == "value_error" else
                       f"{_YAML_ERRORS.get(e['type'], e['msg'])} (giá trị: "
                       f"{str(e.get('input'))[:60]!r})") for e in err.errors()]
        raise DataError(problems, f"{path}: {err.error_count()} invalid field(s).") from None


YEAR_NAME = re.compile(r"[1-9][0-9]{3}")
"""A year as a folder name or on the command line: four digits, the first not 0."""


def data_years(data: Path) -> list[int]:
    """The years that have a plan under ``data`` (folders named by a year with a plan.yaml)."""
    return sorted(int(p.name) for p in data.glob("[0-9][0-9][0-9][0-9]")
                  if YEAR_NAME.fullmatch(p.name) and (p / "plan.yaml").is_file())


def odd_folders(data: Path) -> list[str]:
    """What the clerk should know about the folders under ``data`` that are not built: a year's
    folder without ``plan.yaml``, and a folder that looks meant as a year but is not named as
    one («2024 », «20245», «0999», «2024 (bản cũ)»)."""
    notes = []
    for folder in sorted(p for p in data.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if YEAR_NAME.fullmatch(folder.name):
            if not (folder / "plan.yaml").is_file():
                notes.append(f"Thư mục {folder} không có plan.yaml: năm {folder.name} không "
                             "được dựng.")
        elif re.search(r"[0-9]{4}", folder.name) or (folder / "plan.yaml").exists():
            notes.append(f"Thư mục «{folder.name}» trong {data} không được dựng: tên thư mục "
                         "của một năm phải đúng bốn chữ số như 2024 (không dấu cách, không chữ "
                         "nào khác).")
    return notes


def load_plan(data_dir: str | Path, year: int) -> Plan:
    """The plan of ``<data_dir>/<year>/``; its files are checked as they are first used
    (:meth:`Plan.validate` checks them all). Raises :class:`DataError` on any problem."""
    folder = Path(data_dir) / str(year)
    if not folder.is_dir():
        raise DataError([f"Không có thư mục dữ liệu {folder} cho năm {year}."],
                        f"No data folder {folder}.")
    plan = Plan(folder, year)
    assert plan.text.year == year
    return plan
