"""Notebook runs and the assembly of books on a Dask cluster, for sites too large for one
machine.

Given a scheduler's address (``make book SCHEDULER=tcp://host:8786`` or the environment
variable ``PLANBOOK_SCHEDULER``), :func:`planbook.execute.run` sends each notebook that must
run to the cluster instead of local threads. A task carries the source notebook, its
parameters and the bytes of the year's data files (this year's and last year's); on the
worker it is laid out in a scratch folder with the same relative paths and run by papermill in
that worker thread's warm kernel; it returns the executed notebook, the data files it read and
the charts it wrote.

Then each Jupyter Book run of :func:`planbook.assemble.assemble` (site, PDF) is a task too
(:func:`assembler`): it carries the year's sources packed (links followed, hidden files left
out), runs ``jupyter-book`` on them in a scratch folder of the worker, and returns the
builder's output packed, which lands in the builder's staging folder here. Workers need the
pinned environment and the PDF's TeX Live and fonts, not the project folder. The cache, the
progress lines, the failure messages and the publishing stay with the caller, as locally.
"""
from __future__ import annotations

import atexit
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from functools import partial
from pathlib import Path

from planbook.kernels import KERNELS, Job, Kernel, Read, same_bytes_same_time
from planbook.layout import builder_output
from planbook.lazy import lazy

distributed = lazy("distributed")


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


def connect(scheduler: str, **options) -> distributed.Client:
    """A client of the cluster at ``scheduler``; one that cannot be reached is a
    :class:`ClusterError`."""
    try:
        return distributed.Client(scheduler, timeout=CONNECT_TIMEOUT, **options)
    except (OSError, ValueError) as err:
        raise ClusterError(f"Không kết nối được tới cụm Dask tại {scheduler!r} ({err}) — hãy "
                           "kiểm tra địa chỉ SCHEDULER và máy chủ của cụm, hoặc bỏ SCHEDULER "
                           "để dựng trên máy này.") from None


def threads(scheduler: str) -> int:
    """How many tasks the cluster at ``scheduler`` runs at once: its workers' threads."""
    with connect(scheduler) as client:
        return sum(client.nthreads().values())


def run(todo: list[Job], finish, done, scheduler: str, root: Path) -> None:
    """Run ``todo`` on the cluster at ``scheduler``: write each executed notebook as it comes,
    ``finish`` it, and report it to ``done`` with what it read (as local threads do)."""
    with connect(scheduler) as client:
        futures = {client.submit(task, job.source.read_bytes(),
                                 job.source.relative_to(root).as_posix(),
                                 job.output.relative_to(root).as_posix(), job.parameters,
                                 _data(job, root), pure=False): job for job in todo}
        try:
            for future in distributed.as_completed(futures):
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


def _visible(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
    """Leave out hidden files and folders (a cache's record, checkpoints): no builder reads
    them."""
    return None if any(part.startswith(".") for part in info.name.split("/")) else info


def pack(folder: Path, keep=None) -> bytes:
    """What ``folder`` holds, as a gzipped tar named from it, links followed; ``keep``:
    tarfile's filter of what goes in."""
    packed = io.BytesIO()
    with tarfile.open(fileobj=packed, mode="w:gz", compresslevel=1, dereference=True) as tar:
        for path in sorted(folder.iterdir()):
            tar.add(path, path.name, filter=keep)
    return packed.getvalue()


def unpack(content: bytes, folder: Path) -> None:
    """Write what :func:`pack` packed into ``folder``. tarfile's data filter keeps every file
    inside it: a name with ``..`` or a link out is refused (:class:`tarfile.FilterError`), a
    leading ``/`` dropped."""
    with tarfile.open(fileobj=io.BytesIO(content)) as tar:
        tar.extractall(folder, filter="data")


JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")
"""Jupyter Book's command on a worker: beside its Python, in the pinned environment."""


def assembly(source: bytes, command: list[str], output: str
             ) -> tuple[bytes, str, int, str, float]:
    """On a worker: ``jupyter-book <command>`` in a scratch folder holding the year's sources
    unpacked as ``source/`` (``command``'s paths are relative to it); return the builder's
    output folder ``output`` packed (nothing when it failed), Jupyter Book's output, its exit
    status, the worker's address and the seconds it took."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="planbook-assembly-") as scratch:
        unpack(source, Path(scratch) / "source")
        result = subprocess.run([str(JUPYTER_BOOK), *command], cwd=scratch,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                encoding="utf-8", errors="replace")
        built = pack(Path(scratch) / output) if result.returncode == 0 else b""
    return (built, result.stdout, result.returncode, distributed.get_worker().address,
            time.perf_counter() - started)


class ClusterRun:
    """One Jupyter Book run as a task on the cluster (:func:`assembly`); answers what
    :func:`planbook.assemble.assemble` asks of a process. ``communicate`` puts the built
    output in place of the staging folder's (its incremental state, which no longer matches,
    goes too) and logs the worker that built it; a failed run leaves the folder as it was."""

    def __init__(self, scheduler: str, log, command: list[str], nice: int = 0):
        """``nice`` is for a local run (:func:`planbook.warm.warm_jupyter_book`): a worker's
        cores are its own."""
        source = Path(command[1])
        self.staging = Path(command[command.index("--path-output") + 1])
        self.builder = command[command.index("--builder") + 1]
        self.log = log
        self.returncode: int | None = None
        remote = [command[0], "source", *command[2:]]
        remote[remote.index("--path-output") + 1] = "staging"
        packed = pack(source, _visible)
        self.client = connect(scheduler, set_as_default=False)
        self.future = self.client.submit(
            assembly, packed, remote, builder_output(Path("staging"), self.builder).as_posix(),
            pure=False)

    def poll(self) -> int | None:
        return self.returncode

    def communicate(self) -> tuple[str, str]:
        try:
            built, output, code, address, seconds = self.future.result()
        finally:
            self.client.close()
        self.log(f"Jupyter Book ({self.builder}) trên cụm Dask, máy {address} "
                 f"({seconds:.1f} s)")
        if code == 0:
            shutil.rmtree(self.staging, ignore_errors=True)
            try:
                unpack(built, builder_output(self.staging, self.builder))
            except tarfile.TarError as err:  # the staging folder starts anew next time
                raise ClusterError(f"Máy {address} của cụm Dask trả về bản dựng ({self.builder}) "
                                   f"không đọc được ({err}) — bản đã đăng giữ nguyên.") from None
        self.returncode = code
        return output, ""

    def terminate(self) -> None:
        """Stop waiting: the task is cancelled (a Jupyter Book run already started on a worker
        finishes there, its output unused)."""
        self.future.cancel()

    def wait(self) -> None:
        self.client.close()


def assembler(scheduler: str, log=partial(print, flush=True)):
    """A ``start`` for :func:`planbook.assemble.assemble` that runs Jupyter Book on the
    cluster at ``scheduler``, logging each run's worker to ``log``."""
    return partial(ClusterRun, scheduler, log)
