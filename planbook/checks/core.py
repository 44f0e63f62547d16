"""What a check is and finds (:class:`Check`, :class:`Finding`, :class:`Outcome`), and
the words the checks share for figures and places."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from planbook import derive, fmt
from planbook.data import UNIT_PRINTED, Plan

COUNT_WORDS = {2: "hai", 3: "ba", 4: "bốn", 5: "năm", 6: "sáu", 7: "bảy", 8: "tám", 9: "chín"}
"""How a check's explanation says a small count ("ở cả ba cột kinh phí")."""
RATE_DIGITS = 2
"""Rates are printed with two decimals (0,42%); a computed rate matches when it rounds to it."""
TOTAL_ROW = "Tổng cộng"
"""How a reader's note names a form's total row."""


@dataclass(frozen=True)
class Finding:
    """One disagreement: where (for the clerk: the file and its row), what is printed, what
    the plan's own numbers give, and what figure of the book it is ``about`` (``unit:<name>``,
    ``units-total``, ``budget:<tt>``, ``budget-total``, ``text:<tt>`` (a project of the
    text), ``section:<n>`` (a figure of the plan's n-th section), ``form:<form>:<row>``; none for a finding that is not about a figure of this year's plan), so
    that the page showing that figure can say so next to it (:func:`planbook.text.doubts`).
    ``item`` names the line for a reader ("Đa Mai", "mục 2.1", "Tổng cộng"); ``cell`` is
    the column of the form marked as disagreeing (``reduction``, ``partners``…), none when no
    one cell of the form is at odds."""
    where: str
    printed: str
    computed: str
    note: str = ""
    about: str = ""
    item: str = ""
    cell: str = ""


@dataclass(frozen=True)
class Check:
    """A named comparison; ``find`` returns its findings for a plan. ``title`` and
    ``explanation`` may name the plan's units (``{units}``), its whole (``{all}``), the
    number of money columns of Biểu số 02 (``{columns}``) and the numeral of a section of the
    plan (``{projects}``: III);
    ``applies`` says whether the check belongs in this plan's book at all (those comparing with
    last year need last year's plan); ``why_not`` says why the plan has nothing for the check to
    compare ("" when it has); ``about`` names the kinds of
    figure its findings can be about (``unit`` for ``unit:<name>``, ``units-total``…), so that
    a page asking about one figure runs only the checks that can speak of it. A check about
    units only takes, after the plan, the names of the units a page asks about. ``says`` is
    what its findings mean, in a reader's words, for the notes; ``sides`` name the two values
    it compares (the printed one first), in the notes and over the findings' columns."""
    name: str
    title: str
    explanation: str
    find: Callable[[Plan], list[Finding]]
    why_not: Callable[[Plan], str] = lambda plan: ""
    applies: Callable[[Plan], bool] = lambda plan: True
    about: tuple[str, ...] = ()
    says: str = ""
    sides: tuple[str, str] = ("kế hoạch in", "tính lại được")


@dataclass(frozen=True)
class Outcome:
    """A check, its title, explanation, reader's words and sides in the plan's words, and what
    it found (no findings = passed); a check with nothing to compare did not run and says why
    (``not_applicable``)."""
    check: Check
    title: str
    explanation: str
    findings: list[Finding] = field(default_factory=list)
    not_applicable: str = ""
    says: str = ""
    sides: tuple[str, str] = ("", "")

    @property
    def ran(self) -> bool:
        return not self.not_applicable

    @property
    def passed(self) -> bool:
        return self.ran and not self.findings


def _rate_text(value: float) -> str:
    return fmt.percent(value, RATE_DIGITS)


def _money_words(value) -> str:
    return "trống" if value is None or pd.isna(value) else fmt.number(int(value)) + " triệu đồng"


def _amount(value) -> int:
    """A money cell as a number: blank counts as 0, as in the printed table's sums."""
    return 0 if value is None or pd.isna(value) else int(value)


def _unit_where(plan: Plan, row) -> str:
    return f"Biểu số 01, {row.unit} ({plan.location('units.csv', row.row)})"


def _budget_where(plan: Plan, row) -> str:
    return f"Biểu số 02, mục {row.tt} ({plan.location('budget.csv', row.row)})"


def _budget_rows(plan: Plan) -> list[tuple[object, str, str, str]]:
    """Each row of Biểu số 02 and the Tổng cộng row, with where it is, what it is about and
    how a reader names it."""
    total = plan.budget_total
    return [*[(r, _budget_where(plan, r), f"budget:{r.tt}", f"mục {r.tt}")
              for r in plan.budget.itertuples()],
            (total, f"Biểu số 02, dòng Tổng cộng ({plan.location('budget.csv', total.row)})",
             "budget-total", TOTAL_ROW)]


def _units(plan: Plan, only: set[str] | None) -> pd.DataFrame:
    """The unit table with its printed and computed figures, or the rows of the units ``only``
    names (a unit's page asks about its own: checking every unit on every page made the build
    grow with the square of the units; and it reads the printed figures of its own row only,
    so that it runs again when they change, not when another row's do)."""
    table = derive.units(plan)
    if only is None:
        return table.join(plan.units[UNIT_PRINTED])
    table = table[table.unit.isin(only)]
    return table.join(pd.concat([plan.printed(unit) for unit in table.unit]))


FORMS = {"bieu-01": ("unit:*", "units-total", "form:bieu-01:*"),
         "bieu-02": ("budget:*", "budget-total", "text:*", "form:bieu-02:*")}
"""The figures of each of the plan's forms (Biểu số 01, 02) as findings name them: a finding
about one of them concerns that form; its note stands under the form, its cell is marked."""
