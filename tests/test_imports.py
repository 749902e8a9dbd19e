"""The import graph of `kg` has no cycles, and the stores stay below the graph layer.

Every import counts, at module level or inside a function, and under `if TYPE_CHECKING:` too:
a cycle hidden in a function body is still a cycle, only one that bites later. Importing
`kg.a.b` is an edge to `kg.a.b` alone, not to the packages above it: every module runs its
parents' `__init__` and counting that would put every package in a cycle with its children.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Collection, Iterator
from pathlib import Path

import networkx as nx

PACKAGE_DIR = Path(__file__).resolve().parent.parent / "kg"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def kg_modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE_DIR.rglob("*.py"))}


def imported_names(
    tree: ast.AST, name: str, is_package: bool, modules: Collection[str]
) -> Iterator[str]:
    """Yield every dotted name the module imports: `import x` gives x; `from x import y` gives
    x.y when that is a module (like `import x.y`), else x."""
    package = name if is_package else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                if node.level > 1:
                    base_parts = base_parts[: -(node.level - 1)]
                base = ".".join(base_parts)
                source = f"{base}.{node.module}" if node.module else base
            else:
                assert node.module is not None
                source = node.module
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                yield submodule if submodule in modules else source


def import_graph() -> nx.DiGraph:
    modules = kg_modules()
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for target in imported_names(tree, name, path.name == "__init__.py", modules):
            if target in modules:
                graph.add_edge(name, target)
    return graph


def cycles(graph: nx.DiGraph) -> list[str]:
    """One cycle of each knot of modules that import one another, and each self-import."""
    found = []
    for component in nx.strongly_connected_components(graph):
        if len(component) > 1:
            cycle = nx.find_cycle(graph.subgraph(component))
            path = " -> ".join([edge[0] for edge in cycle] + [cycle[0][0]])
            found.append(f"{path} (among {', '.join(sorted(component))})")
    found += [f"{node} -> {node}" for node in nx.nodes_with_selfloops(graph)]
    return sorted(found)


def test_the_graph_sees_imports_of_every_kind() -> None:
    # The finder must see function-level, relative, TYPE_CHECKING and `from kg import module`
    # imports, and name the cycles it finds, or a passing test below would mean nothing.
    source = (
        "from typing import TYPE_CHECKING\n"
        "import kg.graph\n"
        "from kg import queries\n"
        "from . import vocab\n"
        "from .stores.base import Store\n"
        "if TYPE_CHECKING:\n"
        "    from kg.validation import ValidationReport\n"
        "def later() -> None:\n"
        "    from kg.reading import read_quads\n"
    )
    modules = kg_modules()
    found = set(imported_names(ast.parse(source), "kg.example", False, modules))
    assert found - {"typing"} == {
        "kg.graph",
        "kg.queries",
        "kg.vocab",
        "kg.stores.base",
        "kg.validation",
        "kg.reading",
    }
    inside_package = imported_names(ast.parse("from . import memory"), "kg.stores", True, modules)
    assert list(inside_package) == ["kg.stores.memory"]
    graph = import_graph()
    assert graph.has_edge("kg.cli", "kg.cli_common")
    assert graph.has_edge("kg.validation", "kg.shacl_sparql")  # inside a function
    assert graph.has_edge("kg.errors", "kg.validation_report")  # under TYPE_CHECKING
    knot = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("d", "d"), ("d", "a")])
    assert cycles(knot) == ["a -> b -> c -> a (among a, b, c)", "d -> d"]


def test_no_import_cycles() -> None:
    found = cycles(import_graph())
    assert not found, "import cycles in kg:\n" + "\n".join(found)


def test_stores_never_reach_the_graph_layer() -> None:
    graph = import_graph()
    stores = [name for name in graph if name == "kg.stores" or name.startswith("kg.stores.")]
    assert len(stores) >= 5
    # A store that reaches kg.graph through any chain imports a module that imports kg.graph.
    paths = [
        " -> ".join(nx.shortest_path(graph, store, "kg.graph"))
        for store in stores
        if nx.has_path(graph, store, "kg.graph")
    ]
    assert not paths, "stores that reach the graph layer:\n" + "\n".join(paths)


README = PACKAGE_DIR.parent / "README.md"
_LAYER_NAME = re.compile(r"(?<![\w/.])([a-z_]+(?:\.py|/)|cli_\*\.py)(?=\s|$)")


def drawn_layers(text: str) -> list[list[str]]:
    """The layers the README's Developing section draws: one per line that does not start
    with a space, each the modules (``x.py``) and packages (``x/``) its first words name;
    a line that starts with spaces goes on describing the layer above."""
    block = text.split("The layers of `kg/`", 1)[1].split("```", 2)[1]
    layers = []
    for line in block.splitlines()[1:]:
        if not line or line.startswith(" "):
            continue
        names = []
        for word in line.split():
            if not _LAYER_NAME.fullmatch(word):
                break  # the description begins
            names.append(word)
        layers.append(names)
    return layers


def layer_of(module: str, layers: list[list[str]]) -> int | None:
    """The index of the layer that names ``module`` (the most specific name wins)."""
    best: tuple[int, int] | None = None
    for index, names in enumerate(layers):
        for name in names:
            stem = "kg." + name.removesuffix(".py").removesuffix("/")
            hit = (
                (stem.endswith("*") and module.startswith(stem.rstrip("*")))
                or module == stem
                or (name.endswith("/") and module.startswith(stem + "."))
            )
            if hit and (best is None or len(stem) > best[1]):
                best = (index, len(stem))
    return best[0] if best else None


def test_every_import_goes_down_the_layers_the_readme_draws() -> None:
    layers = drawn_layers(README.read_text(encoding="utf-8"))
    assert len(layers) >= 10 and any("claims.py" in layer for layer in layers), layers
    graph = import_graph()
    # `kg` itself (the package's __init__) is the API's front door: it sits with api.py.
    unplaced = [m for m in graph if m != "kg" and layer_of(m, layers) is None]
    assert not unplaced, f"modules the README's layers do not name: {unplaced}"
    up = []
    for importer, imported in graph.edges:
        if importer == "kg" or imported == "kg":
            continue
        above, below = layer_of(importer, layers), layer_of(imported, layers)
        assert above is not None and below is not None
        if below < above:
            up.append(f"{importer} (layer {above + 1}) imports {imported} (layer {below + 1})")
    assert not up, "imports that go up the README's layers:\n" + "\n".join(up)


def test_the_layer_check_sees_an_import_that_goes_up() -> None:
    layers = drawn_layers("The layers of `kg/`:\n```\ncli.py  top\n   more\ngraph.py\n```\n")
    assert layers == [["cli.py"], ["graph.py"]]
    assert layer_of("kg.cli", layers) == 0 and layer_of("kg.graph", layers) == 1
    assert layer_of("kg.stores.memory", [["stores/"]]) == 0
    assert layer_of("kg.cli_report", [["cli.py", "cli_*.py"]]) == 0


def test_a_command_imports_only_what_it_uses() -> None:
    # `import kg` and the CLI load the reports, not validation or loading (nor the Python
    # API's facade): every command starts faster for it (4-8 ms of the cold CLI).
    script = (
        "import sys, kg, kg.cli; "
        "print(sorted(m for m in sys.modules if m in "
        "('kg.api', 'kg.validation', 'kg.loading', 'pyshacl', 'pandas')))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    lazy = "import kg; print(kg.open.__module__, kg.validate.__module__, 'open' in dir(kg))"
    done = subprocess.run([sys.executable, "-c", lazy], capture_output=True, text=True)
    assert done.stdout.split() == ["kg.api", "kg.validation", "True"], done.stderr
