"""Reading a year's data files: their bytes (bounded, inside the data folder), what each page
read of them (:data:`READ`), CSV tables parsed into typed frames with clerk messages."""
from __future__ import annotations

import hashlib
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import pandas as pd

from planbook.data.columns import _PARSERS, parse_figure
from planbook.data.errors import DataError, _where

READ: dict[tuple[str, str], str | None] = {}
"""What this process read of the data, so that the build can record what each notebook used:
(path, part) → a hash of what was read. Part ``""`` is the whole file (hash ``None``: looked
for and not there); the parts of Biểu số 01 are :attr:`Plan.unit_counts` and
:meth:`Plan.printed`: a unit's page reads every unit's counts but the printed figures of its
own row only, so it runs again when those change, not when another row's printed rate does."""
_UNNOTED = 0


class _Recording(threading.local):
    """What this thread's :func:`recording` computations in progress read, each with the
    :func:`unnoted` depth it started at (what a computation reads unnoted is not part of what
    it reads); a build checks two books' plans at once, one per thread."""

    def __init__(self):
        self.stack: list[tuple[int, dict]] = []


_RECORDING = _Recording()
_PARSED: dict[tuple, object] = {}
"""Tables already parsed by this process, by file content (:func:`parsed_once`)."""
TOTAL_LABEL = "Tổng cộng"
WORKBOOK = "ke-hoach.xlsx"
"""The clerk's workbook: when a year's folder has it, its sheets replace the CSV files."""
SHEETS = {"units.csv": "Biểu 01", "budget.csv": "Biểu 02", "agencies.csv": "Cơ quan",
          "crosswalk.csv": "Đối chiếu"}
"""The workbook's sheet for each CSV file."""
EARLIER_NAMES = {"units.csv": ("wards.csv",)}
"""The names a data file had before (Biểu số 01 holds units of any kind, its file was named for
one): a year that has it under one of them is read as it is, so that the years published build
unchanged."""

MAX_BYTES = 64 * 2**20
"""The largest data file read (64 MiB): a plan listing every locality of the country is far smaller."""


def note(path: Path, digest: str | None = None, part: str = "") -> None:
    """Note in :data:`READ` that ``path`` (or its ``part``) was read, with the hash of what was
    read; without one, of the file as it is now."""
    if _UNNOTED:
        return
    if digest is None and not part and path.is_file():
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    _noted({(str(path.resolve()), part): digest})


def _noted(reads: dict) -> None:
    """Put ``reads`` into :data:`READ` and into what each computation in progress read."""
    READ.update(reads)
    for depth, recorded in _RECORDING.stack:
        if depth == _UNNOTED:
            recorded.update(reads)


@contextmanager
def recording() -> Iterator[dict]:
    """What is noted meanwhile (not what is read :func:`unnoted`), collected in the dict
    yielded: ``(path, part)`` → hash."""
    reads: dict = {}
    _RECORDING.stack.append((_UNNOTED, reads))
    try:
        yield reads
    finally:
        _RECORDING.stack.pop()


def note_again(reads: dict) -> None:
    """Note what a computation done before read (:func:`recording`), as if it had been read
    now."""
    if not _UNNOTED:
        _noted(reads)


def remembered(memo: dict, key, compute):
    """``compute()`` once per ``key`` of ``memo``; what it read is noted again at each later
    use, so that every page that uses the result depends on what it was made from, as if it
    had computed it itself (a kernel keeps one plan for the pages it runs: see
    :func:`planbook.data.kept_plan`)."""
    if key in memo:
        value, reads = memo[key]
        note_again(reads)
        return value
    with recording() as reads:
        value = compute()
    memo[key] = value, reads
    return value


@contextmanager
def unnoted() -> Iterator[None]:
    """Reads that :data:`READ` does not note (a table parsed whole for the parts a page
    reads, which note themselves)."""
    global _UNNOTED
    _UNNOTED += 1
    try:
        yield
    finally:
        _UNNOTED -= 1


def current_name(name: str) -> str:
    """A data file's name now, given its name or an earlier one (:data:`EARLIER_NAMES`)."""
    return next((now for now, earlier in EARLIER_NAMES.items() if name in earlier), name)


def table_file(folder: Path, name: str) -> Path:
    """The data file ``name`` of a year's ``folder`` as the folder has it: under its name or an
    earlier one (:data:`EARLIER_NAMES`); under its name when it has neither (reading it then
    says it is missing). The file under two names is a clerk error: which is the year's?"""
    name = current_name(name)
    found = [folder / n for n in (name, *EARLIER_NAMES.get(name, ())) if (folder / n).is_file()]
    if len(found) > 1:
        names = " và ".join(path.name for path in found)
        raise DataError([f"Thư mục {folder} có cả tệp {names}: {found[1].name} là tên cũ của "
                         f"{name}, cùng một bảng số liệu. Hãy giữ một tệp, tên {name}, và xóa "
                         "tệp kia."], f"{folder}: both {names} (an earlier name of {name}).")
    return found[0] if found else folder / name


def read_bytes(path: Path) -> bytes:
    """A data file's bytes, noted in :data:`READ`. A file that is a link to somewhere
    outside the data folder and its year's folder (``data/<year>/file`` → elsewhere) is refused
    unread, so that no message ever shows another file's content; so is a file larger than
    :data:`MAX_BYTES`."""
    if not path.is_file():
        note(path)
        raise DataError([f"Thiếu tệp {path}."], f"Missing file {path}.")
    data = path.parent.parent.resolve()
    if not any(path.resolve().is_relative_to(folder) for folder in (data, path.parent.resolve())):
        raise DataError([f"Tệp {path} là liên kết tới một tệp ngoài thư mục dữ liệu {data}: "
                         "hãy chép tệp thật vào thư mục năm thay cho liên kết."],
                        f"{path} links outside the data folder.")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise DataError([f"Tệp {path} quá lớn ({size // 2**20} MiB, tối đa "
                         f"{MAX_BYTES // 2**20} MiB): không phải tệp số liệu của kế hoạch?"],
                        f"{path} is too large.")
    try:
        content = path.read_bytes()
    except OSError as err:
        raise DataError([f"Không đọc được tệp {path}: {err.strerror or err}."],
                        f"{path} cannot be read.") from None
    note(path, hashlib.sha256(content).hexdigest())
    return content


def folder_state(folder: Path) -> str:
    """A hash of the names and contents of every file under ``folder`` (of a file too large
    to be data, its size and time): whether anything read from there may have changed."""
    state = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        try:
            if not path.is_file():
                continue
            size = path.stat().st_size
            content = hashlib.sha256(path.read_bytes()).digest() if size <= MAX_BYTES else \
                f"{size}:{path.stat().st_mtime_ns}".encode()
        except OSError as err:
            content = repr(err).encode()
        state.update(path.relative_to(folder).as_posix().encode() + b"\0" + content)
    return state.hexdigest()


def parsed_once(source: Path, name: str, words: str, parse) -> tuple[object, str]:
    """``parse()`` of the table ``name`` read from ``source`` (its file, or the workbook
    holding it), done once per process for the file's content and the ``words`` its parsing
    uses: a warm kernel runs every unit's page, and each would parse and validate the whole
    table again (the build would grow with the square of the units). Also the hash of the
    file's bytes ("" when it is not there, which ``parse()`` says)."""
    if not source.is_file():
        return parse(), ""
    digest = hashlib.sha256(read_bytes(source)).hexdigest()
    key = (source.resolve(), name, digest, words)
    if key not in _PARSED:
        _PARSED[key] = parse()
    return _PARSED[key], digest


def read_text(path: Path) -> str:
    raw = read_bytes(path)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise DataError(
            [f"Tệp {path} không phải mã UTF-8 (byte lỗi ở vị trí {err.start}). "
             "Hãy lưu lại tệp với mã hóa «CSV UTF-8»."],
            f"{path} is not UTF-8 encoded: save it as 'CSV UTF-8'.") from None


def read_csv(path: Path, columns: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """A CSV file as text, every column kept, blank lines too (so that rows keep their
    spreadsheet numbers), once its header has every column of the form."""
    text = read_text(path)
    if not text.strip():
        raise DataError([f"Tệp {path} trống: cần dòng tiêu đề {', '.join(columns)}."],
                        f"{path} is empty.")
    try:
        frame = pd.read_csv(StringIO(text), dtype=str, keep_default_na=False,
                            skipinitialspace=True, skip_blank_lines=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise DataError([f"Tệp {path} không đọc được dạng CSV: {err}"],
                        f"{path} is not valid CSV.") from None
    frame.columns = [c.strip() for c in frame.columns]
    check_header(list(frame.columns), columns, path)
    return frame


def read_table(path: Path, columns: dict[str, tuple[str, str]], key: str) -> pd.DataFrame:
    """Read a CSV as text, check its header, parse each typed column (:func:`parse_table`).

    ``key`` names the column used to label a row in messages. The returned frame keeps the
    spreadsheet row number (header = row 1) in the column ``row``.
    """
    frame = read_csv(path, columns)
    notes = unknown_columns(list(frame.columns), columns, path)
    frame = frame[list(columns)]
    frame.insert(0, "row", range(2, len(frame) + 2))  # blank lines count, as in a spreadsheet
    frame = frame[(frame[list(columns)].apply(lambda col: col.str.strip()) != "").any(axis=1)]
    table = parse_table(frame.reset_index(drop=True), columns, key, path)
    table.attrs["notes"] = notes
    return table


def unknown_columns(found: list[str], columns: dict[str, tuple[str, str]],
                    source: Path | str, row: int = 1) -> list[str]:
    """A note for each column the form does not have, which the book leaves out: the clerk's
    own notes, or a column whose name is mistyped (``row``: the header's row). Reference
    columns (``ref_…``, written by ``make new-year``) are expected."""
    extra = [c for c in found if c and c not in columns and not c.startswith("ref_")]
    return [f"{_where(source, row)}: cột {c!r} không có trong mẫu biểu nên sách không in "
            f"(các cột của mẫu: {', '.join(columns)})." for c in extra]


def check_header(found: list[str], columns: dict[str, tuple[str, str]],
                 source: Path | str, row: int = 1) -> None:
    """Every column the table needs is there, in its header row ``row`` (others are left
    out: see :func:`unknown_columns`)."""
    missing = [c for c in columns if c not in found]
    extra = [c for c in found if c not in columns]
    if missing:
        raise DataError(
            [f"{_where(source, row)}: thiếu cột {', '.join(repr(c) for c in missing)}"
             + (f" (có cột lạ {', '.join(repr(c) for c in extra)} — sai tên cột?)" if extra else "")
             + f". Các cột cần có: {', '.join(columns)}."],
            f"{source}: missing column(s) {', '.join(missing)}.")


LIMITS = {"int": 99_999_999, "money": 999_999_999, "amount": 999_999_999}
"""The largest count and amount (million VND) a plan can hold, far above any locality's;
rates are checked against 0–100 by the schema."""


def parse_table(frame: pd.DataFrame, columns: dict[str, tuple[str, str]], key: str,
                source: Path | str) -> pd.DataFrame:
    """Parse a table read as text (with its spreadsheet row numbers in ``row``): text in NFC,
    each typed column made numbers; blank figures are listed as left to fill, malformed or
    implausible ones refused."""
    frame = frame.copy()
    for name in columns:
        frame[name] = frame[name].astype(str).map(
            lambda v: unicodedata.normalize("NFC", v.strip()))
    problems, blanks = [], {}
    for name, (label, kind) in columns.items():
        for row, cell, who in zip(frame["row"], frame[name], frame[key]):
            bad = control_characters(cell)
            if bad:
                problems.append(f"{_where(source, row, who)}, cột {name!r} ({label}): có ký tự "
                                f"điều khiển {bad} không in được — hãy xóa ký tự đó.")
        if kind not in _PARSERS:
            continue
        expected = _PARSERS[kind][1]
        values = []
        for row, cell, who in zip(frame["row"], frame[name], frame[key]):
            if cell == "":
                values.append(None)
                if kind != "money":  # a blank money cell stays blank, as printed
                    blanks.setdefault((row, who), []).append(f"{name} ({label})")
                continue
            try:
                value = parse_figure(cell, kind)
            except ValueError:
                value = None
                problems.append(f"{_where(source, row, who)}, cột {name!r} ({label}): "
                                f"giá trị {cell!r} — cần {expected}.")
            if value is not None and abs(value) > LIMITS.get(kind, float("inf")):
                limit = f"{LIMITS[kind]:,}".replace(",", ".")
                problems.append(f"{_where(source, row, who)}, cột {name!r} ({label}): giá trị "
                                f"{cell!r} — quá lớn, cần không quá {limit}.")
                value = None
            values.append(value)
        frame[name] = pd.array(values, dtype="Float64" if kind == "rate" else "Int64")
    if blanks:
        problems = [f"{_where(source, row, who)}: chưa điền {', '.join(names)}."
                    for (row, who), names in sorted(blanks.items())] + problems
        problems.insert(0, f"Còn {sum(map(len, blanks.values()))} ô số liệu chưa điền "
                        f"(các dòng dưới đây):")
    if problems:
        raise DataError(problems, f"{source}: {len(problems)} blank or malformed value(s).")
    return frame


def control_characters(text: str) -> str:
    """The control characters of ``text`` (tabs and line ends excepted), as U+XXXX."""
    return ", ".join(sorted({f"U+{ord(ch):04X}" for ch in text
                             if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r"}))


def _split_total(frame: pd.DataFrame, path: Path | str,
                 first: str) -> tuple[pd.DataFrame, pd.Series]:
    """Separate the printed total row (its first column blank, label "Tổng cộng")."""
    is_total = (frame[first].astype("string").fillna("") == "") & (frame.iloc[:, 2] == TOTAL_LABEL)
    if is_total.sum() != 1 or not is_total.iloc[-1]:
        raise DataError(
            [f"{_where(path, None)}: dòng cuối phải là dòng «{TOTAL_LABEL}» (cột {first!r} để trống) "
             "và chỉ có một dòng như vậy."],
            f"{path}: the last row must be the single '{TOTAL_LABEL}' row.")
    return frame[~is_total].reset_index(drop=True), frame[is_total].iloc[0]
