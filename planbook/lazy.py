"""Libraries loaded when first used. ``make book`` with nothing to build must answer in a
tenth of a build (``make bench``: ``noop_over_clean``), and most of that answer is Python
importing what the command might need: the Dask client, matplotlib for a parent's overview,
Jupyter Book. A module this returns stands at the top of the module that uses it, like any
import (and ``tests/test_imports.py`` reads it as one); it runs when one of its names is first
read."""
from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy(name: str) -> ModuleType:
    """The module ``name``, loaded when one of its attributes is first read (the recipe of
    :mod:`importlib`'s documentation, «Implementing lazy imports»); a module already loaded
    is itself."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
