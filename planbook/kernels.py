"""Warm kernels: papermill runs a notebook in a kernel started once and wiped between
notebooks (its names, figures and working folder), and returns what the notebook read of the
data (:data:`planbook.data.READ`). The local threads (:mod:`planbook.execute`) and the Dask
workers (:mod:`planbook.cluster`) both run their jobs here.
"""
from __future__ import annotations

import ast
import functools
import itertools
import os
import shutil
import tempfile
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from planbook.lazy import lazy

papermill = lazy("papermill")  # with nbclient and jupyter_client: loaded when a notebook runs
jupyter_client = lazy("jupyter_client")

CELL_TIMEOUT = 600
IMPORTS = "import planbook.chapter\nplanbook.chapter.warm()"
"""What the notebooks import and first do (:func:`planbook.chapter.warm`), run in a kernel warmed
before its first notebook."""
_RESET = """[get_ipython().user_ns.pop(_n) for _n in list(get_ipython().user_ns)
 if _n not in get_ipython().user_ns_hidden and not (_n.startswith("__") and _n.endswith("__"))]
get_ipython().user_ns["Out"].clear()
get_ipython().execution_count = 1
import os as _os, sys as _sys, planbook.data as _data
if "matplotlib.pyplot" in _sys.modules: _sys.modules["matplotlib.pyplot"].close("all")
_os.chdir({cwd!r}); _data.READ.clear()
del _os, _sys, _data
"""
_READ = "sorted((*key, digest) for key, digest in __import__('planbook.data').data.READ.items())"


class ExecutionError(Exception):
    """A notebook failed; the message names it, the cell and the error."""


@dataclass(frozen=True)
class Job:
    """One papermill run: a source notebook, where its executed copy goes, its parameters."""
    source: Path
    output: Path
    parameters: dict = field(default_factory=dict)

    @property
    def plan(self) -> str:
        """The data folder it reads its plan from (its own folder when it reads none): the
        pages of a book share it."""
        return os.path.normpath(self.output.parent / self.parameters.get("data_dir", ""))


Read = tuple[str, str, "str | None"]
"""What a notebook read: a data file's path, a part of it (``""``: the whole file) and the hash
of what it read (:data:`planbook.data.READ`)."""


_LANGUAGES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
"""Each kernel client's kernel's language, as its first notebook's run asked it."""


class Reading:
    """A kernel's client as one notebook's run uses it: the request of the notebook's last code
    cell also asks what the notebook read (:data:`_READ`), which its reply tells (one request
    fewer than asking after the run)."""

    def __init__(self, client):
        self.client = client
        self.asking = False
        self.reads: list[Read] = []

    def __getattr__(self, name):
        return getattr(self.client, name)

    def execute(self, code: str, **options):
        if self.asking:
            options["user_expressions"] = {"deps": _READ}
        return self.client.execute(code, **options)

    def executed(self, execute_reply: dict, **_) -> None:
        """nbclient's ``on_cell_executed``: keep what the notebook read, once asked."""
        deps = execute_reply["content"].get("user_expressions", {}).get("deps")
        if deps is None:
            return
        if deps["status"] != "ok":
            raise ExecutionError(f"kernel: {deps.get('evalue')}")
        self.reads = ast.literal_eval(deps["data"]["text/plain"])


@functools.cache
def engine() -> str:
    """The name of papermill's nbclient engine run in a kernel the caller started
    (``km``; ``kc``: a :class:`Reading`), registered with papermill once, when a notebook first
    runs."""

    class ReadingClient(papermill.clientwrap.PapermillNotebookClient):
        """papermill's client, which asks the kernel for its language once, not after each
        notebook, and what the notebook read with its last code cell (a unit's page makes five
        requests: the wipe, its two cells of parameters, its opening and its shows)."""

        def execute(self, **kwargs):
            self.reset_execution_trackers()
            self.last = max((i for i, cell in enumerate(self.nb.cells)
                             if cell.cell_type == "code" and cell.source.strip()), default=None)
            self.on_cell_executed = self.kc.executed
            with self.setup_kernel(**kwargs):
                self.papermill_execute_cells()
                if self.kc.client not in _LANGUAGES:
                    reply = self.wait_for_reply(self.kc.kernel_info())
                    _LANGUAGES[self.kc.client] = reply["content"]["language_info"]
                self.nb.metadata["language_info"] = _LANGUAGES[self.kc.client]
                self.set_widgets_metadata()
            return self.nb

        def execute_cell(self, cell, cell_index, *args, **kwargs):
            self.kc.asking = cell_index == self.last
            return super().execute_cell(cell, cell_index, *args, **kwargs)

    class ReusedKernelEngine(papermill.engines.NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False,
                                     stdout_file=None, stderr_file=None, start_timeout=60,
                                     execution_timeout=None, km=None, kc=None, **kwargs):
            client = ReadingClient(
                nb_man, km=km, kernel_name=kernel_name, timeout=execution_timeout,
                startup_timeout=start_timeout, log_output=log_output, stdout_file=stdout_file,
                stderr_file=stderr_file)
            client.kc = kc
            return client.execute()

    papermill.engines.papermill_engines.register("planbook", ReusedKernelEngine)
    return "planbook"


_KERNEL_NUMBERS = itertools.count()
"""Each kernel's own name for its sockets (a thread may start one after another has ended)."""


class Kernel:
    """A kernel, used by one worker thread at a time, wiped between notebooks; ``ready=False``
    only starts its process (the caller waits with :meth:`wait_ready`)."""

    def __init__(self, folder: str, ready: bool = True):
        self.km = jupyter_client.KernelManager(kernel_name="python3", transport="ipc")
        self.km.ip = os.path.join(folder, f"kernel-{next(_KERNEL_NUMBERS)}")
        self.km.start_kernel(extra_arguments=["--HistoryManager.enabled=False"])
        self.kc = self.km.client()
        self.kc.start_channels()
        if ready:
            self.wait_ready()

    def wait_ready(self) -> None:
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
        client = Reading(self.kc)
        try:
            with same_bytes_same_time(job.output):
                papermill.execute_notebook(str(job.source), str(job.output),
                                           parameters=job.parameters, engine_name=engine(),
                                           km=self.km, kc=client, kernel_name="python3",
                                           cwd=str(job.output.parent), progress_bar=False,
                                           execution_timeout=CELL_TIMEOUT,
                                           request_save_on_cell_execute=False)
                finish(job.output, job.parameters)
        except papermill.PapermillExecutionError as err:
            first_line = (err.source or "").strip().splitlines()[:1]
            raise ExecutionError(f"{job.output} (từ {job.source}), ô chạy thứ {err.exec_count} "
                                 f"«{''.join(first_line)}»: {err.ename}: {err.evalue}") from None
        return client.reads

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
        self.lock = threading.Lock()
        self.given_back = threading.Condition(self.lock)
        self.idle: list[Kernel | None] = []  # None: one failed, whoever takes it starts one
        self.ran_in: dict[Kernel, str] = {}  # the plan each kernel's last notebook read
        self.started: list[Kernel] = []
        self.warming = 0  # of those started, the ones running their imports
        self.threads: list[threading.Thread] = []

    @contextmanager
    def kernel(self, plan: str | None = None) -> Iterator[Kernel]:
        """An idle kernel (one being warmed is waited for), started when there is none, given
        back when done. Of the idle ones, the one whose last notebook read ``plan`` (its data
        folder, :attr:`Job.plan`): it keeps that plan read, checked and derived
        (:func:`planbook.data.kept_plan`), which another kernel would do again; the books of
        a site share the kernels."""
        with self.given_back:
            while not self.idle and self.warming:
                self.given_back.wait()
            same = [k for k in self.idle if k is not None and self.ran_in.get(k) == plan]
            kernel = (same or self.idle or [None])[0]
            if self.idle:
                self.idle.remove(kernel)
        if kernel is None:  # none warming, or one failed to start: start one here
            kernel = Kernel(self.folder)
            with self.lock:
                self.started.append(kernel)
        try:
            yield kernel
        except BaseException:  # a notebook that failed may have left its kernel unusable
            kernel.stop()
            with self.lock:
                self.started.remove(kernel)
                self.ran_in.pop(kernel, None)
            self._give_back(None)
            raise
        self.ran_in[kernel] = plan
        self._give_back(kernel)

    def _give_back(self, kernel: Kernel | None) -> None:
        with self.given_back:
            self.idle.append(kernel)
            self.given_back.notify()

    def count(self) -> int:
        """The kernels started, warm or warming."""
        with self.lock:
            return len(self.started)

    def warm(self, count: int) -> None:
        """Start the kernels missing for ``count`` to be started and have each run
        :data:`IMPORTS` in the background; :meth:`kernel` waits for them. Their processes are
        started here (this thread loads what starting them needs, never two threads at
        once)."""
        with self.lock:
            for _ in range(count - len(self.started)):
                try:
                    kernel = Kernel(self.folder, ready=False)
                except Exception:  # noqa: BLE001 (whoever needs one starts one and sees why)
                    break
                self.started.append(kernel)
                self.warming += 1
                thread = threading.Thread(target=self._warm_one, args=(kernel,), daemon=True)
                self.threads.append(thread)
                thread.start()

    def _warm_one(self, kernel: Kernel) -> None:
        try:
            kernel.wait_ready()
            kernel._request(IMPORTS)
        except Exception:  # noqa: BLE001 (whoever waits for it starts one and sees why)
            kernel.stop()
            with self.lock:
                self.started.remove(kernel)
            kernel = None
        finally:
            with self.given_back:
                self.warming -= 1
                self.idle.append(kernel)
                self.given_back.notify()

    def wait(self) -> None:
        """Until the kernels being warmed are warm (or failed to start)."""
        for thread in list(self.threads):
            thread.join()

    def close(self) -> None:
        """Stop every kernel and remove their folder. A signal meanwhile (a kill as the build
        ends, a second Ctrl-C) does not cut it short: it is raised once all is done."""
        stopped_by = None
        try:
            self.wait()  # a kernel still starting is stopped with the others
        except BaseException as err:  # noqa: BLE001 (raised below)
            stopped_by = err
        for kernel in self.started:
            try:
                kernel.stop()
            except BaseException as err:  # noqa: BLE001 (raised below)
                stopped_by = stopped_by or err
        self.started.clear()
        shutil.rmtree(self.folder, ignore_errors=True)
        if stopped_by is not None:
            raise stopped_by
