"""A small Sphinx extension, loaded from ``_config.yml``: the site's title names the plan's
locality and year, every page carries the year switcher (``static/year-switcher.js``), the
sidebar's list of chapters (``_templates/sbt-sidebar-nav.html``, written again on every page
when a chapter's title changed) and the site's Content Security Policy (:data:`CONTENT_POLICY`,
printed by ``_templates/layout.html``); figures and tables are numbered as the print numbers
them (:func:`number_as_printed`).

The build writes ``book/book.json`` (see :func:`planbook.build.write_book_info`) before Jupyter
Book runs; this extension reads it when Sphinx starts.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

from docutils import nodes
from jinja2 import FileSystemBytecodeCache
from markupsafe import Markup
from sphinx import addnodes
from sphinx.environment.collectors.toctree import TocTreeCollector

from planbook.sphinx import rows, search

BOOK_INFO = Path("book") / "book.json"
STATIC = Path(__file__).parent / "static"
CONTENT_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                  "img-src 'self' data:; font-src 'self' data:; object-src 'none'; "
                  "base-uri 'none'; form-action 'self'")
"""What a page may load and run: its site's own files only, no script written in a page (so
text from the data that slipped into the markup would not run), nothing from elsewhere. In
Chromium a page opened from a file counts every local file as its own ('self')."""


def configure(app, config) -> None:
    """Use the title the build wrote, for the navigation bar, the pages and the PDF, and give
    the pages the PDF's name (linked above each page) and the Content Security Policy; add the
    package's static files."""
    path = Path(app.srcdir) / BOOK_INFO
    if path.is_file():
        info = json.loads(path.read_text(encoding="utf-8"))
        config.html_title = config.project = info["title"]
        config.html_context = {**config.html_context, "planbook_pdf": info["pdf"]}
    config.html_context = {**config.html_context, "planbook_policy": CONTENT_POLICY}
    config.html_static_path.append(str(STATIC))  # the package's own scripts


def chapter_list(env) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """The book's chapters (docname, title), in order, and each page's chapter: the chapter
    itself, or the chapter whose table of contents holds the page (a unit's page)."""
    chapters = [(doc, env.titles[doc].astext()) for doc in env.toctree_includes.get(
        env.config.root_doc, [])]
    parent = {child: doc for doc, children in env.toctree_includes.items() for child in children}
    chapter_of = {}
    for doc in env.found_docs:
        page = doc
        while parent.get(page, env.config.root_doc) != env.config.root_doc:
            page = parent[page]
        chapter_of[doc] = page
    return chapters, chapter_of


def add_chapters(app, pagename, templatename, context, doctree) -> None:
    """Give the page the sidebar's chapter list: [(title, link, is this page's chapter)].
    Sphinx's own toctree would resolve every unit's entry on every page (the site's build would
    grow with the square of the units); this list costs one line per chapter."""
    env = app.builder.env
    if getattr(env, "_planbook_chapters", None) is None:
        env._planbook_chapters = chapter_list(env)
    chapters, chapter_of = env._planbook_chapters
    current = chapter_of.get(pagename)
    context["planbook_chapters"] = [
        (title, "#" if doc == pagename else app.builder.get_relative_uri(pagename, doc),
         doc == current) for doc, title in chapters]


def escape_title(app, pagename, templatename, context, doctree) -> None:
    """Give the templates the site's title escaped, as :class:`~markupsafe.Markup`: the title
    is text from the data, which pydata-sphinx-theme prints as it is (the sidebar's title, the
    search page's ``<title>``); Sphinx's own templates escape it with ``|e``, which leaves
    Markup as it is."""
    for name in ("docstitle", "shorttitle"):
        if context.get(name):
            context[name] = Markup.escape(context[name])


THEME_SCRIPTS = ("DOCUMENTATION_OPTIONS.pagename", "DOCUMENTATION_OPTIONS.search_as_you_type")


def drop_theme_scripts(app, pagename, templatename, context, doctree) -> None:
    """Take off the scripts pydata-sphinx-theme writes into each page, which the Content
    Security Policy would refuse: the page's name (for a version switcher the site has not)
    and ``search_as_you_type = false`` (what the theme reads when it is unset)."""
    context["script_files"][:] = [js for js in context["script_files"] if js.filename
                                  or not js.attributes.get("body", "").startswith(THEME_SCRIPTS)]


NUMBERED = (nodes.figure, nodes.table)


def note_site_only(app, doctree) -> None:
    """Note the ids of the page's figures and tables shown on the site alone (in ``only
    html``: a unit page's chart)."""
    app.env.planbook_site_only = getattr(app.env, "planbook_site_only", {})
    app.env.planbook_site_only[app.env.docname] = {
        node["ids"][0] for only in doctree.findall(addnodes.only)
        for node in only.findall(lambda n: isinstance(n, NUMBERED)) if node["ids"]}


def forget_page(app, env, docname) -> None:
    """Forget what was kept of a page that is read again or gone."""
    for kept in ("planbook_site_only", "planbook_outlines"):
        getattr(env, kept, {}).pop(docname, None)


def merge_pages(app, env, docnames, other) -> None:
    """What a parallel reader kept of its pages, into the build's state."""
    for kept in ("planbook_site_only", "planbook_outlines"):
        setattr(env, kept, {**getattr(env, kept, {}), **getattr(other, kept, {})})


def give_sphinx_its_numbers(app, env) -> list[str]:
    """Before Sphinx numbers the figures and tables again, give it back its own numbers of the
    last build, which it compares with the new ones (not ours: every page after a unit's would
    seem changed and be written again), keeping ours aside."""
    env.planbook_printed = env.toc_fignumbers
    env.toc_fignumbers = getattr(env, "planbook_sphinx", {})
    return []


def keep_outline(app, doctree) -> None:
    """Keep the page's outline (:func:`outline`) in the build's state, for numbering."""
    app.env.planbook_outlines = getattr(app.env, "planbook_outlines", {})
    app.env.planbook_outlines[app.env.docname] = outline(app.env, doctree)


def outline(env, node: nodes.Element) -> nodes.Element:
    """What Sphinx walks in ``node`` to number figures and tables, in its order: sections,
    tables of contents and, whole, the elements a domain numbers; every other element's
    children in its place. Sphinx reads every page back from disk to number them; the
    outlines, kept with the build's state, spare reading them (a unit's page each)."""
    kept = nodes.Element(ids=node["ids"]) if isinstance(node, nodes.document) else node.copy()
    for child in node.children:
        if not isinstance(child, nodes.Element):
            continue
        if isinstance(child, (nodes.section, addnodes.toctree)):
            kept += outline(env, child)
        elif any(domain.get_enumerable_node_type(child) for domain in env.domains.values()):
            kept += child.deepcopy()
        else:
            kept += outline(env, child).children
    return kept


def _from_outlines(assign):
    """Sphinx's numbering of figures and tables (``assign``), reading each page's outline
    where the build kept one instead of the page."""
    def assign_figure_numbers(self, env):
        outlines, read = getattr(env, "planbook_outlines", {}), env.get_doctree
        env.get_doctree = lambda docname: outlines[docname] if docname in outlines \
            else read(docname)
        try:
            return assign(self, env)
        finally:
            del env.get_doctree
    assign_figure_numbers.reads_outlines = True
    return assign_figure_numbers


def number_as_printed(app, env) -> list[str]:
    """Number the figures and tables 1, 2, … through the book in reading order, as LaTeX
    numbers them in print, leaving out those the print lacks: they get no number. (Sphinx
    numbers them all; this runs after it.) Returns the pages whose numbers are not the last
    build's, to be written again."""
    env.planbook_sphinx = copy.deepcopy(env.toc_fignumbers)
    site_only = getattr(env, "planbook_site_only", {})
    for figtype in ("figure", "table"):
        numbered = sorted((numbers, doc, id_) for doc, kinds in env.toc_fignumbers.items()
                          for id_, numbers in kinds.get(figtype, {}).items())
        count = 0
        for _, doc, id_ in numbered:
            if id_ in site_only.get(doc, ()):
                del env.toc_fignumbers[doc][figtype][id_]
            else:
                count += 1
                env.toc_fignumbers[doc][figtype][id_] = (count,)
    last = getattr(env, "planbook_printed", {})
    return sorted(doc for doc in set(last) | set(env.toc_fignumbers)
                  if last.get(doc) != env.toc_fignumbers.get(doc))


def forget_chapters(app, env, docnames) -> None:
    """A new read (another build, or pages changed) lists the chapters afresh."""
    env._planbook_chapters = None


def chapters_renamed(app, env) -> list[str]:
    """Every page, when a chapter's title changed since the last build (every page's sidebar
    lists the chapters; Sphinx would write again only the pages read again)."""
    chapters = chapter_list(env)[0]
    before = getattr(env, "planbook_chapters_written", chapters)
    env.planbook_chapters_written = chapters
    return sorted(env.found_docs) if chapters != before else []


def cache_templates(app) -> None:
    """Keep the site's templates compiled between builds and between the books of a site
    (Jinja's bytecode cache, in the user's own folder Jinja makes in the temporary directory;
    a template whose source changed is compiled again): compiling the theme's templates is
    most of an edited page's writing, and a tenth of a small book's site."""
    templates = getattr(app.builder, "templates", None)
    if templates is not None and hasattr(templates, "environment"):
        templates.environment.bytecode_cache = FileSystemBytecodeCache()


def setup(app):
    app.connect("config-inited", configure)
    app.connect("builder-inited", cache_templates)
    app.connect("env-before-read-docs", forget_chapters)
    app.connect("env-updated", chapters_renamed)
    app.connect("doctree-read", note_site_only)
    app.connect("doctree-read", keep_outline, priority=900)  # after the pages' own changes
    app.connect("env-purge-doc", forget_page)
    app.connect("env-merge-info", merge_pages)
    if not getattr(TocTreeCollector.assign_figure_numbers, "reads_outlines", False):
        TocTreeCollector.assign_figure_numbers = _from_outlines(
            TocTreeCollector.assign_figure_numbers)
    app.connect("env-get-updated", give_sphinx_its_numbers, priority=100)  # before Sphinx
    app.connect("env-get-updated", number_as_printed, priority=900)  # after Sphinx numbers
    app.connect("html-page-context", add_chapters)
    app.connect("html-page-context", escape_title)
    app.connect("html-page-context", drop_theme_scripts, priority=900)  # after the theme's
    app.add_js_file("year-switcher.js", defer="defer")
    search.setup(app)  # Vietnamese search: planbook/sphinx/search.py
    rows.setup(app)  # the book's tables and lists of links: planbook/sphinx/rows.py
    return {"parallel_read_safe": True, "parallel_write_safe": True}
