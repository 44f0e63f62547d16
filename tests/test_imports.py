"""The package's modules import one another in one direction: every import at the top of its
module (where a reader sees what a module needs), and no cycle among them."""
import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "planbook"

STILL_TO_BREAK: dict[frozenset[str], str] = {}
"""Cycles left on purpose, each with the step that breaks it (none is left). When one is
broken, take it off: the tests below then fail until it is."""
HOLDING: dict[str, str] = {}
"""The import inside a function that holds each cycle above together."""

READING = "planbook.data"
"""Reading a year's data: it never imports the package's writing of files (the clerk's
workbook, the downloads, the new year's scaffold)."""
WRITING = {"planbook.clerk.workbook", "planbook.downloads", "planbook.clerk.newyear"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imported(node: ast.Import | ast.ImportFrom, module: str) -> set[str]:
    """The package's modules an import statement of ``module`` loads (its own name resolved
    for a relative import; ``from planbook import x`` is module ``planbook.x`` when there is
    one)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = module.split(".")
            if not MODULES[module].name == "__init__.py":
                package = package[:-1]
            package = package[:len(package) - node.level + 1]
            base = ".".join(package + ([node.module] if node.module else []))
        names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                 for alias in node.names]
    found = set()
    for name in names:
        while name and name not in MODULES:  # planbook.x.y where y is not a module
            name = name.rpartition(".")[0]
        if name:
            found.add(name)
    return found


def imports_of(module: str, tree: ast.Module) -> list[tuple[str, int, bool]]:
    """The package's modules that ``module`` imports: (imported, line, inside a function)."""
    inside = set()
    for function in ast.walk(tree):
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            inside |= {id(node) for node in ast.walk(function) if node is not function}
    found = [(target, node.lineno, id(node) in inside) for node in ast.walk(tree)
             if isinstance(node, (ast.Import, ast.ImportFrom))
             for target in sorted(imported(node, module)) if target != module]
    return found + [(node.args[0].value, node.lineno, id(node) in inside)  # lazy("planbook.x")
                    for node in ast.walk(tree) if isinstance(node, ast.Call)
                    and getattr(node.func, "id", "") == "lazy" and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and str(node.args[0].value) in MODULES]


def imports() -> list[tuple[str, str, int, bool]]:
    """Every import of a package module by a package module: (importer, imported, line,
    inside a function)."""
    return [(module, *found) for module, path in MODULES.items()
            for found in imports_of(module, ast.parse(path.read_text(encoding="utf-8")))]


def cycles(edges: set[tuple[str, str]]) -> set[frozenset[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    graph = {name: sorted({b for a, b in edges if a == name}) for name in MODULES}
    index, low, stack, on_stack, groups = {}, {}, [], set(), set()

    def visit(name: str) -> None:
        index[name] = low[name] = len(index)
        stack.append(name)
        on_stack.add(name)
        for other in graph[name]:
            if other not in index:
                visit(other)
                low[name] = min(low[name], low[other])
            elif other in on_stack:
                low[name] = min(low[name], index[other])
        if low[name] == index[name]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == name:
                    break
            if len(group) > 1:
                groups.add(frozenset(group))

    for name in graph:
        if name not in index:
            visit(name)
    return groups


def test_the_import_reader_sees_every_kind_of_import():
    """The reader above finds the forms of import the package uses and may use, so that the
    tests below can fail."""
    graph = {(a, b, inner) for a, b, _, inner in imports()}
    assert ("planbook.build", "planbook.execute", False) in graph  # from planbook import (…)
    assert ("planbook.execute", "planbook.kernels", False) in graph  # from planbook.kernels …
    source = ast.parse("from . import fmt\nfrom .data import Plan\nimport planbook.derive as d\n"
                       "import yaml, planbook.sphinx.search\n"
                       "def later():\n    if True:\n        from planbook import charts\n"
                       "class Late:\n    def m(self):\n        import planbook.site\n"
                       "tables = lazy('planbook.tables')\n")
    assert imports_of("planbook.text", source) == [
        ("planbook.fmt", 1, False), ("planbook.data", 2, False), ("planbook.derive", 3, False),
        ("planbook.sphinx.search", 4, False), ("planbook.charts", 7, True),
        ("planbook.site", 10, True), ("planbook.tables", 11, False)]
    assert ("planbook.overview", "planbook.charts", False) in graph  # charts = lazy(…)
    assert cycles({("planbook.fmt", "planbook.data"), ("planbook.data", "planbook.fmt"),
                   ("planbook.data", "planbook.text")}) == {
        frozenset({"planbook.fmt", "planbook.data"})}


def test_no_import_inside_a_function():
    """An import inside a function hides what a module needs and lets a cycle hold; the one
    that holds a cycle still to break (:data:`STILL_TO_BREAK`) is named in :data:`HOLDING`."""
    inner = {f"{MODULES[a].relative_to(ROOT).as_posix()}:{line} imports {b}"
             for a, b, line, inside in imports() if inside}
    holding = {f"{path}:" for path in HOLDING}
    assert {line for line in inner if not any(line.startswith(h) for h in holding)} == set()
    assert {(line.split(":")[0], line.split(" imports ")[1]) for line in inner} == set(
        HOLDING.items()), "a cycle still to break was broken: take it off STILL_TO_BREAK"


def test_no_import_cycle():
    found = cycles({(a, b) for a, b, _, _ in imports()})
    assert found == set(STILL_TO_BREAK), sorted(map(sorted, found))


def test_reading_never_imports_writing():
    found = {(a, b) for a, b, _, _ in imports()
             if (a == READING or a.startswith(READING + ".")) and b in WRITING}
    assert found == set()
