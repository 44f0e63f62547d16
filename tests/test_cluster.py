"""The notebook runs on a Dask cluster (two local workers started here) give the same executed
pages as local threads, and the cache then holds as locally. A book's assembly as a Dask task,
with a stand-in for Jupyter Book: what it is sent, where its output lands, how it fails."""
import io
import json
import re
import subprocess
import sys
import tarfile

import nbformat
import pytest
from distributed import LocalCluster

from planbook.assemble import BuildError, assemble
from planbook.cluster import assembler, unpack

from conftest import ROOT, scratch_project


def outputs(path):
    """What a reader sees of an executed page: every cell's outputs (the time of the run
    left out)."""
    nb = nbformat.read(path, as_version=4)
    return [json.dumps(cell.get("outputs", []), sort_keys=True) for cell in nb.cells
            if "nbval-ignore-output" not in cell.metadata.get("tags", [])]


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def assemblies(printed: str) -> list[tuple[str, str]]:
    """The builder and the worker's address of each Jupyter Book run on the cluster, from
    the progress lines."""
    return re.findall(r"^Jupyter Book \((\w+)\) trên cụm Dask, máy (\S+) \(", printed, re.M)


def build(project, scheduler):
    return subprocess.run([sys.executable, "-m", "planbook", "build", "--root", str(project),
                           "--scheduler", scheduler], capture_output=True, text=True)


def test_a_cluster_gives_the_same_book(cluster, tmp_path):
    project = scratch_project(tmp_path)
    result = build(project, cluster)
    assert result.returncode == 0, result.stderr
    assert "cụm Dask" in result.stdout
    assert sorted(builder for builder, _ in assemblies(result.stdout)) == ["html", "pdflatex"]
    mine, local = project / "book" / "2023", ROOT / "book" / "2023"
    pages = sorted(p.relative_to(mine) for p in mine.rglob("*.ipynb"))
    assert pages == sorted(p.relative_to(local) for p in local.rglob("*.ipynb"))
    for page in pages:
        assert outputs(mine / page) == outputs(local / page), page
    charts = sorted(p.relative_to(mine) for p in mine.rglob("figures/*"))
    assert charts and all((mine / c).read_bytes() == (local / c).read_bytes() for c in charts)
    assert (project / "_build" / "html" / "2023" / "year.json").is_file()
    again = build(project, cluster)
    assert again.returncode == 0 and "không có đầu vào nào thay đổi" in again.stdout


def test_a_failure_on_the_cluster_is_named_as_locally(cluster, tmp_path):
    project = scratch_project(tmp_path)
    source = project / "notebooks" / "analysis.ipynb"
    nb = nbformat.read(source, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise ValueError('hỏng')"))
    nbformat.write(nb, source)
    result = build(project, cluster)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "analysis.ipynb" in result.stderr and "ValueError: hỏng" in result.stderr
    assert not (project / "_build" / "html" / "2023").exists()


def test_unpacking_keeps_every_file_inside(tmp_path):
    folder = tmp_path / "unpacked"
    for name in ["../outside.txt", "inner/../../outside.txt"]:
        packed = io.BytesIO()
        with tarfile.open(fileobj=packed, mode="w:gz") as tar:
            info = tarfile.TarInfo(name)
            info.size = 3
            tar.addfile(info, io.BytesIO(b"bad"))
        with pytest.raises(tarfile.FilterError):
            unpack(packed.getvalue(), folder)
        assert not (tmp_path / "outside.txt").exists()
    packed = io.BytesIO()
    with tarfile.open(fileobj=packed, mode="w:gz") as tar:
        info = tarfile.TarInfo(str(tmp_path / "absolute.txt"))
        info.size = 3
        tar.addfile(info, io.BytesIO(b"abs"))
    unpack(packed.getvalue(), folder)
    assert not (tmp_path / "absolute.txt").exists()
    assert (folder / tmp_path.relative_to("/") / "absolute.txt").read_bytes() == b"abs"


FAKE_JUPYTER_BOOK = """#!{python}
import sys
from pathlib import Path
args = sys.argv[1:]
source, out = Path(args[1]), Path(args[args.index("--path-output") + 1])
builder = args[args.index("--builder") + 1]
files = sorted(p.relative_to(source).as_posix() for p in source.rglob("*") if p.is_file())
if any(Path(f).name == "fail" for f in files):
    print("Jupyter Book giả: hỏng")
    sys.exit(1)
folder = out / "_build" / ("latex" if builder == "pdflatex" else builder)
folder.mkdir(parents=True)
(folder / "files.txt").write_text("\\n".join(files))
(folder / ("book.pdf" if builder == "pdflatex" else "index.html")).write_text(builder)
"""
"""Stands in for ``jupyter-book build``: writes the list of the sources it was given."""


@pytest.fixture
def in_process_cluster(tmp_path, monkeypatch):
    """A one-worker cluster in this process, whose Jupyter Book is :data:`FAKE_JUPYTER_BOOK`."""
    fake = tmp_path / "jupyter-book"
    fake.write_text(FAKE_JUPYTER_BOOK.format(python=sys.executable))
    fake.chmod(0o755)
    monkeypatch.setattr("planbook.cluster.JUPYTER_BOOK", fake)
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                      dashboard_address=None) as local:
        yield local


def test_an_assembly_runs_on_a_worker_and_its_output_lands_in_staging(in_process_cluster,
                                                                        tmp_path):
    root = scratch_project(tmp_path / "project")
    book = root / "book" / "2023"
    (book / "figures").mkdir(parents=True)
    (book / "index.ipynb").write_text("{}")
    (book / "figures" / "chart.svg").write_text("<svg/>")
    (book / ".executed.json").write_text("{}")
    stale = root / "_build" / ".staging-2023-html" / "_build" / ".doctrees" / "old.pickle"
    stale.parent.mkdir(parents=True)
    stale.write_text("old")
    logged = []
    start = assembler(in_process_cluster.scheduler_address, log=logged.append)
    html, latex = assemble(root, 2023, [], ["html", "pdflatex"], start)
    files = (html / "files.txt").read_text().split("\n")
    assert {"_toc.yml", "_config.yml", "_static/planbook.css", "book/index.ipynb",
            "book/figures/chart.svg"} <= set(files)  # the links followed
    assert not any(".executed" in f for f in files) and not stale.exists()
    assert (latex / "book.pdf").read_text() == "pdflatex"
    ran = assemblies("\n".join(logged))
    assert sorted(builder for builder, _ in ran) == ["html", "pdflatex"]
    assert {address for _, address in ran} <= set(in_process_cluster.scheduler_info["workers"])

    (book / "fail").write_text("")
    with pytest.raises(BuildError) as caught:
        assemble(root, 2023, [], ["html"], start)
    assert "Jupyter Book giả: hỏng" in str(caught.value)
    assert (html / "files.txt").read_text().split("\n") == files, "left as it was"
