"""Run notebooks with papermill: in parallel, each worker reusing one kernel, and only the
notebooks one of whose inputs changed.

Kernel start and imports cost seconds; the work of a page is a fraction of that. So each worker
runs its notebooks one after another in a warm kernel (:mod:`planbook.kernels`), wiped between
them; imported modules stay loaded, which is the saving. Every page is still an ordinary
papermill run: parameters injected and recorded in the executed notebook's metadata. The jobs
that must run go to local threads or to the Dask cluster (:mod:`planbook.cluster`); each
reports a finished job through one callback, which records it in the cache and prints the
progress line.

Whether a notebook must run is decided by content hashes, kept in ``book/.executed.json``: the
source notebook, its parameters, the package's code and pinned requirements, and the data files
the notebook actually read last time, as it read them (recorded by :data:`planbook.data.READ`:
whole files, or the parts of a table a page reads, whose hashes the build computes from its own
reading of the data).
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from planbook import cluster
from planbook.guard import write_atomically
from planbook.kernels import Job, Kernels, Read, remove_orphans
from planbook.stamp import code_hash, file_digest, sha256

MANIFEST = ".executed.json"
def job_key(job: Job, code: str) -> str:
    """Hash of a job's own inputs (its data files are compared separately)."""
    spec = json.dumps({"source": sha256(job.source), "parameters": job.parameters,
                       "code": code}, sort_keys=True, default=str)
    return hashlib.sha256(spec.encode()).hexdigest()


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
            self.digests[path] = file_digest(path)
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


@dataclass
class Report:
    executed: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    seconds: float = 0.0


def run(jobs: list[Job], root: Path, book: Path, finish: Callable[[Path, dict], None],
        workers: int | None = None, log: Callable[[str], None] = partial(print, flush=True),
        scheduler: str | None = None, kernels: Kernels | None = None,
        parts: Callable[[Path, str], str | None] = lambda path, part: None,
        then: Callable[[Path], object] = lambda path: None) -> Report:
    """Execute the jobs whose inputs changed (``parts``: see :class:`Cache`), ``workers`` at
    a time (default: one per core), in ``kernels`` (default: kernels of this run only) or on
    the Dask cluster at ``scheduler`` (:mod:`planbook.cluster`); stop at the first failure and
    raise :class:`~planbook.kernels.ExecutionError` (or
    :class:`~planbook.cluster.ClusterError`). ``then`` gets each executed notebook as soon as
    it is recorded, while the others run (the build makes its downloads)."""
    started = time.perf_counter()
    remove_orphans()
    cache = Cache(root, book, parts)
    cache.forget_except(jobs)
    code = code_hash(root)
    keys = {job.output: job_key(job, code) for job in jobs}
    todo = [job for job in jobs if not cache.is_fresh(job, keys[job.output])]
    report = Report(skipped=[job.output for job in jobs if job not in todo])
    log(f"{len(todo)} notebook cần chạy, {len(report.skipped)} không đổi (bỏ qua).")
    for job in todo:
        cache.forget(job)
    lock = threading.Lock()
    where = ", cụm Dask" if scheduler else ""

    def done(job: Job, deps: list[Read], seconds: float) -> None:
        """A job finished (its notebook written and post-processed): record and report it."""
        cache.record(job, keys[job.output], deps)
        with lock:
            report.executed.append(job.output)
            log(f"[{len(report.executed)}/{len(todo)}] {job.output.relative_to(root)} "
                f"({seconds:.1f} s{where})")
        then(job.output)

    try:
        if todo and scheduler:
            cluster.run(todo, finish, done, scheduler, root)
        elif todo:
            own = kernels is None
            kernels = Kernels() if own else kernels
            try:
                _run_parallel(todo, finish, done, threads(todo, workers, kernels), kernels)
            finally:
                if own:
                    kernels.close()
    finally:
        cache.save()  # what did succeed, also when one failed
    report.seconds = time.perf_counter() - started
    return report


NOTEBOOKS_PER_KERNEL = 16
"""A kernel costs about as much to start (its imports) as this many notebooks cost to run in
it warm: a small rebuild runs in the kernels already there, or in one."""


def threads(todo: list[Job], workers: int | None, kernels: Kernels) -> int:
    """How many notebooks to run at once: one per core (or ``workers``), but no more than
    the kernels started or warming, or than the work pays to start."""
    wanted = min(workers or os.cpu_count() or 1, len(todo))
    return min(wanted, max(kernels.count(), 1 + len(todo) // NOTEBOOKS_PER_KERNEL))


def _run_parallel(todo, finish, done, workers, kernels):
    def work(job: Job) -> None:
        t0 = time.perf_counter()
        with kernels.kernel(job.plan) as kernel:
            deps = kernel.run(job, finish)
        done(job, deps, time.perf_counter() - t0)

    kernels.warm(workers)  # those missing start side by side
    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        futures = [pool.submit(work, job) for job in todo]
        finished, _ = wait(futures, return_when=FIRST_EXCEPTION)
        for future in futures:
            future.cancel()
        failed = [f for f in finished if f.exception()]
        if failed:
            raise failed[0].exception()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
