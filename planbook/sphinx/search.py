"""Vietnamese search for the site: a Sphinx search language ``vi`` and its ranking.

Sphinx 7.4 has no Vietnamese search language and falls back to English stemming, so "dinh
duong" finds nothing where the text says "dinh dưỡng". A reader types Vietnamese with or
without its marks, so the index and the query are both *folded*: Unicode NFD, every combining
mark dropped, đ/Đ read as d, lower case (:func:`fold`). Then "dinh duong", "Dinh Dương" and
"dinh dưỡng" are the same two syllables.

Why Sphinx's own machinery and not an index of our own: Sphinx already writes a search index
of every page and section title and a search page that works from ``file://`` (the index is a
script, ``searchindex.js``; nothing is fetched). Only three things are Vietnamese, and Sphinx
has a place for each:

- :class:`SearchVietnamese` (registered with ``app.add_search_language``): its Python
  :meth:`~SearchVietnamese.stem` folds each word as the index is written, and the JavaScript it
  puts into ``language_data.js`` folds the query the same way in the browser (``Stemmer``,
  ``splitQuery``). Its :meth:`~SearchVietnamese.split` also indexes each pair of neighbouring
  syllables ("dinh duong"), since a Vietnamese word is mostly two syllables: the ranking uses
  them to put pages where the query's syllables stand together first.
- The ranking (``planbook/sphinx/search.js``, given to Sphinx as ``html_search_scorer``, which Sphinx
  copies into ``language_data.js``, loaded by the search page after ``searchtools.js``).
  Sphinx's own search compares the query with titles letter for letter (marks included),
  lets a word of one or two letters go unmatched, drops numbers, and orders by score, then
  title alphabetically (8.1, 8.10 … 8.2). The file keeps Sphinx's search page, index and
  display, and replaces ``Search._performSearch``: every word of the query must be in the
  page (numbers too); one result per page; the page whose title is the query first, then
  titles holding it, then sections titled with it (linked to the section), then pages with
  the syllables side by side, then the rest; equal results in the book's reading order (given
  to the search page as ``PLANBOOK_SEARCH_ORDER``, in ``_static/planbook-search-order.js``).
  It is not a static file of the site, so it lives beside this module, not in ``static/``.
- The messages of ``searchtools.js`` ("Search Results", "Search finished, found …") come from
  ``_static/translations.js``, which Sphinx copies from its own Vietnamese catalog, where they
  are blank (so they show in English). :func:`translate_scripts` fills it from the catalogs
  Sphinx uses for the pages, the project's ``locales/`` first.

The excerpts under the results are the site's own: Sphinx fetches each result's page for its
excerpt, which a page opened from the files may not do (and took the navigation around the
text with it). :func:`write_page_text` writes each page's text as a script,
``_static/planbook-text/<page>.js``, which ``search.js`` loads for the results it shows. It
marks the query as the search finds it (its words in a row where the text has them so, else
each word; whole words, marks folded) in the excerpts and on the page a result opens.
"""
from __future__ import annotations

import functools
import hashlib
import json
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

from sphinx.locale import get_translation
from sphinx.search import SearchLanguage, js_index

RANKING = Path(__file__).with_name("search.js")

#: The folding, in JavaScript: the same steps as :func:`fold` (``\p{M}`` is Unicode's
#: category M, as :func:`fold` tests it). ``Stemmer`` is what searchtools.js calls on each
#: word of the query.
JS_FOLD = r"""
var planbookFold = (text) => text.normalize("NFD").replace(/\p{M}/gu, "")
  .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
var Stemmer = function() {
  this.stemWord = (word) => planbookFold(word);
};
"""

#: The query's words, as :meth:`SearchVietnamese.split` cuts the text: letters (with their
#: marks, whether typed composed or not), digits and ``_``.
JS_SPLIT = r"""
function splitQuery(query) {
  return query.normalize("NFC").split(/[^\p{L}\p{M}\p{N}_]+/u).filter((word) => word);
}
"""

_WORD = re.compile(r"\w+")
_PHRASE = re.compile(r"\w+(?:[^\S\n]+\w+)*")  # words separated by spaces only


@functools.lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """``text`` without case, tones or other marks: "Dĩnh Trì" → "dinh tri", "ĐƯỜNG" →
    "duong". Every character of category M (combining marks) is dropped after NFD.
    Remembered: the index folds each word of every page, and a plan says the same words."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    return bare.replace("đ", "d").replace("Đ", "D").lower()


def syllables(text: str) -> list[str]:
    """The words of ``text`` as the index cuts them (a Vietnamese word's syllables apart)."""
    return _WORD.findall(unicodedata.normalize("NFC", text))


def pairs(text: str) -> list[str]:
    """Each two neighbouring syllables of ``text`` not parted by punctuation or a line break,
    joined by one space: "hỗ trợ dinh dưỡng." → "hỗ trợ", "trợ dinh", "dinh dưỡng"."""
    found = []
    for phrase in _PHRASE.findall(unicodedata.normalize("NFC", text)):
        words = phrase.split()
        found += [f"{a} {b}" for a, b in zip(words, words[1:])]
    return found


class SearchVietnamese(SearchLanguage):
    """Vietnamese: words are syllables, folded (:func:`fold`); no stop words (folded, "có",
    "cô", "cổ" and "cơ" are one word, so dropping one would drop the others)."""

    lang = "vi"
    language_name = "Vietnamese"
    stopwords: set[str] = set()
    js_stemmer_code = JS_FOLD
    js_splitter_code = JS_SPLIT

    def split(self, input: str) -> list[str]:
        return syllables(input) + pairs(input)

    def stem(self, word: str) -> str:
        return fold(word)

    def word_filter(self, word: str) -> bool:
        return bool(word)


def ranking_version() -> str:
    """A digest of this module and the ranking script: stored in ``html_search_options``, so a
    change to either rebuilds every page's index entry (Sphinx keeps the entries of pages it
    does not rewrite)."""
    digest = hashlib.sha256()
    for path in (Path(__file__), RANKING):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def configure(app, config) -> None:
    """Search in Vietnamese with the ranking of ``search.js``, whatever the language's name
    the project gives."""
    config.html_search_language = "vi"
    config.html_search_scorer = str(RANKING)
    config.html_search_options = {**config.html_search_options, "planbook": ranking_version()}


def reading_order(env) -> list[str]:
    """Every page's name in the book's reading order (the table of contents from the root
    page, depth first), then any page the contents do not reach."""
    order: list[str] = []

    def visit(docname: str) -> None:
        if docname in order:
            return
        order.append(docname)
        for child in env.toctree_includes.get(docname, ()):
            visit(child)

    visit(env.config.root_doc)
    return order + sorted(set(env.found_docs) - set(order))


ORDER_SCRIPT = "planbook-search-order.js"


def add_reading_order(app, pagename, templatename, context, doctree) -> None:
    """Give the search page the reading order: a script file beside the site's others (the
    Content Security Policy refuses scripts written in the page)."""
    if pagename == "search":
        order = json.dumps(reading_order(app.env), ensure_ascii=False)
        path = Path(app.outdir) / "_static" / ORDER_SCRIPT
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"var PLANBOOK_SEARCH_ORDER = {order};\n", encoding="utf-8")
        app.add_js_file(ORDER_SCRIPT)


TEXTS = "planbook-text"  # _static/planbook-text/<page>.js: each page's text, for the excerpts

#: Elements that part their text from the text around them.
BLOCKS = {"address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt",
          "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
          "li", "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class PageText(HTMLParser):
    """The text of a page's body as a reader reads it: one space between words, blocks and
    cells; no script, style or heading link ("#"). ``places`` tells where each element with an
    id starts in it, counted as JavaScript counts (UTF-16 units)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.length = 0  # of the text so far, in UTF-16 units
        self.places: dict[str, int] = {}
        self.skipped = 0  # depth inside an element left out

    def add(self, text: str) -> None:
        text = re.sub(r"\s+", " ", text)
        if text.startswith(" ") and (not self.parts or self.parts[-1].endswith(" ")):
            text = text[1:]
        if text:
            self.parts.append(text)
            self.length += len(text.encode("utf-16-le")) // 2

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.skipped or tag in ("script", "style") or "headerlink" in (
                attrs.get("class") or "").split():
            self.skipped += tag not in VOID
            return
        if tag in BLOCKS:
            self.add(" ")
        if attrs.get("id"):
            self.places.setdefault(attrs["id"], self.length)

    def handle_endtag(self, tag):
        if self.skipped:
            self.skipped -= tag not in VOID
        elif tag in BLOCKS:
            self.add(" ")

    def handle_data(self, data):
        if not self.skipped:
            self.add(data)


def page_text(body: str) -> tuple[str, dict[str, int]]:
    """The text of the page's body (HTML) and where its elements with an id start in it."""
    parser = PageText()
    parser.feed(body)
    parser.close()
    return "".join(parser.parts).rstrip(), parser.places


def write_page_text(app, pagename, templatename, context, doctree) -> None:
    """Write the page's text, for the excerpts under search results, as a script
    (``_static/planbook-text/<page>.js``): opened from the files, a page may load scripts but
    not fetch files, which is how Sphinx gets the excerpts. Only the page's body: not the
    navigation around it. Pages of no document (the index, the search page) have none."""
    if doctree is None:
        return
    text, places = page_text(context.get("body", ""))
    path = Path(app.outdir) / "_static" / TEXTS / f"{pagename}.js"
    path.parent.mkdir(parents=True, exist_ok=True)
    arguments = (json.dumps(value, ensure_ascii=False) for value in (pagename, text, places))
    path.write_text(f"planbookPageText({', '.join(arguments)});\n", encoding="utf-8")


#: ``_static/translations.js`` as the site writes it: the steps of Sphinx's
#: ``Documentation.addTranslations``, whose ``new Function`` (the plural rule, a string) the
#: Content Security Policy refuses, with the rule written as a function.
TRANSLATIONS_JS = """(() => {{
  const catalog = {catalog};
  Object.assign(Documentation.TRANSLATIONS, catalog.messages);
  Documentation.PLURAL_EXPR = (n) => ({plural});
  Documentation.LOCALE = catalog.locale;
}})();
"""


def translate_scripts(app, exception) -> None:
    """Fill the blanks of ``_static/translations.js`` (the messages of Sphinx's scripts) with
    the translations the pages use: the project's catalog, then Sphinx's; write it as
    :data:`TRANSLATIONS_JS`."""
    if exception is not None or app.builder.format != "html":
        return
    path = Path(app.outdir) / "_static" / "translations.js"
    if not path.is_file():
        return
    text = path.read_text(encoding="utf-8")
    if not text.startswith("Documentation.addTranslations("):
        return  # written already: an incremental build keeps the last one's static files
    start, end = text.index("(") + 1, text.rindex(")")
    catalog = json.loads(text[start:end])
    translate = get_translation("sphinx")
    for message in catalog["messages"]:
        translated = str(translate(message))
        if translated != message:
            catalog["messages"][message] = translated
    path.write_text(TRANSLATIONS_JS.format(
        catalog=json.dumps(catalog, indent=4, sort_keys=True), plural=catalog["plural_expr"]),
        encoding="utf-8")


def drop_dead_words(app, exception) -> None:
    """Remove from ``searchindex.js`` the words no page has any more. Sphinx, rebuilding a page,
    takes the page off its old words but keeps the words: after a change of the folding (or
    from an index of another language) the index would keep the old forms, with no page."""
    if exception is not None or app.builder.format != "html":
        return
    path = Path(app.outdir) / "searchindex.js"
    if not path.is_file():
        return
    data = js_index.loads(path.read_text(encoding="utf-8"))
    for key in ("terms", "titleterms"):
        data[key] = {word: docs for word, docs in data[key].items() if docs != []}
    path.write_text(js_index.dumps(data), encoding="utf-8")


def setup(app) -> None:
    """Called from :func:`planbook.sphinx.ext.setup`."""
    app.add_search_language(SearchVietnamese)
    app.connect("config-inited", configure)
    app.connect("html-page-context", add_reading_order)
    app.connect("html-page-context", write_page_text)
    app.connect("build-finished", translate_scripts)
    app.connect("build-finished", drop_dead_words)
