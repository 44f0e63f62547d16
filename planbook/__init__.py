"""planbook: turn a city's annual poverty-reduction plan data into a report book.

The flow is data → checks → notebooks → book:

- :mod:`planbook.data` loads and validates the data files of one year;
- :mod:`planbook.checks` re-derives every printed figure and reports disagreements;
- :mod:`planbook.fmt`, :mod:`planbook.text`, :mod:`planbook.tables` and
  :mod:`planbook.charts` turn them into Vietnamese prose, tables and charts for the notebooks;
- :mod:`planbook.build` executes the notebooks with papermill and assembles the book.
"""
