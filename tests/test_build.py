"""The list of notebook runs follows _toc.yml and the ward table."""
import copy

from planbook import build

from conftest import ROOT


def test_one_job_per_chapter_and_per_ward(plan):
    jobs = build.jobs(plan, ROOT, "data")
    chapters = build.chapter_files(ROOT)
    assert len(jobs) == len(chapters) + len(plan.wards)
    ward_jobs = [j for j in jobs if "ward" in j.parameters]
    assert [j.parameters["ward"] for j in ward_jobs] == list(plan.wards.unit)
    assert all(j.parameters["data_dir"] == "../../data" for j in ward_jobs)
    assert sorted(j.output.name for j in ward_jobs) == [j.output.name for j in ward_jobs], \
        "file names keep the ward table's order for the glob in _toc.yml"


def test_a_removed_ward_loses_its_page(plan, tmp_path):
    smaller = copy.copy(plan)
    smaller._ward_table = (plan.wards.iloc[1:].reset_index(drop=True), plan.wards_total)
    (tmp_path / "_toc.yml").write_text((ROOT / "_toc.yml").read_text())
    for job in build.jobs(plan, tmp_path, "data"):
        job.output.parent.mkdir(parents=True, exist_ok=True)
        job.output.write_text("{}")
    after = build.jobs(smaller, tmp_path, "data")
    build.remove_stale(tmp_path, after)
    remaining = {p.name for p in (tmp_path / "book" / "wards").glob("*.ipynb")}
    assert remaining <= {j.output.name for j in after}
    assert not any(plan.wards.unit[0] == j.parameters.get("ward") for j in after)
    assert f"{build.ward_page(1, plan.wards.unit[0])}.ipynb" not in remaining
