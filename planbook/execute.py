"""Run notebooks with papermill: in parallel, each worker reusing one kernel, and only the
notebooks one of whose inputs changed.

Kernel start and imports cost seconds; the work of a page is a fraction of that. So each worker
thread starts one kernel and runs its notebooks in it one after another, wiping the user
namespace, matplotlib's figures, the working folder and the execution counter between them. Imported modules stay loaded, which is the saving. Every page is still an ordinary
papermill run: parameters injected and recorded in the executed notebook's metadata.

Whether a notebook must run is decided by content hashes, kept in ``book/.executed.json``: the
source notebook, its parameters, the package's code and pinned requirements, and the data files
the notebook actually read last time, as it read them (recorded by :data:`planbook.data.READ`:
whole files, or the parts of a table a page reads, whose hashes the build computes from its own
reading of the data).
"""
from __future__ import annotations

import ast
import hashlib
import itertools
import json
import os
import queue
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import papermill
from jupyter_client.manager import KernelManager
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines

from planbook.guard import write_atomically
from planbook.stamp import code_hash, sha256

MANIFEST = ".executed.json"
CELL_TIMEOUT = 600
_RESET = """[get_ipython().user_ns.pop(_n) for _n in list(get_ipython().user_ns)
 if _n not in get_ipython().user_ns_hidden and not (_n.startswith("__") and _n.endswith("__"))]
get_ipython().user_ns["Out"].clear()
get_ipython().execution_count = 1
import os as _os, matplotlib.pyplot as _plt, planbook.data as _data
_plt.close("all"); _os.chdir({cwd!r}); _data.READ.clear()
del _os, _plt, _data
"""
_READ = "sorted((*key, digest) for key, digest in __import__('planbook.data').data.READ.items())"


class ExecutionError(Exception):
    """A notebook failed; the message names it, the cell and the error."""


class ClusterError(Exception):
    """The Dask cluster asked for cannot be reached; the message says which and why."""


@dataclass(frozen=True)
class Job:
    """One papermill run: a source notebook, where its executed copy goes, its parameters."""
    source: Path
    output: Path
    parameters: dict = field(default_factory=dict)


def job_key(job: Job, code: str) -> str:
    """Hash of a job's own inputs (its data files are compared separately)."""
    spec = json.dumps({"source": sha256(job.source), "parameters": job.parameters,
                       "code": code}, sort_keys=True, default=str)
    return hashlib.sha256(spec.encode()).hexdigest()


def _digest(path: Path) -> str | None:
    """A file's hash, or None for a file that is not there (a notebook may have looked for
    one, such as last year's plan, and must run again when it appears)."""
    return sha256(path) if path.is_file() else None


Read = tuple[str, str, "str | None"]
"""What a notebook read: a data file's path, a part of it (``""``: the whole file) and the hash
of what it read (:data:`planbook.data.READ`)."""


class Cache:
    """The record of what each executed notebook was built from. ``parts(path, part)`` gives
    the hash a part of a data file has now (the build reads the data as the pages do)."""

    def __init__(self, root: Path, book: Path,
                 parts: Callable[[Path, str], str | None] = lambda path, part: None):
        self.root = root
        self.book = book
        self.parts = parts
        self.digests: dict[Path, str | None] = {}  # of the files read, once per run
        self.path = book / MANIFEST
        try:
            self.entries = json.loads(self.path.read_text())
        except (OSError, ValueError):  # none yet, or cut short by an interruption: run all
            self.entries = {}
        self.lock = threading.Lock()

    def _name(self, job: Job) -> str:
        return job.output.relative_to(self.book).as_posix()

    def is_fresh(self, job: Job, key: str) -> bool:
        entry = self.entries.get(self._name(job))
        if not entry or entry["key"] != key or not job.output.is_file():
            return False
        if sha256(job.output) != entry["output"]:
            return False
        try:
            return all(digest == (self.parts(self.root / path, part) if part else
                                  self._file(self.root / path))
                       for path, part, digest in entry["deps"])
        except (TypeError, ValueError):  # recorded by an older build
            return False

    def _file(self, path: Path) -> str | None:
        if path not in self.digests:
            self.digests[path] = _digest(path)
        return self.digests[path]

    def record(self, job: Job, key: str, deps: Iterable[Read]) -> None:
        """Record what ``job`` read, with the hashes of what it read (not of the files as they
        are after it ran: a preview's clerk may have saved an edit meanwhile)."""
        with self.lock:
            self.entries[self._name(job)] = {
                "key": key, "output": sha256(job.output),
                "deps": sorted([Path(os.path.relpath(path, self.root)).as_posix(), part, digest]
                               for path, part, digest in deps)}  # ../ for a data folder elsewhere

    def forget(self, job: Job) -> None:
        with self.lock:
            self.entries.pop(self._name(job), None)

    def forget_except(self, jobs: Iterable[Job]) -> None:
        keep = {self._name(job) for job in jobs}
        self.entries = {k: v for k, v in self.entries.items() if k in keep}

    def save(self) -> None:
        write_atomically(self.path, json.dumps(self.entries, indent=1, sort_keys=True))


class ReusedKernelEngine(NBClientEngine):
    """papermill's nbclient engine, run in a kernel the caller started (``km``/``kc``)."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                 stderr_file=None, start_timeout=60, execution_timeout=None,
                                 km=None, kc=None, **kwargs):
        client = PapermillNotebookClient(nb_man, km=km, kernel_name=kernel_name,
                                         timeout=execution_timeout, startup_timeout=start_timeout,
                                         log_output=log_output, stdout_file=stdout_file,
                                         stderr_file=stderr_file)
        client.kc = kc
        return client.execute()


papermill_engines.register("planbook", ReusedKernelEngine)


_KERNEL_NUMBERS = itertools.count()
"""Each kernel's own name for its sockets (a thread may start one after another has ended)."""


class Kernel:
    """A kernel, used by one worker thread at a time, wiped between notebooks."""

    def __init__(self, folder: str):
        self.km = KernelManager(kernel_name="python3", transport="ipc")
        self.km.ip = os.path.join(folder, f"kernel-{next(_KERNEL_NUMBERS)}")
        self.km.start_kernel(extra_arguments=["--HistoryManager.enabled=False"])
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)

    def _request(self, code: str = "", **options) -> dict:
        reply = self.kc.execute_interactive(code, silent=True, store_history=False,
                                            timeout=CELL_TIMEOUT, output_hook=lambda msg: None,
                                            **options)
        if reply["content"]["status"] != "ok":
            raise ExecutionError(f"kernel: {reply['content'].get('evalue')}")
        return reply["content"]

    def run(self, job: Job, finish: Callable[[Path, dict], None]) -> list[Read]:
        """Execute ``job`` with papermill; return what it read of the data."""
        job.output.parent.mkdir(parents=True, exist_ok=True)
        self._request(_RESET.format(cwd=str(job.output.parent)))
        try:
            with same_bytes_same_time(job.output):
                papermill.execute_notebook(str(job.source), str(job.output),
                                           parameters=job.parameters, engine_name="planbook",
                                           km=self.km, kc=self.kc, kernel_name="python3",
                                           cwd=str(job.output.parent), progress_bar=False,
                                           execution_timeout=CELL_TIMEOUT,
                                           request_save_on_cell_execute=False)
                finish(job.output, job.parameters)
        except papermill.PapermillExecutionError as err:
            first_line = (err.source or "").strip().splitlines()[:1]
            raise ExecutionError(f"{job.output} (từ {job.source}), ô chạy thứ {err.exec_count} "
                                 f"«{''.join(first_line)}»: {err.ename}: {err.evalue}") from None
        reply = self._request(user_expressions={"deps": _READ})
        return ast.literal_eval(reply["user_expressions"]["deps"]["data"]["text/plain"])

    def stop(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


KERNELS = "planbook-kernels-"
"""The prefix of the temporary folder of a build's kernels, followed by the build's pid."""


def remove_orphans() -> None:
    """Remove the kernel folders of builds that were killed outright (no cleanup ran)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{KERNELS}*"):
        pid = folder.name.removeprefix(KERNELS).split("-")[0]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def same_bytes_same_time(path: Path) -> Iterator[None]:
    """A file written again with the bytes it had keeps its modification time: Sphinx, which
    compares times, then does not read again a page whose notebook ran to the same result."""
    try:
        before, stat = path.read_bytes(), path.stat()
    except OSError:
        before = stat = None
    yield
    if before is not None and path.is_file() and path.read_bytes() == before:
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


class Kernels:
    """Warm kernels for the runs of one build, or of every rebuild of a preview (which keeps
    them between edits); each runs one notebook at a time. Close them with :meth:`close`."""

    def __init__(self):
        self.folder = tempfile.mkdtemp(prefix=f"{KERNELS}{os.getpid()}-")
        self.idle: queue.SimpleQueue[Kernel] = queue.SimpleQueue()
        self.started: list[Kernel] = []
        self.lock = threading.Lock()

    @contextmanager
    def kernel(self) -> Iterator[Kernel]:
        """An idle kernel, started when there is none, given back when done."""
        try:
            kernel = self.idle.get_nowait()
        except queue.Empty:
            kernel = Kernel(self.folder)
            with self.lock:
                self.started.append(kernel)
        try:
            yield kernel
        except BaseException:  # a notebook that failed may have left its kernel unusable
            kernel.stop()
            with self.lock:
                self.started.remove(kernel)
            raise
        self.idle.put(kernel)

    def warm(self, count: int, code: str) -> None:
        """Have ``count`` kernels started, the missing ones side by side, each having run
        ``code`` (the imports the notebooks make), so that the next run waits for none."""
        def start() -> None:
            kernel = Kernel(self.folder)
            with self.lock:
                self.started.append(kernel)
            kernel._request(code)
            self.idle.put(kernel)

        missing = count - len(self.started)
        if missing > 0:
            with ThreadPoolExecutor(missing) as pool:
                for started in [pool.submit(start) for _ in range(missing)]:
                    started.result()

    def close(self) -> None:
        for kernel in self.started:
            kernel.stop()
        self.started.clear()
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass
class Report:
    executed: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    seconds: float = 0.0


def run(jobs: list[Job], root: Path, book: Path, finish: Callable[[Path, dict], None],
        workers: int | None = None, log: Callable[[str], None] = partial(print, flush=True),
        scheduler: str | None = None, kernels: Kernels | None = None,
        parts: Callable[[Path, str], str | None] = lambda path, part: None) -> Report:
    """Execute the jobs whose inputs changed (``parts``: see :class:`Cache`), ``workers`` at
    a time (default: one per core), in ``kernels`` (default: kernels of this run only) or on
    the Dask cluster at ``scheduler`` (:mod:`planbook.cluster`); stop at the first failure and
    raise :class:`ExecutionError`."""
    started = time.perf_counter()
    remove_orphans()
    cache = Cache(root, book, parts)
    cache.forget_except(jobs)
    code = code_hash(root)
    keys = {job.output: job_key(job, code) for job in jobs}
    todo = [job for job in jobs if not cache.is_fresh(job, keys[job.output])]
    report = Report(skipped=[job.output for job in jobs if job not in todo])
    log(f"{len(todo)} notebook cần chạy, {len(report.skipped)} không đổi (bỏ qua).")
    if todo and scheduler:
        from planbook import cluster  # dask only when a cluster is asked for
        cluster.run(todo, keys, cache, finish, scheduler, report, log, root)
    elif todo:
        own = kernels is None
        kernels = Kernels() if own else kernels
        try:
            _run_parallel(todo, keys, cache, finish, workers or os.cpu_count() or 1, report,
                          log, root, kernels)
        finally:
            if own:
                kernels.close()
    cache.save()
    report.seconds = time.perf_counter() - started
    return report


def _run_parallel(todo, keys, cache, finish, workers, report, log, root, kernels):
    done = threading.Lock()

    def work(job: Job) -> None:
        t0 = time.perf_counter()
        cache.forget(job)
        with kernels.kernel() as kernel:
            deps = kernel.run(job, finish)
        cache.record(job, keys[job.output], deps)
        with done:
            report.executed.append(job.output)
            log(f"[{len(report.executed)}/{len(todo)}] {job.output.relative_to(root)} "
                f"({time.perf_counter() - t0:.1f} s)")

    pool = ThreadPoolExecutor(max_workers=min(workers, len(todo)))
    try:
        futures = [pool.submit(work, job) for job in todo]
        finished, _ = wait(futures, return_when=FIRST_EXCEPTION)
        for future in futures:
            future.cancel()
        failed = [f for f in finished if f.exception()]
        if failed:
            cache.save()  # keep what did succeed
            raise failed[0].exception()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
