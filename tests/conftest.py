"""Shared fixtures: the 2023 data as loaded by the package, and the built site; a scratch copy
of the project to build other data in."""
import hashlib
import shutil
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
MADE_UP = ROOT / "tests" / "made_up"
LEGACY = ROOT / "tests" / "legacy"
"""The 2023 plan's data as written for an earlier version: the plan's text by field."""


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


def build_edited(project: Path, path: Path, old: str, new: str,
                 year: int | None = None) -> subprocess.CompletedProcess:
    """Build with ``old`` replaced by ``new`` in the file ``path``, then put the file back."""
    good = path.read_text(encoding="utf-8")
    assert old in good, old
    path.write_text(good.replace(old, new), encoding="utf-8")
    try:
        return build(project, year)
    finally:
        path.write_text(good, encoding="utf-8")


def digest(folder: Path) -> str:
    """One hash of every file below ``folder`` and its name: equal digests, same site."""
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return h.hexdigest()


def build(project: Path, year: int | None = None) -> subprocess.CompletedProcess:
    """``python -m planbook build`` in ``project``: every year, or only ``year``."""
    years = ["--year", str(year)] if year else []
    return subprocess.run([sys.executable, "-m", "planbook", "build", "--root", str(project),
                           *years], capture_output=True, text=True)


@pytest.fixture(scope="session")
def two_years(tmp_path_factory):
    """A scratch project with the 2023 plan and the made-up 2024 (tests/made_up/), built."""
    project = scratch_project(tmp_path_factory.mktemp("years"))
    shutil.copytree(MADE_UP / "2024", project / "data" / "2024")
    result = build(project)
    assert result.returncode == 0, result.stderr
    return project
