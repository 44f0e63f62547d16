"""Narrative Markdown from Jinja templates (``planbook/templates``), for notebook outputs.

Every value a template prints goes through :func:`planbook.fmt.md_escape`, so text from data
is shown as text; numbers reach templates through the Vietnamese filters ``num``, ``pct``,
``date`` and ``money`` (million VND).
"""
from __future__ import annotations

import re
from pathlib import Path

from IPython.display import Markdown, display
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from planbook import checks as consistency
from planbook import compare, derive, downloads, fmt, plantext, tables
from planbook.data import Plan

ENV = Environment(
    loader=PackageLoader("planbook"),
    undefined=StrictUndefined,
    finalize=fmt.md_escape,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
FIGURE = re.compile(r"^[−-]?[\d.,]+%?( triệu đồng)?$")
"""A figure as a check's finding shows it (``1.691 triệu đồng``, ``0,42%``)."""


def _value(text: str) -> Markup:
    """A value a note compares: a figure in bold, a name between «»."""
    shown = fmt.md_escape(text)
    return Markup(f"**{shown}**" if FIGURE.match(text) else f"«{shown}»")


ENV.filters.update(
    value=_value,
    num=fmt.number,
    pct=fmt.percent,
    date=fmt.date,
    money=lambda v: fmt.number(v) + " triệu đồng",
    md=Markup,
    tex=fmt.tex_escape,
    lower_first=fmt.lower_first,
    padded=lambda n: f"{n:02d}",  # a count as the plan prints it: "05 dự án thành phần"
    day=fmt.day,
    month=fmt.month,
)


TEX_ENV = Environment(loader=PackageLoader("planbook"), undefined=StrictUndefined,
                      finalize=fmt.tex_escape, trim_blocks=True, lstrip_blocks=True)
TEX_ENV.filters.update(day=fmt.day, month=fmt.month)


def write_cover(plan: Plan, path: Path) -> None:
    """The PDF's cover page (LaTeX, input by the preamble), from ``plan.yaml``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(TEX_ENV.get_template("cover.tex").render(text=plan.text), encoding="utf-8")


def render(template: str, plan: Plan, **values) -> Markup:
    """Render ``templates/<template>`` with the plan, the words for its locality (``place``),
    its funding sources, the locality's totals and ``values``."""
    return Markup(ENV.get_template(template).render(
        plan=plan, text=plan.text, locality=plan.locality, sources=plan.text.funding.sources,
        year=plan.year, prev=plan.previous_year, totals=derive.totals(plan),
        doubts=lambda *about: doubts(plan, *about), **values))


def doubts(plan: Plan, *about: str, form: str = "") -> Markup:
    """One note next to figures that the plan prints differently: the findings of the checks
    about them (``unit:Đa Mai``; ``unit:*`` for every unit; under a ``form``, ``bieu-01``, all
    of that form's, :data:`planbook.checks.FORMS`), those of a check together, in a reader's
    words, linking to the findings chapter; nothing when the plan agrees with itself."""
    groups: dict[str, tuple] = {}
    found = consistency.concerning(plan, *about, *consistency.FORMS.get(form, ()))
    for outcome, finding in found:
        groups.setdefault(outcome.check.name, (outcome, []))[1].append(finding)
    return Markup(ENV.get_template("doubts.md").render(
        groups=list(groups.values()), count=len(found), form=form,
        marked=form and any(f.cell for _, f in found)))


def show(markdown: str) -> None:
    """Display Markdown as a notebook output (rendered as MyST by the book), with the rows of
    the tables it holds in the output's metadata (:func:`planbook.downloads.metadata`);
    nothing when it is empty (an empty output would print as the object's name)."""
    if str(markdown).strip():
        display(Markdown(str(markdown)), metadata=downloads.metadata(markdown))


def header(plan: Plan) -> Markup:
    """The plan's national header, above its title on the home page (site only)."""
    return render("header.md", plan)


def preamble(plan: Plan) -> Markup:
    """The plan's opening paragraphs, before its first section, as printed."""
    return plantext.markdown(plan.text.preamble)


def overview(plan: Plan) -> Markup:
    """What the book adds on the home page after the preamble, on the site only: what the book
    is, the checks' outcome, the key figures, the downloads and a link to each unit's page."""
    table = derive.budget(plan)
    outcomes = consistency.run(plan)
    return render("overview.md", plan, projects=int(table.is_project.sum()),
                  subprojects=int((~table.is_project).sum()), money=derive.grand_total(plan),
                  links=downloads.data_links(plan),
                  unit_links=tables.link_list(tables.unit_links(plan).values()),
                  **consistency.counts(outcomes))


def section(plan: Plan, number: int) -> Markup:
    """The plan's section ``number`` (1 for the first) as issued: its text as printed, a
    figure the tables contradict marked ``*``, with the note on it after the text."""
    found = consistency.concerning(plan, f"section:{number}")
    text = plantext.sections(plan)[number - 1].text
    return plantext.markdown(text, {finding.cell for _, finding in found}) + "\n\n" + \
        doubts(plan, f"section:{number}")


def units_overview(plan: Plan) -> Markup:
    """The targets of Biểu số 01 across the units: how many reduce, the highest and lowest."""
    table = derive.units(plan).sort_values("rate_target_calc", kind="stable")
    return render("units_overview.md", plan, reducing=table[table.reduction_calc > 0],
                  keeping=int((table.reduction_calc == 0).sum()),
                  rising=int((table.reduction_calc < 0).sum()),
                  highest=table.iloc[-1], lowest=table.iloc[0])


def budget(plan: Plan) -> Markup:
    """How the funds divide: shares of the sources and years, the largest project."""
    projects = derive.project_sums(plan)
    return render("budget.md", plan, money=derive.grand_total(plan),
                  largest=projects.loc[projects.total_calc.idxmax()])


def lead_shares(plan: Plan) -> Markup:
    return render("leads.md", plan, shares=derive.lead_shares(plan))


def ending(plan: Plan, number: int) -> Markup:
    """The plan's closing, recipients and signature, after its last section (``number``
    being that one), whatever sections the plan has; nothing after any other."""
    if number != len(plantext.sections(plan)):
        return Markup("")
    return Markup("\n\n").join([plantext.markdown(plan.text.closing), render("signature.md", plan)])


def unit(plan: Plan, unit: str) -> Markup:
    """A unit's figures, compared with the locality and ranked among the units; the notes on
    its row of each form."""
    table = derive.units(plan)
    last_year = compare.unit_result(plan, unit) if plan.previous else None
    about = [f"unit:{unit}", *(f"form:{form.name}:{unit}" for form in plan.forms.extra)]
    return render("unit.md", plan, row=table[table.unit == unit].iloc[0], about=about) + \
        "\n" + render("unit_result.md", plan, result=last_year, unit=unit)


def unit_offers(plan: Plan) -> Markup:
    """What the plan's projects offer the units, from the plan's text (section III): how many
    the units take part in (the same for every unit, so said once)."""
    items = [p for p in plantext.projects(plan) if p.content]
    partnered = sum(plan.locality.units_agency in derive.partner_agencies(plan, p.partners)
                    for p in items)
    return render("unit_offers.md", plan, items=items, partnered=partnered)


def results(plan: Plan) -> Markup:
    """Last year's targets against the results this year's plan reports (needs last year)."""
    results = compare.unit_results(plan)
    return render("results.md", plan, results=results, before=derive.totals(plan.previous),
                  met=sum(r.met for r in results.matched),
                  missed=[r.label for r in results.matched if not r.met])


def fund_results(plan: Plan) -> Markup:
    """Last year's funds, this year's carry-over (what was not spent) and the share spent."""
    table = compare.project_results(plan)
    both = table.dropna(subset=["funds", "carry_over"])
    unmatched = [name for name in table.name[table.funds.isna() | table.carry_over.isna()]]
    return render("fund_results.md", plan, funds=int(both.funds.sum()),
                  carry_over=int(both.carry_over.sum()), unmatched=unmatched)


def checks(plan: Plan) -> Markup:
    """The findings chapter: every check, its outcome, and each finding side by side."""
    outcomes = consistency.run(plan)
    overview, found = tables.checks_overview(outcomes), [tables.findings(o) for o in outcomes]
    return downloads.holding(render("checks.md", plan, outcomes=outcomes,
                                    **consistency.counts(outcomes), overview=overview,
                                    tables=found), overview, *found)
