"""``plan.yaml``: the plan's text and metadata as typed models, read from YAML screened for
what a plan never holds (aliases, deep nesting, duplicate keys, non-text values)."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from planbook import fmt
from planbook.data.columns import BUDGET_COLUMNS, UNIT_COLUMNS
from planbook.data.errors import DataError
from planbook.data.files import control_characters, read_text
from planbook.fmt import capitalise

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

    def texts(self):
        """Every text of ``plan.yaml``, with where it is: (``plan.yaml, mục <key>``, text)."""
        def walk(node, where):
            if isinstance(node, dict):
                for key, value in node.items():
                    yield from walk(value, f"{where}.{key}" if where else key)
            elif isinstance(node, list):
                for i, value in enumerate(node, start=1):
                    yield from walk(value, f"{where}.{i}")
            elif isinstance(node, str):
                yield f"plan.yaml, mục {where}", node
        yield from walk(self.model_dump(), "")

    @field_validator("content_intro")
    @classmethod
    def _known_counts(cls, value: str) -> str:
        """The intro to section III may name a count of Biểu số 02 (``{projects}``)."""
        unknown = set(re.findall(r"\{([^{}]*)\}", value)) - set(COUNTS)
        if unknown:
            raise ValueError(f"không có số liệu tên {{{', '.join(sorted(unknown))}}}; dùng được: "
                             + ", ".join(f"{{{name}}} ({what})" for name, what in COUNTS.items()))
        return value

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


def unit_columns(locality: Locality) -> dict[str, tuple[str, str]]:
    """The columns of Biểu số 01, the unit column labelled with the locality's own word."""
    return {**UNIT_COLUMNS, "unit": (locality.Units, "text")}


def budget_columns(funding: Funding) -> dict[str, tuple[str, str]]:
    """The columns of Biểu số 02: one more money column per source when there are several."""
    columns = list(BUDGET_COLUMNS.items())
    sources = [(s.column, (s.name, "money")) for s in funding.sources if s.column]
    return dict(columns[:5] + sources + columns[5:])
