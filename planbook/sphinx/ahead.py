"""The print typeset ahead: XeLaTeX reads the last build's preamble while Sphinx writes the book.

Most of a XeLaTeX run of the book is its preamble (the document class, fontspec, babel,
Sphinx's packages: about 1 of 1.3 s), the same from one build to the next. When Sphinx starts
reading the pages for the print (``env-before-read-docs``) and the last build's LaTeX is
there, XeLaTeX starts on that preamble in a folder of its own (:data:`FOLDER`, a copy of the
last build's files: Sphinx writes some of them again in place), then waits, reading a line
from its standard input. When Sphinx has written the book (``build-finished``):

- if the new LaTeX has the same preamble, and no file the preamble may have read changed, the
  body is handed over and XeLaTeX finishes; what it wrote goes beside the book, and when its
  references (``.aux``, ``.out``, ``.toc``) are those of the last build, ``<doc>.settled`` tells
  ``make-pdf`` that nothing is left to do;
- else, or when it fails, it is stopped and ``make-pdf`` typesets the book as without it.

XeLaTeX dies with its standard input: an interrupted or killed build leaves no XeLaTeX waiting.
It pays only when it has a core: the site's Jupyter Book run yields to the print's
(:data:`planbook.assemble.SITE_BESIDE_PRINT`).
"""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

FOLDER = ".ahead"
BEGIN = "\\begin{document}"
REFERENCES = (".aux", ".out", ".toc")
READ_BY_PREAMBLES = {".sty", ".cls", ".cfg", ".def", ".clo", ".fd", ".ldf", ".tex"}
"""Files the preamble may have read: one changed, the typesetting ahead is not used."""


@dataclass
class Ahead:
    """One document's XeLaTeX, waiting: what it read and what the last build's references
    were."""
    doc: str
    folder: Path
    head: str
    copied: set[str]
    references: bytes
    process: subprocess.Popen


def _references(folder: Path, doc: str) -> bytes:
    return b"\0".join((folder / (doc + suffix)).read_bytes()
                      if (folder / (doc + suffix)).is_file() else b"" for suffix in REFERENCES)


def start(app, env, docnames) -> None:
    """Start XeLaTeX on the last build's preamble of each document of the print (once Sphinx
    starts reading: Jupyter Book names the documents after Sphinx set up)."""
    app.planbook_ahead = []
    if app.builder.name != "latex":
        return
    out = Path(app.outdir)
    folder = out / FOLDER
    shutil.rmtree(folder, ignore_errors=True)
    docs = [Path(entry[1]).stem for entry in app.config.latex_documents]
    for doc in docs:
        (out / f"{doc}.settled").unlink(missing_ok=True)
        try:
            head = (out / f"{doc}.tex").read_text(encoding="utf-8").split(BEGIN, 1)[0]
        except OSError:
            continue  # a first build
        if not folder.is_dir():
            shutil.copytree(out, folder, ignore=lambda where, names: [
                name for name in names if name == FOLDER or name in {f"{d}.pdf" for d in docs}])
        (folder / f"{doc}.head.tex").write_text(head, encoding="utf-8")
        (folder / f"{doc}.ind").write_text("", encoding="utf-8")  # no index, as make-pdf gives
        (folder / f"{doc}.ahead.tex").write_text(
            f"\\input{{{doc}.head.tex}}\\read16 to\\planbookgo\\nonstopmode"
            f"\\input{{{doc}.body.tex}}\n", encoding="utf-8")
        process = subprocess.Popen(
            ["xelatex", "-interaction=scrollmode", "-halt-on-error", f"-jobname={doc}",
             f"{doc}.ahead.tex"], cwd=folder, stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        app.planbook_ahead.append(Ahead(doc, folder, head, {
            p.name for p in folder.iterdir() if p.is_file()}, _references(out, doc), process))


def finish(app, exception) -> None:
    """Hand each document's body to its XeLaTeX, if its preamble and the files it read are
    the same; take what it wrote, or stop it."""
    out = Path(app.outdir)
    for ahead in getattr(app, "planbook_ahead", []):
        if exception is None and _hand_over(ahead, out):
            for path in ahead.folder.glob(f"{ahead.doc}.*"):
                if path.suffix != ".tex":
                    path.replace(out / path.name)
            index = out / f"{ahead.doc}.idx"
            if _references(out, ahead.doc) == ahead.references \
                    and not (index.is_file() and index.stat().st_size):
                (out / f"{ahead.doc}.settled").write_text("", encoding="utf-8")
        else:
            ahead.process.kill()
            ahead.process.wait()
    if getattr(app, "planbook_ahead", None):
        shutil.rmtree(out / FOLDER, ignore_errors=True)


def _hand_over(ahead: Ahead, out: Path) -> bool:
    """Give XeLaTeX the body and the files the body reads, and wait for it; whether it
    typeset the book as written."""
    try:
        head, _, body = (out / f"{ahead.doc}.tex").read_text(encoding="utf-8").partition(BEGIN)
    except OSError:
        return False
    if head != ahead.head:
        return False
    for path in out.iterdir():
        if not path.is_file() or path.name.startswith(f"{ahead.doc}."):
            continue
        copy = ahead.folder / path.name
        if copy.is_file() and copy.read_bytes() == path.read_bytes():
            continue
        if path.name in ahead.copied and path.suffix in READ_BY_PREAMBLES:
            return False
        shutil.copy2(path, copy)
    (ahead.folder / f"{ahead.doc}.body.tex").write_text(BEGIN + body, encoding="utf-8")
    try:
        ahead.process.communicate(b"go\n")
    except OSError:  # it ended already: an error in the preamble
        ahead.process.wait()
    return ahead.process.returncode == 0


def setup(app) -> None:
    app.connect("env-before-read-docs", start)
    app.connect("build-finished", finish)
