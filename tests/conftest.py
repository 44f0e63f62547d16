"""Shared fixtures: the 2023 data as loaded by the package, and the built site; a scratch copy
of the project to build other data in."""
import subprocess
import sys
from pathlib import Path

import pytest

from planbook.bench import copy_project
from planbook.data import load_plan

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SITE = ROOT / "_build" / "html" / "2023"
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def plan():
    return load_plan(DATA, 2023)


@pytest.fixture(scope="session")
def site():
    if not (SITE / "index.html").is_file():
        pytest.fail(f"{SITE} is not built: run `make book` first")
    return SITE


def scratch_project(dest: Path, data: Path = DATA) -> Path:
    """A copy of the project's sources (not its build) in ``dest``, with ``data`` as its
    ``data/`` folder."""
    return copy_project(ROOT, dest, data)


def build(project: Path, year: int | None = None) -> subprocess.CompletedProcess:
    """``python -m planbook build`` in ``project``: every year, or only ``year``."""
    years = ["--year", str(year)] if year else []
    return subprocess.run([sys.executable, "-m", "planbook", "build", "--root", str(project),
                           *years], capture_output=True, text=True)
