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
import csv
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import nbformat
import psutil
import yaml

from planbook.data import table_file
from planbook.preview import free_port

PROJECT_FILES = ("_config.yml", "_toc.yml", "_static", "_templates", "locales", "notebooks",
                 "requirements.txt")
YEAR = 2023
TARGET_SIZES = (16, 64, 256)
"""The sizes whose marginal costs the targets speak of (linearity: 64→256 over 16→64)."""


@dataclass
class Run:
    label: str
    seconds: float
    executed: int | None = None
    peak_mib: float | None = None
    units: int | None = None
    names: tuple[str, ...] = ()
    execution: float | None = None


def copy_project(root: Path, dest: Path, data: Path) -> Path:
    """A scratch project: the book's sources and ``data`` as its data folder."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        source = root / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, dest / name)
    shutil.copytree(data, dest / "data")
    return dest


def measure(command: list[str], cwd: Path) -> tuple[float, str, float]:
    """Run a command; return seconds, its output and the peak RSS (MiB) of its process tree."""
    peak = 0.0
    started = time.perf_counter()
    process = psutil.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True)
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(process.stdout))
    reader.start()
    while process.poll() is None:
        try:
            tree = [process, *process.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.05)
    reader.join()
    seconds = time.perf_counter() - started
    text = "".join(output)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed in {cwd}:\n{text[-3000:]}")
    return seconds, text, peak / 2**20


def build(project: Path, label: str, units: int | None = None) -> Run:
    seconds, text, peak = measure([sys.executable, "-m", "planbook", "build", "--year",
                                   str(YEAR)], project)
    executed = int(re.search(r"[Đđ]ã chạy (\d+) notebook", text).group(1))
    names = tuple(re.findall(r"^\[\d+/\d+\] (\S+)", text, re.M))
    timed = re.search(r"Đã chạy \d+ notebook trong ([\d.]+) s", text)
    return Run(label, seconds, executed, peak, units, names,
               float(timed.group(1)) if timed else 0.0)


def baseline(project: Path, dest: Path) -> Run:
    """The same executed pages, outputs cleared, built by Jupyter Book with forced execution."""
    shutil.copytree(project, dest, ignore=shutil.ignore_patterns("_build", ".executed.json"))
    (dest / "book" / str(YEAR)).rename(dest / "book.year")  # the year's book as the project's
    shutil.rmtree(dest / "book")
    (dest / "book.year").rename(dest / "book")
    for path in (dest / "book").rglob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        nbformat.write(nb, path)
    config = yaml.safe_load((dest / "_config.yml").read_text(encoding="utf-8"))
    config["execute"] = {"execute_notebooks": "force", "timeout": 600}
    (dest / "_config.yml").write_text(yaml.safe_dump(config, allow_unicode=True),
                                      encoding="utf-8")
    jupyter_book = str(Path(sys.executable).with_name("jupyter-book"))
    seconds, _, peak = measure([jupyter_book, "build", ".", "-q"], dest)
    pages = len(list((dest / "book").rglob("*.ipynb")))
    return Run("jupyter-book build, execute_notebooks: force (serial)", seconds, pages, peak)


def synthetic_data(source: Path, dest: Path, units: int) -> Path:
    """``source``'s year with its unit table replaced by ``units`` made-up units (under the
    name the year has it)."""
    shutil.copytree(source, dest)
    rng = random.Random(units)
    rows = []
    for i in range(1, units + 1):
        households = rng.randint(1200, 5000)
        poor_prev = rng.randint(0, 30)
        poor_target = max(0, poor_prev - rng.randint(0, 2))
        rows.append([str(i), f"Đơn vị mô phỏng {i:03d}", households, poor_prev,
                     round(100 * poor_prev / households, 2), poor_target,
                     round(100 * poor_target / households, 2), poor_prev - poor_target])
    total = [sum(r[k] for r in rows) for k in (2, 3, 5)]
    rows.append(["", "Tổng cộng", total[0], total[1], round(100 * total[1] / total[0], 2),
                 total[2], round(100 * total[2] / total[0], 2), total[1] - total[2]])
    with open(table_file(dest, "units.csv"), "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["tt", "unit", "households", "poor_prev", "rate_prev", "poor_target",
                         "rate_target", "reduction"])
        writer.writerows(rows)
    return dest


def edit_budget(project: Path) -> None:
    """Change one figure of Biểu số 02 (a sub-project's and its project's 2023 funds)."""
    path = project / "data" / str(YEAR) / "budget.csv"
    rows = list(csv.reader(path.open(encoding="utf-8")))
    header = rows[0]
    column = header.index("content")
    rows[-2][column] += " (đã sửa)"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)


def edit_units(project: Path, column: str = "reduction") -> tuple[str, str]:
    """Add one to the first unit's ``column`` of Biểu số 01; return the unit and the figure."""
    path = table_file(project / "data" / str(YEAR), "units.csv")
    rows = list(csv.reader(path.open(encoding="utf-8")))
    first = rows[1]
    first[rows[0].index(column)] = figure = str(int(first[rows[0].index(column)]) + 1)
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return first[rows[0].index("unit")], figure


def preview_edits(project: Path, edits: int = 3, timeout: float = 600) -> list[float]:
    """With ``make preview`` running in ``project``: the seconds from each of ``edits`` edits of
    the first unit's printed reduction to the served Biểu số 01 showing the new figure."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "planbook", "preview", "--year", str(YEAR),
                                "--port", str(port)], cwd=project, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    ready = threading.Event()
    threading.Thread(target=lambda: [ready.set() for line in process.stdout
                                     if line.startswith("Sẵn sàng")], daemon=True).start()
    try:
        if not ready.wait(timeout):
            raise SystemExit(f"make preview did not start in {project}")
        seconds = []
        for _ in range(edits):
            unit, figure = edit_units(project)
            started = time.perf_counter()
            shown = re.compile(re.escape(unit) + r"</td>(\s*<td[^>]*>.*?</td>){5}\s*<td[^>]*>"
                               + figure + "<")  # a cell in doubt is marked after its figure
            while not shown.search(_served(port, "/2023/book/appendix.html")):
                if time.perf_counter() - started > timeout:
                    raise SystemExit(f"make preview never showed the edit in {project}")
                time.sleep(0.05)
            seconds.append(time.perf_counter() - started)
        return seconds
    finally:
        process.terminate()
        process.wait(timeout=120)


def _served(port: int, path: str) -> str:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as page:
            return page.read().decode("utf-8")
    except OSError:
        return ""


def table(runs: list[Run]) -> str:
    lines = [f"{'what':<58} {'seconds':>8} {'of which notebooks':>18} {'executed':>9} "
             f"{'peak MiB':>9}"]
    for r in runs:
        notebooks = "" if r.execution is None else f"{r.execution:.1f}"
        lines.append(f"{r.label:<58} {r.seconds:>8.1f} {notebooks:>18} "
                     f"{'' if r.executed is None else r.executed:>9} "
                     f"{'' if r.peak_mib is None else f'{r.peak_mib:.0f}':>9}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[16, 64, 256])
    parser.add_argument("--books", type=int, nargs="*", default=[4, 16, 64])
    parser.add_argument("--only", choices=["books"])
    args = parser.parse_args(argv)
    root = Path(__file__).resolve().parent.parent
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


def site_of_books(root: Path, scratch: Path, books: int) -> Run:
    """A clean build of a site of ``books`` made-up books of 7 units each (no parent)."""
    data = scratch / "data"
    subprocess.run([sys.executable, str(root / "examples" / "make_province.py"), str(data),
                    "--units", str(books)], check=True, capture_output=True)
    shutil.rmtree(data / "tinh-tra-son")
    project = copy_project(root, scratch / "project", data)
    seconds, text, peak = measure([sys.executable, "-m", "planbook", "build"], project)
    if "Đã dựng xong" not in text:
        raise SystemExit(f"the site of {books} books did not build:\n{text[-3000:]}")
    executed = sum(int(n) for n in re.findall(r"Đã chạy (\d+) notebook trong", text))
    return Run(f"site of {books} books of 7 units: clean build", seconds, executed, peak, books)


def books_summary(runs: list[Run]) -> dict:
    """Seconds of whole build per added book, 16→64 (the last two sizes), and its linearity
    against 4→16 (the first two)."""
    if len(runs) < 3:
        return {}
    first, middle, last = runs[0], runs[-2], runs[-1]
    marginal = _marginal(middle, last)
    return {"books_s": {str(r.units): round(r.seconds, 1) for r in runs},
            "books_marginal_s": round(marginal, 2),
            "books_linearity": round(marginal / _marginal(first, middle), 2)}


def edit_runs(project: Path, clean: Run, count: bool = True) -> dict:
    """After the clean build ``clean`` of ``project``: a rebuild after one printed figure of
    Biểu số 01 was edited (the mean of two such edits), after one count was (``count``),
    and ``make preview``'s time from an edit to the page; keyed by the book's size ("2023" or
    the units)."""
    book = str(clean.units or YEAR)
    name = f"{book} plan" if book == str(YEAR) else f"synthetic plan, {book} units"
    edits = []
    for _ in range(2):  # two edits, their mean: the machine may be shared
        edit_units(project)
        edits.append(build(project, f"{name}: rebuild after one printed figure", clean.units))
    found = {f"{book}:edit": Run(edits[0].label, statistics.mean(r.seconds for r in edits),
                                 edits[0].executed, max(r.peak_mib for r in edits), clean.units,
                                 edits[0].names, statistics.mean(r.execution for r in edits)),
             f"{book}:edits": [run.seconds for run in edits]}
    if count:
        edit_units(project, "households")
        found[f"{book}:count"] = build(project, f"{name}: rebuild after one household count",
                                       clean.units)
    found[f"{book}:preview"] = preview_edits(project)
    return found


def _marginal(small: Run, large: Run, attribute: str = "seconds") -> float:
    """Seconds per unit added between two synthetic plans."""
    return (getattr(large, attribute) - getattr(small, attribute)) / (large.units - small.units)


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
    figures["steps"] = {f"{a.units}-{b.units}": {"marginal_unit_s": round(_marginal(a, b), 3),
                                                 "marginal_notebook_s": round(
                                                     _marginal(a, b, "execution"), 3)}
                        for a, b in steps}
    # The figures the project holds to: 64→256 and 16→64 when measured, else the last steps.
    sizes = [r.units for r in synthetic]
    held = [synthetic[sizes.index(n)] for n in TARGET_SIZES] if set(TARGET_SIZES) <= set(sizes) \
        else synthetic[-3:]
    if len(held) >= 2:
        figures["marginal_unit_s"] = round(_marginal(*held[-2:]), 3)
        figures["marginal_notebook_s"] = round(_marginal(*held[-2:], "execution"), 3)
    if len(held) >= 3:
        a, b, c = held[-3:]
        figures["linearity"] = round(_marginal(b, c) / _marginal(a, b), 3)
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


if __name__ == "__main__":
    main()
