"""Imported last by the fork server that keeps Jupyter Book loaded (:data:`planbook.assemble.WARM`):
when the server ends (with the build that started it), what it loaded is frozen first, so that
Python's teardown does not collect it piece by piece (that held the build's output open for
most of a second). Frozen only then: a build forked from a frozen server collected its garbage
more often, and took longer."""
import atexit
import gc

atexit.register(gc.freeze)
