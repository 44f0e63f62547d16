"""The notebook runs on a Dask cluster (two local workers started here) give the same executed
pages as local threads, and the cache then holds as locally."""
import json
import subprocess
import sys

import nbformat
import pytest
from distributed import LocalCluster

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


def build(project, scheduler):
    return subprocess.run([sys.executable, "-m", "planbook", "build", "--root", str(project),
                           "--scheduler", scheduler], capture_output=True, text=True)


def test_a_cluster_gives_the_same_book(cluster, tmp_path):
    project = scratch_project(tmp_path)
    result = build(project, cluster)
    assert result.returncode == 0, result.stderr
    assert "cụm Dask" in result.stdout
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
