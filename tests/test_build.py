"""The list of notebook runs follows _toc.yml and the unit table."""
import copy

from planbook import build

from conftest import ROOT


def test_one_job_per_chapter_and_per_unit(plan):
    jobs = build.jobs(plan, ROOT, "data")
    chapters = build.chapter_files(ROOT)
    assert len(jobs) == len(chapters) + len(plan.units)
    unit_jobs = [j for j in jobs if "unit" in j.parameters]
    assert [j.parameters["unit"] for j in unit_jobs] == list(plan.units.unit)
    assert all(j.parameters["data_dir"] == "../../data" for j in unit_jobs)
    assert sorted(j.output.name for j in unit_jobs) == [j.output.name for j in unit_jobs], \
        "file names keep the unit table's order for the glob in _toc.yml"


def test_a_removed_unit_loses_its_page(plan, tmp_path):
    smaller = copy.copy(plan)
    smaller._unit_table = (plan.units.iloc[1:].reset_index(drop=True), plan.units_total)
    (tmp_path / "_toc.yml").write_text((ROOT / "_toc.yml").read_text())
    for job in build.jobs(plan, tmp_path, "data"):
        job.output.parent.mkdir(parents=True, exist_ok=True)
        job.output.write_text("{}")
    after = build.jobs(smaller, tmp_path, "data")
    build.remove_stale(tmp_path, after)
    remaining = {p.name for p in (tmp_path / "book" / "units").glob("*.ipynb")}
    assert remaining <= {j.output.name for j in after}
    assert not any(plan.units.unit[0] == j.parameters.get("unit") for j in after)
    assert f"{build.unit_page(1, plan.units.unit[0])}.ipynb" not in remaining
