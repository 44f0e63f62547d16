"""Command line: ``python -m planbook build`` builds every year under the data folder into one
site; ``--year 2024`` builds that year and keeps the others published. ``python -m planbook
preview`` serves the latest year's site (or ``--year``'s) and rebuilds it after every edit."""
from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from planbook import guard, quick_exit, stamp  # noqa: F401 (quick_exit: a quick end)
from planbook.folders import YEAR_NAME, data_years, odd_folders
from planbook.kernels import Kernels
from planbook.lazy import lazy
from planbook.warm import warm_jupyter_book

# Loaded when first used: a build first starts its kernel, which loads meanwhile.
building = lazy("planbook.build")
plan_data = lazy("planbook.data")
localities = lazy("planbook.localities")
live = lazy("planbook.preview")
newyear = lazy("planbook.clerk.newyear")
site = lazy("planbook.site")
workbook = lazy("planbook.clerk.workbook")


def build_year(root: Path, data_dir: str, year: int, current: str, scheduler: str | None,
               kernels: Kernels | None, start=None) -> int:
    """Build and publish one year whose inputs (``current``: their stamp) changed since it was
    published; 0 when it is published, 2 for bad data, 1 for a failed build (the published
    year stays)."""
    print(f"Năm {year}: dựng sách.", flush=True)
    try:
        building.build(year, root, data_dir, scheduler=scheduler, kernels=kernels,
                       start=start)
    except plan_data.DataError as err:
        print(f"Lỗi dữ liệu năm {year} — sách năm này chưa được dựng, bản đã đăng giữ "
              f"nguyên:\n{err}", file=sys.stderr)
        return 2
    except building.BuildError as err:
        print(f"Dựng sách năm {year} thất bại — bản đã đăng giữ nguyên:\n{err}",
              file=sys.stderr)
        return 1
    stamp.record_published(root, year, current)
    return 0


def start_year(data: Path, year: int) -> int:
    try:
        folder = newyear.new_year(data, year)
    except plan_data.DataError as err:
        print(f"Chưa tạo được năm {year}:\n{err}", file=sys.stderr)
        return 2
    cells = newyear.to_fill((folder / plan_data.WORKBOOK).is_file())
    print(f"Đã tạo {folder}: điền số liệu năm {year} vào {cells}, "
          f"sửa lời văn trong plan.yaml, rồi chạy make book YEAR={year}.")
    return 0


def make_workbook(folder: Path) -> int:
    try:
        path = workbook.write_workbook(folder)
    except plan_data.DataError as err:
        print(f"Chưa tạo được sổ Excel:\n{err}", file=sys.stderr)
        return 2
    print(f"Đã tạo {path}: từ nay sổ này là nguồn số liệu của năm (các tệp CSV đã được thay).")
    return 0


def year_number(text: str) -> int:
    """A year as the command line gives it; a clerk message otherwise."""
    if not YEAR_NAME.fullmatch(text):
        raise argparse.ArgumentTypeError(f"năm phải là bốn chữ số như 2024, không phải {text!r}")
    return int(text)


def unpublish(root: Path, year: int) -> int:
    """Take ``year`` off the published site; 2 when it is not there."""
    if not site.unpublish(root, year):
        print(f"Năm {year} không có trên trang {root / site.SITE}: không gỡ gì.", file=sys.stderr)
        return 2
    print(f"Đã gỡ năm {year} khỏi trang {root / site.SITE}; các năm khác giữ nguyên.")
    return 0


def preview(root: Path, data: str, year: int | None, port: int) -> int:
    """Serve the year's site at 127.0.0.1:``port`` and rebuild it after every edit, until
    Ctrl-C (which ends it normally: stopping is how a preview ends)."""
    folder = root / data
    years = data_years(folder) if folder.is_dir() else []
    if year is None and not years:
        print(f"Không có năm nào trong {folder} (cần thư mục <năm>/plan.yaml) — không có gì để "
              "xem trước.", file=sys.stderr)
        return 2
    try:
        with guard.signals_unwind():
            return live.run(root, data, year or years[-1], port)
    except KeyboardInterrupt:
        print("\nĐã dừng xem trước.", file=sys.stderr)
        return 0


class Parser(argparse.ArgumentParser):
    def error(self, message: str):
        """One Vietnamese line instead of argparse's usage and English."""
        message = re.sub(r"^argument --year: ", "YEAR: ", message)
        self.exit(2, f"Lệnh chưa đúng — {message}. Ví dụ: make book YEAR=2024\n")


def main(argv: list[str] | None = None) -> int:
    parser = Parser(prog="planbook", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    make = commands.add_parser("build", help="execute the notebooks and build the site")
    make.add_argument("--year", type=year_number, help="only this year (default: every year)")
    make.add_argument("--data", default="data", help="data folder (default: data)")
    make.add_argument("--locality", help="in a site of several localities: only this one")
    make.add_argument("--root", type=Path, default=Path("."), help="project folder")
    make.add_argument("--scheduler", default=os.environ.get("PLANBOOK_SCHEDULER") or None,
                      help="a Dask scheduler's address (default: $PLANBOOK_SCHEDULER; none: "
                           "local threads)")
    for name, words in [("new-year", "start a year's data from the latest year"),
                        ("workbook", "turn a year's CSV files into the clerk's workbook"),
                        ("unpublish", "take a year, or a locality's books, off the site")]:
        command = commands.add_parser(name, help=words)
        command.add_argument("--year", type=year_number, required=name != "unpublish")
        command.add_argument("--data", default="data", help="data folder (default: data)")
        command.add_argument("--root", type=Path, default=Path("."), help="project folder")
    commands.choices["unpublish"].add_argument(
        "--locality", help="in a site of several localities: this one's books (all its years "
                           "without --year)")
    watch = commands.add_parser("preview", help="serve a year's site, rebuilt after each edit")
    watch.add_argument("--year", type=year_number, help="this year (default: the latest)")
    watch.add_argument("--data", default="data", help="data folder (default: data)")
    watch.add_argument("--root", type=Path, default=Path("."), help="project folder")
    watch.add_argument("--port", type=int, default=8000, help="port of 127.0.0.1 (8000)")
    args = parser.parse_args(argv)
    if args.command == "unpublish" and not (args.year or args.locality):
        parser.error("cần năm (YEAR=2024) hoặc địa phương (LOCALITY=…)")
    root = args.root.resolve()
    if args.command == "preview":  # takes the build lock for each build, not while it waits
        return preview(root, args.data, args.year, args.port)
    try:
        with guard.signals_unwind(), guard.one_build_at_a_time(root):
            if args.command == "new-year":
                return start_year(root / args.data, args.year)
            if args.command == "workbook":
                return make_workbook(root / args.data / str(args.year))
            if args.command == "unpublish" and args.locality:
                return localities.unpublish(root, args.data, args.locality, args.year)
            if args.command == "unpublish":
                return unpublish(root, args.year)
            return build_all(root, args.data, args.year, args.scheduler, args.locality)
    except KeyboardInterrupt:
        print("\nĐã dừng giữa chừng — bản đã đăng giữ nguyên; chạy lại make book để dựng tiếp.",
              file=sys.stderr)
        return 130
    except OSError as err:
        print(f"Không ghi hoặc đọc được {err.filename or ''}: {err.strerror or err} — hãy kiểm "
              "tra quyền ghi và chỗ trống trên đĩa.", file=sys.stderr)
        return 1


def build_all(root: Path, data: str, year: int | None, scheduler: str | None = None,
              locality: str | None = None) -> int:
    """Build the given year, or every year, and write the site's root page. Publishing only
    adds or replaces the years built: a wrong data folder, a year with bad data or a failed
    build leaves every published year and the root page as they were; a year whose inputs did
    not change since it was published is left as it is. A folder of several localities is a
    site of several localities (:mod:`planbook.localities`)."""
    folder = root / data
    if not folder.is_dir():
        print(f"Không có thư mục dữ liệu {folder} — không dựng gì, các năm đã đăng trên "
              f"{root / site.SITE} giữ nguyên.", file=sys.stderr)
        return 2
    years = data_years(folder)
    if locality or not years and localities.find(folder):
        return localities.build_site(root, data, locality, year, scheduler)
    for note in odd_folders(folder):
        print(f"Lưu ý: {note}", file=sys.stderr)
    if year is None and not years:
        print(f"Không có năm nào trong {folder} (cần thư mục <năm>/plan.yaml) — không dựng gì, "
              f"các năm đã đăng trên {root / site.SITE} giữ nguyên.", file=sys.stderr)
        return 2
    stamps = {y: stamp.build_stamp(root, data, y) for y in ([year] if year else years)}
    changed = {y: s for y, s in stamps.items() if not stamp.is_published(root, y, s)}
    kernels = Kernels() if changed and not scheduler else None
    start = None
    try:
        if kernels:  # they load while this process loads the rest and checks the data
            kernels.warm(1)
            start = warm_jupyter_book()
        codes = []
        for y in stamps:
            if y in changed:
                codes.append(build_year(root, data, y, changed[y], scheduler, kernels, start))
            else:
                print(f"Năm {y}: không có đầu vào nào thay đổi — đã chạy 0 notebook, "
                      "giữ nguyên bản đã đăng.")
                codes.append(0)
    finally:
        if kernels:
            kernels.close()
    if all(codes):
        return max(codes)
    index = site.write_root(root)
    elsewhere = [str(info["year"]) for info in site.published(root) if info["year"] not in years]
    if elsewhere:
        print(f"Lưu ý: năm {', '.join(elsewhere)} vẫn đăng trên trang nhưng không có trong "
              f"{folder}; gỡ một năm khỏi trang bằng lệnh make unpublish YEAR=<năm>.",
              file=sys.stderr)
    if any(codes):
        return max(codes)
    print(f"Đã dựng xong: {index}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
