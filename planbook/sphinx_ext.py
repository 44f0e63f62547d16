"""A small Sphinx extension, loaded from ``_config.yml``: the site's title names the plan's
locality and year, every page carries the year switcher (``static/year-switcher.js``) and the
sidebar's list of chapters (``_templates/sbt-sidebar-nav.html``), written again on every page
when a chapter's title changed.

The build writes ``book/book.json`` (see :func:`planbook.build.write_book_info`) before Jupyter
Book runs; this extension reads it when Sphinx starts.
"""
from __future__ import annotations

import json
from pathlib import Path

from jinja2 import FileSystemBytecodeCache

from planbook import search

BOOK_INFO = Path("book") / "book.json"
STATIC = Path(__file__).parent / "static"


def configure(app, config) -> None:
    """Use the title the build wrote, for the navigation bar, the pages and the PDF, and give
    the pages the PDF's name (linked above each page); add the package's static files."""
    path = Path(app.srcdir) / BOOK_INFO
    if path.is_file():
        info = json.loads(path.read_text(encoding="utf-8"))
        config.html_title = config.project = info["title"]
        config.html_context = {**config.html_context, "planbook_pdf": info["pdf"]}
    config.html_static_path.append(str(STATIC))  # the package's own: the year switcher


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
    """Keep the site's templates compiled between builds, in the builder's own state (Jinja's
    bytecode cache): compiling the theme's templates is most of an edited page's writing."""
    templates = getattr(app.builder, "templates", None)
    if templates is not None and hasattr(templates, "environment"):
        folder = Path(app.doctreedir) / "templates"
        folder.mkdir(parents=True, exist_ok=True)
        templates.environment.bytecode_cache = FileSystemBytecodeCache(str(folder))


def setup(app):
    app.connect("config-inited", configure)
    app.connect("builder-inited", cache_templates)
    app.connect("env-before-read-docs", forget_chapters)
    app.connect("env-updated", chapters_renamed)
    app.connect("html-page-context", add_chapters)
    app.add_js_file("year-switcher.js", defer="defer")
    search.setup(app)  # Vietnamese search: planbook/search.py
    return {"parallel_read_safe": True, "parallel_write_safe": True}
