"""One year's plan (:class:`Plan`), read lazily, and the data folder's years."""
from __future__ import annotations

import hashlib
import json
from functools import cached_property
from pathlib import Path

import pandas as pd

from planbook import forms
from planbook.data import excel
from planbook.data.columns import (
    AGENCY_COLUMNS,
    BUDGET_COLUMNS,
    CROSSWALK_COLUMNS,
    UNIT_COLUMNS,
    UNIT_COUNTS,
    UNIT_PRINTED,
    normalise_name,
)
from planbook.data.errors import DataError, _where
from planbook.data.files import (
    EARLIER_NAMES,
    SHEETS,
    WORKBOOK,
    _split_total,
    current_name,
    folder_state,
    note,
    parsed_once,
    read_table,
    remembered,
    table_file,
    unnoted,
)
from planbook.data.plan_text import (
    Locality,
    PlanText,
    ProjectText,
    budget_columns,
    load_text,
    load_yaml,
    unit_columns,
)
from planbook.data.schemas import (
    AGENCY_SCHEMA,
    _budget_schema,
    _form_schema,
    _unit_schema,
    _validate,
)

# ---------------------------------------------------------------------------- the plan


class noted_property(cached_property):
    """A property computed once per plan, whose reads each use notes again
    (:func:`planbook.data.files.remembered`)."""

    def __get__(self, plan, owner=None):
        if plan is None:
            return self
        return remembered(plan.__dict__.setdefault("_remembered", {}), self.attrname,
                          lambda: self.func(plan))


class Plan:
    """One year's plan. Each data file is read, parsed and validated the first time it is
    needed, so a page reads only the files it uses (see :data:`READ`)."""

    def __init__(self, folder: Path, year: int, across: dict | None = None):
        self.folder = folder
        self.year = year
        self.across = across or {}
        """What a site's other levels print of this plan's units or of it
        (:func:`planbook.crosslevel.context`); empty for a book alone."""
        self.notes: list[str] = []
        """What the clerk should know about the tables read, short of an error (a column
        the book leaves out); the build prints them."""
        self._parts: dict[str, tuple] = {}  # Biểu số 01's parts, with the table taken from
        self._digests: tuple = (None, {})  # their hashes, with the table hashed

    @property
    def previous_year(self) -> int:
        return self.year - 1

    @noted_property
    def previous(self) -> "Plan | None":
        """Last year's plan, when the data folder has it (the folder beside this one)."""
        folder = self.folder.parent / str(self.previous_year)
        note(folder / "plan.yaml")
        return Plan(folder, self.previous_year) if (folder / "plan.yaml").is_file() else None

    @noted_property
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
        yield from self.text.texts()
        for csv_name, table in (("units.csv", self.unit_rows), ("budget.csv", self.budget),
                                ("agencies.csv", self.agencies),
                                *((f.file, self.form_table(f.name)[0]) for f in self.forms.extra)):
            where = {row: self.location(csv_name, row) for row in table.row}
            for column in table.columns:
                for row, value in zip(table.row, table[column]):
                    if isinstance(value, str):
                        yield f"{where[row]}, cột {column!r}", value

    def location(self, csv_name: str, row: int) -> str:
        """Where a row of a table is, as the clerk finds it: ``units.csv dòng 13`` (the file
        under the name the year has it, :meth:`file`), or the sheet's row when the year has a
        workbook."""
        csv_name = current_name(csv_name)
        if self.workbook.is_file() and csv_name in SHEETS:
            return f"{self.workbook.name}, trang «{SHEETS[csv_name]}», dòng {row}"
        return f"{self.file(csv_name).name} dòng {row}"

    def file(self, name: str) -> Path:
        """The data file ``name`` as the year has it, perhaps under an earlier name
        (:func:`planbook.data.files.table_file`)."""
        return table_file(self.folder, name)

    @property
    def files(self) -> list[Path]:
        """The year's data files: ``plan.yaml``, then the workbook or the CSV files."""
        tables = [self.workbook] if self.workbook.is_file() else [
            path for path in map(self.file, SHEETS) if path.is_file()]
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
        table, where = excel.read_sheet(self.workbook, current_name(path.name), columns, key,
                                        form)
        self.notes += table.attrs.get("notes", [])
        return table, where

    @property
    def locality(self) -> Locality:
        """The issuing locality and the words for it and its units."""
        return self.text.locality

    @property
    def money_columns(self) -> list[str]:
        """The money columns of Biểu số 02: total, carry-over, new funds, then the sources'."""
        return ["total", "carry_over", "new_funds", *self.text.funding.columns]

    @noted_property
    def agencies(self) -> pd.DataFrame:
        agencies, path = self._read(self.file("agencies.csv"), AGENCY_COLUMNS, "name")
        _validate(agencies, AGENCY_SCHEMA, path, "name", AGENCY_COLUMNS)
        return agencies

    @noted_property
    def _unit_table(self) -> tuple[pd.DataFrame, pd.Series, Path, str, pd.DataFrame]:
        """Biểu số 01 parsed, its total row, the file it came from and the hash of its bytes,
        and its rows as printed (group rows among the units); the accessors below note what a
        page reads of it."""
        path = self.file("units.csv")
        form = self.forms[forms.UNITS]
        columns = unit_columns(self.locality)
        columns |= {k: v for k, v in form.parse_columns().items() if k not in columns}

        def parse():
            table, where = self._read(path, columns, "unit", form)
            rows, total = _split_total(table, where, "tt")
            rows = forms.mark_groups(rows, form)
            units = rows[~rows.is_group].drop(columns=["is_group", "group"])
            units = units.reset_index(drop=True)
            _validate(units, _unit_schema(self.locality), where, "unit", columns)
            described = [k for k in columns if k not in UNIT_COLUMNS]
            if described:  # the columns a description adds
                _validate(units, _form_schema(form, described), where, "unit", columns)
            return units, total, rows, table.attrs.get("notes", [])

        source = self.workbook if self.workbook.is_file() else path
        with unnoted():
            (units, total, rows, notes), digest = parsed_once(
                source, path.name, repr((columns, form.subtotals)), parse)
        self.notes += [note for note in notes if note not in self.notes]  # parsed earlier
        return units.copy(), total.copy(), source, digest, rows.copy()

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
        note(self.file("units.csv"), self.part_digest(part), part)
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

    @noted_property
    def forms(self) -> forms.Forms:
        """The description of each form the plan attaches: ``forms.yaml`` when the year has
        one, else Biểu số 01 and 02 as :func:`planbook.forms.defaults` gives them."""
        path = self.folder / forms.FILE
        note(path)
        sources = [(s.column, s.name) for s in self.text.funding.sources if s.column]
        defaults = forms.defaults(self.locality.Units, self.year, sources)
        try:
            return forms.describe(load_yaml(path) if path.is_file() else None, defaults,
                                  f"Tệp {path}", EARLIER_NAMES)
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

        (rows, total, notes), _ = parsed_once(path, path.name, repr((columns, form.subtotals)),
                                              parse)
        self.notes += [note for note in notes if note not in self.notes]
        return rows.copy(), total.copy()

    @noted_property
    def _budget_table(self) -> tuple[pd.DataFrame, pd.Series]:
        path = self.file("budget.csv")
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

    @noted_property
    def crosswalk(self) -> pd.DataFrame:
        """``crosswalk.csv`` (optional): units renamed, merged or split since last year, one
        row per pair of last year's name (``old``) and this year's (``new``)."""
        path = self.file("crosswalk.csv")
        note(path)
        if not path.is_file() and not self.workbook.is_file():
            return pd.DataFrame({"row": [], "old": [], "new": []})
        table, path = self._read(path, CROSSWALK_COLUMNS, "old")
        known = {"old": set(self.previous.unit_counts.unit) if self.previous else set(),
                 "new": set(self.unit_counts.unit)}
        tables = {"old": self.previous.file("units.csv").name if self.previous else "units.csv",
                  "new": self.file("units.csv").name}
        problems = [f"{_where(path, row.row, getattr(row, column))}, cột {column!r} "
                    f"({CROSSWALK_COLUMNS[column][0]}): giá trị {getattr(row, column)!r} — cần "
                    f"là tên một {self.locality.units} trong {tables[column]} của năm "
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
        _ = self.crosswalk  # read: its own problems are found here too

    def project_text(self, tt: str) -> ProjectText | None:
        return next((p for p in self.text.projects if p.tt == tt), None)

    @noted_property
    def alias_to_agency(self) -> dict[str, str]:
        """Every spelling of an agency name (case-folded, spaces normalised) → its name."""
        mapping = {}
        for name, aliases in zip(self.agencies["name"], self.agencies["aliases"]):
            for spelling in [name, *filter(None, aliases.split("|"))]:
                mapping[normalise_name(spelling)] = name
        return mapping


def load_plan(data_dir: str | Path, year: int, across: str = "") -> Plan:
    """The plan of ``<data_dir>/<year>/``; its files are checked as they are first used
    (:meth:`Plan.validate` checks them all). Raises :class:`DataError` on any problem.
    ``across``: the notebook parameter saying what the other levels print (JSON)."""
    folder = Path(data_dir) / str(year)
    if not folder.is_dir():
        raise DataError([f"Không có thư mục dữ liệu {folder} cho năm {year}."],
                        f"No data folder {folder}.")
    plan = Plan(folder, year, json.loads(across) if across else None)
    _ = plan.text  # read now: a wrong year or a malformed plan.yaml stops here
    return plan


def part_digest(plan: Plan, path: Path, part: str) -> str | None:
    """The hash a part of a data file of ``plan`` (or of last year's) has now; None for a
    file of neither."""
    for year in [plan, plan.previous] if plan.previous else [plan]:
        if path.resolve() == year.file("units.csv").resolve():
            return year.part_digest(part)
    return None


def kept_plan(data_dir: str | Path, year: int, across: str = "") -> Plan:
    """:func:`load_plan`, kept for the next page that asks for it in this process, as long as
    nothing in the data folder changed (its files' contents, :func:`folder_state`). A kernel
    runs page after page of one plan, each of which would read, check and derive the same
    figures again; what each page uses of it is noted as if the page had read it
    (:class:`noted_property`). The plan is read from the folder's full path, so that the
    pages of both folders of a book (its chapters, its units) share it. The plan is shared:
    a page must not change it."""
    folder = Path(data_dir).resolve()
    key = (str(folder), year, across)
    state = folder_state(folder)
    known = _KEPT.pop(key, None)
    plan = known[1] if known and known[0] == state else load_plan(folder, year, across)
    _ = plan.text  # what the page reads first, noted
    _KEPT[key] = state, plan
    while len(_KEPT) > KEPT:
        del _KEPT[next(iter(_KEPT))]
    return plan


KEPT = 8
"""Plans :func:`kept_plan` keeps, the most recently asked for."""
_KEPT: dict[tuple, tuple[str, Plan]] = {}
