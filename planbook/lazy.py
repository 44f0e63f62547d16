"""Libraries loaded when first used. ``make book`` with nothing to build must answer in a
tenth of a build (``make bench``: ``noop_over_clean``), and most of that answer is Python
importing what the command might need: the Dask client, matplotlib for a parent's overview,
Jupyter Book. A module this returns stands at the top of the module that uses it, like any
import (and ``tests/test_imports.py`` reads it as one); it is imported when one of its names
is first read, once, whichever thread reads it first (importlib's own ``LazyLoader`` is not
safe across threads before Python 3.12)."""
from __future__ import annotations

import importlib
import threading
from types import ModuleType


class Lazy:
    """The module ``name``, imported when one of its attributes is first read."""

    def __init__(self, name: str):
        self._name = name
        self._module: ModuleType | None = None
        self._lock = threading.Lock()

    def __getattr__(self, attribute: str):
        if self._module is None:
            with self._lock:
                if self._module is None:
                    self._module = importlib.import_module(self._name)
        return getattr(self._module, attribute)


def lazy(name: str) -> Lazy:
    """The module ``name``, imported when first used (:class:`Lazy`)."""
    return Lazy(name)
