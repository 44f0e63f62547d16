"""Command line: ``python -m planbook build --year 2023``."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from planbook import stamp


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="planbook", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("build", help="execute the notebooks and build the site")
    make.add_argument("--year", type=int, required=True)
    make.add_argument("--data", default="data", help="data folder (default: data)")
    make.add_argument("--root", type=Path, default=Path("."), help="project folder")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    current = stamp.build_stamp(root, args.data, args.year)
    site = root / "_build" / "html"
    if stamp.is_published(root, current, [site / "index.html", root / "book" / ".executed.json"]):
        print(f"Không có đầu vào nào thay đổi — Đã chạy 0 notebook; giữ nguyên {site}.")
        return 0

    from planbook.build import BuildError, build  # heavy imports only when there is work
    from planbook.data import DataError
    try:
        site = build(args.year, root, args.data)
    except DataError as err:
        print(f"Lỗi dữ liệu — sách chưa được dựng, trang web cũ giữ nguyên:\n{err}",
              file=sys.stderr)
        return 2
    except BuildError as err:
        print(f"Dựng sách thất bại — trang web cũ giữ nguyên:\n{err}", file=sys.stderr)
        return 1
    stamp.record_published(root, current)
    print(f"Đã dựng xong: {site / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
