"""``make bench``: how fast the book builds, measured in one run on this machine.

Prints one table and the ratios the project holds to, and writes them to
``_build/bench.json``:

- the 2023 book, built in a scratch copy of the project: clean build, no-change rebuild,
  rebuild after editing only the budget data, each with the notebooks it executed;
- the same pages built the way a user would without us — Jupyter Book with
  ``execute_notebooks: force``, one notebook after another — and the ratio of the two;
- synthetic plans of 16, 64 and 256 units (generated into a temporary folder, unit names
  marked "mô phỏng"): clean build time, marginal seconds per added unit between each size and
  the next (``steps``), peak memory of the whole process tree. ``--sizes 16 64 256 1024`` adds
  sizes; ``marginal_unit_s`` and ``linearity`` stay those of 16, 64 and 256 when measured;
- editing one figure of Biểu số 01, in the 2023 book and the 256 units' (the first unit's
  printed reduction, which its own page, Biểu số 01 and the checks show): the rebuild by
  ``make book`` over the clean build (``edit_over_clean``, the mean of two such edits), and
  the seconds from the edit to the page served by ``make preview`` showing it
  (``preview_edit_s``, the median of three edits); in the 2023 book also a count (the first
  unit's households, which every page's rates and charts show: ``count_edit_over_clean``).

- a site of N small books (``--books 4 16 64``: made-up plans of 7 units each, written by
  ``examples/make_province.py``), built clean in one run: ``books_marginal_s``, the whole build
  per added book 16→64, and ``books_linearity``, that cost over 4→16's.

Usage: ``python -m planbook.bench [--sizes 16 64 256] [--books 4 16 64] [--only books]``
(``--only books``: the site of N books alone, its figures added to ``_build/bench.json``).
"""
from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from pathlib import Path

from planbook.bench.books import books_summary, site_of_books
from planbook.bench.edits import edit_budget, edit_runs
from planbook.bench.runs import (
    TARGET_SIZES,
    YEAR,
    Run,
    baseline,
    build,
    copy_project,
    marginal,
    synthetic_data,
    table,
)

__all__ = ["Run", "copy_project", "main", "report", "summary", "synthetic_data"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m planbook.bench",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[16, 64, 256])
    parser.add_argument("--books", type=int, nargs="*", default=[4, 16, 64])
    parser.add_argument("--only", choices=["books"])
    args = parser.parse_args(argv)
    root = Path(__file__).resolve().parents[2]
    data = root / "data" / str(YEAR)
    out = root / "_build" / "bench.json"
    with tempfile.TemporaryDirectory(prefix="planbook-bench-") as scratch:
        site_runs = [site_of_books(root, Path(scratch) / f"books-{n}", n) for n in args.books]
    print(table(site_runs))
    books = books_summary(site_runs)
    print("\n".join(f"{key}: {value}" for key, value in books.items()))
    if args.only == "books":
        try:
            figures = json.loads(out.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            figures = {}
        out.parent.mkdir(exist_ok=True)
        out.write_text(json.dumps(figures | books, indent=1, ensure_ascii=False) + "\n",
                       encoding="utf-8")
        print(f"\nwritten: {out}")
        return
    with tempfile.TemporaryDirectory(prefix="planbook-bench-") as scratch:
        scratch = Path(scratch)
        published = copy_project(root, scratch / "published", root / "data")
        runs = [build(published, "2023 plan: clean build")]
        runs.append(build(published, "2023 plan: no-change rebuild"))
        edit_budget(published)
        runs.append(build(published, "2023 plan: rebuild after a budget-only edit"))
        runs.append(baseline(published, scratch / "baseline"))
        edits = edit_runs(published, runs[0])
        synthetic_runs = []
        for units in args.sizes:
            synthetic = synthetic_data(data, scratch / f"synthetic-{units}" / str(YEAR), units)
            project = copy_project(root, scratch / f"synthetic-{units}", synthetic.parent)
            synthetic_runs.append(build(project, f"synthetic plan, {units} units: clean build",
                                       units))
            if units == TARGET_SIZES[-1]:
                edits |= edit_runs(project, synthetic_runs[-1], count=False)
    print(table(runs + synthetic_runs + [run for run in edits.values() if isinstance(run, Run)]))
    figures = summary(runs, synthetic_runs, edits) | books
    print()
    for line in report(figures):
        print(line)
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(figures, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwritten: {out}")

def summary(runs: list[Run], synthetic: list[Run], edits: dict | None = None) -> dict:
    """The figures the project holds to, for ``_build/bench.json``."""
    clean, nochange, budget_edit, force = runs
    edits = edits or {}
    figures = {
        "clean_s": round(clean.seconds, 2), "force_s": round(force.seconds, 2),
        "clean_over_force": round(clean.seconds / force.seconds, 3),
        "noop_over_clean": round(nochange.seconds / clean.seconds, 3),
        "budget_edit_executed": list(budget_edit.names),
        "peak_mib": round(max(r.peak_mib for r in runs + synthetic)),
        "sizes": {str(r.units): {"seconds": round(r.seconds, 2),
                                 "notebooks_s": round(r.execution, 2),
                                 "peak_mib": round(r.peak_mib)} for r in synthetic}}
    steps = list(zip(synthetic, synthetic[1:]))
    figures["steps"] = {f"{a.units}-{b.units}": {"marginal_unit_s": round(marginal(a, b), 3),
                                                 "marginal_notebook_s": round(
                                                     marginal(a, b, "execution"), 3)}
                        for a, b in steps}
    # The figures the project holds to: 64→256 and 16→64 when measured, else the last steps.
    sizes = [r.units for r in synthetic]
    held = [synthetic[sizes.index(n)] for n in TARGET_SIZES] if set(TARGET_SIZES) <= set(sizes) \
        else synthetic[-3:]
    if len(held) >= 2:
        figures["marginal_unit_s"] = round(marginal(*held[-2:]), 3)
        figures["marginal_notebook_s"] = round(marginal(*held[-2:], "execution"), 3)
    if len(held) >= 3:
        a, b, c = held[-3:]
        figures["linearity"] = round(marginal(b, c) / marginal(a, b), 3)
    cleans = {str(YEAR): clean, **{str(r.units): r for r in synthetic}}
    for book, run in cleans.items():
        where = figures if book == str(YEAR) else figures["sizes"][book]
        if f"{book}:edit" in edits:
            where["edit_over_clean"] = round(edits[f"{book}:edit"].seconds / run.seconds, 3)
            where["edit_executed"] = edits[f"{book}:edit"].executed
            where["edits_s"] = [round(s, 2) for s in edits[f"{book}:edits"]]
        if f"{book}:count" in edits:
            where["count_edit_over_clean"] = round(edits[f"{book}:count"].seconds / run.seconds,
                                                   3)
        if f"{book}:preview" in edits:
            where["preview_edit_s"] = round(statistics.median(edits[f"{book}:preview"]), 2)
            where["preview_edits_s"] = [round(s, 2) for s in edits[f"{book}:preview"]]
    return figures

def report(figures: dict) -> list[str]:
    """The figures in words, each with its target."""
    lines = [f"clean build / forced jupyter-book build: {figures['clean_over_force']:.2f} "
             "(target ≤ 0.25)",
             f"no-change rebuild / clean build:         {figures['noop_over_clean']:.2f} "
             "(target ≤ 0.10)",
             f"budget-only edit executed: {', '.join(figures['budget_edit_executed'])} "
             "(target: no unit page)",
             f"peak memory: {figures['peak_mib']} MiB (target < 2048)"]
    for step, cost in figures["steps"].items():
        lines.append(f"marginal cost per added unit, {step} units: {cost['marginal_unit_s']:.3f} s "
                     f"for the whole build, {cost['marginal_notebook_s']:.3f} s of it executing "
                     "its page")
    if "marginal_unit_s" in figures:
        lines.append(f"marginal cost per added unit held to: {figures['marginal_unit_s']:.3f} s "
                     "(target ≤ 0.35)")
    if "linearity" in figures:
        lines.append(f"linearity (marginal cost 64→256 / 16→64): "
                     f"{figures['linearity']:.2f} (target ≤ 1.2)")
    books = [(str(YEAR), figures, 3)] + [(f"{units} units", figures["sizes"][units], 5)
                                         for units in figures["sizes"]]
    for book, where, preview_target in books:
        if "edit_over_clean" in where:
            lines.append(f"{book}: one printed figure edited, make book / clean build: "
                         f"{where['edit_over_clean']:.2f} (the mean of {where['edits_s']} s; "
                         f"{where['edit_executed']} notebooks; target ≤ 0.5)")
        if "count_edit_over_clean" in where:
            lines.append(f"{book}: one household count edited, make book / clean build: "
                         f"{where['count_edit_over_clean']:.2f} (every page shows it)")
        if "preview_edit_s" in where:
            lines.append(f"{book}: make preview, edit to page shown: {where['preview_edit_s']:.1f}"
                         f" s, median of {where['preview_edits_s']} (target ≤ {preview_target} s)")
    return lines
