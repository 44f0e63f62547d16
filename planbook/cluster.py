"""Notebook runs on a Dask cluster, for books too large for one machine.

Given a scheduler's address (``make book SCHEDULER=tcp://host:8786`` or the environment
variable ``PLANBOOK_SCHEDULER``), :func:`planbook.execute.run` sends each notebook that must
run to the cluster instead of local threads. A task carries the source notebook, its
parameters and the bytes of the year's data files (this year's and last year's); on the
worker it is laid out in a scratch folder with the same relative paths and run by papermill in
that worker thread's warm kernel; it returns the executed notebook, the data files it read and
the charts it wrote. Workers need the pinned environment, not the project folder. The cache,
the progress lines, the failure messages and the publishing stay with the caller, as locally.
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

from distributed import Client, as_completed

from planbook.kernels import KERNELS, Job, Kernel, Read, same_bytes_same_time


class ClusterError(Exception):
    """The Dask cluster asked for cannot be reached; the message says which and why."""


CONNECT_TIMEOUT = "60s"
"""How long to try to reach the scheduler before saying it cannot be reached."""

_LOCAL = threading.local()


def _scratch() -> tuple[Kernel, Path]:
    """This worker thread's warm kernel and scratch project folder, made on first use."""
    if not hasattr(_LOCAL, "kernel"):
        folder = Path(tempfile.mkdtemp(prefix=f"{KERNELS}{os.getpid()}-"))
        _LOCAL.kernel, _LOCAL.root = Kernel(str(folder)), folder / "project"
        atexit.register(_LOCAL.kernel.stop)
        atexit.register(shutil.rmtree, folder, True)
    return _LOCAL.kernel, _LOCAL.root


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.glob("*") if p.is_file()} \
        if folder.is_dir() else {}


def task(source: bytes, source_path: str, output_path: str, parameters: dict,
         data: dict[str, bytes]) -> tuple[bytes, list[Read], dict[str, bytes], float]:
    """On a worker: run one notebook; paths are relative to the project folder."""
    started = time.perf_counter()
    kernel, root = _scratch()
    folder = ((root / output_path).parent / parameters["data_dir"]).resolve()
    year = int(parameters["year"])
    for y in (year, year - 1):  # another book's files (a site of several) must not stay
        shutil.rmtree(folder / str(y), ignore_errors=True)
    for relative, content in {**data, source_path: source}.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_bytes(content)
    output = root / output_path
    figures = output.parent / "figures"
    shutil.rmtree(figures, ignore_errors=True)  # what is there after the run, it drew
    read = kernel.run(Job(root / source_path, output, parameters), lambda path, params: None)
    drawn = {p.relative_to(root).as_posix(): p.read_bytes() for p in figures.glob("*")} \
        if figures.is_dir() else {}
    deps = [(Path(path).relative_to(root).as_posix(), part, digest)
            for path, part, digest in read if Path(path).is_relative_to(root)]
    return output.read_bytes(), deps, drawn, time.perf_counter() - started


def _write_changed(path: Path, content: bytes) -> None:
    """Write ``content`` unless the file already holds it (its time then stays)."""
    if not path.is_file() or path.read_bytes() != content:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def _data(job: Job, root: Path) -> dict[str, bytes]:
    """The year's data files and last year's, keyed by their path in the project."""
    data = (job.output.parent / job.parameters["data_dir"]).resolve()
    if not data.is_relative_to(root):
        raise ClusterError(f"Thư mục dữ liệu {data} nằm ngoài thư mục dự án {root}: cụm Dask chỉ "
                           "nhận dữ liệu trong thư mục dự án — hãy chép dữ liệu vào đó, hoặc "
                           "bỏ SCHEDULER để dựng trên máy này.")
    year = int(job.parameters["year"])
    return {(data / str(y) / name).relative_to(root).as_posix(): content
            for y in (year, year - 1) for name, content in _files(data / str(y)).items()}


def run(todo: list[Job], finish, done, scheduler: str, root: Path) -> None:
    """Run ``todo`` on the cluster at ``scheduler``: write each executed notebook as it comes,
    ``finish`` it, and report it to ``done`` with what it read (as local threads do)."""
    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT)
    except (OSError, ValueError) as err:
        raise ClusterError(f"Không kết nối được tới cụm Dask tại {scheduler!r} ({err}) — hãy "
                           "kiểm tra địa chỉ SCHEDULER và máy chủ của cụm, hoặc bỏ SCHEDULER "
                           "để dựng trên máy này.") from None
    with client:
        futures = {client.submit(task, job.source.read_bytes(),
                                 job.source.relative_to(root).as_posix(),
                                 job.output.relative_to(root).as_posix(), job.parameters,
                                 _data(job, root), pure=False): job for job in todo}
        try:
            for future in as_completed(futures):
                job = futures[future]
                notebook, deps, drawn, seconds = future.result()
                for relative, content in drawn.items():
                    _write_changed(root / relative, content)
                with same_bytes_same_time(job.output):
                    job.output.parent.mkdir(parents=True, exist_ok=True)
                    job.output.write_bytes(notebook)
                    finish(job.output, job.parameters)
                done(job, [(root / path, part, digest) for path, part, digest in deps], seconds)
        finally:
            client.cancel(list(futures))
