"""One figure edited: rebuilt by ``make book``, and shown by ``make preview``."""
from __future__ import annotations

import csv
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from planbook.bench.runs import YEAR, Run, build
from planbook.data import table_file
from planbook.preview import free_port


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
