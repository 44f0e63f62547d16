"""Warm kernels: each thread that runs notebooks starts one Jupyter kernel and runs its
notebooks in it one after another, wiping the user namespace, matplotlib's figures, the working
folder and the execution counter between them. Kernel start and imports cost seconds, the work
of a page a fraction of that; imported modules stay loaded, which is the saving. Every page is
still an ordinary papermill run: parameters injected and recorded in the executed notebook's
metadata. The local threads (:mod:`planbook.execute`) and the Dask workers
(:mod:`planbook.cluster`) both run a job through :class:`WarmKernels`.
"""
from __future__ import annotations

import ast
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import papermill
from jupyter_client.manager import KernelManager
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines

CELL_TIMEOUT = 600
_RESET = """[get_ipython().user_ns.pop(_n) for _n in list(get_ipython().user_ns)
 if _n not in get_ipython().user_ns_hidden and not (_n.startswith("__") and _n.endswith("__"))]
get_ipython().user_ns["Out"].clear()
get_ipython().execution_count = 1
import os as _os, matplotlib.pyplot as _plt, planbook.data as _data
_plt.close("all"); _os.chdir({cwd!r}); _data.FILES_READ.clear()
del _os, _plt, _data
"""
_FILES_READ = "sorted(map(str, __import__('planbook.data').data.FILES_READ))"

KERNELS = "planbook-kernels-"
"""The prefix of the temporary folder of a build's kernels, followed by the build's pid."""


class ExecutionError(Exception):
    """A notebook failed; the message names it, the cell and the error."""


@dataclass(frozen=True)
class Job:
    """One papermill run: a source notebook, where its executed copy goes, its parameters."""
    source: Path
    output: Path
    parameters: dict = field(default_factory=dict)


Done = Callable[[Job, list[str], float], None]
"""What a backend calls when a job has run, locally or on the cluster: the job (its executed
notebook written), the data files it read, its seconds."""


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


class Kernel:
    """A kernel owned by one thread, wiped between notebooks."""

    def __init__(self, folder: str):
        self.km = KernelManager(kernel_name="python3", transport="ipc")
        self.km.ip = os.path.join(folder, f"kernel-{threading.get_ident()}")
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

    def run(self, job: Job) -> list[str]:
        """Execute ``job`` with papermill; return the data files it read."""
        job.output.parent.mkdir(parents=True, exist_ok=True)
        self._request(_RESET.format(cwd=str(job.output.parent)))
        try:
            papermill.execute_notebook(str(job.source), str(job.output),
                                       parameters=job.parameters, engine_name="planbook",
                                       km=self.km, kc=self.kc, kernel_name="python3",
                                       cwd=str(job.output.parent), progress_bar=False,
                                       execution_timeout=CELL_TIMEOUT,
                                       request_save_on_cell_execute=False)
        except papermill.PapermillExecutionError as err:
            first_line = (err.source or "").strip().splitlines()[:1]
            raise ExecutionError(f"{job.output} (từ {job.source}), ô chạy thứ {err.exec_count} "
                                 f"«{''.join(first_line)}»: {err.ename}: {err.evalue}") from None
        reply = self._request(user_expressions={"deps": _FILES_READ})
        return ast.literal_eval(reply["user_expressions"]["deps"]["data"]["text/plain"])

    def stop(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


class WarmKernels:
    """The kernels of one process, one per thread, started on first use with their files in
    ``folder``: calling it runs a job in the calling thread's kernel and returns the data files
    the job read."""

    def __init__(self, folder: str):
        self.folder = folder
        self.local = threading.local()
        self.started: list[Kernel] = []
        self.lock = threading.Lock()

    def __call__(self, job: Job) -> list[str]:
        if not hasattr(self.local, "kernel"):
            self.local.kernel = Kernel(self.folder)
            with self.lock:
                self.started.append(self.local.kernel)
        return self.local.kernel.run(job)

    def stop(self) -> None:
        with self.lock:
            for kernel in self.started:
                kernel.stop()
            self.started.clear()


def kernel_folder() -> str:
    """A new temporary folder for this process's kernels, named so that
    :func:`remove_orphans` finds it once the process is gone."""
    return tempfile.mkdtemp(prefix=f"{KERNELS}{os.getpid()}-")


def remove_orphans() -> None:
    """Remove the kernel folders of builds that were killed outright (no cleanup ran)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{KERNELS}*"):
        pid = folder.name.removeprefix(KERNELS).split("-")[0]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(folder, ignore_errors=True)
