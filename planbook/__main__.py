"""Command line: ``python -m planbook build --year 2023``."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from planbook.build import BuildError, build
from planbook.data import DataError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="planbook", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("build", help="execute the notebooks and build the site")
    make.add_argument("--year", type=int, required=True)
    make.add_argument("--data", default="data", help="data folder (default: data)")
    make.add_argument("--root", type=Path, default=Path("."), help="project folder")
    args = parser.parse_args(argv)
    try:
        site = build(args.year, args.root, args.data)
    except DataError as err:
        print(f"Lỗi dữ liệu — sách chưa được dựng, trang web cũ giữ nguyên:\n{err}",
              file=sys.stderr)
        return 2
    except BuildError as err:
        print(f"Dựng sách thất bại — trang web cũ giữ nguyên:\n{err}", file=sys.stderr)
        return 1
    print(f"Đã dựng xong: {site / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
