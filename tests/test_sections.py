"""The plan's closing, recipients and signature come after its last section, whatever sections
the plan has (made-up variants of the commune's plan)."""
import shutil

import yaml

from planbook import derive, text
from planbook.build import jobs
from planbook.data import load_plan

from conftest import EXAMPLES, ROOT


def commune(tmp_path, drop: set[str]):
    shutil.copytree(EXAMPLES / "commune" / "2026", tmp_path / "2026")
    path = tmp_path / "2026" / "plan.yaml"
    plan = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.write_text(yaml.safe_dump({k: v for k, v in plan.items() if k not in drop},
                                   allow_unicode=True), encoding="utf-8")
    return load_plan(tmp_path, 2026)


def test_the_signature_follows_the_last_section(tmp_path):
    plan = commune(tmp_path, {"organisation"})
    assert list(derive.sections(plan))[-1] == "tasks"
    ending = text.ending(plan, "tasks")
    assert plan.text.signature.name in ending and "Nơi nhận:" in ending
    assert plan.text.closing.split()[0] in ending
    assert all(text.ending(plan, s) == "" for s in derive.sections(plan) if s != "tasks")
    chapters = [job.output.stem for job in jobs(plan, ROOT, str(tmp_path))]
    assert "tasks" in chapters and "organisation" not in chapters


def test_closing_and_recipients_alone_make_no_section_of_their_own(tmp_path):
    plan = commune(tmp_path, {"organisation", "tasks"})
    assert "organisation" not in derive.sections(plan)
    last = list(derive.sections(plan))[-1]
    assert plan.text.signature.name in text.ending(plan, last)


def test_the_2023_plan_signs_after_section_vi(plan):
    assert list(derive.sections(plan))[-1] == "organisation"
    assert plan.text.signature.name in text.ending(plan, "organisation")
    assert text.ending(plan, "tasks") == ""
