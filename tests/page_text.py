"""The reader's text of a built site, page by page in reading order, for the snapshot test.

``python tests/page_text.py _build/html/2023 > tests/snapshots/book-2023.txt`` writes the snapshot
again after a deliberate change of the book's text.
"""
import sys
from pathlib import Path

from bs4 import BeautifulSoup

SKIPPED = {"book/provenance.html"}
"""Pages whose text changes with every build (file hashes, commit, time)."""


BLOCKS = ["h1", "h2", "h3", "h4", "h5", "p", "li", "caption", "th", "td", "dt", "dd"]


def blocks(article) -> list[str]:
    """The words of each innermost block (heading, paragraph, list item, table cell), one
    block a line, so a paragraph break shows in the snapshot."""
    return [" ".join(node.get_text(" ").split()) for node in article.find_all(BLOCKS)
            if not node.find(BLOCKS)]


def page_texts(site: Path) -> list[tuple[str, str]]:
    """(page path, its article's words) from the home page along the "next page" links."""
    site = site.resolve()
    pages, path = [], site / "book" / "index.html"
    while path is not None:
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        name = path.relative_to(site).as_posix()
        article = soup.find("article")
        for link in article.select("a.headerlink"):
            link.decompose()
        if name not in SKIPPED:
            pages.append((name, "\n".join(blocks(article))))
        following = soup.select_one("a.right-next")
        path = (path.parent / following["href"]).resolve() if following else None
    return pages


def snapshot(site: Path) -> str:
    """The pages' blocks, a blank line between pages; page paths are left out so that renaming
    a file does not change the snapshot."""
    return "".join(f"{text}\n\n" for _, text in page_texts(site))


if __name__ == "__main__":
    sys.stdout.write(snapshot(Path(sys.argv[1])))
