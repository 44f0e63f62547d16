"""The plan's own words, as issued: typed as printed, read into paragraphs, printed verbatim,
their figures tied to the tables and checked (made-up variants; the 2023 plan's signed text)."""
import re
import shutil

import pytest
import yaml

from planbook import checks, legacy, plantext, text
from planbook.data import DataError, load_plan

from conftest import EXAMPLES, LEGACY, ROOT, build, scratch_project

SIGNED = ROOT / "tests" / "reference" / "ke-hoach-2023.txt"


def words(text):
    """Words for comparing texts: list markers and quotes' spacing aside."""
    return [w for w in text.split() if w not in {"-", "+"}]


def signed_sections():
    """Sections I–VI of the signed plan: from its first heading to its closing, page numbers
    (lines of their own) left out."""
    lines = [line.strip() for line in SIGNED.read_text(encoding="utf-8").splitlines()]
    start = lines.index("I. MỤC ĐÍCH, YÊU CẦU")
    end = next(i for i, line in enumerate(lines) if line.startswith("Trên đây là"))
    return " ".join(line for line in lines[start:end] if not re.fullmatch(r"\d+", line))


def test_paragraphs_say_what_they_are_and_print_without_their_marks():
    typed = ("# 1. Mục đích\n\nTriển khai, cụ thể hóa\ncác văn bản.\n\n- Một ý.\n\n+ Ý con.\n\n"
             "2.1. Tiểu dự án 1\n\na) Kinh phí: 643{total@1} triệu đồng, còn 0,42%{rate_target}.")
    found = plantext.paragraphs(typed)
    assert [p.kind for p in found] == ["heading", "plain", "dash", "plus", "numbered",
                                       "numbered"]
    assert found[1].printed == "Triển khai, cụ thể hóa các văn bản."
    assert found[0].printed == "1. Mục đích"
    assert found[-1].printed == "a) Kinh phí: 643 triệu đồng, còn 0,42%."
    assert found[-1].figures == [("643", "total@1"), ("0,42%", "rate_target")]


def test_the_text_is_never_markup_and_numbers_are_not_renumbered():
    md = plantext.markdown("1. <script>x</script> {role}`y` *z*\n\n3. Ba\n\n# **đậm** 5{total}")
    assert "<script>" not in md and "\\<script\\>" in md
    assert "\\{role\\}" in md and "\\*z\\*" in md
    assert md.startswith("1\\. ") and "\n\n3\\. Ba" in md, "a list's numbers stay as typed"
    assert md.endswith("**\\*\\*đậm\\*\\* 5**")
    assert plantext.markdown("Tổng 5{total} triệu", {"total"}) == "Tổng 5\\* triệu"


def test_the_2023_sections_are_the_signed_plans_words(plan):
    """Word by word, list markers aside: the sections' headings and text as the book prints
    them, against the signed plan's text."""
    book = " ".join(f"{s.heading} {plantext.printed(s.text)}" for s in plantext.sections(plan))
    assert words(book) == words(signed_sections())


def test_the_2023_closing_and_preamble_are_the_signed_plans_words(plan):
    signed = " ".join(SIGNED.read_text(encoding="utf-8").split())
    assert " ".join(plantext.printed(plan.text.closing).split()) in signed
    assert " ".join(plantext.printed(plan.text.preamble).split()) in signed


def test_every_figure_of_the_2023_text_is_tied_and_agrees(plan):
    tied = [key for s in plantext.sections(plan) for p in plantext.paragraphs(s.text)
            for _, key in p.figures]
    assert len(tied) == 28 and "rate_target" in tied and "total" in tied
    outcome = next(o for o in checks.run(plan) if o.check.name == "text-figures")
    assert outcome.ran and outcome.findings == []


def typed_commune(tmp_path, sections):
    shutil.copytree(EXAMPLES / "commune" / "2026", tmp_path / "2026")
    path = tmp_path / "2026" / "plan.yaml"
    plan = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.write_text(yaml.safe_dump({**plan, "sections": sections}, allow_unicode=True),
                    encoding="utf-8")
    return load_plan(tmp_path, 2026)


def test_a_figure_the_tables_contradict_is_a_finding_marked_where_it_is_read(tmp_path):
    base = load_plan(EXAMPLES / "commune", 2026)
    total = base.budget.total.fillna(0).astype(int)
    grand = sum(total[~base.budget.is_project | ~base.budget.tt.isin(
        base.budget.project[~base.budget.is_project])])
    plan = typed_commune(tmp_path, [{"heading": "I. KINH PHÍ", "text":
                                     f"Tổng kinh phí: {grand + 1}{{total}} triệu đồng; "
                                     "tỷ lệ hộ nghèo còn 9,99%{rate_target}."}])
    outcome = next(o for o in checks.run(plan) if o.check.name == "text-figures")
    assert [(f.about, f.cell, f.printed) for f in outcome.findings] == [
        ("section:1", "total", str(grand + 1)), ("section:1", "rate_target", "9,99%")]
    page = text.section(plan, 1)
    assert f"{grand + 1}\\* triệu đồng" in page and "9,99\\%\\*" in page
    assert "2 điểm chưa khớp" in page and "cộng các dự án của Biểu số 02" in page


def test_a_figure_tied_to_nothing_is_a_clerk_message(tmp_path):
    plan = typed_commune(tmp_path, [{"heading": "I. MỤC TIÊU",
                                     "text": "Còn 5{poor_targte} hộ; 7{total@9.9}."}])
    with pytest.raises(DataError) as error:
        plantext.sections(plan)
    message = str(error.value)
    assert "plan.yaml, mục sections, «I. MỤC TIÊU»: số 5 được gắn với «poor_targte»" in message
    assert "«total@9.9»" in message and "poor_target" in message


def test_a_page_name_from_the_data_is_never_a_path(tmp_path):
    with pytest.raises(DataError) as error:
        plantext.sections(typed_commune(tmp_path, [{"heading": "I. A", "page": "../../etc",
                                                    "text": "x"}]))
    assert "page" in str(error.value)


def test_an_earlier_plan_yaml_keeps_building_with_its_stated_figures_tied(tmp_path):
    """The 2023 plan as an earlier version wrote it: the same sections, the same checks."""
    old = load_plan(LEGACY, 2023)
    sections = legacy.sections(old)
    assert [s.page for s in sections] == ["purpose", "targets", "projects", "budget", "tasks",
                                          "organisation"]
    keys = {key for s in sections for p in plantext.paragraphs(s.text) for _, key in p.figures}
    assert {"rate_target", "total@1", "carry_over@4.2", "total", "new_funds"} <= keys
    outcome = next(o for o in checks.run(old) if o.check.name == "text-figures")
    assert outcome.ran and outcome.findings == []


def test_the_made_up_province_is_typed_as_a_provincial_plan_prints():
    """Several legal bases, its targets first (general and specific, dash and plus items),
    figures tied to near-poor and ethnic-minority columns and to its allocation form."""
    plan = load_plan(EXAMPLES / "province", 2026)
    preamble = plantext.paragraphs(plan.text.preamble)
    assert sum(p.printed.startswith("Căn cứ") for p in preamble) == 3
    sections = plantext.sections(plan)
    assert sections[0].heading == "I. MỤC TIÊU" and len(sections) == 4
    kinds = [p.kind for p in plantext.paragraphs(sections[0].text)]
    assert {"heading", "dash", "plus"} <= set(kinds)
    keys = {key for s in sections for p in plantext.paragraphs(s.text) for _, key in p.figures}
    assert {"near_poor_target", "ethnic_poor_share", "bieu-03.total", "central"} <= keys
    outcome = next(o for o in checks.run(plan) if o.check.name == "text-figures")
    assert outcome.ran and outcome.findings == []


def test_the_2023_data_as_an_earlier_version_wrote_it_builds_unchanged(tmp_path):
    """A site holding many years never needs its old years edited: the 2023 folder written
    for an earlier version builds, its sections on the pages they had."""
    project = scratch_project(tmp_path / "project", LEGACY)
    result = build(project)
    assert result.returncode == 0, result.stderr
    book = project / "_build" / "html" / "2023" / "book"
    for page in ["purpose", "targets", "projects", "budget", "tasks", "organisation"]:
        assert (book / f"{page}.html").is_file(), page
    assert "Nguyễn Hữu Đính" in (book / "organisation.html").read_text(encoding="utf-8")
