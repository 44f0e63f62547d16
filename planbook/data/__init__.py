"""Load one year's plan data with types, and stop with a clerk-readable message when it is wrong.

A year's folder (``data/<year>/``) holds:

- ``plan.yaml``   — the plan's text and metadata (:class:`PlanText`);
- ``units.csv``   — Biểu số 01, poor households per unit of the locality (named as
  ``locality.units`` in ``plan.yaml`` says), last row the printed total; ``wards.csv``, its
  earlier name, is read too (:data:`planbook.data.files.EARLIER_NAMES`);
- ``budget.csv``  — Biểu số 02, projects and sub-projects, last row the printed grand total;
- ``agencies.csv``— the agencies that may lead or partner, with other spellings of their names;
- ``crosswalk.csv`` (optional) — units renamed, merged or split since last year;
- or, in place of the CSV files, ``ke-hoach.xlsx``: the clerk's workbook, one sheet per table
  (read by :mod:`planbook.clerk.workbook`, with the same checks and messages).

Tables are read as text and parsed here, so the forms spreadsheets really write are accepted:
a UTF-8 byte-order mark, CRLF line ends, thousands written ``2.244`` and decimals ``0,42``.
"""
from planbook.data.columns import (
                                   AGENCY_COLUMNS,
                                   BUDGET_COLUMNS,
                                   CROSSWALK_COLUMNS,
                                   UNIT_COLUMNS,
                                   UNIT_COUNTS,
                                   UNIT_PRINTED,
                                   normalise_name,
                                   parse_figure,
)
from planbook.data.errors import DataError
from planbook.data.files import (
                                   MAX_BYTES,
                                   READ,
                                   SHEETS,
                                   TOTAL_LABEL,
                                   WORKBOOK,
                                   check_header,
                                   control_characters,
                                   current_name,
                                   parse_table,
                                   read_bytes,
                                   read_csv,
                                   read_table,
                                   table_file,
                                   unknown_columns,
)
from planbook.data.plan import Plan, kept_plan, load_plan, part_digest
from planbook.data.plan_text import (
                                   Locality,
                                   PlanText,
                                   ProjectText,
                                   Section,
                                   budget_columns,
                                   load_text,
                                   load_yaml,
                                   unit_columns,
)
from planbook.folders import YEAR_NAME, data_years, odd_folders

__all__ = ["AGENCY_COLUMNS", "BUDGET_COLUMNS", "CROSSWALK_COLUMNS", "MAX_BYTES", "READ", "SHEETS",
           "TOTAL_LABEL", "UNIT_COLUMNS", "UNIT_COUNTS", "UNIT_PRINTED", "WORKBOOK", "YEAR_NAME",
           "DataError", "Locality", "Plan", "PlanText", "ProjectText", "Section", "budget_columns",
           "check_header", "control_characters", "current_name", "data_years", "kept_plan",
           "load_plan", "load_text", "load_yaml", "normalise_name", "odd_folders", "parse_figure",
           "parse_table", "part_digest", "read_bytes", "read_csv", "read_table", "table_file",
           "unit_columns", "unknown_columns"]
