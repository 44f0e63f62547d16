"""A module loaded when first used (planbook/lazy.py): not before, once, from any thread."""
import sys
from concurrent.futures import ThreadPoolExecutor

from planbook.lazy import lazy


def test_a_lazy_module_is_imported_when_a_name_is_first_read_once_from_any_thread():
    sys.modules.pop("graphlib", None)
    graphlib = lazy("graphlib")
    assert "graphlib" not in sys.modules
    with ThreadPoolExecutor(8) as pool:
        found = set(pool.map(lambda _: graphlib.TopologicalSorter, range(32)))
    assert "graphlib" in sys.modules and found == {sys.modules["graphlib"].TopologicalSorter}


def test_a_lazy_module_is_set_up_once_before_any_thread_reads_it():
    sys.modules.pop("graphlib", None)
    seen = []
    graphlib = lazy("graphlib", then=lambda module: seen.append(module.__name__))
    assert seen == []
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: graphlib.TopologicalSorter, range(32)))
    assert seen == ["graphlib"]
