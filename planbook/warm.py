"""Jupyter Book kept loaded: a fork server that imported it, Sphinx and the book's extensions
once (:data:`WARM`), from which each Jupyter Book run of a build (the site's, the PDF's) is
forked. The server, its runs and this module load nothing else of the package: not pandas,
which a run does not need."""
from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.forkserver
import os
import sys
import tempfile
from functools import partial
from pathlib import Path

from planbook.lazy import lazy

jupyter_book = lazy("jupyter_book.cli.main")
"""Jupyter Book's command line, run in the processes forked to build (:data:`WARM`)."""


WARM = ("planbook.sphinx.preload", "jupyter_book.cli.main", "jupyter_book.sphinx",
        "jupyter_book.config", "sphinx.builders.html", "sphinx.builders.latex", "sphinx.search",
        "myst_nb.sphinx_ext", "myst_nb.sphinx_", "sphinx_book_theme", "pydata_sphinx_theme",
        "sphinx_design", "sphinx_togglebutton", "sphinx_copybutton", "sphinx_comments",
        "sphinx_external_toc", "sphinx_multitoc_numbering", "sphinxcontrib.bibtex",
        "sphinx_thebe", "sphinx_jupyterbook_latex", "planbook.sphinx.ext", "planbook.__main__",
        "planbook.warm", "planbook.quick_exit")
"""What the fork server imports once, so that each Jupyter Book run starts with it loaded (the
command line's modules too: a forked process imports its parent's main module again, and this
module, whose function it runs; neither loads pandas)."""


def _jupyter_book(command: list[str], log: str, nice: int = 0) -> None:
    """In a process forked from the fork server: ``jupyter-book <command>``, its output in
    ``log``, yielding the processor by ``nice`` more; its exit status is Jupyter Book's."""
    os.nice(nice)
    gc.freeze()  # what the server loaded stays: the collector need not go through it again
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    sys.stdout = sys.stderr = open(1, "w", encoding="utf-8", closefd=False, buffering=1)
    jupyter_book.main(command, prog_name="jupyter-book")


class WarmRun:
    """One Jupyter Book run forked from the warm server; answers what :func:`planbook.assemble.assemble` asks
    of a process."""

    def __init__(self, context, command: list[str], nice: int = 0):
        fd, self.log = tempfile.mkstemp(prefix="planbook-jupyter-book-", suffix=".log")
        os.close(fd)
        self.process = context.Process(target=_jupyter_book, args=(command, self.log, nice))
        self.process.start()

    @property
    def returncode(self) -> int | None:
        return self.process.exitcode

    def poll(self) -> int | None:
        return self.process.exitcode

    def communicate(self) -> tuple[str, str]:
        self.process.join()
        output = Path(self.log).read_text(encoding="utf-8", errors="replace")
        self.wait()
        return output, ""

    def terminate(self) -> None:
        self.process.terminate()

    def wait(self) -> None:
        self.process.join()
        Path(self.log).unlink(missing_ok=True)


def warm_jupyter_book():
    """A ``start`` for :func:`planbook.assemble.assemble` that forks each run from a server
    which imported Jupyter Book, Sphinx and the book's extensions once: the command line starts
    it first, so that it loads while the data is checked and the notebooks run, and a preview
    or a site of several books keeps it."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(WARM))
    multiprocessing.forkserver.ensure_running()  # loads meanwhile: the first build waits less
    return partial(WarmRun, context)
