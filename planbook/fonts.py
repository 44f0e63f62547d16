"""The book's typeface, Liberation Serif 2 (Debian fonts-liberation2), named by its files, here
alone: the PDF's (:mod:`planbook.sphinx.latex` hands the folder to the print's style; the Makefile
checks for it) and every chart's text. Debian's older fonts-liberation, without Vietnamese
letters, has the same family name, so a chart never asks for its font by name."""
from pathlib import Path

FONT_DIR = Path("/usr/share/fonts/truetype/liberation2")
SERIF = {style: FONT_DIR / f"LiberationSerif-{style}.ttf"
         for style in ("Regular", "Bold", "Italic", "BoldItalic")}
"""The four styles' files."""
