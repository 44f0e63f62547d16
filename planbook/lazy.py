"""Libraries loaded when first used. ``make book`` with nothing to build must answer in a
tenth of a build (``make bench``: ``noop_over_clean``), and most of that answer is Python
importing what the command might need: the Dask client, matplotlib, Jupyter Book (a kernel
imports matplotlib only when a chart is drawn: an edit that draws none starts its pages a
second sooner). A module this returns stands at the top of the module that uses it, like any
import (and ``tests/test_imports.py`` reads it as one); it is imported when one of its names
is first read, once, whichever thread reads it first (importlib's own ``LazyLoader`` is not
safe across threads before Python 3.12)."""
from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from types import ModuleType


class Lazy:
    """The module ``name``, imported when one of its attributes is first read; ``then`` is
    called with it once it is imported (a library's settings)."""

    def __init__(self, name: str, then: Callable[[ModuleType], None] | None = None):
        self._name = name
        self._then = then
        self._module: ModuleType | None = None
        self._lock = threading.Lock()

    def __getattr__(self, attribute: str):
        if self._module is None:
            with self._lock:
                if self._module is None:
                    module = importlib.import_module(self._name)
                    if self._then:
                        self._then(module)
                    self._module = module
        return getattr(self._module, attribute)


def lazy(name: str, then: Callable[[ModuleType], None] | None = None) -> Lazy:
    """The module ``name``, imported when first used (:class:`Lazy`), then given to
    ``then``."""
    return Lazy(name, then)
