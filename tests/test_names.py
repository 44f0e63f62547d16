"""Property: any name and any plausible figures go through load → prose → tables → charts →
MyST and come out as themselves (Hypothesis). The whole build, PDF included, of a few names
that broke it before is in test_faults.py."""
import csv
import io
import os
import re
import shutil
import string
import unicodedata

import pytest
from bs4 import BeautifulSoup
from docutils.core import publish_string
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from myst_parser.docutils_ import Parser

from planbook import charts, fmt, printed, tables, text
from planbook.data import load_plan

from conftest import DATA

VIETNAMESE = ("aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụ"
              "ưừứửữựvxyỳýỷỹỵ")
ALPHABET = VIETNAMESE + VIETNAMESE.upper() + string.digits + string.punctuation + " —–…«»“”‘’"
NAMES = st.text(alphabet=ALPHABET, min_size=1, max_size=60).filter(lambda s: s.strip())


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    folder = tmp_path_factory.mktemp("names")
    shutil.copytree(DATA / "2023", folder / "data" / "2023")
    return folder


def rendered(markdown: str) -> BeautifulSoup:
    """MyST as the book's website renders it (docutils): without the print-only column widths,
    with what is shown only on the site (Sphinx's ``only`` directive, which docutils lacks)."""
    markdown = re.sub(r"```\{tabularcolumns\}[^`]*```", "", markdown)
    markdown = re.sub(r"````\{only\} html\n(.*?)````\n", r"\1", markdown, flags=re.S)
    html = publish_string(markdown, parser=Parser(), writer_name="html5", settings_overrides={
        "myst_enable_extensions": ["colon_fence"], "report_level": 5, "halt_level": 5,
        "output_encoding": "unicode"})
    return BeautifulSoup(html, "html.parser")


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=NAMES, households=st.integers(0, 99_999_999), poor=st.data())
def test_any_name_and_figures_come_out_as_themselves(year, name, households, poor):
    poor_prev = poor.draw(st.integers(0, households), label="poor_prev")
    poor_target = poor.draw(st.integers(0, households), label="poor_target")
    shown = " ".join(unicodedata.normalize("NFC", name).split())
    path = year / "data" / "2023" / "units.csv"
    rows = list(csv.reader(io.StringIO((DATA / "2023" / "units.csv").read_text("utf-8"))))
    assume(shown not in {r[1] for r in rows[2:]})
    rate = lambda poor: f"{100 * poor / households:.2f}" if households else "0"  # noqa: E731
    rows[1] = ["1", name, str(households), str(poor_prev), rate(poor_prev), str(poor_target),
               rate(poor_target), str(poor_prev - poor_target)]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    plan = load_plan(year / "data", 2023)
    plan.validate()
    unit = plan.units.unit[0]
    assert unit == unicodedata.normalize("NFC", name).strip()  # as written, ends trimmed
    here = os.getcwd()
    os.chdir(year)
    try:
        markdown = "\n\n".join(str(part) for part in [
            text.unit(plan, unit), printed.units(plan), charts.unit_position(plan, unit),
            tables.units_computed(plan)])
    finally:
        os.chdir(here)
    page = rendered(markdown)
    words = " ".join(page.get_text(" ").split())
    # a reader sees a run of spaces as one (HTML), as in ``shown``
    assert f"{shown} có {fmt.number(households)} hộ dân cư" in words
    assert words.count(shown) >= 3  # the prose, Biểu 01, the chart's caption
    assert shown in page.find("img")["alt"]
    assert not page.select("strong em, script, code") or "`" in unit
