"""The plan's closing, recipients and signature come after its last section, whatever sections
the plan has (made-up variants of the commune's plan, written by field as earlier versions
wrote it, and typed as printed)."""
import shutil

import yaml

from planbook import plantext, text
from planbook.build import jobs
from planbook.data import load_plan

from conftest import EXAMPLES, ROOT


def commune(tmp_path, drop: set[str] = frozenset(), **changes):
    shutil.copytree(EXAMPLES / "commune" / "2026", tmp_path / "2026")
    path = tmp_path / "2026" / "plan.yaml"
    plan = yaml.safe_load(path.read_text(encoding="utf-8"))
    plan = {**{k: v for k, v in plan.items() if k not in drop}, **changes}
    path.write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    return load_plan(tmp_path, 2026)


def pages(plan, tmp_path):
    return [job.output.stem for job in jobs(plan, ROOT, str(tmp_path))]


def test_the_signature_follows_the_last_section(tmp_path):
    plan = commune(tmp_path, {"organisation"})
    headings = [s.heading for s in plantext.sections(plan)]
    assert headings[-1] == "V. NHIỆM VỤ VÀ GIẢI PHÁP CHỦ YẾU"
    last = len(headings)
    ending = text.ending(plan, last)
    assert plan.text.signature.name in ending and "Nơi nhận:" in ending
    assert plan.text.closing.split()[0] in ending
    assert all(text.ending(plan, n) == "" for n in range(1, last))
    assert "tasks" in pages(plan, tmp_path) and "organisation" not in pages(plan, tmp_path)


def test_closing_and_recipients_alone_make_no_section_of_their_own(tmp_path):
    plan = commune(tmp_path, {"organisation", "tasks"})
    sections = plantext.sections(plan)
    assert sections[-1].heading == "IV. KINH PHÍ THỰC HIỆN"
    assert plan.text.signature.name in text.ending(plan, len(sections))


def test_the_2023_plan_signs_after_section_vi(plan):
    sections = plantext.sections(plan)
    assert sections[-1].heading == "VI. TỔ CHỨC THỰC HIỆN"
    assert plan.text.signature.name in text.ending(plan, len(sections))
    assert text.ending(plan, len(sections) - 1) == ""


def test_a_plan_has_the_sections_it_types_in_its_order_on_pages_named_from_them(tmp_path):
    """A plan that opens with its targets and has three sections of its own."""
    typed = [{"heading": "I. MỤC TIÊU", "text": "# 1. Mục tiêu chung\n\nGiảm nghèo bền vững."},
             {"heading": "II. NHIỆM VỤ", "text": "- Một.\n\n+ Hai."},
             {"heading": "III. TỔ CHỨC THỰC HIỆN", "text": "a) Ủy ban nhân dân."}]
    plan = commune(tmp_path, sections=typed)
    assert [s.heading for s in plantext.sections(plan)] == [t["heading"] for t in typed]
    assert pages(plan, tmp_path)[1:4] == ["i-muc-tieu", "ii-nhiem-vu", "iii-to-chuc-thuc-hien"]
    assert plan.text.signature.name in text.ending(plan, 3)
