"""Two years at once: last year's targets and funds against what this year's plan reports.

This year's Biểu số 01 gives, as "poor households at the end of last year", the result of last
year's plan; last year's Biểu số 01 gave the target. Units renamed, merged or split are matched
through ``crosswalk.csv``; every unit of last year is either matched or listed as unmatched.
This year's carry-over is what last year's funds did not spend.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from planbook import derive
from planbook.data import Plan, normalise_name


@dataclass(frozen=True)
class UnitResult:
    """Last year's units (``old``) and this year's (``new``) that are one place, with last
    year's target and the result this year's plan reports, both in poor households."""
    old: tuple[str, ...]
    new: tuple[str, ...]
    target: int
    result: int

    @property
    def label(self) -> str:
        """"A", "A → B" (renamed), "A + B → C" (merged), "A → B + C" (split)."""
        if self.old == self.new:
            return self.old[0]
        return f"{' + '.join(self.old)} → {' + '.join(self.new)}"

    @property
    def gap(self) -> int:
        """Poor households above (+) or below (−) the target."""
        return self.result - self.target

    @property
    def met(self) -> bool:
        return self.result <= self.target


@dataclass(frozen=True)
class UnitResults:
    matched: list[UnitResult]
    vanished: list[str]
    """Last year's units that match none of this year's."""
    arrived: list[str]
    """This year's units that match none of last year's (no target to compare with)."""

    @property
    def target(self) -> int:
        return sum(r.target for r in self.matched)

    @property
    def result(self) -> int:
        return sum(r.result for r in self.matched)


def unit_results(plan: Plan) -> UnitResults:
    """Each group of units linked by the same name or by ``crosswalk.csv`` (a merge or a split
    is one group), in this year's order."""
    previous = plan.previous
    old, new = list(previous.unit_counts.unit), list(plan.unit_counts.unit)
    links = [(name, name) for name in old if name in set(new)]
    links += list(zip(plan.crosswalk.old, plan.crosswalk.new))
    group = {("old", name): ("old", name) for name in old} | {("new", n): ("new", n) for n in new}

    def find(node):
        while group[node] != node:
            group[node] = group[group[node]]
            node = group[node]
        return node

    for a, b in links:
        group[find(("old", a))] = find(("new", b))
    members: dict = {}
    for node in group:
        members.setdefault(find(node), []).append(node)
    targets = dict(zip(previous.unit_counts.unit, previous.unit_counts.poor_target))
    results = dict(zip(plan.unit_counts.unit, plan.unit_counts.poor_prev))
    order = {name: i for i, name in enumerate(new)}
    matched, vanished, arrived = [], [], []
    for nodes in members.values():
        olds = tuple(n for side, n in nodes if side == "old")
        news = tuple(sorted((n for side, n in nodes if side == "new"), key=order.get))
        if not news:
            vanished.extend(olds)
        elif not olds:
            arrived.extend(news)
        else:
            matched.append(UnitResult(olds, news, int(sum(targets[n] for n in olds)),
                                      int(sum(results[n] for n in news))))
    matched.sort(key=lambda r: order[r.new[0]])
    return UnitResults(matched, vanished, sorted(arrived, key=order.get))


def unit_result(plan: Plan, unit: str) -> UnitResult | None:
    """The result of the group ``unit`` belongs to, or None when it had no target last year."""
    return next((r for r in unit_results(plan).matched if unit in r.new), None)


def _program_project(name: str) -> str:
    """A project's name in the national program ("Dự án 3"), the same from year to year."""
    label = name.split(":")[0]
    return normalise_name(re.sub(r"\s+", " ", label))


def project_results(plan: Plan) -> pd.DataFrame:
    """Per project of the national program: last year's funds, this year's carry-over (what
    last year did not spend), spent and the share spent; a project only one year has shows
    blanks for the other."""
    before = derive.project_sums(plan.previous)
    now = derive.project_sums(plan)
    before = before.assign(key=before.name.map(_program_project)).set_index("key")
    now = now.assign(key=now.name.map(_program_project)).set_index("key")
    table = pd.DataFrame({
        "name": now.name.combine_first(before.name),
        "funds": before.total_calc, "carry_over": now.carry_over_calc})
    table = table.loc[list(now.index) + [k for k in before.index if k not in now.index]]
    table["spent"] = table.funds - table.carry_over
    table["share"] = 100 * table.spent / table.funds.where(table.funds > 0)
    return table.reset_index(drop=True)
