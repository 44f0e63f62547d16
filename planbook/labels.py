"""Chart labels in the body's font: measured, and fit to a width on a few lines, broken
between phrases and cut with "…" where they would need more (a chart's caption and alt text
carry them whole)."""
from __future__ import annotations

import functools

from planbook import fonts
from planbook.lazy import lazy

font_manager = lazy("matplotlib.font_manager")  # loaded when a chart is drawn
textpath = lazy("matplotlib.textpath")

TEXT = 10
"""The smallest type in a chart, in points (ticks, legends, labels on bars)."""


def font(size: float = TEXT, bold: bool = False, italic: bool = False
         ) -> font_manager.FontProperties:
    """The body's font (:mod:`planbook.fonts`) by file, so that a chart's words read like the
    text, whatever other font bears its name."""
    style = ("Bold" if bold else "") + ("Italic" if italic else "") or "Regular"
    return font_manager.FontProperties(fname=fonts.SERIF[style], size=size,
                                       weight="bold" if bold else "normal",
                                       style="italic" if italic else "normal")


@functools.cache
def _text_path():
    """matplotlib's measure of a text's outline."""
    return textpath.TextToPath()


LINE = TEXT * 1.3 / 72
"""The height of a line of chart text, in inches."""
LABEL = 1.5
"""The widest a label beside a bar may be, in inches (a third of the chart)."""


@functools.lru_cache(maxsize=4096)
def text_width(label: str, bold: bool = False, size: float = TEXT) -> float:
    """A label's width in inches (its longest line); remembered, as the charts of a kernel's
    pages measure the same words again (fitting a title tries it phrase by phrase)."""
    return max(_text_path().get_text_width_height_descent(line, font(size, bold), False)[0]
               for line in label.split("\n")) / 72


BREAK_AFTER = (",", ":", ";", "-", "–", "&")


def split_phrases(text: str) -> list[str]:
    """``text`` in the pieces a line may break between without cutting a word (a Vietnamese
    word may have several syllables: "kinh phí"): after a comma, colon, semicolon, dash or
    "&", before a capitalised word or a parenthesis."""
    phrases: list[str] = []
    for word in text.split():
        if phrases and not (phrases[-1].endswith(BREAK_AFTER) or word.startswith("(")
                            or word[0].isupper() and not word.isupper()):
            phrases[-1] += " " + word
        else:
            phrases.append(word)
    return phrases


def cut(pieces: list[str], width: float, size: float, bold: bool) -> str:
    """As many of ``pieces`` as ``width`` inches hold, then "…" (as many words of the first
    when not even it fits; as many letters of a word)."""
    while len(pieces) > 1 and text_width(" ".join(pieces) + "…", bold, size) > width:
        pieces = pieces[:-1]
    text = " ".join(pieces)
    if " " in text and text_width(text + "…", bold, size) > width:
        return cut(text.split(), width, size, bold)
    while text and text_width(text + "…", bold, size) > width:
        text = text[:-1]
    return text.rstrip(" " + "".join(BREAK_AFTER)) + "…"


def fit(text: str | list[str], width: float, lines: int = 2, size: float = TEXT,
         bold: bool = False) -> str:
    """``text`` (a name, or the phrases a title is made of) on at most ``lines`` lines of
    ``width`` inches: each phrase whole on a line where it fits, else broken between its
    :func:`split_phrases`; cut with "…" where it would need more (the caption and the alt text
    carry it whole)."""
    queue = [text] if isinstance(text, str) else list(text)
    rows: list[list[str]] = []
    while queue:
        piece = queue.pop(0)
        if rows and text_width(" ".join([*rows[-1], piece]), bold, size) <= width:
            rows[-1].append(piece)
        elif len(rows) < lines and text_width(piece, bold, size) <= width:
            rows.append([piece])
        elif len(phrases := split_phrases(piece)) > 1:
            queue[:0] = phrases
        else:
            if len(rows) < lines:
                rows.append([piece])
            rows[-1] = [cut(rows[-1], width, size, bold)]
            break
    return "\n".join(" ".join(row) for row in rows)
