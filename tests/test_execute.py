"""The execution engine: papermill runs in reused kernels, re-run only when an input changed."""
import json
import subprocess
import sys
import threading
from pathlib import Path

import nbformat
import pytest

from planbook import chapter, execute, guard, kernels, text, warm


def notebook(path, *cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    nb.cells[0].metadata["tags"] = ["parameters"]
    nbformat.write(nb, path)


@pytest.fixture
def project(tmp_path):
    (tmp_path / "requirements.txt").write_text("")
    (tmp_path / "a.txt").write_text("A")
    (tmp_path / "b.txt").write_text("B")
    notebook(tmp_path / "reader.ipynb", 'name = "a.txt"',
             "from pathlib import Path\nfrom planbook.data import read_bytes\n"
             "leaked = 'x' in dir()\nx = 1\nprint(read_bytes(Path(name)).decode(), leaked)")
    return tmp_path


def jobs(root):
    return [kernels.Job(root / "reader.ipynb", root / "book" / f"{n}.ipynb", {"name": str(root / f)})
            for n, f in (("one", "a.txt"), ("two", "b.txt"))]


def run(root):
    return execute.run(jobs(root), root, root / "book", lambda path, params: None, workers=1,
                       log=lambda line: None)


def output_text(path):
    nb = nbformat.read(path, as_version=4)
    return "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))


def test_runs_once_then_only_what_changed(project):
    first = run(project)
    assert len(first.executed) == 2
    assert output_text(project / "book" / "one.ipynb") == "A False\n"
    assert output_text(project / "book" / "two.ipynb") == "B False\n", "namespace was wiped"
    one, two = (nbformat.read(project / "book" / f"{n}.ipynb", as_version=4)
                for n in ("one", "two"))
    assert two.metadata.papermill.parameters == {"name": str(project / "b.txt")}
    assert [c.execution_count for c in one.cells] == [c.execution_count for c in two.cells], \
        "execution counts restart in a reused kernel"

    assert run(project).executed == []

    (project / "b.txt").write_text("B2")
    assert run(project).executed == [project / "book" / "two.ipynb"]
    assert output_text(project / "book" / "two.ipynb") == "B2 False\n"


def test_hand_edited_output_is_rebuilt(project):
    run(project)
    (project / "book" / "one.ipynb").write_text(json.dumps({"edited": True}))
    assert run(project).executed == [project / "book" / "one.ipynb"]


def test_a_kernel_is_asked_its_language_once(project, monkeypatch):
    """papermill asks the kernel its language after each notebook; a kernel that runs page
    after page is asked once, and each executed notebook records it all the same."""
    kernel = kernels.Kernel(str(project))
    asked = []
    kernel_info = type(kernel.kc).kernel_info
    monkeypatch.setattr(type(kernel.kc), "kernel_info",
                        lambda client: asked.append(client) or kernel_info(client))
    try:
        for job in jobs(project):
            kernel.run(job, lambda path, params: None)
    finally:
        kernel.stop()
    assert len(asked) == 1
    for n in ("one", "two"):
        nb = nbformat.read(project / "book" / f"{n}.ipynb", as_version=4)
        assert nb.metadata.language_info.name == "python"


def test_what_a_notebook_read_comes_with_its_last_cell(project, monkeypatch):
    """A kernel request costs about 12 ms of processor time: what a notebook read of the data
    is asked with its last code cell, not by a request after it. A notebook of 3 code cells
    (papermill adds its parameters) makes 5 requests: the wipe before it and its 4 cells."""
    notebook(project / "reader.ipynb", 'name = "a.txt"',
             "from pathlib import Path\nfrom planbook.data import read_bytes",
             "print(read_bytes(Path(name)).decode())")
    kernel = kernels.Kernel(str(project))
    sent = []
    execute_ = type(kernel.kc).execute
    monkeypatch.setattr(type(kernel.kc), "execute",
                        lambda client, code, **options: sent.append(options) or
                        execute_(client, code, **options))
    try:
        read = kernel.run(jobs(project)[1], lambda path, params: None)
    finally:
        kernel.stop()
    assert len(sent) == 5
    assert [bool(options.get("user_expressions")) for options in sent] == [False] * 4 + [True]
    assert [(Path(path).name, part) for path, part, digest in read] == [("b.txt", "")]


def test_failure_names_notebook_cell_and_error(project):
    notebook(project / "reader.ipynb", 'name = "a.txt"', "1 / 0")
    with pytest.raises(kernels.ExecutionError, match=r"one\.ipynb.*«1 / 0».*ZeroDivisionError"):
        run(project)


class IdleKernel:
    """A kernel that starts at once and runs nothing (no process)."""

    def __init__(self, folder, ready=True):
        pass

    def wait_ready(self):
        pass

    def _request(self, code):
        pass

    def stop(self):
        pass


def test_a_kernel_warming_counts_once(monkeypatch):
    """A kernel that started and runs its imports is one kernel: a small rebuild then runs
    in it alone instead of starting a second one cold."""
    importing, release = threading.Event(), threading.Event()

    class Slow(IdleKernel):
        def _request(self, code):
            importing.set()
            release.wait(10)

    monkeypatch.setattr(kernels, "Kernel", Slow)
    warm = kernels.Kernels()
    try:
        warm.warm(1)
        assert importing.wait(10)
        assert warm.count() == 1
        six = [kernels.Job(None, None)] * 6
        assert execute.threads(six, 2, warm) == 1
        warm.warm(2)
        assert warm.count() == 2, "one more kernel, beside the one warming"
        waiting = threading.Thread(target=warm.wait)
        waiting.start()
        waiting.join(0.2)
        assert waiting.is_alive(), "a preview is ready once its kernels are warm"
        release.set()
        waiting.join(10)
        assert not waiting.is_alive()
        with warm.kernel() as kernel:
            assert isinstance(kernel, Slow)
        assert warm.count() == 2
    finally:
        release.set()
        warm.close()


def test_a_notebook_runs_in_the_kernel_whose_last_notebook_read_its_plan(monkeypatch):
    """The books of a site share the kernels: a page goes to the idle kernel whose last page
    read the same plan, which it keeps read and checked, and to the one idle longest when
    none did. The pages of a book's two folders read one plan."""

    monkeypatch.setattr(kernels, "Kernel", IdleKernel)
    pool = kernels.Kernels()
    try:
        pool.warm(3)
        pool.wait()
        a_book, a_unit, b_book = "a/data", "a/other-data", "b/data"
        with pool.kernel(a_book) as first, pool.kernel(a_unit) as second:
            pass
        with pool.kernel(b_book) as third:
            assert third not in (first, second), "the one idle longest, which ran neither"
        for folder, ran in [(a_book, first), (a_unit, second), (b_book, third),
                            (a_book, first)]:
            with pool.kernel(folder) as kernel:
                assert kernel is ran
        with pool.kernel(a_book) as busy, pool.kernel(a_book) as other:
            assert busy is first and other is not first
        assert pool.count() == 3
    finally:
        pool.close()
    chapter = kernels.Job(Path("x.ipynb"), Path("site/book/2026/x.ipynb"), {"data_dir": "../../data"})
    unit = kernels.Job(Path("u.ipynb"), Path("site/book/2026/units/u.ipynb"),
                       {"data_dir": "../../../data", "unit": "Thôn Đông"})
    assert chapter.plan == unit.plan == "site/data"


def test_closing_the_kernels_is_not_cut_short_by_a_signal():
    """A kill that lands while the kernels are being stopped (the build about to end) stops
    the others all the same and removes their folder, then stops the build."""
    stopped = []

    class Stubborn:
        def stop(self):
            stopped.append(self)
            if len(stopped) == 1:
                raise guard.Interrupted("SIGTERM")

    pool = kernels.Kernels()
    pool.started += [Stubborn(), Stubborn()]
    with pytest.raises(guard.Interrupted):
        pool.close()
    assert len(stopped) == 2 and not Path(pool.folder).exists()


def test_a_kernel_warms_what_a_first_page_would_load():
    """The kernel's warm-up runs (a failure would leave every kernel to start cold): the book's
    templates compiled, pandera's checks loaded."""
    chapter.warm()
    assert {name for _, name in text.ENV.cache} >= {"header.md", "unit.md"}
    assert {name for _, name in text.TEX_ENV.cache} >= {"cover.tex"}


def test_the_fork_server_loads_what_a_jupyter_book_run_imports_and_no_more():
    """A run forked from the server imports the command line's module and the function it
    runs: both loaded by the server, or each run loads them again. Neither loads pandas, which
    no run needs: the server loads while the data is checked and the notebooks run, and a
    build's site and PDF wait for it."""
    assert {"planbook.__main__", warm._jupyter_book.__module__} <= set(warm.WARM)
    assert warm.WARM[-1] == "planbook.quick_exit"
    loaded = subprocess.run([sys.executable, "-c", "import importlib, sys\n"
                             "from planbook.warm import WARM\n"
                             "for name in WARM: importlib.import_module(name)\n"
                             "print(' '.join(sys.modules))"],
                            capture_output=True, text=True, check=True).stdout.split()
    assert "planbook.warm" in loaded and not {"pandas", "pandera", "planbook.data"} & set(loaded)


LOADED_BY_A_RUN = """
import importlib, io, sys, contextlib
from planbook.warm import WARM
for name in WARM:
    importlib.import_module(name)
before = set(sys.modules)
from jupyter_book.cli.main import main
with contextlib.redirect_stdout(io.StringIO()):
    main(["build", sys.argv[1], "--path-output", sys.argv[2], "--builder", "html", "-q"],
         standalone_mode=False)
print(" ".join(sorted(set(sys.modules) - before)))
"""


def test_a_jupyter_book_run_forked_from_the_server_imports_next_to_nothing(site, tmp_path):
    """What Sphinx imports as it sets up its extensions and builds is loaded by the fork server
    (:mod:`planbook.sphinx.preload`): a third of a second of every run otherwise."""
    source = site.parents[2] / "_build" / ".src-2023"
    loaded = subprocess.run([sys.executable, "-c", LOADED_BY_A_RUN, str(source), str(tmp_path)],
                            capture_output=True, text=True, check=True, cwd=site.parents[2])
    assert not [name for name in loaded.stdout.split() if not name.startswith("encodings.")]
