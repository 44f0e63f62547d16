"""``make preview``: the site of one year at http://127.0.0.1:8000, rebuilt after every edit.

The preview is the build of ``make book`` with the PDF left out (:func:`planbook.build.build`,
``site_only``), kept warm between edits: the kernels stay started, Jupyter Book stays loaded
in a fork server, and Sphinx keeps its incremental state in the build's staging folder, so an
edit costs the notebooks whose data changed and the pages that show them. It runs under the
build lock, like ``make book``: one waits for the other.

What the preview shows is a copy of the last good build in ``_build/preview/`` (never the
published ``_build/html/``), served on the loopback address only. Every HTML page it serves
gets a script file (``preview_static/preview.js``, served by the server: never a file of the
published site) that listens to the server's events: after a good build the page reloads
itself; while the data is wrong it shows the clerk's message above the last good page. The
site's Content Security Policy holds: the script and its style are the server's own files,
nothing is written into a page but text, and every answer carries the policy as a header too.
"""
from __future__ import annotations

import html
import http.server
import json
import os
import re
import shutil
import socket
import sys
import threading
import time
import urllib.parse
from functools import partial
from pathlib import Path

from planbook import guard, site, stamp
from planbook.build import BuildError, build
from planbook.data import DataError
from planbook.kernels import Kernels
from planbook.sphinx.ext import CONTENT_POLICY
from planbook.warm import warm_jupyter_book

PREVIEW = Path("_build") / "preview"
ASSETS = Path(__file__).parent / "preview_static"
PREFIX = "/_preview/"
"""Where the server answers for itself: its events and the page's script and style."""
POLL = 0.1
"""Seconds between two looks at the watched files."""
WATCHED = ("_config.yml", "_toc.yml", "_static", "_templates", "locales", "notebooks")
"""The book's sources a preview watches, besides the data folder and the package."""
# ---------------------------------------------------------------------------- what is shown

class Status:
    """What the open pages are told: the last good build (``build``, an id) and the state of
    the next one (``ok``, ``building``, ``error`` with the clerk's ``message``)."""

    def __init__(self):
        self.changed = threading.Condition()
        self.now = {"build": "", "state": "building", "message": ""}

    def set(self, **values) -> None:
        with self.changed:
            self.now = {**self.now, **values}
            self.changed.notify_all()

    def wait(self, seen: dict | None, timeout: float) -> dict:
        """The status once it differs from ``seen`` (or after ``timeout``)."""
        with self.changed:
            self.changed.wait_for(lambda: self.now is not seen, timeout)
            return self.now


def mirror(built: Path, shown: Path) -> None:
    """Make ``shown`` a copy of the site ``built``: copy the files that changed (size or time),
    each replaced whole, and remove those that went. The PDF is not part of the preview."""
    wanted = set()
    for path in built.rglob("*"):
        relative = path.relative_to(built)
        if path.is_dir() or path.suffix == ".pdf" and len(relative.parts) == 1:
            continue
        wanted.add(relative)
        target = shown / relative
        here = path.stat()
        try:
            there = target.stat()
            if (there.st_size, there.st_mtime_ns) == (here.st_size, here.st_mtime_ns):
                continue
        except OSError:
            pass
        target.parent.mkdir(parents=True, exist_ok=True)
        fresh = target.with_name(f".{target.name}.new")
        shutil.copy2(path, fresh)
        os.replace(fresh, target)
    for path in sorted(shown.rglob("*"), reverse=True) if shown.is_dir() else []:
        if path.is_file() and path.relative_to(shown) not in wanted:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def page_head(status: dict) -> str:
    """What the server adds to the head of every page: the build the page is from, the script
    that reloads it, and the style of the message."""
    return (f'<meta name="planbook-preview" content="{html.escape(status["build"])}">'
            f'<link rel="stylesheet" href="{PREFIX}preview.css">'
            f'<script src="{PREFIX}preview.js" defer></script>')


def banner(status: dict) -> str:
    """The message above the page while the data is wrong (hidden otherwise); the script keeps
    it up to date."""
    hidden = "" if status["state"] == "error" else " hidden"
    return (f'<div id="planbook-preview" class="planbook-preview-{status["state"]}" '
            f'role="alert"{hidden}><p><strong>Chưa dựng lại được trang — dưới đây là bản dựng '
            f'tốt gần nhất.</strong></p><pre>{html.escape(status["message"], quote=False)}'
            '</pre></div>')


WORDS = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>Bản xem trước</title></head>
<body><main><h1>Bản xem trước</h1><p>{words}</p></main></body></html>
"""
"""A page of the server's own: an error, or the wait for the first build."""
BODY = re.compile(r"<body[^>]*>")


class Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the preview's copy of the site; adds the reload script to its pages; answers
    events at ``/_preview/events``. Only for the loopback address it listens on."""

    status: Status
    home: str
    hosts: set[str]

    def log_message(self, format, *args) -> None:
        """Quiet: the terminal is for the clerk's messages."""

    def end_headers(self) -> None:
        """Every answer: not kept by the browser, read as the type it says, under the site's
        Content Security Policy (the server's own pages too)."""
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", CONTENT_POLICY)
        super().end_headers()

    def send_error(self, code, message=None, explain=None) -> None:
        """An error as a short Vietnamese page."""
        words = {403: "Bản xem trước chỉ mở tại địa chỉ của chính nó.",
                 404: "Không có trang này trong bản xem trước."}.get(
            code, "Máy chủ xem trước không trả lời được yêu cầu này.")
        if code == 404 and self.path.split("?")[0].endswith(".pdf"):
            words = "Bản xem trước chỉ có trang web; bản PDF được dựng bằng lệnh make book."
        body = WORDS.format(words=words).encode()
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def list_directory(self, path):
        self.send_error(404)

    def do_GET(self) -> None:
        if self.headers.get("Host") not in self.hosts:  # another site's page, rebound by DNS
            return self.send_error(403)
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        if path == "/":
            self.send_response(302)
            self.send_header("Location", self.home)
            return self.end_headers()
        if path == PREFIX + "events":
            return self.events()
        if path in (PREFIX + "preview.js", PREFIX + "preview.css"):
            return self.asset(ASSETS / path.removeprefix(PREFIX))
        file = Path(self.translate_path(path))
        if file.is_dir() and path.endswith("/"):
            file = file / "index.html"
        if file.suffix == ".html" and file.is_file():
            return self.page(file.read_text(encoding="utf-8"))
        if path == self.home:  # no good build yet
            return self.page(WORDS.format(words="Đang dựng bản xem trước lần đầu; trang sẽ tự "
                                          "mở khi dựng xong."))
        return super().do_GET()

    def do_HEAD(self) -> None:
        if self.headers.get("Host") not in self.hosts:
            return self.send_error(403)
        super().do_HEAD()

    def send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def asset(self, file: Path) -> None:
        kind = "text/javascript" if file.suffix == ".js" else "text/css"
        self.send(file.read_bytes(), f"{kind}; charset=utf-8")

    def page(self, text: str) -> None:
        """A page with the preview's head and message added."""
        status = self.status.now
        text = text.replace("</head>", page_head(status) + "</head>", 1)
        text = BODY.sub(lambda body: body.group() + banner(status), text, count=1)
        self.send(text.encode("utf-8"), "text/html; charset=utf-8")

    def events(self) -> None:
        """Server-sent events: the status now, then at every change (a comment meanwhile,
        which tells a closed page from an open one)."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.end_headers()
        seen = None
        try:
            self.wfile.write(b"retry: 500\n\n")
            while True:
                now = self.status.wait(seen, timeout=10)
                message = b": \n\n" if now is seen else \
                    f"data: {json.dumps(now, ensure_ascii=False)}\n\n".encode()
                self.wfile.write(message)
                self.wfile.flush()
                seen = now
        except OSError:  # the page was closed
            pass


def serve(port: int, folder: Path, year: int, status: Status) -> http.server.HTTPServer:
    """Start serving ``folder`` on 127.0.0.1:``port``, in a thread; return the server."""
    handler = type("PreviewHandler", (Handler,), {
        "status": status, "home": f"/{year}/book/index.html",
        "hosts": {f"127.0.0.1:{port}", f"localhost:{port}"}})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port),
                                             partial(handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# ---------------------------------------------------------------------------- watching

def snapshot(root: Path, data: Path) -> dict[Path, tuple[int, int]]:
    """Size and time of every watched file: the data folder, the book's sources and the
    package (hidden files, editors' lock files and compiled messages aside)."""
    found = {}
    for top in [data, stamp.PACKAGE, *(root / name for name in WATCHED)]:
        for path in [top] if top.is_file() else top.rglob("*") if top.is_dir() else []:
            parts = path.relative_to(top.parent).parts
            if any(p.startswith((".", "~")) or p == "__pycache__" for p in parts) \
                    or path.suffix == ".mo" or not path.is_file():
                continue
            try:
                stat = path.stat()
            except OSError:  # removed meanwhile
                continue
            found[path] = (stat.st_size, stat.st_mtime_ns)
    return found


def settled(root: Path, data: Path, before: dict) -> dict:
    """The watched files once they differ from ``before`` and stopped changing (an editor
    may write a file in several steps)."""
    now = before
    while now == before:
        time.sleep(POLL)
        now = snapshot(root, data)
    while True:
        time.sleep(POLL / 2)
        later = snapshot(root, data)
        if later == now:
            return now
        now = later


def package_changed(before: dict, after: dict) -> bool:
    return any(path.is_relative_to(stamp.PACKAGE) for path in before.keys() ^ after.keys()) \
        or any(path.is_relative_to(stamp.PACKAGE) and before[path] != after[path]
               for path in before.keys() & after.keys())


# ---------------------------------------------------------------------------- the loop

def rebuild(root: Path, data: str, year: int, status: Status, kernels, start) -> None:
    """Build the year's site as ``make book`` would, without the PDF, and show it; on bad data
    or a failed build, say why in the terminal and on the page, and keep showing the last
    good build."""
    status.set(state="building")
    started = time.perf_counter()
    try:
        with guard.one_build_at_a_time(root):
            built = build(year, root, data, site_only=True, kernels=kernels, start=start)
            mirror(built, root / PREVIEW / str(year))
            site.write_root(root, PREVIEW)
    except DataError as err:
        print(f"Lỗi dữ liệu năm {year} — trang xem trước giữ bản dựng tốt gần nhất:\n{err}",
              file=sys.stderr, flush=True)
        return status.set(state="error", message="\n".join(err.problems))
    except (BuildError, OSError) as err:
        reason = err if isinstance(err, BuildError) else \
            f"Không ghi hoặc đọc được {err.filename or ''}: {err.strerror or err}."
        print(f"Dựng lại năm {year} thất bại — trang xem trước giữ bản dựng tốt gần nhất:\n"
              f"{reason}", file=sys.stderr, flush=True)
        return status.set(state="error", message="Dựng lại thất bại, không phải vì số liệu: "
                          "chi tiết ở cửa sổ lệnh đang chạy make preview.")
    status.set(state="ok", message="", build=str(time.time_ns()))
    print(f"Đã dựng lại trong {time.perf_counter() - started:.1f} s; trang đang mở tự tải "
          "lại.", flush=True)


def run(root: Path, data: str, year: int, port: int) -> int:
    """Serve the preview of ``year`` until interrupted, rebuilding after every edit; start
    again from the beginning when the package itself changed (its code is loaded here and in
    the kernels), in the folder it was started in (papermill's runs move the process's working
    folder, one notebook's folder or another's as its threads finish)."""

    started_in, status = os.getcwd(), Status()
    try:
        server = serve(port, root / PREVIEW, year, status)
    except OSError as err:
        print(f"Không mở được cổng {port} trên 127.0.0.1 ({err.strerror or err}) — có thể một "
              f"bản xem trước khác đang chạy; chọn cổng khác: make preview PORT={port + 1}",
              file=sys.stderr)
        return 2
    print(f"Xem trước năm {year}: http://127.0.0.1:{port}/ (Ctrl-C để dừng) — đang dựng…",
          flush=True)
    kernels, start = Kernels(), warm_jupyter_book()
    try:
        seen, ready = snapshot(root, root / data), False
        while True:
            rebuild(root, data, year, status, kernels, start)
            kernels.warm(os.cpu_count() or 1)
            if not ready:  # once its kernels are warm: the first edit shows as fast as the next
                kernels.wait()
                print("Sẵn sàng: sửa số liệu, mẫu hay notebook thì trang tự dựng lại và tải "
                      "lại.", flush=True)
                ready = True
            now = snapshot(root, root / data)
            if now == seen:
                now = settled(root, root / data, seen)
            if package_changed(seen, now):
                print("Mã của chương trình đã đổi — khởi động lại bản xem trước.", flush=True)
                break
            seen = now
    finally:
        server.shutdown()
        server.server_close()
        kernels.close()
    os.chdir(started_in)
    os.execv(sys.executable, [sys.executable, *sys.orig_argv[1:]])


def free_port() -> int:
    """A port of 127.0.0.1 that nothing listens on now (for tests and the benchmark)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
