"""planbook: turn a locality's annual poverty-reduction plan data into a report book.

The flow is data → checks → notebooks → book:

- :mod:`planbook.data` loads one year's data files with types and refuses bad data with a
  message naming the file, row and column;
- :mod:`planbook.derive` recomputes rates, reductions, subtotals and totals;
  :mod:`planbook.checks` compares them with what the plan prints;
- :mod:`planbook.fmt`, :mod:`planbook.text` (Jinja templates in ``templates/``),
  :mod:`planbook.tables` and :mod:`planbook.charts` turn them into Vietnamese prose, tables and
  charts for the notebooks; :mod:`planbook.provenance` records what a book was built from;
- :mod:`planbook.build` runs the notebooks through :mod:`planbook.execute` (papermill in reused
  kernels, only what changed, see :mod:`planbook.stamp`) and assembles the site and the PDF;
  :mod:`planbook.sphinx.ext` gives the site the plan's title;
- :mod:`planbook.bench` measures all that.
"""
