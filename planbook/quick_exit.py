"""Imported by the command line (``python -m planbook``) and, last, by the fork server that keeps
Jupyter Book loaded (:data:`planbook.warm.WARM`): when the process ends, what it loaded is
frozen first, so that Python's teardown does not collect it piece by piece (half a second of a
small build; the server's teardown held the build's output open for most of a second). Frozen
only then: a build forked from a frozen server collected its garbage more often, and took
longer."""
import atexit
import gc

atexit.register(gc.freeze)
