"""A site of N small made-up books (``examples/make_province.py``), built clean."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from planbook.bench.runs import Run, copy_project, marginal, measure


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
    per_book = marginal(middle, last)
    return {"books_s": {str(r.units): round(r.seconds, 1) for r in runs},
            "books_marginal_s": round(per_book, 2),
            "books_linearity": round(per_book / marginal(first, middle), 2)}
