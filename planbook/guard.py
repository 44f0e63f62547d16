"""What keeps a build safe whatever happens: one build at a time per project folder, an
interruption (Ctrl-C, a kill) that unwinds like an error, and files replaced whole."""
from __future__ import annotations

import fcntl
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK = Path("_build") / ".lock"


class Interrupted(KeyboardInterrupt):
    """The build was stopped by a signal (Ctrl-C, ``kill``); cleanup still runs."""


def write_atomically(path: Path, content: str | bytes) -> None:
    """Replace a file whole (write beside it, then rename), so that an interruption leaves
    the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = path.with_name(f"{path.name}.{os.getpid()}.new")
    if isinstance(content, bytes):
        fresh.write_bytes(content)
    else:
        fresh.write_text(content, encoding="utf-8")
    os.replace(fresh, path)


@contextmanager
def one_build_at_a_time(root: Path, say=print) -> Iterator[None]:
    """Hold the project's build lock; a second build waits for the first, saying so."""
    path = root / LOCK
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say("Đang có một lần dựng sách khác trong thư mục này — chờ nó xong rồi dựng tiếp…",
                flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextmanager
def signals_unwind() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into :class:`Interrupted` (as Ctrl-C already is), so that
    kernels stop, temporary folders go and nothing half-built is published."""
    def stop(signum, frame):
        raise Interrupted(signal.Signals(signum).name)

    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
