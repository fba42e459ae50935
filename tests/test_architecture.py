"""The import graph of the package follows DESIGN §3: layers, no cycles, private stays private.

The graph is read from the source (``ast``), so it sees imports inside
functions too; imports under ``if TYPE_CHECKING:`` are annotations only and
are left out.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "coopgame"

# What the package root may hold: the public base, the CLI and small private helpers (DESIGN §3).
ROOT_MODULES = {"__init__", "__main__", "cli", "distributed", "errors", "results", "tolerances", "_display", "_executor",
                "_bitmask", "_lazy", "_memory", "_pickling", "_progress", "_relocation", "_typing", "_validation"}

# Layer of each subpackage: a module may import from its own layer or a lower one only.
LAYERS = {"<base>": 0, "games": 1, "equilibrium": 2, "dynamics": 2, "cooperative": 2, "stability": 2,
          "symbolic": 2, "policy": 3, "models": 4, "report": 5, "<cli>": 6}
SOLVERS = {name for name, rank in LAYERS.items() if rank == 2}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _group(module: str) -> str:
    """The subpackage a module belongs to; root modules are the base, except the command line."""
    path = MODULES[module]
    rel = path.relative_to(PACKAGE).parts
    if len(rel) > 1:
        return rel[0]
    return "<cli>" if path.stem in ("cli", "__main__") else "<base>"


class _Imports(ast.NodeVisitor):
    def __init__(self, module: str, is_package: bool) -> None:
        self.module, self.is_package = module, is_package
        self.found: list[tuple[str, str | None, int]] = []  # (module, imported name or None, line)

    def visit_If(self, node: ast.If) -> None:
        if "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        self.found += [(alias.name, None, node.lineno) for alias in node.names]

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = node.module or ""
        if node.level:
            package = self.module.split(".") if self.is_package else self.module.split(".")[:-1]
            package = package[: len(package) - (node.level - 1)]
            base = ".".join(package + ([base] if base else []))
        self.found += [(base, alias.name, node.lineno) for alias in node.names]


def _imports() -> dict[str, list[tuple[str, str | None, int]]]:
    """For each module: (target module, name imported from it or None, line) for imports within the package."""
    out: dict[str, list[tuple[str, str | None, int]]] = defaultdict(list)
    for module, path in MODULES.items():
        visitor = _Imports(module, path.name == "__init__.py")
        visitor.visit(ast.parse(path.read_text(encoding="utf-8")))
        for base, name, line in visitor.found:
            if not base.startswith("coopgame"):
                continue
            submodule = f"{base}.{name}" if name else None
            if submodule in MODULES:
                out[module].append((submodule, None, line))
            elif base in MODULES:
                out[module].append((base, name, line))
    return out


IMPORTS = _imports()


def _where(module: str, line: int) -> str:
    return f"{MODULES[module].relative_to(PACKAGE.parent)}:{line}"


def test_the_graph_is_read():
    # guards the test itself: a parser that found nothing would pass every rule below
    assert len(MODULES) > 60
    assert "coopgame.games.tu" in {t for t, _, _ in IMPORTS["coopgame.games.structured"]}
    # a function-level import is seen, a TYPE_CHECKING one is not
    assert "coopgame.models.builders" in {t for t, _, _ in IMPORTS["coopgame.models.schema"]}
    assert "coopgame.models.schema" not in {t for t, _, _ in IMPORTS["coopgame.models.builders"]}


def test_package_root_holds_only_the_public_base():
    root = {p.stem for p in PACKAGE.glob("*.py")}
    assert root <= ROOT_MODULES, f"unexpected modules at the package root: {sorted(root - ROOT_MODULES)}"


def test_no_import_cycles():
    graph = {m: {t for t, _, _ in IMPORTS.get(m, ()) if t != m} for m in MODULES}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def strongconnect(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in graph:
        if v not in index:
            strongconnect(v)
    assert not cycles, f"import cycles: {cycles}"


def test_no_private_names_from_another_subpackage():
    bad = []
    for module, found in IMPORTS.items():
        group = _group(module)
        for target, name, line in found:
            target_group = _group(target)
            if target_group in (group, "<base>", "<cli>"):
                continue  # own subpackage, or the package's shared base helpers
            private_module = any(part.startswith("_") and part != "__init__" for part in target.split(".")[1:])
            private_name = name is not None and name.startswith("_")
            if private_module or private_name:
                bad.append(f"{_where(module, line)} imports {target}{'.' + name if name else ''}")
    assert not bad, "cross-subpackage private imports:\n" + "\n".join(bad)


def test_dependence_runs_one_way():
    bad = []
    for module, found in IMPORTS.items():
        group = _group(module)
        if module == "coopgame":
            continue  # the lazy namespace names modules as strings only
        for target, _, line in found:
            target_group = _group(target)
            if LAYERS[target_group] > LAYERS[group]:
                bad.append(f"{_where(module, line)}: {group} imports {target} ({target_group}, a higher layer)")
    assert not bad, "imports against the layering of DESIGN §3:\n" + "\n".join(bad)


@pytest.mark.parametrize("solver", sorted(SOLVERS))
def test_solvers_do_not_import_each_other(solver):
    bad = [f"{_where(m, line)} imports {t}" for m, found in IMPORTS.items() if _group(m) == solver
           for t, _, line in found if _group(t) in SOLVERS - {solver}]
    assert not bad, f"{solver} reaches into another solver package:\n" + "\n".join(bad)


def test_parsing_a_model_file_imports_no_builder_and_no_solver():
    import subprocess
    import sys

    code = ("import sys, coopgame; spec = coopgame.load_model('bth13'); [spec.scenario(s) for s in spec.scenarios]; "
            "print(sorted(m for m in sys.modules if m.startswith('coopgame.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    loaded = set(ast.literal_eval(out))
    assert "coopgame.models.schema" in loaded
    assert not {m for m in loaded if m.startswith("coopgame.models.builders") or m == "coopgame.models.batch"}
    assert not {m for m in loaded if m.split(".")[1] in SOLVERS | {"games", "policy", "report"}}
