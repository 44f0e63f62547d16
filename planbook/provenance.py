"""What a book was built from: data file hashes, parameters, package versions, code version."""
from __future__ import annotations

import hashlib
import subprocess
from importlib.metadata import version
from pathlib import Path

from markupsafe import Markup

from planbook import tables
from planbook.data import DATA_FILES, Plan

PACKAGES = ("jupyter-book", "myst-nb", "sphinx", "papermill", "nbval", "pandas", "pandera",
            "matplotlib", "babel", "jinja2", "pydantic")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def data_hashes(plan: Plan) -> dict[str, str]:
    """SHA-256 of each data file of the year, keyed by its path inside the data folder."""
    return {f"{plan.year}/{name}": sha256(plan.folder / name) for name in DATA_FILES}


def code_version(root: Path) -> str:
    """``git describe`` of the repository holding the package, or "" outside git."""
    try:
        return subprocess.run(["git", "describe", "--always", "--dirty"], cwd=root,
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def report(plan: Plan, parameters: dict[str, object]) -> Markup:
    """Three tables: parameters, data files with hashes, package versions."""
    params = tables.list_table(["Tham số", "Giá trị"], [[k, str(v)] for k, v in parameters.items()],
                               "Tham số của lần dựng sách", "tham-so", widths=[30, 70])
    files = tables.list_table(["Tệp dữ liệu", "SHA-256"], list(data_hashes(plan).items()),
                              "Tệp dữ liệu và mã băm SHA-256", "ma-bam", widths=[30, 70])
    rows = [[name, version(name)] for name in PACKAGES]
    commit = code_version(Path(__file__).resolve().parent.parent)
    if commit:
        rows.append(["planbook (git)", commit])
    packages = tables.list_table(["Gói phần mềm", "Phiên bản"], rows, "Phiên bản phần mềm",
                                 "phien-ban", widths=[50, 50])
    return Markup("\n".join([params, files, packages]))
