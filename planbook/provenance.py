"""What a book was built from: for a reviewer, the plan, its data files and when; for whoever
builds it, on the site only, the parameters, the files' hashes and the software's versions."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
from importlib.metadata import version
from pathlib import Path

from markupsafe import Markup

from planbook import derive, downloads, fmt, tables, text
from planbook.data import Plan, current_name, read_bytes

PACKAGES = ("jupyter-book", "myst-nb", "sphinx", "papermill", "nbval", "pandas", "pandera",
            "matplotlib", "babel", "jinja2", "pydantic")
VIETNAM = dt.timezone(dt.timedelta(hours=7), "giờ Việt Nam")
HOW = ("Cuốn sách được dựng lại hoàn toàn từ các tệp dữ liệu bằng lệnh `make book`: mỗi chương "
       "là một notebook chạy bằng papermill với các tham số dưới đây, rồi Jupyter Book ghép "
       "thành trang web và bản PDF. Cùng dữ liệu và cùng phiên bản phần mềm cho cùng một cuốn "
       "sách.")
"""How the book is made, for whoever builds it (in the folded part of the site)."""


def data_hashes(plan: Plan) -> dict[str, str]:
    """SHA-256 of each data file of the year, keyed by its path inside the data folder."""
    return {f"{plan.year}/{path.name}": hashlib.sha256(read_bytes(path)).hexdigest()
            for path in plan.files}


def fingerprint(plan: Plan) -> str:
    """One short code for all the year's data files: the same files, the same code."""
    joined = "".join(f"{name}{digest}" for name, digest in sorted(data_hashes(plan).items()))
    return hashlib.sha256(joined.encode()).hexdigest()[:12]


def code_version(root: Path) -> str:
    """``git describe`` of the repository holding the package, or "" outside git."""
    try:
        return subprocess.run(["git", "describe", "--always", "--dirty"], cwd=root,
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def _contents(plan: Plan) -> dict[str, str]:
    """What each data file a year may have holds, in a reader's words (by its name now)."""
    table = derive.budget(plan)
    units = plan.locality.units
    return {
        "plan.yaml": "lời văn của kế hoạch (số, ngày, cơ quan ban hành, các mục, nơi nhận, "
                     "người ký)",
        "units.csv": f"Biểu số 01 ({fmt.number(len(plan.units))} {units} và dòng Tổng cộng)",
        "budget.csv": f"Biểu số 02 ({fmt.number(int(table.is_project.sum()))} dự án, "
                      f"{fmt.number(int((~table.is_project).sum()))} tiểu dự án và dòng Tổng "
                      "cộng)",
        "agencies.csv": f"tên {fmt.number(len(plan.agencies))} cơ quan chủ trì, phối hợp và "
                        "những cách viết khác của tên ấy",
        "crosswalk.csv": f"các {units} đổi tên, sáp nhập, chia tách so với năm "
                         f"{plan.previous_year}",
        "ke-hoach.xlsx": "sổ tính gồm Biểu số 01, Biểu số 02, danh sách cơ quan và bảng đối "
                         "chiếu với năm trước",
        "forms.yaml": "mô tả các biểu kèm theo kế hoạch: tiêu đề, các cột, cột nào tính từ cột "
                      "nào, dòng nhóm",
        **{form.file: f"{form.label} ({fmt.number(len(plan.form_table(form.name)[0]))} dòng "
                      "và dòng Tổng cộng)" for form in plan.forms.extra}}


def sources(plan: Plan) -> Markup:
    """The plan the book reproduces (number, date, issuer, title), each data file by name with
    what it holds, and the data's :func:`fingerprint`."""
    contents = _contents(plan)
    return text.render("provenance.md", plan,
                       files=[(p.name, contents[current_name(p.name)]) for p in plan.files],
                       previous=[p.name for p in plan.previous.files] if plan.previous else [],
                       fingerprint=fingerprint(plan))


def report(plan: Plan, parameters: dict[str, object]) -> Markup:
    """For the site only, folded: how the book is made, then three tables: parameters, data
    files with hashes, package versions."""
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
    body = "\n".join([HOW, "", params, files, packages])
    fence = fmt.fence(body)
    return downloads.holding(f"{fence}{{only}} html\n::::{{dropdown}} Chi tiết kỹ thuật (cho "
                             f"người dựng sách)\n{body}\n::::\n{fence}\n", params, files, packages)


def built_at() -> Markup:
    """When the book was built from these files: when this page was executed, which happens
    again whenever a data file or the software changes (``SOURCE_DATE_EPOCH`` when set, for
    reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch
              else dt.datetime.now(dt.timezone.utc)).astimezone(VIETNAM)
    return Markup(f"Cuốn sách được dựng từ các tệp này lúc {moment:%H:%M} "
                  f"{fmt.date(moment.date())} (giờ Việt Nam).")
