"""The plan's own words, as issued: its sections typed as printed, read into paragraphs.

A section's text (``plan.yaml``, ``sections``) is written as the plan prints it, paragraphs
separated by a blank line (a paragraph's lines are joined, as when text is pasted from the
signed plan). A paragraph is printed as typed; its opening says what it is:

- ``# 1. Mục đích``: a sub-heading (printed in bold, without the ``#``);
- ``- …`` and ``+ …``: the plan's dash and plus lists;
- ``1. …``, ``2.1. …``, ``a) …``: a numbered item, its number printed as typed;
- anything else: a paragraph.

A figure that the plan's tables determine is tied to its quantity by a name between braces
right after it: ``0,42%{rate_target}``, ``643{total@1}``, ``05{projects}``. The braces are
never printed; the checks compare the figure with the quantity (:func:`quantity`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup

from planbook import derive, fmt, legacy
from planbook.data import DataError, Plan, ProjectText, Section, parse_figure

MARK = re.compile(r"(?P<figure>\d[\d.,]*%?)\{(?P<key>[^{}\n]+)\}")
"""A figure as printed followed by its quantity's name: ``1.691{total}``."""
NUMBERED = re.compile(r"^(?:[IVXLC]+\.|\d+(?:\.\d+)*\.?|[a-zđ]\))\s")
"""The number opening a numbered item: ``I.``, ``2.``, ``2.1.``, ``a)``."""
KINDS = {"# ": "heading", "- ": "dash", "+ ": "plus"}


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of the plan's text: its kind and its text as typed (marks included)."""
    kind: str
    typed: str

    @property
    def printed(self) -> str:
        """The words as the plan prints them: no quantity names, no heading mark."""
        text = self.typed[2:] if self.kind == "heading" else self.typed
        return MARK.sub(r"\g<figure>", text)

    @property
    def figures(self) -> list[tuple[str, str]]:
        """Each figure tied to a quantity: (figure as printed, quantity's name)."""
        return [(m["figure"], m["key"].strip()) for m in MARK.finditer(self.typed)]


def figure_value(figure: str) -> int | float:
    """A figure of the text as a number: ``0,42%`` a rate, ``1.691`` a whole number;
    ValueError when it is neither."""
    return parse_figure(figure, "rate" if figure.endswith("%") else "int")


def _readable(figure: str) -> bool:
    try:
        figure_value(figure)
    except ValueError:
        return False
    return True


def paragraphs(text: str) -> list[Paragraph]:
    """The paragraphs of a text typed as printed (see the module's description)."""
    found = []
    for block in re.split(r"\n[ \t]*\n", text.strip()):
        typed = " ".join(block.split())
        if typed:
            kind = next((k for mark, k in KINDS.items() if typed.startswith(mark)),
                        "numbered" if NUMBERED.match(typed) else "plain")
            found.append(Paragraph(kind, typed))
    return found


def printed(text: str) -> str:
    """A text's words as printed, paragraphs on lines of their own."""
    return "\n".join(p.printed for p in paragraphs(text))


def markdown(text: str, marked: set[str] = frozenset()) -> Markup:
    """A text as MyST Markdown for the book: each paragraph as printed and escaped, a
    sub-heading in bold; a figure whose quantity is in ``marked`` (its check found it
    different) is followed by ``*``, as the cells of the forms are."""
    out = []
    for paragraph in paragraphs(text):
        body = paragraph.typed[2:] if paragraph.kind == "heading" else paragraph.typed
        body = MARK.sub(lambda m: m["figure"] + ("\0" if m["key"].strip() in marked else ""),
                        body)
        line = Markup(str(fmt.md_escape(body)).replace("\0", "\\*"))
        out.append(Markup(f"**{line}**") if paragraph.kind == "heading" else line)
    return Markup("\n\n").join(out)


@derive.per_plan
def sections(plan: Plan) -> list[Section]:
    """The plan's own sections: as typed in ``plan.yaml`` (``sections``), or written from the
    fields of an earlier ``plan.yaml`` (:mod:`planbook.legacy`). A figure tied to a name the
    plan's tables lack is refused with a message naming the section and the names there are."""
    found = plan.text.sections or legacy.sections(plan)
    unknown = [(section.heading, figure, key) for section in found
               for paragraph in paragraphs(section.text) for figure, key in paragraph.figures
               if derive.quantity(plan, key) is None or not _readable(figure)]
    if unknown:
        names = ", ".join(derive.quantity_names(plan))
        raise DataError([f"Tệp {plan.folder / 'plan.yaml'}, mục sections, «{heading}»: số "
                         f"{figure} được gắn với «{key}», nhưng các biểu không có số liệu ấy "
                         f"(hoặc số ấy không đọc được: cần như 1.691 hay 0,42%). "
                         f"Tên dùng được: {names} (thêm @ và số thứ tự của dòng Biểu số 02 "
                         f"hoặc tên đơn vị của Biểu số 01 để chỉ một dòng, ví dụ total@2.1)."
                         for heading, figure, key in unknown],
                        f"{plan.folder / 'plan.yaml'}: figures tied to unknown quantities "
                        f"{[key for *_, key in unknown]}.")
    return found


TITLE = re.compile(r"^(?P<tt>\d+(?:\.\d+)?)\.\s+(?P<title>.+?)(?:\s*\(gồm [^)]*\))?\.?$")
"""A project's heading in the text: ``2. Dự án 3: … (gồm 02 Tiểu dự án).``"""
CONTENT = re.compile(r"^[a-zđ]\)\s*(?P<content_label>Nội dung[^:]*):\s*(?P<content>.+)$")
ROLES = re.compile(r"^[a-zđ]\)\s*Phân công thực hiện:\s*(?P<lead>.+?)\s+chủ trì"
                   r"(?:,\s*phối hợp với\s+(?P<partners>.+?))?(?:\s+tổ chức thực hiện)?\.?$")
"""A project's content and its agencies, as the national form words them."""


def projects(plan: Plan) -> list[ProjectText]:
    """The projects the plan's text describes one by one, with their content, lead and partners:
    from ``projects`` in an earlier ``plan.yaml``, else read from the sections' sub-headings
    whose number is a row of Biểu số 02 and the items under them."""
    if plan.text.projects or not plan.text.sections:
        return list(plan.text.projects)
    rows, found = set(plan.budget.tt), []
    for section in plan.text.sections:
        items, current = [], None
        for paragraph in paragraphs(section.text):
            if paragraph.kind == "heading":
                match = TITLE.match(paragraph.printed)
                current = match.groupdict() if match and match["tt"] in rows else None
                items += [current] if current else []
            elif current is not None:
                for pattern in (CONTENT, ROLES):
                    match = pattern.match(paragraph.printed)
                    current.update({k: v for k, v in (match.groupdict() if match else {}).items()
                                    if v})
        parents = {item["tt"].rpartition(".")[0] for item in items}
        found += [item for item in items if "lead" in item or item["tt"] in parents]
    return [ProjectText(**item) for item in found]
