"""Shared fixtures: the 2023 data as loaded by the package, and the built site; a scratch copy
of the project to build other data in."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from planbook.data import load_plan

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SITE = ROOT / "_build" / "html"
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
    for name in ("_config.yml", "_toc.yml", "requirements.txt"):
        shutil.copy(ROOT / name, dest / name)
    for name in ("_static", "_templates", "locales", "notebooks"):
        shutil.copytree(ROOT / name, dest / name)
    shutil.copytree(data, dest / "data")
    return dest


def build(project: Path, year: int = 2023) -> subprocess.CompletedProcess:
    """``python -m planbook build`` of ``year`` in ``project``."""
    return subprocess.run([sys.executable, "-m", "planbook", "build", "--root", str(project),
                           "--year", str(year)], capture_output=True, text=True)
