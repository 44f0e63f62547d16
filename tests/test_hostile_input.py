"""Hostile and careless input: files, folders, YAML and publishing. Every case gets a clerk
message (never a traceback), bounded time and memory, and leaves the published site as it was.
The hostile data is made up (``tests/hostile/``, or written here)."""
import errno
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planbook import assemble, build, cluster, localities, site
from planbook.__main__ import build_all
from planbook.data import (
    AGENCY_COLUMNS,
    MAX_BYTES,
    DataError,
    data_years,
    load_plan,
    load_text,
    odd_folders,
    read_table,
)

from conftest import DATA, EXAMPLES, digest, scratch_project

HOSTILE = Path(__file__).parent / "hostile"


def planbook(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "planbook", *args, "--root", str(root)],
                          capture_output=True, text=True, timeout=120)


def clerk_message(result: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    return result.stderr


# ------------------------------------------------------------------ plan.yaml


@pytest.mark.parametrize("name, words", [
    ("billion_laughs.yaml", "bí danh YAML (*a0)"),
    ("deep.yaml", "lồng quá 16 cấp"),
    ("duplicate_key.yaml", "dòng 8: mục «locality» ghi hai lần (lần đầu ở dòng 3)"),
    ("binary.yaml", "mục title: kiểu dữ liệu YAML «bytes» không dùng được"),
    ("set.yaml", "mục recipients: kiểu dữ liệu YAML «set» không dùng được"),
])
def test_yaml_beyond_a_plan_is_refused_at_once(name, words, tmp_path):
    path = tmp_path / "2023" / "plan.yaml"
    path.parent.mkdir()
    shutil.copy(HOSTILE / "yaml" / name, path)
    started = time.perf_counter()
    with pytest.raises(DataError) as caught:
        load_text(path)
    assert time.perf_counter() - started < 5, "refused before anything grows"
    assert words in str(caught.value)
    assert str(path) in str(caught.value)


def test_the_2023_plan_has_each_key_once():
    text = (DATA / "2023" / "plan.yaml").read_text(encoding="utf-8")
    assert text.count("\nlocality:") == 1
    load_text(DATA / "2023" / "plan.yaml")


def test_a_file_too_large_is_refused_unread(tmp_path):
    path = tmp_path / "2023" / "units.csv"
    path.parent.mkdir()
    with path.open("wb") as sparse:
        sparse.truncate(MAX_BYTES + 1)
    with pytest.raises(DataError, match="quá lớn"):
        read_table(path, AGENCY_COLUMNS, "name")


YAML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=12) | st.sampled_from(["year", "locality", "date",
                                                               "projects", "signature"]),
                      inner, max_size=5),
    max_leaves=30)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=YAML_VALUES)
def test_any_yaml_structure_gets_a_clerk_message(value, tmp_path):
    path = tmp_path / "2023" / "plan.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(yaml.safe_dump(value, allow_unicode=True), encoding="utf-8")
    try:
        load_text(path)
    except DataError:
        pass


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=400) | st.text(max_size=200).map(str.encode))
def test_any_bytes_get_a_clerk_message(raw, tmp_path):
    folder = tmp_path / "2023"
    folder.mkdir(exist_ok=True)
    (folder / "plan.yaml").write_bytes(raw)
    (folder / "agencies.csv").write_bytes(raw)
    for read in (lambda: load_text(folder / "plan.yaml"),
                 lambda: read_table(folder / "agencies.csv", AGENCY_COLUMNS, "name")):
        try:
            read()
        except DataError:
            pass


# ------------------------------------------------------------------ files and folders


def test_a_link_out_of_the_data_folder_is_refused_without_its_content(tmp_path):
    secret = tmp_path / "elsewhere" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("old,new\nmật khẩu bí mật,x\n", encoding="utf-8")
    shutil.copytree(DATA / "2023", tmp_path / "data" / "2023")
    (tmp_path / "data" / "2023" / "crosswalk.csv").symlink_to(secret)
    plan = load_plan(tmp_path / "data", 2023)
    with pytest.raises(DataError) as caught:
        _ = plan.crosswalk
    assert "liên kết tới một tệp ngoài thư mục dữ liệu" in str(caught.value)
    assert "mật khẩu" not in str(caught.value)


def test_linked_data_and_year_folders_are_read(tmp_path):
    shutil.copytree(DATA / "2023", tmp_path / "real" / "2023")
    (tmp_path / "linked").symlink_to(tmp_path / "real")
    (tmp_path / "years").mkdir()
    (tmp_path / "years" / "2023").symlink_to(tmp_path / "real" / "2023")
    for data in (tmp_path / "linked", tmp_path / "years"):
        plan = load_plan(data, 2023)
        plan.validate()
        assert len(plan.units) == 16


def test_a_column_the_form_lacks_is_noted(tmp_path):
    year = tmp_path / "2023"
    shutil.copytree(DATA / "2023", year)
    lines = (year / "agencies.csv").read_text(encoding="utf-8").splitlines()
    (year / "agencies.csv").write_text(
        "\n".join([lines[0] + ",ghi chú,ref_name"] + [line + ",," for line in lines[1:]]) + "\n",
        encoding="utf-8")
    plan = load_plan(tmp_path, 2023)
    plan.validate()
    assert len(plan.notes) == 1, plan.notes
    assert "agencies.csv, dòng 1: cột 'ghi chú' không có trong mẫu biểu" in plan.notes[0]


def test_odd_year_folders_get_a_word(tmp_path):
    for name in ("2023", "2024 ", "20245", "0999", "2025"):
        (tmp_path / name).mkdir()
    for name in ("2023", "2024 ", "0999"):
        shutil.copy(DATA / "2023" / "plan.yaml", tmp_path / name)
    (tmp_path / "ghi chú").mkdir()  # no digit, no plan: not meant as a year
    assert data_years(tmp_path) == [2023]
    notes = "\n".join(odd_folders(tmp_path))
    for name in ("«2024 »", "«20245»", "«0999»", "2025 không có plan.yaml"):
        assert name in notes
    assert "ghi chú" not in notes and "«2023»" not in notes


def test_a_year_of_three_digits_is_refused_on_the_command_line(tmp_path):
    result = planbook(tmp_path, "build", "--year", "0999")
    assert result.returncode == 2
    assert "năm phải là bốn chữ số như 2024, không phải '0999'" in clerk_message(result)


# ------------------------------------------------------------------ publishing


def published_site(root: Path) -> Path:
    """A made-up published site of two years: what the build leaves, in small."""
    html = root / site.SITE
    for year in (2022, 2023):
        (html / str(year)).mkdir(parents=True)
        (html / str(year) / "index.html").write_text(f"<p>{year}</p>", encoding="utf-8")
        (html / str(year) / site.YEAR_INFO).write_text(
            f'{{"year": {year}, "title": "Made up {year}", "locality": "x", "households": 1, '
            '"poor_prev": 0, "rate_prev": 0, "poor_target": 0, "rate_target": 0, "budget": 0, '
            f'"pdf": "x.pdf", "pages": ["book/index.html"]}}', encoding="utf-8")
    site.write_root(root)
    return html


@pytest.mark.parametrize("args", [
    ["--data", "dta"], ["--data", "dta", "--year", "2023"], ["--data", "/", "--year", "2023"],
    ["--data", "/"], ["--data", "empty"], ["--data", "empty", "--year", "2023"]])
def test_a_wrong_data_folder_unpublishes_nothing(args, tmp_path):
    html = published_site(tmp_path)
    (tmp_path / "empty").mkdir()
    before = digest(html)
    result = planbook(tmp_path, "build", *args)
    assert result.returncode == 2
    assert digest(html) == before, "every year and the root page as they were"
    assert "giữ nguyên" in clerk_message(result)


def test_a_year_comes_off_the_site_only_when_named(tmp_path):
    html = published_site(tmp_path)
    shutil.copytree(DATA / "2023", tmp_path / "data" / "2023")
    (tmp_path / "data" / "2023" / "units.csv").write_text("tt,unit\n", encoding="utf-8")
    assert build_all(tmp_path, "data", None) == 2  # 2023's data is bad: nothing is touched
    assert (html / "2022").is_dir() and (html / "2023").is_dir()
    result = planbook(tmp_path, "unpublish", "--year", "2022")
    assert result.returncode == 0, result.stderr
    assert not (html / "2022").exists() and (html / "2023" / "index.html").is_file()
    root_page = (html / "index.html").read_text(encoding="utf-8")
    assert "Made up 2023" in root_page and "Made up 2022" not in root_page
    again = planbook(tmp_path, "unpublish", "--year", "2022")
    assert again.returncode == 2 and "không gỡ gì" in clerk_message(again)


def test_a_full_disk_leaves_no_partial_folder_and_says_so(tmp_path, monkeypatch):
    html = published_site(tmp_path)
    built = tmp_path / "built"
    shutil.copytree(html / "2023", built)
    (built / "more.html").write_text("new", encoding="utf-8")
    before = digest(html)

    def full_disk(source, target, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))

    monkeypatch.setattr(shutil, "copyfile", full_disk)
    with pytest.raises(build.BuildError) as caught:
        assemble.publish(built, html / "2023")
    message = str(caught.value)
    assert "No space left on device" in message and "chỗ trống trên đĩa" in message
    assert "[(" not in message, "no raw Python list"
    assert not list(html.glob("*.new")) and digest(html) == before


def test_an_unreachable_cluster_is_named_as_such(tmp_path, monkeypatch):
    project = scratch_project(tmp_path / "project")
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", "1s")
    with pytest.raises(build.BuildError) as caught:
        build.build(2023, project, scheduler="tcp://127.0.0.1:1")
    message = str(caught.value)
    assert "Không kết nối được tới cụm Dask tại 'tcp://127.0.0.1:1'" in message
    assert "đĩa" not in message
    assert not (project / site.SITE / "2023").exists()


def test_a_site_on_an_unreachable_cluster_builds_nothing_and_says_so(tmp_path, monkeypatch,
                                                                       capsys):
    shutil.copytree(EXAMPLES / "commune" / "2026", tmp_path / "site" / "xa-mot" / "2026")
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", "1s")
    assert localities.build_site(tmp_path, "site", scheduler="tcp://127.0.0.1:1") == 1
    said = capsys.readouterr().err
    assert "không dựng gì" in said and "Không kết nối được tới cụm Dask" in said
    assert not localities.book_dir(tmp_path, "xa-mot", 2026).exists()


def test_names_of_250_characters_draw_every_chart(tmp_path, monkeypatch):
    """A careless paste: a unit's name and the locality's level of 250 characters each (made
    up) still give every chart, cut with «…» (the caption and alt text carry them whole)."""
    from planbook import charts

    shutil.copytree(DATA / "2023", tmp_path / "data" / "2023")
    long = "Tổ dân phố " + "rất dài " * 30
    units = tmp_path / "data" / "2023" / "units.csv"
    units.write_text(units.read_text(encoding="utf-8").replace("Trần Phú", long.strip()),
                     encoding="utf-8")
    plan_yaml = tmp_path / "data" / "2023" / "plan.yaml"
    plan_yaml.write_text(plan_yaml.read_text(encoding="utf-8").replace(
        "  level: thành phố", f"  level: {long.strip()}", 1), encoding="utf-8")
    plan = load_plan(tmp_path / "data", 2023)
    plan.validate()
    monkeypatch.chdir(tmp_path)
    for chart in (charts.unit_rates, charts.budget_by_project, charts.lead_shares):
        assert "figures/" in chart(plan)
    assert "figures/" in charts.unit_position(plan, long.strip())
