"""Shared fixtures: the 2023 data as loaded by the package, and the built site; a scratch copy
of the project to build other data in. Every test is marked by what it needs (:func:`kinds`), so
that ``make check`` runs the unit tests alone, without a build."""
import hashlib
import shutil
import subprocess
import sys
import types
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


KINDS = {
    "build": ({"SITE"}, {"planbook build"}),
    "browser": ({"sync_playwright", "CHROMIUM"}, {"chromium"}),
    "pdf": ({"pdf_path"}, {"pdftotext", "pdfinfo", "pdffonts"}),
}
"""What a test needs, known by the names or the words its code holds: the built site (``SITE``)
or a build of its own (``python -m planbook build``), a browser, the PDF's tools."""
COMMANDS = (("planbook", "build"), ("planbook", "preview"))
"""The words of ``python -m planbook build`` and ``… preview`` (a build too, and a server),
named here, out of :func:`kinds`' own code."""
TESTS = Path(__file__).resolve().parent


def reached(functions) -> list[types.CodeType]:
    """The code of ``functions`` and of every function of the tests they name, nested code
    (lambdas, comprehensions, inner functions) included."""
    todo = [(f.__code__, f.__globals__) for f in functions]
    seen = []
    while todo:
        code, names = todo.pop()
        if code in seen:
            continue
        seen.append(code)
        todo += [(c, names) for c in code.co_consts if isinstance(c, types.CodeType)]
        for name in code.co_names:
            f = names.get(name)
            if isinstance(f, types.FunctionType) and TESTS in Path(f.__code__.co_filename).parents:
                todo.append((f.__code__, f.__globals__))
    return seen


def kinds(functions) -> set[str]:
    """The kinds (:data:`KINDS`) of a test whose function and fixtures are ``functions``."""
    found = set()
    for code in reached(functions):
        words = {c for c in code.co_consts if isinstance(c, str)}
        if any(set(command) <= words for command in COMMANDS):
            words.add("planbook build")
        found |= {kind for kind, (names, consts) in KINDS.items()
                  if names & set(code.co_names) or consts & words}
    return found


def pytest_collection_modifyitems(items):
    for item in items:
        if not isinstance(item, pytest.Function):
            continue
        fixtures = [defs[-1].func for defs in item._fixtureinfo.name2fixturedefs.values()]
        for kind in sorted(kinds([item.function, *fixtures])):
            item.add_marker(kind)
