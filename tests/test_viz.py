"""autograd_lite.viz.draw_graph: labels, edges, determinism, and identical SVG for PyTorch."""
from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

import pytest

import autograd_lite as al
from autograd_lite.viz import SVG, draw_graph

SVG_NS = "{http://www.w3.org/2000/svg}"
ROOT = Path(__file__).resolve().parents[1]


# ------------------------------------------------------------ graphs, built with either library
def affine(lib: ModuleType) -> tuple[Any, dict]:
    """y = w * x + b"""
    w = lib.tensor([1.0, 2.0], requires_grad=True)
    x = lib.tensor([3.0, 4.0])
    b = lib.tensor([0.5, 0.5], requires_grad=True)
    y = w * x + b
    return y, {w: "w", b: "b", y: "y"}


def shared_leaf(lib: ModuleType) -> tuple[Any, dict]:
    """z = (a + a) * a: one leaf, three incoming edges"""
    a = lib.tensor([1.0, 2.0], requires_grad=True)
    return (a + a) * a, {a: "a"}


def chain(lib: ModuleType) -> tuple[Any, dict]:
    """20 unary ops in a row"""
    ops: list[Callable[[Any], Any]] = [lambda u: u * 2, lambda u: u.exp(), lambda u: u + 1, lambda u: u.tanh(),
                                       lambda u: u.sigmoid(), lambda u: u - 1.0, lambda u: u / 3,
                                       lambda u: u ** 2, lambda u: u.sin(), lambda u: -u]
    t = lib.tensor([0.1, 0.2, 0.3], requires_grad=True)
    for i in range(20):
        t = ops[i % len(ops)](t)
    return t, {}


def matmul_relu(lib: ModuleType) -> tuple[Any, dict]:
    """(x @ W).relu().sum()"""
    x = lib.ones(4, 2)
    W = lib.ones(2, 3, requires_grad=True)
    loss = (x @ W).relu().sum()
    return loss, {W: "W", loss: "loss"}


def mlp(lib: ModuleType) -> tuple[Any, dict]:
    """a two-layer net with weight decay: edges that skip layers, several leaves"""
    x = lib.ones(4, 2)
    W1, b1 = lib.ones(2, 8, requires_grad=True), lib.zeros(8, requires_grad=True)
    W2, b2 = lib.ones(8, 1, requires_grad=True), lib.zeros(1, requires_grad=True)
    out = (x @ W1 + b1).tanh() @ W2 + b2
    loss = ((out - lib.ones(4, 1)) ** 2).mean() + 0.01 * ((W1 * W1).sum() + (W2 * W2).sum())
    return loss, {W1: "W1", b1: "b1", W2: "W2", b2: "b2", loss: "loss"}


GRAPHS = [affine, shared_leaf, chain, matmul_relu, mlp]


def draw(build: Callable[[ModuleType], tuple[Any, dict]], lib: ModuleType = al) -> SVG:
    out, names = build(lib)
    return draw_graph(out, names=names)


# ------------------------------------------------------------ helpers
def walk(fn: Any) -> tuple[list[Any], int]:
    """Distinct graph nodes reachable from ``fn``, and the number of non-None next_functions entries."""
    nodes, edges, todo = [], 0, [fn]
    while todo:
        node = todo.pop()
        if any(node is n for n in nodes):
            continue
        nodes.append(node)
        for nxt, _ in node.next_functions:
            if nxt is not None:
                edges += 1
                todo.append(nxt)
    return nodes, edges


def parse(svg: SVG) -> ET.Element:
    return ET.fromstring(svg.source)


def node_groups(root: ET.Element, kind: str | None = None) -> list[ET.Element]:
    groups = [g for g in root.iter(SVG_NS + "g") if g.get("class", "").startswith("node")]
    return [g for g in groups if kind is None or g.get("class") == f"node {kind}"]


def label_lines(group: ET.Element) -> list[str]:
    return [t.text or "" for t in group.iter(SVG_NS + "text")]


def edge_count(root: ET.Element, kind: str = "edge") -> int:
    return sum(1 for p in root.iter(SVG_NS + "path") if p.get("class") == kind)


# ------------------------------------------------------------ tests with autograd_lite
@pytest.mark.parametrize("build", GRAPHS, ids=lambda f: f.__name__)
def test_parses_and_counts(build):
    out, names = build(al)
    svg = draw_graph(out, names=names)
    root = parse(svg)
    assert root.tag == SVG_NS + "svg"
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    graph_nodes, n_edges = walk(out.grad_fn)
    assert edge_count(root) == n_edges
    assert edge_count(root, "link") == 1
    assert len(node_groups(root)) == len(graph_nodes) + 1          # + the output tensor
    n_leaves = sum(1 for n in graph_nodes if n.name().endswith("AccumulateGrad"))
    assert len(node_groups(root, "leaf")) == n_leaves
    assert svg._repr_svg_() == str(svg) == svg.source


def test_labels_affine():
    root = parse(draw(affine))
    assert [label_lines(g) for g in node_groups(root, "output")] == [["y", "shape (2,)"]]
    assert sorted(label_lines(g)[0] for g in node_groups(root, "fn")) == ["AddBackward0", "MulBackward0"]
    assert sorted(label_lines(g)[0] for g in node_groups(root, "leaf")) == ["b", "w"]


def test_shared_leaf_drawn_once():
    root = parse(draw(shared_leaf))
    leaves = node_groups(root, "leaf")
    assert [label_lines(g) for g in leaves] == [["a", "shape (2,)"]]
    assert edge_count(root) == 4         # Mul -> Add, Mul -> a, Add -> a twice


def test_unnamed_leaf_and_output():
    root = parse(draw(chain))
    assert [label_lines(g) for g in node_groups(root, "output")] == [["output", "shape (3,)"]]
    assert [label_lines(g) for g in node_groups(root, "leaf")] == [["AccumulateGrad", "shape (3,)"]]
    assert len(node_groups(root, "fn")) == 20


def test_layers_point_down():
    """Every arrow starts above where it ends."""
    root = parse(draw(mlp))
    for p in root.iter(SVG_NS + "path"):
        if p.get("class") in ("edge", "link"):
            d = p.get("d")
            y_start = float(d[1:].split()[0].split(",")[1])
            y_end = float(d.split()[-1].split(",")[1])
            assert y_start < y_end


def test_custom_names_and_escaping():
    w = al.tensor([[1.0, 2.0]], requires_grad=True)
    b = al.tensor([3.0], requires_grad=True)
    loss = (w * 2 + b).sum()
    svg = draw_graph(loss, names={w: "weight <W> & co", loss: "loss \"L\""})
    root = parse(svg)
    assert label_lines(node_groups(root, "output")[0]) == ['loss "L"', "shape () scalar"]
    leaf_labels = sorted(label_lines(g)[0] for g in node_groups(root, "leaf"))
    assert leaf_labels == ["AccumulateGrad", "weight <W> & co"]
    assert "weight &lt;W&gt; &amp; co" in svg.source
    assert str(id(w)) not in svg.source and "0x" not in svg.source


def test_names_match_by_identity():
    """A tensor equal in value to a named one is not named."""
    a = al.tensor([1.0, 2.0], requires_grad=True)
    twin = al.tensor([1.0, 2.0], requires_grad=True)
    root = parse(draw_graph(a * twin, names={a: "a"}))
    assert sorted(label_lines(g)[0] for g in node_groups(root, "leaf")) == ["AccumulateGrad", "a"]


def test_several_outputs_and_leaf_output():
    w = al.tensor([1.0, 2.0], requires_grad=True)
    p = w * 3
    q = p.exp()
    root = parse(draw_graph(q, p, q, names={p: "p", q: "q"}))
    assert [label_lines(g)[0] for g in node_groups(root, "output")] == ["q", "p"]
    assert edge_count(root, "link") == 2
    assert len(node_groups(root, "fn")) == 2          # MulBackward0 appears once
    root = parse(draw_graph(w, names={w: "w"}))
    assert [label_lines(g) for g in node_groups(root)] == [["w", "shape (2,) (leaf)"]]
    assert edge_count(root) == 0


def test_stand_in_graph():
    """Plain objects with the public graph API are enough (duck typing)."""

    class Leaf:
        grad_fn, requires_grad, is_leaf, shape = None, True, True, (2, 2)

    class Node:
        def __init__(self, name: str, nexts: tuple = (), variable: Any = None) -> None:
            self._name, self.next_functions = name, nexts
            if variable is not None:
                self.variable = variable

        def name(self) -> str:
            return self._name

    leaf = Leaf()
    acc = Node("torch::autograd::AccumulateGrad", variable=leaf)
    top = Node("MyOp<Backward>", ((acc, 0), (None, 0), (acc, 0)))

    class Out:
        grad_fn, requires_grad, is_leaf, shape = top, True, False, (2, 2)

    root = parse(draw_graph(Out(), names={leaf: "p"}))
    assert [label_lines(g)[0] for g in node_groups(root, "fn")] == ["MyOp<Backward>"]
    assert [label_lines(g) for g in node_groups(root, "leaf")] == [["p", "shape (2, 2)"]]
    assert edge_count(root) == 2


def test_deterministic_in_process():
    for build in GRAPHS:
        assert draw(build).source == draw(build).source


def test_deterministic_across_processes():
    code = ("import sys; sys.path.insert(0, 'tests'); import test_viz as t; "
            "sys.stdout.write(t.draw(t.mlp).source + t.draw(t.shared_leaf).source)")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True, env={**os.environ, "PYTHONHASHSEED": "123"})
    assert run.stdout == draw(mlp).source + draw(shared_leaf).source


def test_save(tmp_path):
    svg = draw(affine)
    svg.save(tmp_path / "g.svg")
    assert (tmp_path / "g.svg").read_text(encoding="utf-8") == svg.source


def test_sixty_nodes():
    x = al.tensor([1.0], requires_grad=True)
    ys = [x]
    for i in range(30):
        ys.append(ys[-1] * 0.5 + ys[max(0, i - 3)])
    svg = draw_graph(ys[-1])
    root = parse(svg)
    nodes, n_edges = walk(ys[-1].grad_fn)
    assert len(nodes) == 61 and edge_count(root) == n_edges
    assert float(root.get("width")) < 2000


# ------------------------------------------------------------ the same picture with PyTorch
@pytest.mark.parametrize("build", GRAPHS, ids=lambda f: f.__name__)
def test_identical_svg_with_torch(build):
    torch = pytest.importorskip("torch")
    assert draw(build, torch).source == draw(build, al).source


def test_identical_names_with_torch():
    torch = pytest.importorskip("torch")
    sources = []
    for lib in (al, torch):
        w = lib.tensor([1.0, 2.0], requires_grad=True)
        p = w * 3
        q = p.exp()
        sources.append(draw_graph(q, p, names={p: "p", q: "q", w: "w"}).source)
    assert sources[0] == sources[1]


# ------------------------------------------------------------ what the figures need
def used_twice(lib: ModuleType) -> tuple[Any, dict]:
    """b = a + a; c = b * b (the chapter 2 example)"""
    a = lib.tensor(3.0, requires_grad=True)
    b = a + a
    c = b * b
    return c, {a: "a", b: "b", c: "c"}


def all_text(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(SVG_NS + "text")]


@pytest.mark.parametrize("lib_name", ["autograd_lite", "torch"])
def test_values_grads_and_saved_tensors(lib_name):
    lib = al if lib_name == "autograd_lite" else pytest.importorskip("torch")
    c, names = used_twice(lib)
    before = parse(draw_graph(c, names=names, values=True, grads=True, show_saved=True))
    leaf = [label_lines(g) for g in node_groups(before, "leaf")]
    assert leaf == [["a", "shape () scalar", "value 3", "grad None"]]
    mul = [label_lines(g) for g in node_groups(before, "fn") if label_lines(g)[0] == "MulBackward0"]
    assert mul == [["MulBackward0", "saved: b v0, b v0"]]
    c.backward()
    after = parse(draw_graph(c, names=names, values=True, grads=True, show_saved=True))
    assert [label_lines(g) for g in node_groups(after, "leaf")][0][-1] == "grad 24"
    assert "saved: freed" in all_text(after)
    assert [label_lines(g) for g in node_groups(after, "output")] == [["c", "shape () scalar", "value 36"]]


def test_same_annotated_svg_with_torch():
    torch = pytest.importorskip("torch")
    sources = []
    for lib in (al, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = (x.exp() * x.detach()).sum()
        sources.append(draw_graph(y, names={x: "x", y: "y"}, values=True, grads=True, show_saved=True).source)
        y.backward()
        sources.append(draw_graph(y, names={x: "x", y: "y"}, values=True, grads=True, show_saved=True).source)
    assert sources[:2] == sources[2:]


def test_constants_and_detached_inputs_are_stubs():
    x = al.tensor([1.0, 2.0], requires_grad=True)
    c = al.tensor([3.0, 4.0])
    y = x * c + x.detach()
    root = parse(draw_graph(y))
    stubs = [g for g in root.iter(SVG_NS + "g") if g.get("class") == "stub"]
    assert len(stubs) == 2 and all(label_lines(g) == ["no grad"] for g in stubs)
    assert edge_count(root, "stub") == 2
    root = parse(draw_graph(y, stubs=False))
    assert edge_count(root, "stub") == 0 and not [g for g in root.iter(SVG_NS + "g") if g.get("class") == "stub"]


def test_legend_lists_every_mark_and_sits_below_the_graph():
    x = al.tensor([1.0, 2.0], requires_grad=True)
    y = (x * al.tensor([3.0, 4.0])).sum()
    root = parse(draw_graph(y, highlight=[y.grad_fn]))
    legend = next(g for g in root.iter(SVG_NS + "g") if g.get("class") == "legend")
    texts = [t.text for t in legend.iter(SVG_NS + "text")]
    assert texts == ["output tensor", "grad_fn node", "AccumulateGrad (leaf)",
                     "constant or detached input (no gradient)", "gradient flows along next_functions",
                     "tensor to its grad_fn", "no gradient sent", "running now"]
    dashed = [p for p in legend.iter(SVG_NS + "path") if p.get("class") == "legend-link"]
    assert dashed and dashed[0].get("stroke-dasharray")
    legend_top = min(float(r.get("y")) for r in legend.iter(SVG_NS + "rect"))
    boxes = [g for g in root.iter(SVG_NS + "g") if g.get("class", "").startswith(("node", "stub"))]
    bottoms = [float(r.get("y")) + float(r.get("height")) for g in boxes for r in g.iter(SVG_NS + "rect")]
    assert legend_top > max(bottoms)
    assert float(root.get("width")) >= max(float(t.get("x")) for t in legend.iter(SVG_NS + "text"))


def test_notes_edge_labels_and_highlight():
    c, names = used_twice(al)
    add = c.grad_fn.next_functions[0][0]
    root = parse(draw_graph(c, names=names, notes={add: ["waiting for 2 more"]},
                            edge_labels={(c.grad_fn, 0): "6", (c.grad_fn, 1): "6"}, highlight=[add]))
    add_box = [g for g in node_groups(root, "fn") if label_lines(g)[0] == "AddBackward0"][0]
    assert label_lines(add_box) == ["AddBackward0", "waiting for 2 more"]
    assert add_box.find(SVG_NS + "rect").get("stroke") == "#D55E00"
    labels = [t.text for g in root.iter(SVG_NS + "g") if g.get("class") == "edge-label" for t in g.iter(SVG_NS + "text")]
    assert labels == ["6", "6"]
