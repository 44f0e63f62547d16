"""The pandera schemas of the tables, and their failures as clerk messages."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from planbook import forms
from planbook.data.columns import _CODE, normalise_name
from planbook.data.errors import DataError, _where
from planbook.data.plan_text import Locality


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
