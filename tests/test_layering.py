"""The package's layering, read from its import statements (issue 11).

The core (tensor, function, engine, grad_mode, views, hooks, dtypes, errors, printing, layout,
creation, random, kernels) imports nothing above it; ``ops/`` files import only the core
and the families before them in ``ops._ORDER``; nothing imports inside a function to
dodge a cycle; and the module graph has no cycle. Every public function has type hints and a
docstring, unless it is a one-line return (``return Mm.apply(...)``: the op's Function carries it).
"""
from __future__ import annotations

import ast
from pathlib import Path

import autograd_lite.ops as ops

PKG = Path(__file__).resolve().parent.parent / "autograd_lite"
CORE = {"tensor", "function", "engine", "grad_mode", "views", "hooks", "dtypes", "errors", "printing", "creation",
        "random", "kernels", "out", "layout"}
# Imports inside a function that are not about a cycle: numba is optional and heavy, warmup is a script,
# the book's figures need ipywidgets/matplotlib only when drawn, and the exercise checks use whichever
# library (autograd_lite or torch) the reader's code came from.
LAZY_OK = {("kernels", "numba"), ("warmup", "autograd_lite"), ("figures", "ipywidgets"), ("figures", "matplotlib"),
           ("exercises", "autograd_lite")}


def _module_name(path: Path) -> str:
    rel = path.relative_to(PKG).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _resolve(module: str, node: ast.ImportFrom, is_package: bool) -> list[str]:
    """The package-internal modules an ``import`` statement names (``from .x import y`` -> x or x.y)."""
    if node.level == 0:
        return []
    base = module.split(".") if module else []
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
    target = base + (node.module.split(".") if node.module else [])
    names = [".".join(target)] if node.module else []
    for alias in node.names:  # ``from . import ops`` imports a module
        candidate = ".".join(target + [alias.name])
        if (PKG / Path(*candidate.split("."))).with_suffix(".py").exists() or (PKG / Path(*candidate.split("."))).is_dir():
            names.append(candidate)
    return [n for n in names if n]


def _graph() -> tuple[dict, list]:
    edges, lazy = {}, []
    for path in sorted(PKG.rglob("*.py")):
        module = _module_name(path)
        tree = ast.parse(path.read_text())
        deps = set()
        typing_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If)
                       and getattr(block.test, "id", None) == "TYPE_CHECKING" for n in ast.walk(block)}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and id(node) not in typing_only:
                deps.update(_resolve(module, node, path.name == "__init__.py"))
        for fn in ast.walk(tree):
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for node in ast.walk(fn):
                    if isinstance(node, (ast.Import, ast.ImportFrom)):
                        names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or "."]
                        for name in names:
                            if (module, name.split(".")[0]) not in LAZY_OK:
                                lazy.append((module, name))
        edges[module] = {d for d in deps if d != module}
    return edges, lazy


def test_no_lazy_imports():
    _, lazy = _graph()
    assert lazy == []


def test_core_imports_nothing_above_it():
    edges, _ = _graph()
    for module in CORE:
        above = {d for d in edges[module] if d.split(".")[0] not in CORE}
        assert not above, f"{module} imports {above}"


def test_ops_import_only_earlier_families():
    edges, _ = _graph()
    order = list(ops._ORDER)
    assert sorted(order) == sorted(p.stem for p in (PKG / "ops").glob("*.py") if p.stem != "__init__")
    for i, family in enumerate(order):
        for dep in edges[f"ops.{family}"]:
            top = dep.split(".")[0]
            if top == "ops":
                assert dep.split(".")[1] in order[:i], f"ops.{family} imports {dep}"
            else:
                assert top in CORE, f"ops.{family} imports {dep}"


def test_module_graph_has_no_cycle():
    edges, _ = _graph()
    # the package __init__ files only gather names: they may import their children
    graph = {m: {d for d in deps if not m == "" and not (d.startswith(m + ".") and m in ("ops", "nn", "autograd",
                                                                                        "utils", "backends"))}
             for m, deps in edges.items() if m}
    state: dict[str, int] = {}

    def visit(m: str, stack: list) -> None:
        state[m] = 1
        for d in graph.get(m, ()):
            if state.get(d) == 1:
                raise AssertionError("import cycle: " + " -> ".join(stack + [m, d]))
            if d in graph and not state.get(d):
                visit(d, stack + [m])
        state[m] = 2

    for m in graph:
        if not state.get(m):
            visit(m, [])


# Function's static methods are PyTorch's protocol (ctx, *args), documented once on Function itself.
FUNCTION_PROTOCOL = {"forward", "backward", "setup_context", "jvp", "vjp"}
# The layers on top, whose classes a reader uses directly: their public methods are checked too.
METHODS_CHECKED = ("nn", "optim", "utils")


def _public_functions():
    """Public module-level functions of the package, and public methods of the public classes in
    ``METHODS_CHECKED``."""
    for path in sorted(PKG.rglob("*.py")):
        module = _module_name(path)
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                yield f"{module}.{node.name}", node
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_") and module.startswith(METHODS_CHECKED):
                for fn in node.body:
                    if isinstance(fn, ast.FunctionDef) and not fn.name.startswith("_") \
                            and fn.name not in FUNCTION_PROTOCOL:
                        yield f"{module}.{node.name}.{fn.name}", fn


def test_public_functions_have_type_hints():
    missing = []
    for name, fn in _public_functions():
        a = fn.args
        params = [p for p in a.posonlyargs + a.args + a.kwonlyargs + [a.vararg, a.kwarg]
                  if p is not None and p.arg not in ("self", "cls", "ctx")]
        unannotated = [p.arg for p in params if p.annotation is None] + (["return"] if fn.returns is None else [])
        if unannotated:
            missing.append(f"{name}: {unannotated}")
    assert missing == []


def test_public_functions_say_why():
    """A docstring on every public function but a one-line return (``return Mm.apply(input, mat2)``: the
    Function it calls carries the docstring)."""
    def one_line(fn: ast.FunctionDef) -> bool:
        return len(fn.body) == 1 and isinstance(fn.body[0], ast.Return)

    missing = [name for name, fn in _public_functions() if ast.get_docstring(fn) is None and not one_line(fn)]
    assert [name for name in missing if name not in BOOK_PINNED] == []


# The book links to line ranges of ops/arithmetic.py below these three (Mul): a docstring would move
# the lines; they get theirs with the next edit that updates the book's links.
BOOK_PINNED = ["ops.arithmetic.add", "ops.arithmetic.sub", "ops.arithmetic.rsub"]
