"""What a book was built from: data file hashes, parameters, package versions, code version."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
from importlib.metadata import version
from pathlib import Path

from markupsafe import Markup

from planbook import fmt, tables
from planbook.data import Plan, read_bytes

PACKAGES = ("jupyter-book", "myst-nb", "sphinx", "papermill", "nbval", "pandas", "pandera",
            "matplotlib", "babel", "jinja2", "pydantic")


def data_hashes(plan: Plan) -> dict[str, str]:
    """SHA-256 of each data file of the year, keyed by its path inside the data folder."""
    return {f"{plan.year}/{path.name}": hashlib.sha256(read_bytes(path)).hexdigest()
            for path in plan.files}


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
    grouped = [[name, " ".join(h[i:i + 16] for i in range(0, len(h), 16))]
               for name, h in data_hashes(plan).items()]
    files = tables.list_table(["Tệp dữ liệu", "SHA-256 (cách 16 ký tự)"], grouped,
                              "Tệp dữ liệu và mã băm SHA-256", "ma-bam", widths=[30, 70])
    rows = [[name, version(name)] for name in PACKAGES]
    commit = code_version(Path(__file__).resolve().parent.parent)
    if commit:
        rows.append(["planbook (git)", commit])
    packages = tables.list_table(["Gói phần mềm", "Phiên bản"], rows, "Phiên bản phần mềm",
                                 "phien-ban", widths=[50, 50])
    return Markup("\n".join([params, files, packages]))


def built_at() -> Markup:
    """When this page was executed (``SOURCE_DATE_EPOCH`` when set, for reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch
              else dt.datetime.now(dt.timezone.utc))
    return Markup(f"Trang này được chạy lúc {moment:%H:%M} (UTC) "
                  f"{fmt.date(moment.date())}; các chương khác chạy lại khi một tệp đầu vào "
                  "của chúng thay đổi.")
