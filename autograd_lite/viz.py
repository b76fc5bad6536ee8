"""Draw a tensor's autograd graph as an SVG picture.

``draw_graph(y)`` walks the graph behind ``y`` the way ``backward()`` does: from
``y.grad_fn`` along each node's ``next_functions`` down to the ``AccumulateGrad``
nodes that write into the leaves' ``.grad``. It returns an :class:`SVG`, which
Jupyter shows inline::

    from autograd_lite.viz import draw_graph
    w = torch.tensor([1., 2.], requires_grad=True)
    y = (w * 3).sum()
    draw_graph(y, names={w: "w", y: "y"})

Only the public graph API that autograd_lite shares with PyTorch is read
(``grad_fn``, ``requires_grad``, ``shape``, ``is_leaf``, ``name()``,
``next_functions``, ``variable``), so the same call draws a real PyTorch graph,
and the same graph gives the same bytes with either library.

The layout is a small layered ("Sugiyama") drawing, written out in full:

1. *discover* the nodes breadth-first from the outputs, in ``next_functions`` order;
2. *layer* them by the longest path from the outputs, so every arrow points down;
3. *order* each layer by discovery, then improve with barycenter sweeps;
4. *place* each node horizontally near the mean of its neighbours, and straighten
   long arrows;
5. *draw* rounded boxes and curved arrows, using only the standard library.

Everything is deterministic: no ids, addresses or hash order reach the output,
and coordinates are rounded to one decimal.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

__all__ = ["SVG", "draw_graph", "saved_tensors_of"]


class SVG:
    """SVG text that Jupyter displays inline (via ``_repr_svg_``)."""

    def __init__(self, source: str) -> None:
        self.source = source

    def _repr_svg_(self) -> str:
        return self.source

    def __str__(self) -> str:
        return self.source

    def __repr__(self) -> str:
        return f"<SVG: {len(self.source)} characters>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SVG) and other.source == self.source

    def __hash__(self) -> int:
        return hash(self.source)

    def save(self, path: str | Path) -> None:
        """Write the SVG text to ``path`` (UTF-8)."""
        Path(path).write_text(self.source, encoding="utf-8")


# ---------------------------------------------------------------- appearance
FONT_FAMILY = "'Helvetica Neue', Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif"
FONT_SIZE = 13.0        # main label
SMALL_SIZE = 11.0       # shape line
PAD_X, PAD_Y = 12.0, 8.0
LINE_GAP = 3.0
MIN_BOX_W = 56.0
GAP_X = 24.0            # between neighbouring boxes in a layer
GAP_Y = 44.0            # between layers
DUMMY_W = 12.0          # room kept for an edge that passes through a layer
MARGIN = 16.0

# Okabe-Ito colours (colour-blind safe): a light fill and a strong outline each.
STYLES = {
    "output": ("#FBE5C2", "#E69F00"),   # orange: the tensor(s) you called draw_graph on
    "fn": ("#D5EAF7", "#0072B2"),       # blue: grad_fn nodes (backward functions)
    "leaf": ("#CDEDE2", "#009E73"),     # green: AccumulateGrad, writes a leaf's .grad
    "stub": ("#F2F2F2", "#999999"),     # grey, dashed: an input that gets no gradient
}
LEGEND_TEXT = {"output": "output tensor", "fn": "grad_fn node", "leaf": "AccumulateGrad (leaf)",
               "stub": "constant or detached input (no gradient)"}
TEXT_COLOR, MUTED_COLOR, EDGE_COLOR = "#1A1A1A", "#555555", "#4D4D4D"
HIGHLIGHT_COLOR = "#D55E00"             # vermilion: the node running now (``highlight=``)
FREED_COLOR = "#999999"                 # saved tensors already freed

# Advance widths of Arial/Helvetica for ASCII, in thousandths of the font size.
_WIDTHS = dict(zip(
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~",
    [278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278] + [556] * 10
    + [278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556,
       833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
       333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333,
       500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584]))


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Estimated rendered width of ``text``; 10% generous, since fonts differ."""
    units = sum(_WIDTHS.get(ch, 650) for ch in text)
    return units / 1000 * size * (1.17 if bold else 1.10)


def _num(v: float) -> str:
    """A coordinate rounded to one decimal, as short text ("12", "12.5")."""
    s = f"{round(v, 1) + 0.0:.1f}"  # + 0.0 turns -0.0 into 0.0
    return s[:-2] if s.endswith(".0") else s


# ---------------------------------------------------------------- the graph
@dataclass
class _Node:
    """One box (or, for kind "dummy", a point an edge passes through)."""

    kind: str                    # "output", "fn", "leaf", "stub" or "dummy"
    title: str = ""
    subtitle: str = ""
    lines: list[str] = field(default_factory=list)  # optional: value, grad, saved tensors, notes
    emph: bool = False           # drawn with a thick vermilion outline
    succ: list[int] = field(default_factory=list)   # indices of nodes below, edge order
    pred: list[int] = field(default_factory=list)
    layer: int = 0
    width: float = DUMMY_W
    height: float = 0.0          # 0 for a dummy
    x: float = 0.0               # centre
    y: float = 0.0               # top (a dummy: middle of its row)


@dataclass
class _Edge:
    """A drawn arrow: source -> (dummies) -> target."""

    src: int
    dst: int
    kind: str                    # "edge" (a next_functions entry), "link" (tensor -> grad_fn) or "stub"
    path: list[int] = field(default_factory=list)   # all node indices from src to dst
    label: str = ""              # optional text on the arrow (e.g. the gradient it carries)


def _shape_text(t: Any) -> str:
    dims = tuple(int(d) for d in t.shape)
    return f"shape {dims}" if dims else "shape () scalar"


def _node_name(fn: Any) -> str:
    """``name()`` without a C++ namespace: 'torch::autograd::AccumulateGrad' -> 'AccumulateGrad'."""
    return str(fn.name()).rsplit("::", 1)[-1]


def _fmt(t: Any) -> str:
    """A small tensor's values, the same text for autograd_lite and PyTorch ("[1, 2.5]")."""
    if t.numel() > 4:
        return "..."
    values = t.detach().tolist()

    def one(v: Any) -> str:
        return "[" + ", ".join(one(u) for u in v) + "]" if isinstance(v, list) else f"{v:.4g}"

    return one(values)


def saved_tensors_of(fn: Any) -> list[tuple[Any, str]] | None:
    """The tensors a node saved for backward, as ``(tensor or None, "v<version>")`` pairs.

    ``None`` (instead of a list) when they were freed by a backward pass without
    ``retain_graph=True``. Reads autograd_lite's ``_saved``/``_saved_versions``, or
    PyTorch's ``_saved_<name>`` attributes (those with a ``_raw_saved_<name>`` twin
    are tensors); a saved output is named "result" by both.
    """
    if hasattr(fn, "_saved_versions"):                       # autograd_lite
        versions = fn._saved_versions or ()
        if fn._saved is None:
            return None if versions else []
        outs = fn._saved_outputs or (None,) * len(versions)
        return [(None if o is not None else t, "result" if o is not None else f"v{v}")
                for t, v, o in zip(fn._saved, versions, outs) if t is not None]
    found: list[tuple[Any, str]] = []                        # PyTorch
    for attr in sorted(a for a in dir(fn) if a.startswith("_raw_saved_")):
        name = attr[len("_raw_saved_"):]
        try:
            t = getattr(fn, "_saved_" + name)
        except RuntimeError:                                 # freed after backward
            return None
        if t is not None:
            found.append((None, "result") if name == "result" else (t, f"v{t._version}"))
    return found


def _build(tensors: tuple[Any, ...], names: dict[int, tuple[Any, str]], opts: dict) -> tuple[list[_Node], list[_Edge]]:
    """Discover the graph breadth-first; return its boxes and arrows."""
    nodes: list[_Node] = []
    edges: list[_Edge] = []
    index: dict[int, int] = {}     # id(graph node) -> position in ``nodes``
    queue: list[Any] = []          # every node found; holding them keeps their ids unique

    def label(t: Any) -> str | None:
        entry = names.get(id(t))
        return entry[1] if entry is not None and entry[0] is t else None

    def tensor_lines(t: Any) -> list[str]:
        lines = []
        if opts["values"]:
            lines.append("value " + _fmt(t))
        if opts["grads"] and t.is_leaf and t.requires_grad:
            lines.append("grad " + ("None" if t.grad is None else _fmt(t.grad)))
        return lines

    def visit(fn: Any) -> int:
        if id(fn) not in index:
            index[id(fn)] = len(nodes)
            queue.append(fn)
            name = _node_name(fn)
            if name == "AccumulateGrad" and hasattr(fn, "variable"):
                leaf = fn.variable
                node = _Node("leaf", label(leaf) or name, _shape_text(leaf), tensor_lines(leaf))
            else:
                node = _Node("fn", name)
                if opts["show_saved"]:
                    saved = saved_tensors_of(fn)
                    if saved is None:
                        node.lines.append("saved: freed")
                    elif saved:
                        node.lines.append("saved: " + ", ".join(
                            tag if t is None else f"{label(t) or 'tensor'} {tag}" for t, tag in saved))
            node.lines += opts["notes"].get(id(fn), [])
            node.emph = id(fn) in opts["highlight"]
            nodes.append(node)
        return index[id(fn)]

    seen_outputs: list[Any] = []
    for t in tensors:
        if any(t is s for s in seen_outputs):
            continue
        seen_outputs.append(t)
        if t.grad_fn is not None:
            note = ""
        elif t.requires_grad:
            note = " (leaf)"
        else:
            note = " (no grad)"
        nodes.append(_Node("output", label(t) or "output", _shape_text(t) + note, tensor_lines(t)))
    for i, t in enumerate(seen_outputs):
        if t.grad_fn is not None:
            edges.append(_Edge(i, visit(t.grad_fn), "link"))
    head = 0
    while head < len(queue):
        fn = queue[head]
        head += 1
        src = index[id(fn)]
        for k, (nxt, _) in enumerate(fn.next_functions):
            text = opts["edge_labels"].get((id(fn), k), "")
            if nxt is not None:
                edges.append(_Edge(src, visit(nxt), "edge", label=text))
            elif opts["stubs"]:
                nodes.append(_Node("stub", "no grad"))
                edges.append(_Edge(src, len(nodes) - 1, "stub", label=text))
    return nodes, edges


# ---------------------------------------------------------------- layout
def _assign_layers(nodes: list[_Node], edges: list[_Edge]) -> None:
    """Longest path from the outputs: each node sits one layer below its lowest parent."""
    indegree = [0] * len(nodes)
    for e in edges:
        indegree[e.dst] += 1
    ready = [i for i, d in enumerate(indegree) if d == 0]
    out_edges: list[list[_Edge]] = [[] for _ in nodes]
    for e in edges:
        out_edges[e.src].append(e)
    while ready:                                   # Kahn's topological order
        i = ready.pop(0)
        for e in out_edges[i]:
            nodes[e.dst].layer = max(nodes[e.dst].layer, nodes[i].layer + 1)
            indegree[e.dst] -= 1
            if indegree[e.dst] == 0:
                ready.append(e.dst)


def _add_dummies(nodes: list[_Node], edges: list[_Edge]) -> None:
    """Split arrows that skip layers with invisible points, one per skipped layer."""
    for e in edges:
        e.path = [e.src]
        for layer in range(nodes[e.src].layer + 1, nodes[e.dst].layer):
            nodes.append(_Node("dummy", layer=layer))
            e.path.append(len(nodes) - 1)
        e.path.append(e.dst)
        for a, b in zip(e.path, e.path[1:]):
            nodes[a].succ.append(b)
            nodes[b].pred.append(a)


def _crossings(layers: list[list[int]], nodes: list[_Node]) -> int:
    """Number of pairs of segments that cross between neighbouring layers."""
    total = 0
    for upper, lower in zip(layers, layers[1:]):
        pos = {v: i for i, v in enumerate(lower)}
        segs = [(i, pos[w]) for i, v in enumerate(upper) for w in nodes[v].succ]
        total += sum(1 for k, (a, b) in enumerate(segs) for c, d in segs[k + 1:] if (a - c) * (b - d) < 0)
    return total


def _order_layers(nodes: list[_Node], n_sources: int) -> list[list[int]]:
    """Order each layer by breadth-first discovery, then by barycenter sweeps."""
    seen = list(range(n_sources))
    found = set(seen)
    for v in seen:                                 # ``seen`` grows while we walk it
        for w in nodes[v].succ:
            if w not in found:
                found.add(w)
                seen.append(w)
    layers: list[list[int]] = [[] for _ in range(max(n.layer for n in nodes) + 1)]
    for v in seen:
        layers[nodes[v].layer].append(v)

    best, best_cross = [list(layer) for layer in layers], _crossings(layers, nodes)
    for _ in range(4):
        for downward in (True, False):
            sweep = range(1, len(layers)) if downward else range(len(layers) - 2, -1, -1)
            for li in sweep:
                ref = layers[li - 1] if downward else layers[li + 1]
                pos = {v: i for i, v in enumerate(ref)}

                def barycenter(v: int, i: int) -> float:
                    nbrs = nodes[v].pred if downward else nodes[v].succ
                    return sum(pos[w] for w in nbrs) / len(nbrs) if nbrs else float(i)

                keys = {v: barycenter(v, i) for i, v in enumerate(layers[li])}
                layers[li].sort(key=lambda v: keys[v])   # stable: ties keep their order
            cross = _crossings(layers, nodes)
            if cross < best_cross:
                best, best_cross = [list(layer) for layer in layers], cross
    return best


def _pack(layer: list[int], nodes: list[_Node], wanted: list[float]) -> None:
    """Put the layer's boxes as close as possible to ``wanted`` x's, in order, without overlap.

    With ``offset`` = the least distance from the first box, this is isotonic
    regression of ``wanted - offset``, solved by pooling adjacent violators.
    """
    offsets = [0.0]
    for a, b in zip(layer, layer[1:]):
        offsets.append(offsets[-1] + (nodes[a].width + nodes[b].width) / 2 + GAP_X)
    blocks: list[list[float]] = []                 # [mean, count]
    for want, off in zip(wanted, offsets):
        blocks.append([want - off, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, c2 = blocks.pop()
            m1, c1 = blocks.pop()
            blocks.append([(m1 * c1 + m2 * c2) / (c1 + c2), c1 + c2])
    i = 0
    for mean, count in blocks:
        for _ in range(int(count)):
            nodes[layer[i]].x = mean + offsets[i]
            i += 1


def _place(layers: list[list[int]], nodes: list[_Node]) -> None:
    """Horizontal positions: start packed, then pull each box toward its neighbours."""
    for layer in layers:
        _pack(layer, nodes, [0.0] * len(layer))

    def mean_x(v: int, nbrs: list[int]) -> float:
        return sum(nodes[w].x for w in nbrs) / len(nbrs) if nbrs else nodes[v].x

    for sweep in range(6):
        for layer in (layers if sweep % 2 == 0 else layers[::-1]):
            nbr_of = (lambda v: nodes[v].pred) if sweep % 2 == 0 else (lambda v: nodes[v].succ)
            _pack(layer, nodes, [mean_x(v, nbr_of(v)) for v in layer])
    for layer in layers:
        _pack(layer, nodes, [mean_x(v, nodes[v].pred + nodes[v].succ) for v in layer])


def _straighten(edges: list[_Edge], layers: list[list[int]], nodes: list[_Node]) -> None:
    """Line up each long arrow's dummies on one vertical, wherever that leaves room."""
    where = {v: (li, i) for li, layer in enumerate(layers) for i, v in enumerate(layer)}

    def clearance(v: int) -> float:
        """Least distance from a dummy's x to the centre of its neighbour ``v``."""
        n = nodes[v]
        return DUMMY_W + 4 if n.kind == "dummy" else n.width / 2 + GAP_X / 2 + DUMMY_W / 2

    for e in edges:
        dummies = e.path[1:-1]
        if len(dummies) < 2:
            continue
        lo, hi = float("-inf"), float("inf")  # the x's that fit between the neighbours in every layer
        for d in dummies:
            li, i = where[d]
            layer = layers[li]
            if i > 0:
                lo = max(lo, nodes[layer[i - 1]].x + clearance(layer[i - 1]))
            if i < len(layer) - 1:
                hi = min(hi, nodes[layer[i + 1]].x - clearance(layer[i + 1]))
        if lo <= hi:
            xs = sorted(nodes[d].x for d in dummies)
            x = min(max(xs[len(xs) // 2], lo), hi)    # the median, moved into the room there is
            for d in dummies:
                nodes[d].x = x


# ---------------------------------------------------------------- drawing
def _size_box(n: _Node) -> None:
    bold = n.kind not in ("fn", "stub")
    size = SMALL_SIZE if n.kind == "stub" else FONT_SIZE
    w = text_width(n.title, size, bold)
    h = size + 2 * (PAD_Y if n.kind != "stub" else 4.0)
    for line in ([n.subtitle] if n.subtitle else []) + n.lines:
        w = max(w, text_width(line, SMALL_SIZE))
        h += SMALL_SIZE + LINE_GAP
    n.width = max(MIN_BOX_W if n.kind != "stub" else 0.0, w + 2 * (PAD_X if n.kind != "stub" else 6.0))
    n.height = h


def _box_svg(n: _Node) -> list[str]:
    fill, stroke = STYLES[n.kind]
    left = n.x - n.width / 2
    weight = ' font-weight="bold"' if n.kind not in ("fn", "stub") else ""
    text = escape(n.title)
    if n.emph:
        stroke_attrs = f'stroke="{HIGHLIGHT_COLOR}" stroke-width="3.5"'
    elif n.kind == "stub":
        stroke_attrs = f'stroke="{stroke}" stroke-width="1.2" stroke-dasharray="3 2"'
    else:
        stroke_attrs = f'stroke="{stroke}" stroke-width="1.5"'
    cls = "stub" if n.kind == "stub" else f"node {n.kind}"
    out = [f'<g class="{cls}"><title>{text}</title>',
           f'<rect x="{_num(left)}" y="{_num(n.y)}" width="{_num(n.width)}" height="{_num(n.height)}" '
           f'rx="8" fill="{fill}" {stroke_attrs}/>']
    if n.kind == "stub":
        base = n.y + 4.0 + SMALL_SIZE * 0.8
        out.append(f'<text x="{_num(n.x)}" y="{_num(base)}" text-anchor="middle" font-size="{_num(SMALL_SIZE)}" '
                   f'fill="{MUTED_COLOR}">{text}</text>')
        out.append("</g>")
        return out
    base = n.y + PAD_Y + FONT_SIZE * 0.8
    out.append(f'<text x="{_num(n.x)}" y="{_num(base)}" text-anchor="middle"{weight}>{text}</text>')
    for i, line in enumerate(([n.subtitle] if n.subtitle else []) + n.lines):
        base += SMALL_SIZE + LINE_GAP
        color = FREED_COLOR if line.endswith("freed") else (MUTED_COLOR if i == 0 and n.subtitle else TEXT_COLOR)
        out.append(f'<text x="{_num(n.x)}" y="{_num(base)}" text-anchor="middle" font-size="{_num(SMALL_SIZE)}" '
                   f'fill="{color}">{escape(line)}</text>')
    out.append("</g>")
    return out


def _ports(count: int, width: float) -> list[float]:
    """x offsets, centred on 0, for ``count`` arrows meeting one side of a box."""
    if count <= 1:
        return [0.0] * count
    step = min(14.0, 0.6 * width / (count - 1))
    return [(i - (count - 1) / 2) * step for i in range(count)]


def _edge_paths(edges: list[_Edge], nodes: list[_Node]) -> list[str]:
    """One cubic-Bezier path per arrow; arrows at a box are spread out in x order."""
    start: dict[int, float] = {}
    end: dict[int, float] = {}
    for v, node in enumerate(nodes):
        if node.kind == "dummy":
            continue
        outs = sorted((k for k, e in enumerate(edges) if e.src == v), key=lambda k: (nodes[edges[k].path[1]].x, k))
        for k, dx in zip(outs, _ports(len(outs), node.width)):
            start[k] = node.x + dx
        ins = sorted((k for k, e in enumerate(edges) if e.dst == v), key=lambda k: (nodes[edges[k].path[-2]].x, k))
        for k, dx in zip(ins, _ports(len(ins), node.width)):
            end[k] = node.x + dx

    out = []
    for k, e in enumerate(edges):
        src, dst = nodes[e.src], nodes[e.dst]
        # a chain of S-curves, vertical where they leave a box, pass a dummy or enter a box
        points = [(start[k], src.y + src.height)]
        points += [(nodes[d].x, nodes[d].y) for d in e.path[1:-1]]
        points.append((end[k], dst.y))
        cmds = [f"M{_num(points[0][0])},{_num(points[0][1])}"]
        for (x1, y1), (x2, y2) in zip(points, points[1:]):
            h = (y2 - y1) / 2
            cmds.append(f"C{_num(x1)},{_num(y1 + h)} {_num(x2)},{_num(y2 - h)} {_num(x2)},{_num(y2)}")
        dash = {"link": ' stroke-dasharray="5 4"', "stub": ' stroke-dasharray="2 3"'}.get(e.kind, "")
        color = FREED_COLOR if e.kind == "stub" else EDGE_COLOR
        out.append(f'<path class="{e.kind}" d="{" ".join(cmds)}" fill="none" stroke="{color}" '
                   f'stroke-width="1.4"{dash} marker-end="url(#ag-arrow)"/>')
        if e.label:
            # on the first segment, staggered so that labels of parallel arrows do not overlap
            (x1, y1), (x2, y2) = points[0], points[1]
            t = 0.5 + (0.18 if k % 2 else -0.18) * (abs(start[k] - src.x) > 0.1)
            lx, ly = x1 + (x2 - x1) * (3 * t * t - 2 * t ** 3), y1 + (y2 - y1) * t
            w = text_width(e.label, SMALL_SIZE) + 6
            out.append(f'<g class="edge-label"><rect x="{_num(lx - w / 2)}" y="{_num(ly - 8)}" width="{_num(w)}" '
                       f'height="15" rx="3" fill="#FFFFFF" fill-opacity="0.9" stroke="{HIGHLIGHT_COLOR}" '
                       f'stroke-width="0.8"/><text x="{_num(lx)}" y="{_num(ly + 4)}" text-anchor="middle" '
                       f'font-size="{_num(SMALL_SIZE)}" fill="{HIGHLIGHT_COLOR}">{escape(e.label)}</text></g>')
    return out


def _legend(kinds: list[str], arrows: list[str], emph: bool, top: float, max_width: float) -> tuple[list[str], float, float]:
    """The key: one item per box kind, arrow kind and mark used, in rows no wider than ``max_width``.

    Returns the SVG, the width used and the height used.
    """
    items: list[tuple[str, str]] = [("box", k) for k in kinds] + [("arrow", a) for a in arrows]
    if emph:
        items.append(("emph", "running now"))
    texts = {"edge": "gradient flows along next_functions", "link": "tensor to its grad_fn",
             "stub": "no gradient sent"}
    out = [f'<g class="legend" font-size="{_num(SMALL_SIZE)}" fill="{MUTED_COLOR}">']
    x, row, used = MARGIN, 0, 0.0
    for what, key in items:
        label = LEGEND_TEXT[key] if what == "box" else texts.get(key, key)
        item_w = 21 + text_width(label, SMALL_SIZE) + 16
        if x > MARGIN and x + item_w > max_width - MARGIN:
            x, row = MARGIN, row + 1
        mid = top + 8 + row * 20
        if what == "box":
            fill, stroke = STYLES[key]
            dash = ' stroke-dasharray="3 2"' if key == "stub" else ""
            out.append(f'<rect x="{_num(x)}" y="{_num(mid - 6)}" width="16" height="12" rx="3" '
                       f'fill="{fill}" stroke="{stroke}" stroke-width="1.2"{dash}/>')
        elif what == "emph":
            out.append(f'<rect x="{_num(x)}" y="{_num(mid - 6)}" width="16" height="12" rx="3" '
                       f'fill="#FFFFFF" stroke="{HIGHLIGHT_COLOR}" stroke-width="2.5"/>')
        else:
            dash = {"link": ' stroke-dasharray="5 4"', "stub": ' stroke-dasharray="2 3"'}.get(key, "")
            color = FREED_COLOR if key == "stub" else EDGE_COLOR
            out.append(f'<path class="legend-{key}" d="M{_num(x)},{_num(mid)} H{_num(x + 16)}" stroke="{color}" '
                       f'stroke-width="1.4"{dash} marker-end="url(#ag-arrow)"/>')
        out.append(f'<text x="{_num(x + 21)}" y="{_num(mid + 4)}">{escape(label)}</text>')
        x += item_w
        used = max(used, x - 16 + MARGIN)
    out.append("</g>")
    return out, used, (row + 1) * 20


def draw_graph(*tensors: Any, names: dict[Any, str] | None = None, show_saved: bool = False,
               values: bool = False, grads: bool = False, stubs: bool = True,
               notes: dict[Any, list[str]] | None = None, edge_labels: dict[tuple[Any, int], str] | None = None,
               highlight: tuple | list = ()) -> SVG:
    """Draw the autograd graph behind ``tensors`` as an :class:`SVG`.

    The tensors sit at the top (orange, dashed arrow to their ``grad_fn``); each
    ``grad_fn`` node is a blue box named like ``MulBackward0``; each leaf's
    ``AccumulateGrad`` is a green box. Arrows follow ``next_functions``, the way
    gradients flow during ``backward()``; an input that gets no gradient (a
    constant, or a tensor cut off by ``detach()``: a ``None`` in
    ``next_functions``) ends in a grey "no grad" stub unless ``stubs=False``.

    ``names`` maps tensors (outputs or leaves) to labels, e.g. ``{w: "w", loss: "loss"}``.
    ``values``/``grads`` add the value of outputs and leaves and the leaves'
    ``.grad``; ``show_saved`` lists the tensors each node saved for backward with
    their version (or "freed"). For figures that replay a backward pass,
    ``notes`` adds lines to nodes (``{grad_fn: ["deps 1"]}``), ``edge_labels``
    writes on arrows (``{(grad_fn, k): "6"}`` for ``next_functions[k]``) and
    ``highlight`` outlines nodes.
    """
    if not tensors:
        raise ValueError("draw_graph() needs at least one tensor")
    by_id = {id(t): (t, str(label)) for t, label in (names or {}).items()}
    opts = {"values": values, "grads": grads, "show_saved": show_saved, "stubs": stubs,
            "notes": {id(k): list(v) for k, v in (notes or {}).items()},
            "edge_labels": {(id(k), i): str(v) for (k, i), v in (edge_labels or {}).items()},
            "highlight": {id(h) for h in highlight}}
    nodes, edges = _build(tensors, by_id, opts)
    n_outputs = sum(1 for n in nodes if n.kind == "output")
    for n in nodes:
        _size_box(n)
    _assign_layers(nodes, edges)
    _add_dummies(nodes, edges)
    layers = _order_layers(nodes, n_outputs)
    _place(layers, nodes)
    _straighten(edges, layers, nodes)

    # rows: each layer is as tall as its tallest box, boxes (and dummies, of height 0) centred in it
    y = MARGIN
    for layer in layers:
        height = max(nodes[v].height for v in layer)
        for v in layer:
            nodes[v].y = y + (height - nodes[v].height) / 2
        y += height + GAP_Y
    graph_bottom = y - GAP_Y

    kinds = [k for k in ("output", "fn", "leaf", "stub") if any(n.kind == k for n in nodes)]
    arrows = [k for k in ("edge", "link", "stub") if any(e.kind == k for e in edges)]
    left = min(n.x - n.width / 2 for n in nodes)
    right = max(n.x + n.width / 2 for n in nodes)
    legend, legend_width, legend_height = _legend(kinds, arrows, any(n.emph for n in nodes), graph_bottom + 20,
                                                  max(right - left + 2 * MARGIN, 460.0))
    shift = MARGIN - left + max(0.0, (legend_width - 2 * MARGIN - (right - left)) / 2)
    for n in nodes:
        n.x += shift
    width = max(right - left + 2 * MARGIN, legend_width)
    height = graph_bottom + 20 + legend_height + MARGIN
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{_num(width)}" height="{_num(height)}" '
             f'viewBox="0 0 {_num(width)} {_num(height)}" font-family="{escape(FONT_FAMILY)}" '
             f'font-size="{_num(FONT_SIZE)}" fill="{TEXT_COLOR}">',
             "<title>autograd graph</title>",
             '<defs><marker id="ag-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" '
             f'markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{EDGE_COLOR}"/>'
             "</marker></defs>",
             f'<rect width="{_num(width)}" height="{_num(height)}" fill="#FFFFFF"/>']
    parts += _edge_paths(edges, nodes)
    for n in nodes:
        if n.kind != "dummy":
            parts += _box_svg(n)
    parts += legend
    parts.append("</svg>")
    return SVG("\n".join(parts) + "\n")
