"""The book's tables and lists of links, from their rows as JSON (:func:`planbook.tables.
list_table`, :func:`planbook.tables.link_list`): the data stays text, never markup.

Their rows stay data in the build's state (:class:`book_rows`, :class:`book_links`), not a node
per cell: the units annex of a 256-unit book is two tables of 256 rows, 14,000 nodes that every
later step of Sphinx would walk, and its home page lists every unit's page. The site writes
them as HTML in one step, as docutils and Sphinx write the same rows made of nodes; for the
print they become those nodes (:class:`ExpandRows`). A link is resolved as the ``doc`` role
resolves it, with its title given.
"""
from __future__ import annotations

import json

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import docname_join, logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)


class book_rows(nodes.General, nodes.Element):
    """A book table's column widths, header and body rows (the ``bold`` ones, totals, in bold),
    a cell a text or a link ``{"text", "page"}``."""


class book_links(nodes.General, nodes.Element):
    """A list of links to pages of the book, each ``{"text", "page"}``."""


class BookTable(SphinxDirective):
    """A numbered, captioned table whose rows are :class:`book_rows`, from its JSON: caption,
    header, rows, bold."""
    has_content = True
    option_spec = {"name": directives.unchanged, "class": directives.class_option,
                   "widths": directives.positive_int_list}

    def run(self) -> list[nodes.Node]:
        spec = json.loads("\n".join(self.content))
        table = nodes.table(classes=[*self.options.get("class", []), "colwidths-given"])
        table += nodes.title(spec["caption"], spec["caption"])
        table += _kept(book_rows, [spec["header"], *spec["rows"]], self.env.docname,
                       widths=self.options["widths"], header=spec["header"],
                       rows=spec["rows"], bold=spec["bold"])
        self.set_source_info(table)
        self.add_name(table)
        return [table]


class BookLinks(SphinxDirective):
    """A list of links (:class:`book_links`), from its JSON: a list of ``{"text", "page"}``."""
    has_content = True

    def run(self) -> list[nodes.Node]:
        links = json.loads("\n".join(self.content))
        node = _kept(book_links, [links], self.env.docname, links=links)
        self.set_source_info(node)
        return [node]


def _kept(kind, lines: list[list], docname: str, **data) -> nodes.Element:
    """The node, its text the cells' words, a line each: what the search index reads of them,
    pairs of syllables within a cell only, as when each was a node."""
    words = "\n".join(_text(cell) for line in lines for cell in line)
    return kind(words, nodes.Text(words), refdoc=docname, **data)


def _text(cell) -> str:
    return cell["text"] if isinstance(cell, dict) else cell


# ---------------------------------------------------------------------------- the site

def _content(self, node: nodes.Element, cell, bold: bool) -> str:
    """A cell's HTML: its text, in bold where asked, a link as the doc role writes it (a link
    to a page the book lacks warns as the doc role does, and stays text)."""
    text = self.encode(_text(cell))
    content = f"<strong>{text}</strong>" if bold else text
    if text and isinstance(cell, dict):
        target = docname_join(node["refdoc"], cell["page"])
        if target not in self.builder.env.all_docs:
            logger.warning("unknown document: %r", cell["page"], location=node, type="ref",
                           subtype="doc")
            return content
        uri = self.builder.get_relative_uri(self.builder.current_docname, target)
        return (f'<a class="reference internal" href="{self.attval(uri)}">'
                f'<span class="doc">{text}</span></a>')
    return content


def write_rows(self, node: book_rows) -> None:
    """The columns, the header row and the body rows, alternately odd and even."""
    total = sum(node["widths"])
    html = ["<colgroup>\n", *(f'<col style="width: {width * 100.0 / total:.1f}%" />\n'
                              for width in node["widths"]), "</colgroup>\n"]
    bold = set(node["bold"])
    count = 0
    for group, tag, rows in (("thead", "th", [(node["header"], False)]),
                             ("tbody", "td", [(row, i in bold)
                                              for i, row in enumerate(node["rows"])])):
        html.append(f"<{group}>\n")
        for row, strong in rows:
            count += 1
            html.append(f'<tr class="{"row-even" if count % 2 == 0 else "row-odd"}">')
            opening = '<th class="head">' if tag == "th" else "<td>"
            for cell in row:
                html.append(f"{opening}<p>{_content(self, node, cell, strong)}</p></{tag}>\n"
                            if _text(cell) else f"{opening}</{tag}>\n")
            html.append("</tr>\n")
        html.append(f"</{group}>\n")
    self.body.append("".join(html))
    raise nodes.SkipNode


def write_links(self, node: book_links) -> None:
    """A compact bullet list, a link in each item."""
    self.body.append('<ul class="simple">\n' + "".join(
        f"<li><p>{_content(self, node, link, False)}</p></li>\n" for link in node["links"])
        + "</ul>\n")
    raise nodes.SkipNode


# ---------------------------------------------------------------------------- the print

def _paragraph(node: nodes.Element, cell, bold: bool) -> nodes.paragraph:
    text = _text(cell)
    content = nodes.strong(text, text) if bold else nodes.Text(text)
    if isinstance(cell, dict):
        content = addnodes.pending_xref("", content, refdomain="std", reftype="doc",
                                        reftarget=cell["page"], refexplicit=True, refwarn=True,
                                        refdoc=node["refdoc"])
    return nodes.paragraph("", "", content)


def rows_as_nodes(node: book_rows) -> nodes.tgroup:
    """A book table's rows as docutils nodes: a row of entries, each a paragraph."""
    group = nodes.tgroup(cols=len(node["header"]))
    group += [nodes.colspec(colwidth=width) for width in node["widths"]]
    bold = set(node["bold"])
    for part, rows in ((nodes.thead, [(node["header"], False)]),
                       (nodes.tbody, [(row, i in bold) for i, row in enumerate(node["rows"])])):
        group += part("", *(nodes.row("", *(
            nodes.entry("", _paragraph(node, cell, strong)) if _text(cell) else nodes.entry()
            for cell in cells)) for cells, strong in rows))
    return group


def links_as_nodes(node: book_links) -> nodes.bullet_list:
    """A list of links as docutils nodes: an item of one paragraph each."""
    return nodes.bullet_list("", *(nodes.list_item("", _paragraph(node, link, False))
                                   for link in node["links"]), bullet="-")


def expand(document: nodes.document) -> None:
    """Every table's rows and list of links in ``document`` as docutils nodes."""
    for kind, as_nodes in ((book_rows, rows_as_nodes), (book_links, links_as_nodes)):
        for node in list(document.findall(kind)):
            node.replace_self(as_nodes(node))


class ExpandRows(SphinxPostTransform):
    """For any output but the site's HTML, the rows and links as docutils nodes
    (:func:`expand`), before references are resolved."""
    default_priority = 5

    def run(self, **kwargs) -> None:
        if self.app.builder.format != "html":
            expand(self.document)


def setup(app) -> None:
    app.add_directive("book-table", BookTable)
    app.add_directive("book-links", BookLinks)
    app.add_node(book_rows, html=(write_rows, None))
    app.add_node(book_links, html=(write_links, None))
    app.add_post_transform(ExpandRows)
