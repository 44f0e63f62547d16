"""Imported last by the fork server that keeps Jupyter Book loaded (:data:`planbook.assemble.WARM`):
what it loaded stays out of the garbage collector's full passes, in the server and in every
build forked from it, and the server ends at once when the build does (its teardown held the
build's output open for most of a second)."""
import gc

gc.freeze()
