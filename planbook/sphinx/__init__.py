"""What the site and the print need beyond Sphinx and Jupyter Book, as Sphinx extensions
loaded from ``_config.yml``: :mod:`planbook.sphinx.ext` (the plan's title and numbering, the
year switcher, downloads under tables, the Content-Security-Policy, the package's scripts in
``static/``), :mod:`planbook.sphinx.search` (Vietnamese search) and
:mod:`planbook.sphinx.latex` (the print's style file and font)."""
