"""The runs the benchmark measures: a scratch copy of the project, a build and its figures
(seconds, notebooks run, peak memory), the forced Jupyter Book build, a synthetic plan."""
from __future__ import annotations

import csv
import random
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import psutil
import yaml

from planbook.data import table_file

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

def marginal(small: Run, large: Run, attribute: str = "seconds") -> float:
    """Seconds per unit added between two synthetic plans."""
    return (getattr(large, attribute) - getattr(small, attribute)) / (large.units - small.units)

def table(runs: list[Run]) -> str:
    lines = [f"{'what':<58} {'seconds':>8} {'of which notebooks':>18} {'executed':>9} "
             f"{'peak MiB':>9}"]
    for r in runs:
        notebooks = "" if r.execution is None else f"{r.execution:.1f}"
        lines.append(f"{r.label:<58} {r.seconds:>8.1f} {notebooks:>18} "
                     f"{'' if r.executed is None else r.executed:>9} "
                     f"{'' if r.peak_mib is None else f'{r.peak_mib:.0f}':>9}")
    return "\n".join(lines)
