"""The forms (Biểu) a plan attaches, each described once: its title, its "(Kèm theo …)" line,
its columns as printed (in groups under a common label), each column's kind and what it is made
of (a rate of one count over another, a difference, a sum), and whether its rows are grouped
under subtotal rows.

Today's two forms — Biểu số 01 (the units' targets, ``units.csv``) and Biểu số 02 (the projects'
funds and agencies, ``budget.csv``) — are described by :func:`defaults` from ``plan.yaml``; a
year's ``forms.yaml`` may describe them otherwise (more columns, other words) and add forms of
its own (funds allocated by unit and project…), each read from its own CSV file. The site's and
the PDF's tables (:mod:`planbook.tables`), their downloads, the clerk's workbook
(:mod:`planbook.clerk.workbook`) and the checks (:mod:`planbook.checks`) all take their headers and
relations from here; none of them spells a header. The README's «How to describe a form» is
the clerk's guide. This module reads no file: :meth:`planbook.data.Plan.forms` does.
"""
from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

FILE = "forms.yaml"
"""The year's description of its forms (optional: without it, :func:`defaults`)."""
UNITS, BUDGET = "bieu-01", "bieu-02"
KINDS = {"code": "code", "name": "text", "text": "text", "count": "int", "rate": "rate",
         "money": "money"}
"""Each kind of column a form may have, and how :func:`planbook.data.parse_figure` reads it
(``code``: the row's number, TT; ``name``: the row's name; ``money``: million VND, may be
blank)."""
FIGURES = ("count", "rate", "money")
_KEY = r"[a-z][a-z0-9_]*"
_SUM = re.compile(rf"^\s*({_KEY})((\s*[+-]\s*{_KEY})+)\s*$")
_RATIO = re.compile(rf"^\s*({_KEY})\s*/\s*({_KEY})\s*$")
ROMAN = re.compile(r"^(?=[IVXLC])M*(C[MD]|D?C{0,3})(X[CL]|L?X{0,3})(I[XV]|V?I{0,3})\.?$")
"""A group row's number: a Roman numeral (I, II, …, with or without a final dot)."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Relation(_Model):
    """What a column's figure is made of: a sum and difference of other columns (``central +
    local``, ``poor_prev - poor_target``) or, for a rate, one count over another in percent
    (``poor_prev / households``)."""
    text: str
    terms: tuple[tuple[int, str], ...] = ()
    """(+1 or −1, column) for a sum; for a rate, (1, the count), (1, the whole)."""
    ratio: bool = False

    @classmethod
    def parse(cls, text: str) -> "Relation":
        if found := _RATIO.match(text):
            return cls(text=text.strip(), terms=((1, found[1]), (1, found[2])), ratio=True)
        if _SUM.match(text):
            parts = re.findall(rf"([+-]?)\s*({_KEY})", text)
            return cls(text=text.strip(),
                       terms=tuple((-1 if sign == "-" else 1, key) for sign, key in parts))
        raise ValueError(f"không hiểu công thức {text!r}: viết như «a + b», «a - b» (các cột "
                         "số hộ, số tiền) hoặc «a / b» (một tỷ lệ phần trăm), a, b là tên cột")

    @property
    def columns(self) -> list[str]:
        return [key for _, key in self.terms]

    def value(self, row: Mapping) -> float | None:
        """The figure the relation gives from ``row``'s figures (a blank amount counts 0, as in
        a spreadsheet's sum); a rate of a whole of 0 is 0."""
        figures = [0 if _blank(row[key]) else row[key] for _, key in self.terms]
        if self.ratio:
            return 100 * figures[0] / figures[1] if figures[1] else 0.0
        return sum(sign * value for (sign, _), value in zip(self.terms, figures))

    def words(self, labels: Mapping[str, str]) -> str:
        """The relation in a reader's words, each column by its label."""
        if self.ratio:
            return f"{labels[self.terms[0][1]]} / {labels[self.terms[1][1]]}"
        return "".join((" − " if sign < 0 else " + " if i else "") + labels[key]
                       for i, (sign, key) in enumerate(self.terms))


def _blank(value) -> bool:
    return value is None or bool(pd.isna(value))


class Column(_Model):
    """One printed column: its name in the data file (``key``), its label as printed, its kind,
    what it is (``is``: one relation or several), its relative width in print."""
    key: str = Field(pattern=f"^{_KEY}$")
    label: str
    kind: str
    relations: tuple[Relation, ...] = Field((), alias="is")
    width: float = 0
    group: str = ""
    """The label over it and its neighbours in the header's first row ("" if none)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        if value not in KINDS:
            raise ValueError(f"kiểu cột {value!r} không có; dùng được: {', '.join(KINDS)}")
        return value

    @field_validator("relations", mode="before")
    @classmethod
    def _relations(cls, value):
        value = [value] if isinstance(value, (str, Relation)) else value
        return tuple(v if isinstance(v, Relation) else Relation.parse(str(v)) for v in value)

    @property
    def parse_kind(self) -> str:
        """How :mod:`planbook.data` reads the column."""
        return KINDS[self.kind]

    @property
    def heading(self) -> str:
        """The column's label in one line (its group's, then its own): a download's header."""
        return f"{self.group} - {self.label}" if self.group else self.label

    @property
    def shown_width(self) -> float:
        return self.width or {"code": 5, "name": 22, "text": 22, "rate": 9}.get(self.kind, 10)


class Form(_Model):
    """One Biểu: its ``name`` (``bieu-01``; the link target and the downloads' file name), the
    file its figures are in, the lines of its title, its "(Kèm theo …)" line ("" for the
    plan's), its columns in order, whether Roman-numbered rows are group rows with subtotals
    (``subtotals``), and how it is printed (``landscape``, ``font_size`` in points)."""
    name: str = Field(pattern=r"^[a-z0-9-]+$")
    file: str = Field(pattern=r"^[a-z0-9_-]+\.csv$")
    label: str
    title: tuple[str, ...] = Field(min_length=1)
    attached: str = ""
    columns: tuple[Column, ...] = Field(min_length=2)
    subtotals: bool = False
    landscape: bool = False
    font_size: float = 12

    @model_validator(mode="after")
    def _consistent(self) -> "Form":
        keys = [c.key for c in self.columns]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise ValueError(f"cột {', '.join(twice)} ghi hai lần")
        if [c.kind for c in self.columns[:2]] != ["code", "name"]:
            raise ValueError("hai cột đầu của biểu là số thứ tự (kind: code) và tên dòng "
                             "(kind: name)")
        kinds = {c.key: c.kind for c in self.columns}
        for column in self.columns:
            if column.relations and column.kind not in FIGURES:
                raise ValueError(f"cột {column.key} ({column.kind}) không tính được từ cột khác")
            for relation in column.relations:
                unknown = [k for k in relation.columns if k not in kinds]
                if unknown:
                    raise ValueError(f"cột {column.key}: công thức {relation.text!r} nhắc tới cột "
                                     f"{', '.join(unknown)} mà biểu không có")
                wanted = "count" if relation.ratio else column.kind
                if (column.kind == "rate") != relation.ratio or any(
                        kinds[k] != wanted for k in relation.columns):
                    raise ValueError(f"cột {column.key} ({column.kind}): công thức "
                                     f"{relation.text!r} không hợp — một tỷ lệ (rate) là «số hộ "
                                     "/ số hộ» (count), một số hộ hay số tiền là tổng, hiệu của "
                                     "các cột cùng loại")
        return self

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]

    @property
    def name_key(self) -> str:
        """The column naming each row (the unit, the project)."""
        return self.columns[1].key

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def short_label(self, key: str) -> str:
        """A column's label as a note names it: its own, with its group's when another column
        has the same label ("Cộng (Ngân sách Trung ương)")."""
        column = self.column(key)
        twice = sum(c.label == column.label for c in self.columns) > 1
        return f"{column.label} ({column.group})" if twice and column.group else column.label

    def header(self) -> list[str | tuple[str, list[str]]]:
        """The printed header: a column's label, or a group's label over its columns' labels
        (neighbouring columns of one group)."""
        out: list = []
        for column in self.columns:
            if not column.group:
                out.append(column.label)
            elif out and not isinstance(out[-1], str) and out[-1][0] == column.group:
                out[-1][1].append(column.label)
            else:
                out.append((column.group, [column.label]))
        return out

    def figures(self) -> Iterator[Column]:
        """The columns of counts, rates and money, in order."""
        return (c for c in self.columns if c.kind in FIGURES)

    def parse_columns(self) -> dict[str, tuple[str, str]]:
        """The columns as :mod:`planbook.data` reads them: key → (label, how read)."""
        return {c.key: (c.heading, c.parse_kind) for c in self.columns}


class Forms(_Model):
    """Every form of a year, in the order the plan attaches them."""
    forms: tuple[Form, ...]

    def __getitem__(self, name: str) -> Form:
        return next(f for f in self.forms if f.name == name)

    def __iter__(self):
        return iter(self.forms)

    @property
    def extra(self) -> list[Form]:
        """The forms beyond Biểu số 01 and 02 (allocations…)."""
        return [f for f in self.forms if f.name not in (UNITS, BUDGET)]


REQUIRED = {UNITS: {"tt": "code", "unit": "name", "households": "count", "poor_prev": "count",
                    "rate_prev": "rate", "poor_target": "count", "rate_target": "rate",
                    "reduction": "count"},
            BUDGET: {"tt": "code", "name": "name", "total": "money", "carry_over": "money",
                     "new_funds": "money", "lead": "text", "content": "text",
                     "partners": "text"}}
"""The columns of Biểu số 01 and 02 that the book's chapters read, whatever else they print."""


def defaults(units: str, year: int, sources: Sequence[tuple[str, str]]) -> Forms:
    """Biểu số 01 and 02 as the plans built so far print them: ``units`` heads the units'
    column (``locality.Units``), ``sources`` are the money columns of several funding sources
    (column, name)."""
    prev = year - 1
    c = Column
    units_form = Form(
        name=UNITS, file="units.csv", label="Biểu số 01",
        title=[f"BIỂU SỐ 01: CHỈ TIÊU KẾ HOẠCH GIẢM NGHÈO NĂM {year}"], columns=[
            c(key="tt", label="TT", kind="code", width=6),
            c(key="unit", label=units, kind="name", width=26),
            c(key="households", label="Tổng số hộ dân cư", kind="count", width=14),
            c(key="poor_prev", label="Số hộ", kind="count", width=11,
              group=f"Kết quả thực hiện năm {prev}"),
            c(key="rate_prev", label="Tỷ lệ (%)", kind="rate", width=11,
              group=f"Kết quả thực hiện năm {prev}", relations="poor_prev / households"),
            c(key="poor_target", label="Số hộ", kind="count", width=11,
              group=f"Chỉ tiêu năm {year}"),
            c(key="rate_target", label="Tỷ lệ (%)", kind="rate", width=11,
              group=f"Chỉ tiêu năm {year}", relations="poor_target / households"),
            c(key="reduction", label="Số hộ giảm", kind="count", width=10,
              relations="poor_prev - poor_target")])
    parts = [("carry_over", f"Vốn năm {prev} chuyển sang"), ("new_funds", f"Vốn năm {year}"),
             *sources]
    total = ["carry_over + new_funds"] + (
        [" + ".join(key for key, _ in sources)] if sources else [])
    budget_form = Form(
        name=BUDGET, file="budget.csv", label="Biểu số 02", landscape=True, font_size=10.5,
        title=["BIỂU SỐ 02: PHÂN CÔNG THỰC HIỆN", "Các dự án, tiểu dự án thuộc Chương trình MTQG "
               f"giảm nghèo bền vững năm {year}"], columns=[
            c(key="tt", label="TT", kind="code", width=4),
            c(key="name", label="Tên dự án, tiểu dự án", kind="name", width=17),
            c(key="total", label="Kinh phí thực hiện (triệu đồng)", kind="money", width=7.5,
              relations=total),
            *[c(key=key, label=label, kind="money", width=7.5, group="Trong đó")
              for key, label in parts],
            c(key="lead", label="Cơ quan chủ trì", kind="text", width=11),
            c(key="content", label="Nội dung thực hiện dự án, tiểu dự án", kind="text",
              width=28),
            c(key="partners", label="Cơ quan phối hợp thực hiện dự án, tiểu dự án", kind="text",
              width=19)])
    return Forms(forms=[units_form, budget_form])


def describe(raw: object, defaults: Forms, where: str,
             earlier: Mapping[str, Sequence[str]]) -> Forms:
    """The forms ``forms.yaml`` describes (``raw``, as YAML read it), Biểu số 01 and 02 as
    :func:`defaults` gives them unless it describes them; ``where`` names the file in
    messages; ``earlier``: the names a file had before, which a description may still give
    (:data:`planbook.data.files.EARLIER_NAMES`). A :class:`ValueError` holds the clerk's
    messages, one a line."""
    if raw is None:
        return defaults
    if not isinstance(raw, dict) or not isinstance(raw.get("forms"), list):
        raise ValueError(f"{where}: cần mục «forms:», một danh sách các biểu (xem README, «How "
                         "to describe a form»)")
    described, problems = [], []
    for i, item in enumerate(raw["forms"], start=1):
        try:
            described.append(_form(item))
        except (ValidationError, ValueError, TypeError) as err:
            problems += [f"{where}, biểu thứ {i}: {line}" for line in _messages(err)]
    names = [f.name for f in described]
    problems += [f"{where}: biểu {n!r} mô tả hai lần" for n in sorted(set(names))
                 if names.count(n) > 1]
    names = {name: (name, *earlier.get(name, ())) for name in (f.file for f in defaults)}
    for form in described:
        if form.name in REQUIRED:
            default = defaults[form.name]
            problems += [f"{where}, biểu {form.name}: {line}"
                         for line in _required(form, default, names[default.file])]
        elif any(form.file in taken for taken in names.values()):
            problems.append(f"{where}, biểu {form.name}: tệp {form.file} là của biểu khác")
    if problems:
        raise ValueError("\n".join(problems))
    mine = {f.name: f for f in described}
    return Forms(forms=[mine.pop(d.name, d) for d in defaults] + list(mine.values()))


def _required(form: Form, default: Form, files: Sequence[str]) -> list[str]:
    """What a description of Biểu số 01 or 02 lacks of the columns the book reads, or of its
    file's name (one of ``files``: the default's, or an earlier one)."""
    kinds = {c.key: c.kind for c in form.columns}
    out = [f"thiếu cột {key} (kiểu {kind}), phần mềm cần cột này" for key, kind in
           REQUIRED[form.name].items() if kinds.get(key) != kind]
    if form.file not in files:
        out.append(f"biểu đọc từ tệp {default.file}, không phải {form.file}")
    if form.name == BUDGET:
        sources = [c.key for c in default.columns if c.key not in REQUIRED[BUDGET]]
        out += [f"thiếu cột nguồn vốn {key} (funding.sources trong plan.yaml)"
                for key in sources if key not in kinds]
        if form.subtotals:
            out.append("Biểu số 02 không có dòng nhóm đánh số La Mã: các dòng dự án là tổng "
                       "các tiểu dự án của nó")
    return out


def _form(item: object) -> Form:
    """One form of ``forms.yaml``: its columns listed in order, a group written as ``group:``
    with its own ``columns:``."""
    if not isinstance(item, dict):
        raise ValueError("mỗi biểu là một mục có name, file, title, columns")
    columns = []
    for entry in item.get("columns") or []:
        if isinstance(entry, dict) and "group" in entry and "key" not in entry:
            extra = set(entry) - {"group", "columns"}
            if extra:
                raise ValueError(f"nhóm cột {entry.get('group')!r}: mục lạ {', '.join(extra)}")
            columns += [{**column, "group": entry["group"]} if isinstance(column, dict) else column
                        for column in entry.get("columns") or []]
        else:
            columns.append(entry)
    title = item.get("title")
    return Form.model_validate({**item, "title": [title] if isinstance(title, str) else title,
                                "columns": columns})


def _messages(err: Exception) -> list[str]:
    if not isinstance(err, ValidationError):
        return [str(err)]
    out = []
    for e in err.errors():
        where = ".".join(str(p) for p in e["loc"])
        what = str(e["ctx"]["error"]) if e["type"] == "value_error" else (
            "thiếu mục bắt buộc này" if e["type"] == "missing" else
            "mục lạ, không có trong mẫu (sai tên mục?)" if e["type"] == "extra_forbidden" else
            f"{e['msg']} (giá trị: {str(e.get('input'))[:60]!r})")
        out.append(f"{where + ': ' if where else ''}{what}")
    return out


def mark_groups(rows: pd.DataFrame, form: Form) -> pd.DataFrame:
    """``rows`` of ``form`` (its ``tt`` column read) with ``is_group`` — a row numbered with a
    Roman numeral when the form has ``subtotals`` — and ``group``, the number of the group row
    a row stands under ("" for a group row and for a row under none)."""
    rows = rows.copy()
    tt = rows["tt"].astype(str).str.strip().str.rstrip(".")
    rows["is_group"] = [bool(form.subtotals and ROMAN.match(t)) for t in tt]
    current, groups = "", []
    for t, is_group in zip(tt, rows.is_group):
        current = t if is_group else current
        groups.append("" if is_group else current)
    rows["group"] = groups
    return rows
