"""Shared fixtures: the 2023 data as loaded by the package, and the built site."""
from pathlib import Path

import pytest

from planbook.data import load_plan

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SITE = ROOT / "_build" / "html"


@pytest.fixture(scope="session")
def plan():
    return load_plan(DATA, 2023)


@pytest.fixture(scope="session")
def site():
    if not (SITE / "index.html").is_file():
        pytest.fail(f"{SITE} is not built: run `make book` first")
    return SITE
