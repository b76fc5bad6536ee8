"""Random programs run on autograd_lite and on PyTorch, compared line by line, and shrunk.

A program is a list of one-line Python statements written against ``T`` (the library)
and ``F = T.nn.functional``, so that a printed program can be pasted into a notebook
with either ``import torch as T`` or ``import autograd_lite as T``::

    x0 = T.tensor([[1.5, -0.25], [0.5, 2.0]], requires_grad=True)
    v1 = x0.t()
    v2 = v1.std(0)
    v2.sum().backward()

``generate(seed)`` writes a program. PyTorch is the oracle while writing it: each
candidate line is executed with torch at once, so later lines pick arguments of the
right rank and dtype from what earlier lines really produced (and a few lines that
raise are kept on purpose: errors are compared too). ``run`` executes a program on one
library and records, after every line, the exception, the warnings and a snapshot of
every variable; ``first_difference`` compares two such records; ``shrink`` removes
lines while the same kind of difference remains.
"""
from __future__ import annotations

import math
import random
import re
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import autograd_lite

from .known_differences import sort_out

try:
    import torch
except ImportError:  # test_fuzz.py skips itself
    torch = None

LIBRARIES = {"autograd_lite": autograd_lite, "torch": torch}
FLOAT_DTYPES = ("float32", "float64")
# How much worse than its dtype's epsilon a float result may be (relative to the
# tensor's largest magnitude) before it counts as a value difference at all.
ULPS = 64


# --------------------------------------------------------------------------- running


@dataclass
class Outcome:
    """What one line did on one library."""

    error: tuple[str, str] | None
    warnings: list[tuple[str, str]]
    state: dict[str, Any]


@dataclass
class Difference:
    """The first line at which the two libraries disagree, and how."""

    line: int
    kind: str  # error | no-error | error-type | error-message | value | dtype | shape | flags | grad | grad_fn | layout | warning
    detail: str
    ours: str = ""
    theirs: str = ""
    float32_seen: bool = False  # whether a float32 tensor existed by this line (PyTorch's side)

    def op(self, lines: list[str]) -> str:
        """The name of the operation the differing line calls (for grouping)."""
        return line_op(lines[self.line])

    def category(self, lines: list[str]) -> str:
        return f"{self.kind}: {self.op(lines)}"


def line_op(line: str) -> str:
    body = line.split("=", 1)[1] if re.match(r"^\s*[\w, ]+\s*=(?!=)", line) else line
    calls = re.findall(r"(?:\.|\b)([A-Za-z_]\w*)\s*\(", body)
    calls = [c for c in calls if c not in ("tensor", "zeros", "ones", "float", "T", "F")]
    if calls:
        return calls[0]
    for sym, name in (("@", "matmul"), ("**", "pow"), ("//", "floordiv"), ("[", "index"), ("+", "add"),
                      ("-", "sub"), ("*", "mul"), ("/", "div"), (".T", "T"), (".mT", "mT")):
        if sym in body:
            return name
    return "assign"


def _get(read):
    """An attribute's value, or the error reading it gives (torch refuses some on stale views)."""
    try:
        return read()
    except Exception as e:  # noqa: BLE001
        return f"<{type(e).__name__}: {e}>"


def _graph(node, depth: int) -> str:
    """A node's name and, ``depth`` levels down, the nodes behind its edges (PyTorch's
    ``next_functions``, None edges and output numbers included): ``Mul(Accumulate, None:0)``."""
    name = node.name()
    if not depth or not node.next_functions:
        return name
    edges = ", ".join("None" if n is None else _graph(n, depth - 1) + (f":{nr}" if nr else "")
                      for n, nr in node.next_functions)
    return f"{name}({edges})"


def _tensor_snapshot(lib, t, with_grad: bool = True) -> dict[str, Any]:
    # the flags first: reading grad_fn may refresh a view's graph (as in PyTorch), and the
    # flags must be seen as the user would see them without it
    requires_grad, is_leaf = _get(lambda: t.requires_grad), _get(lambda: t.is_leaf)
    grad_fn = _get(lambda: t.grad_fn)
    snap: dict[str, Any] = {
        "dtype": str(t.dtype).replace("torch.", ""),
        "shape": tuple(t.shape),
        "values": t.detach().numpy(force=True).copy(),
        "requires_grad": requires_grad,
        "is_leaf": is_leaf,
        "grad_fn": grad_fn if isinstance(grad_fn, str) or grad_fn is None else _graph(grad_fn, 3),
        "stride": tuple(t.stride()),
        "contiguous": t.is_contiguous(),
    }
    if with_grad and _get(lambda: t.is_leaf or t.retains_grad) is True:
        g = t.grad
        snap["grad"] = None if g is None else _tensor_snapshot(lib, g, with_grad=False)
    return snap


def snapshot(lib, value: Any) -> Any:
    """A comparable, library-free picture of a value (tensors by content, flags and layout)."""
    if isinstance(value, lib.Tensor):
        return _get(lambda: _tensor_snapshot(lib, value))
    if isinstance(value, (tuple, list)):
        return [snapshot(lib, v) for v in value]
    if isinstance(value, (bool, int, float, str, type(None))):
        return value
    if isinstance(value, lib.dtype):
        return str(value).replace("torch.", "")
    if type(value).__name__ == "Size":
        return tuple(value)
    return f"<{type(value).__name__}>"


PREAMBLE = "F = T.nn.functional"


def run(library: str, lines: list[str]) -> list[Outcome]:
    """Execute ``lines`` one by one with ``T`` = the library; record each line's outcome."""
    lib = LIBRARIES[library]
    namespace: dict[str, Any] = {"T": lib, "F": lib.nn.functional}
    outcomes = []
    if library == "torch":
        # TORCH_WARN_ONCE warnings (x.T on a non-2-D tensor, mT on 0-d, ...) every time, as
        # autograd_lite gives them: otherwise what a program sees depends on earlier programs.
        always = torch.is_warn_always_enabled()
        torch.set_warn_always(True)
    try:
        _run_lines(lib, lines, namespace, outcomes)
    finally:
        if library == "torch":
            torch.set_warn_always(always)
    return outcomes


def _run_lines(lib, lines: list[str], namespace: dict[str, Any], outcomes: list[Outcome]) -> None:
    for line in lines:
        error = None
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                exec(compile(line, "<fuzz>", "exec"), namespace)  # noqa: S102  (the program under test)
            except Exception as e:  # noqa: BLE001  (type and message are compared)
                error = (type(e).__name__, re.sub(r"0x[0-9a-f]+", "0x...", str(e)))
        seen = [(w.category.__name__, str(w.message)) for w in caught]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            state = {k: snapshot(lib, v) for k, v in namespace.items()
                     if not k.startswith("_") and k not in ("T", "F", "__builtins__")}
        outcomes.append(Outcome(error, seen, state))


# --------------------------------------------------------------------------- comparing


def _close(got: np.ndarray, expected: np.ndarray, dtype: str) -> tuple[bool, float, str]:
    """Equal within ``ULPS`` epsilons of the tensor's scale for floats; exact otherwise.

    Returns (close, error in units of that allowance, how they differ) so that kept
    differences can look at how far apart the two are. Zeros are exact: where both are
    zero the sign must agree (it is observable: 1 / x), and an exact zero on one side
    only is a difference even when the other value is within the allowance.
    """
    if dtype not in FLOAT_DTYPES:
        return bool(np.array_equal(got, expected)), 0.0, "error 0 allowances"
    if got.size == 0:
        return True, 0.0, ""
    same_nan = np.isnan(got) == np.isnan(expected)
    if not same_nan.all():
        return False, math.inf, "error inf allowances"
    finite = np.isfinite(expected) & np.isfinite(got)
    if not np.array_equal(got[~finite], expected[~finite], equal_nan=True):
        return False, math.inf, "error inf allowances"
    both = (expected == 0) & (got == 0)
    if not np.array_equal(np.signbit(got[both]), np.signbit(expected[both])):
        return False, -1.0, "sign of zero"
    if not finite.any():
        return True, 0.0, ""
    e, g = expected[finite].astype(np.float64), got[finite].astype(np.float64)
    scale = max(1.0, float(np.abs(e).max()))
    allowance = ULPS * float(np.finfo(np.dtype(dtype)).eps) * scale
    err = float(np.abs(e - g).max()) / allowance
    if err <= 1.0 and ((e == 0) != (g == 0)).any():
        return False, err, f"exact zero on one side, error {err:.3g} allowances"
    return err <= 1.0, err, f"error {err:.3g} allowances"


def _describe(value: Any) -> str:
    if isinstance(value, dict) and "values" in value:
        v = value["values"]
        return f"{value['dtype']}{list(value['shape'])} {np.array2string(v, precision=6, threshold=12)}"
    return repr(value)[:200]


def compare_values(name: str, ours: Any, theirs: Any, line: int, layout: bool) -> list[Difference]:
    """All differences between two snapshots of the variable ``name``."""
    if isinstance(theirs, dict) and "values" in theirs:
        if not (isinstance(ours, dict) and "values" in ours):
            return [Difference(line, "value", f"{name} is {type(ours).__name__}", _describe(ours), _describe(theirs))]
        diffs = []
        for key, kind in (("dtype", "dtype"), ("shape", "shape")):
            if ours[key] != theirs[key]:
                diffs.append(Difference(line, kind, f"{name}.{key}", str(ours[key]), str(theirs[key])))
        if diffs:
            return diffs
        ok, err, how = _close(ours["values"], theirs["values"], theirs["dtype"])
        if not ok:
            diffs.append(Difference(line, "value", f"{name} ({how})",
                                    _describe(ours), _describe(theirs)))
        for key in ("requires_grad", "is_leaf"):
            if ours[key] != theirs[key]:
                diffs.append(Difference(line, "flags", f"{name}.{key}", str(ours[key]), str(theirs[key])))
        if "grad" in theirs or "grad" in ours:
            g_ours, g_theirs = ours.get("grad"), theirs.get("grad")
            if (g_ours is None) != (g_theirs is None):
                diffs.append(Difference(line, "grad", f"{name}.grad", _describe(g_ours), _describe(g_theirs)))
            elif g_theirs is not None:
                for d in compare_values(f"{name}.grad", g_ours, g_theirs, line, layout):
                    d.kind = "grad" if d.kind in ("value", "dtype", "shape") else d.kind
                    diffs.append(d)
        if ours["grad_fn"] != theirs["grad_fn"]:
            diffs.append(Difference(line, "grad_fn", f"{name}.grad_fn", str(ours["grad_fn"]), str(theirs["grad_fn"])))
        if layout and theirs["values"].size > 1:
            for key in ("contiguous", "stride"):
                if ours[key] != theirs[key]:
                    diffs.append(Difference(line, "layout", f"{name}.{key}()", str(ours[key]), str(theirs[key])))
                    break
        return diffs
    if isinstance(theirs, list):
        if not isinstance(ours, list) or len(ours) != len(theirs):
            return [Difference(line, "value", name, _describe(ours), _describe(theirs))]
        return [d for i, (o, t) in enumerate(zip(ours, theirs))
                for d in compare_values(f"{name}[{i}]", o, t, line, layout)]
    if isinstance(theirs, float) and isinstance(ours, float):
        if not (ours == theirs or (math.isnan(ours) and math.isnan(theirs))
                or abs(ours - theirs) <= 1e-6 * max(1.0, abs(theirs))):
            return [Difference(line, "value", name, repr(ours), repr(theirs))]
        return []
    if type(ours) is not type(theirs) or ours != theirs:
        return [Difference(line, "value", name, _describe(ours), _describe(theirs))]
    return []


SEVERITY = ("no-error", "error", "error-type", "value", "dtype", "shape", "grad", "flags",
            "error-message", "grad_fn", "layout", "warning")


def differences(ours: list[Outcome], theirs: list[Outcome], layout: bool = True) -> list[Difference]:
    """Every difference, line by line (a variable's difference is reported where it first appears)."""
    found: list[Difference] = []
    reported: set[tuple[str, str]] = set()
    float32_seen = False
    for i, (o, t) in enumerate(zip(ours, theirs)):
        float32_seen = float32_seen or _has_float32(list(t.state.values()))
        start = len(found)
        if (o.error is None) != (t.error is None):
            kind = "no-error" if o.error is None else "error"
            found.append(Difference(i, kind, "raises" if t.error else "succeeds",
                                    ": ".join(o.error or ("ok", "")), ": ".join(t.error or ("ok", ""))))
        elif o.error and o.error[0] != t.error[0]:
            found.append(Difference(i, "error-type", t.error[0], ": ".join(o.error), ": ".join(t.error)))
        elif o.error and o.error[1] != t.error[1]:
            found.append(Difference(i, "error-message", t.error[0], o.error[1], t.error[1]))
        if o.warnings != t.warnings:
            found.append(Difference(i, "warning", "warnings", repr(o.warnings), repr(t.warnings)))
        for name in sorted(t.state.keys() | o.state.keys()):
            if name not in t.state or name not in o.state:
                key = (name, "missing")
                if key not in reported:
                    reported.add(key)
                    found.append(Difference(i, "value", f"{name} defined in one library only",
                                            str(name in o.state), str(name in t.state)))
                continue
            for d in compare_values(name, o.state[name], t.state[name], i, layout):
                key = (d.detail.split(" ")[0], d.kind)
                if key not in reported:
                    reported.add(key)
                    found.append(d)
        for d in found[start:]:
            d.float32_seen = float32_seen
    return found


def _has_float32(value: Any) -> bool:
    """Whether a snapshot holds a float32 tensor (a variable, an element of a tuple)."""
    if isinstance(value, dict):
        return value.get("dtype") == "float32"
    return isinstance(value, list) and any(_has_float32(v) for v in value)


def root_difference(found: list[Difference]) -> Difference | None:
    """The difference that explains the program: the earliest line, the most severe kind.

    Node names, layouts and warnings only count when nothing more serious differs
    anywhere in the program (so a program is filed under its substantive difference).
    """
    if not found:
        return None
    cosmetic = ("grad_fn", "layout", "warning")
    substantive = [d for d in found if d.kind not in cosmetic]
    pool = substantive or found
    first = min(d.line for d in pool)
    return min((d for d in pool if d.line == first), key=lambda d: SEVERITY.index(d.kind))


# --------------------------------------------------------------------------- programs


@dataclass
class Program:
    seed: int
    lines: list[str] = field(default_factory=list)

    def source(self) -> str:
        return "\n".join(["import torch as T  # or: import autograd_lite as T", PREAMBLE, *self.lines])


def _fmt(v: Any) -> str:
    if isinstance(v, bool):
        return repr(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "float('nan')"
        if math.isinf(v):
            return "float('inf')" if v > 0 else "-float('inf')"
        return repr(v)
    return repr(v)


def _nested(values: list, shape: tuple[int, ...]) -> str:
    if not shape:
        return _fmt(values[0])
    step = len(values) // shape[0] if shape[0] else 0
    return "[" + ", ".join(_nested(values[i * step:(i + 1) * step], shape[1:]) for i in range(shape[0])) + "]"


class Writer:
    """Writes one program, choosing each line from what torch says earlier lines produced."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.program = Program(seed)
        self.ns: dict[str, Any] = {"T": torch, "F": torch.nn.functional}
        self.count = 0
        self.errors = 0

    # ---- choosing values

    def name(self, prefix: str = "v") -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def tensors(self, pred=lambda t: True) -> list[str]:
        return [k for k, v in self.ns.items()
                if isinstance(v, torch.Tensor) and k[0] in "xv" and _get(lambda: pred(v)) is True]

    def pick(self, pred=lambda t: True) -> str | None:
        names = self.tensors(pred)
        return self.rng.choice(names) if names else None

    def shape(self) -> tuple[int, ...]:
        r = self.rng.random()
        if r < 0.12:
            return ()
        if r < 0.2:
            return self.rng.choice([(0,), (2, 0), (0, 3), (1, 0)])
        ndim = self.rng.choice([1, 1, 2, 2, 2, 3])
        return tuple(self.rng.choice([1, 2, 3, 3, 4]) for _ in range(ndim))

    def scalar(self, dtype: str) -> Any:
        r = self.rng
        if dtype == "bool":
            return r.random() < 0.5
        if dtype == "int64":
            return r.randint(-3, 4)
        special = r.random()
        if special < 0.04:
            return r.choice([0.0, -0.0, 1.0, float("nan"), float("inf")])
        if special < 0.12:
            return float(r.randint(-2, 2))
        return round(r.uniform(-2.0, 2.0), 2)

    def literal(self, shape: tuple[int, ...], dtype: str, requires_grad: bool) -> str:
        n = math.prod(shape)
        if n == 0:
            call = f"T.zeros({', '.join(map(str, shape))}" + (", " if shape else "")
            args = []
            if dtype != "float32":
                args.append(f"dtype=T.{dtype}")
            if requires_grad:
                args.append("requires_grad=True")
            return call.rstrip(", ") + (", " + ", ".join(args) if args else "") + ")"
        data = _nested([self.scalar(dtype) for _ in range(n)], shape)
        args = [data]
        if dtype == "float64":
            args.append("dtype=T.float64")
        if requires_grad:
            args.append("requires_grad=True")
        return f"T.tensor({', '.join(args)})"

    def number(self, like: torch.Tensor | None = None) -> str:
        r = self.rng.random()
        if r < 0.35:
            return str(self.rng.randint(-2, 3))
        if r < 0.5 and like is not None:
            return f"T.tensor({_fmt(self.scalar('float32' if like.is_floating_point() else 'int64'))})"
        if r < 0.55:
            return "True"
        return _fmt(round(self.rng.uniform(-2, 2), 2) or 0.5)

    def dim(self, t: torch.Tensor, allow_none: bool = False) -> str:
        r = self.rng.random()
        if allow_none and r < 0.15:
            return "None"
        if r < 0.03:
            return str(t.dim() + 1)  # out of range: errors are compared too
        nd = max(t.dim(), 1)
        return str(self.rng.randrange(-nd, nd))

    # ---- writing

    def emit(self, line: str, may_fail: bool = True) -> bool:
        """Keep ``line`` if torch runs it (or, rarely, if it raises); report whether it was kept."""
        snapshot_ns = dict(self.ns)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                exec(compile(line, "<fuzz>", "exec"), self.ns)  # noqa: S102
            except Exception:  # noqa: BLE001
                self.ns.clear()
                self.ns.update(snapshot_ns)
                if not may_fail or self.errors >= 1 or self.rng.random() > 0.15:
                    return False
                self.errors += 1
        self.program.lines.append(line)
        return True

    def make_input(self) -> None:
        dtype = self.rng.choice(["float32"] * 5 + ["float64"] * 2 + ["int64", "bool"])
        shape = self.shape()
        rg = dtype in FLOAT_DTYPES and self.rng.random() < 0.7
        lit = self.literal(shape, dtype, rg and self.rng.random() < 0.8)
        name = self.name("x")
        layout = self.rng.random()
        if len(shape) >= 2 and layout < 0.25:
            # non-contiguous: built transposed, then transposed back
            lit = self.literal(shape[::-1], dtype, False) + ".t()" if len(shape) == 2 else \
                self.literal(shape[::-1], dtype, False) + ".permute(2, 1, 0)"
            if rg:
                lit += ".requires_grad_()"
        elif len(shape) >= 1 and shape[-1] and layout < 0.4:
            wide = shape[:-1] + (2 * shape[-1],)
            lit = self.literal(wide, dtype, False) + "[..., ::2]"
            if rg:
                lit += ".requires_grad_()"
        self.emit(f"{name} = {lit}", may_fail=False)

    def step(self) -> None:
        family = self.rng.choices(list(FAMILIES), weights=[w for w, _ in FAMILIES.values()])[0]
        if family == "input":
            self.make_input()
            return
        for _ in range(6):
            line = FAMILIES[family][1](self)
            if line and self.emit(line):
                return


# ---- families of lines: each returns one line (or None when nothing fits)

UNARY = ["neg", "abs", "exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu", "sign", "floor",
         "rsqrt", "reciprocal", "square", "erf", "expm1", "log1p", "atan", "sinh", "cosh", "tan"]
FUNCTIONAL = ["relu", "sigmoid", "tanh", "silu", "gelu", "softplus", "elu", "leaky_relu"]


def unary(w: Writer) -> str | None:
    x = w.pick()
    if x is None:
        return None
    t = w.ns[x]
    o = w.name()
    r = w.rng.random()
    if r < 0.15:
        return f"{o} = F.{w.rng.choice(FUNCTIONAL)}({x})"
    if r < 0.25:
        lo, hi = sorted([round(w.rng.uniform(-1, 1), 1), round(w.rng.uniform(-1, 1), 1)])
        form = w.rng.choice([f"{x}.clamp({lo}, {hi})", f"{x}.clamp(min={lo})", f"T.clamp({x}, max={hi})"])
        return f"{o} = {form}"
    if r < 0.3:
        return f"{o} = {x}.{w.rng.choice(['float()', 'double()', 'long()', 'bool()', 'to(T.float64)'])}"
    if r < 0.35:
        return f"{o} = {w.rng.choice(['T.isnan', 'T.isfinite', 'T.logical_not'])}({x})"
    op = w.rng.choice(UNARY)
    return f"{o} = {x}.{op}()" if w.rng.random() < 0.5 else f"{o} = T.{op}({x})"


BINOPS = ["+", "-", "*", "/", "**", "//", "%", "==", "<", ">=", "!="]


def binary(w: Writer) -> str | None:
    a = w.pick()
    if a is None:
        return None
    ta = w.ns[a]
    r = w.rng.random()
    if r < 0.35:
        b = w.number(ta)
    else:
        # prefer a broadcastable partner
        def fits(t):
            try:
                torch.broadcast_shapes(t.shape, ta.shape)
                return True
            except RuntimeError:
                return w.rng.random() < 0.05
        b = w.pick(fits)
    o = w.name()
    r = w.rng.random()
    if r < 0.2:
        fn = w.rng.choice(["T.maximum", "T.minimum", "T.add", "T.mul", "T.sub", "T.div", "T.pow"])
        return f"{o} = {fn}({a}, {b})"
    if r < 0.28:
        return f"{o} = T.where({a} > 0, {a}, {b})"
    op = w.rng.choice(BINOPS)
    if w.rng.random() < 0.25 and not b.startswith("T.") and not b[0].isdigit():
        return f"{o} = {b} {op} {a}"
    return f"{o} = {a} {op} {b}"


REDUCE = ["sum", "mean", "prod", "amax", "amin", "max", "min", "argmax", "std", "var", "logsumexp",
          "norm", "cumsum", "softmax", "log_softmax", "all", "any", "argmin"]


def reduce(w: Writer) -> str | None:
    x = w.pick()
    if x is None:
        return None
    t = w.ns[x]
    op = w.rng.choice(REDUCE)
    o = w.name()
    if op in ("softmax", "log_softmax", "cumsum"):
        fn = w.rng.choice([f"{x}.{op}", f"T.{op}", f"F.{op}"]) if op != "cumsum" else f"{x}.{op}"
        arg = f"{x}, " if not fn.startswith(x) else ""
        return f"{o} = {fn}({arg}{w.dim(t)})"
    r = w.rng.random()
    if r < 0.3:
        return f"{o} = {x}.{op}()"
    keep = ", keepdim=True" if w.rng.random() < 0.3 else ""
    if op in ("std", "var") and w.rng.random() < 0.3:
        keep += w.rng.choice([", unbiased=False", ", correction=0"])
    if r < 0.4 and t.dim() >= 2 and op in ("sum", "mean", "amax", "amin", "std", "var", "logsumexp", "norm"):
        return f"{o} = {x}.{op}(dim=(0, -1){keep})"
    if op == "norm":
        return f"{o} = {x}.norm(dim={w.dim(t)}{keep})"
    return f"{o} = {x}.{op}({w.dim(t)}{keep})"


def shape_op(w: Writer) -> str | None:
    x = w.pick()
    if x is None:
        return None
    t = w.ns[x]
    o = w.name()
    nd, s = t.dim(), tuple(t.shape)
    d = w.dim(t)
    choices = [
        f"{x}.reshape(-1)", f"{x}.view(-1)", f"{x}.flatten()", f"{x}.unsqueeze({w.rng.randint(-nd - 1, nd)})",
        f"{x}.squeeze()", f"{x}.squeeze({d})", f"{x}.t()", f"{x}.T", f"{x}.mT", f"{x}.contiguous()",
        f"{x}.clone()", f"{x}.detach()", f"{x}.flip({d})", f"{x}.repeat({', '.join(['2'] + ['1'] * nd)})",
        f"{x}.expand({', '.join(['2'] + ['-1'] * nd)})", f"{x}.transpose({d}, {w.dim(t)})",
        f"{x}.permute({', '.join(map(str, w.rng.sample(range(nd), nd)))})",
        f"{x}.narrow({d}, {w.rng.randint(-1, 2)}, {w.rng.randint(0, 2)})",
        f"{x}.select({d}, {w.rng.randint(-1, 1)})", f"{x}.tril()", f"{x}.triu(1)",
    ]
    if nd:
        choices += [f"{x}.view({', '.join(map(str, s[::-1]))})", f"{x}.reshape({', '.join(map(str, s[::-1]))})",
                    f"{x}.unflatten(0, (1, {s[0]}))", f"{x}.split(2)", f"{x}.split(1, {d})",
                    f"{x}.chunk(2)", f"{x}.chunk(3, {d})", f"{x}.unbind({d})"]
        if nd >= 2:
            choices.append(f"{x}.flatten(1)")
    line = f"{o} = {w.rng.choice(choices)}"
    if line.split("=", 1)[1].strip().split(".")[-1].startswith(("split", "chunk", "unbind")) and w.rng.random() < 0.6:
        line += "[0]"
    return line


def index_op(w: Writer) -> str | None:
    x = w.pick(lambda t: t.dim() >= 1)
    if x is None:
        return None
    t = w.ns[x]
    n = t.shape[0]
    o = w.name()
    k = w.rng.randint(-n, n - 1) if n else 0
    choices = [f"{x}[{k}]", f"{x}[1:]", f"{x}[::2]", f"{x}[..., 0]", f"{x}[None]", f"{x}[...]",
               f"{x}[:, ::2]" if t.dim() >= 2 else f"{x}[:]", f"{x}[[]]",
               f"{x}[T.tensor([{k}, 0])]" if n else f"{x}[T.tensor([], dtype=T.int64)]",
               f"{x}[{x} > 0]", f"{x}[T.tensor([{', '.join(w.rng.choice(['True', 'False']) for _ in range(n))}])]",
               f"T.gather({x}, 0, T.zeros_like({x}, dtype=T.int64))",
               f"{x}.index_select(0, T.tensor([{k}]))"]
    return f"{o} = {w.rng.choice(choices)}"


INPLACE = ["add_", "mul_", "sub_", "div_", "clamp_", "zero_", "fill_", "copy_", "relu_", "neg_", "exp_"]


def inplace(w: Writer) -> str | None:
    x = w.pick()
    if x is None:
        return None
    t = w.ns[x]
    op = w.rng.choice(INPLACE + ["setitem", "masked_fill_"])
    if op == "setitem":
        idx = w.rng.choice(["0", "...", ":", "1:", "::2"]) if t.dim() else "..."
        return f"{x}[{idx}] = {w.rng.choice([w.number(t), w.pick() or '1.0'])}"
    if op in ("zero_", "relu_", "neg_", "exp_"):
        return f"{x}.{op}()"
    if op == "fill_":
        return f"{x}.fill_({w.number(t)})"
    if op == "clamp_":
        return f"{x}.clamp_(min={round(w.rng.uniform(-1, 0), 1)})"
    if op == "masked_fill_":
        return f"{x}.masked_fill_({x} < 0, {w.number()})"
    other = w.pick() if w.rng.random() < 0.6 else w.number(t)
    if op == "copy_" and other and other[0].isdigit():
        other = f"T.tensor({other})"
    return f"{x}.{op}({other})"


def matmul(w: Writer) -> str | None:
    a = w.pick(lambda t: t.dim() >= 1)
    if a is None:
        return None
    ta = w.ns[a]
    o = w.name()
    k = ta.shape[-1]

    def partner(t):
        return t.dim() >= 1 and (t.shape[0 if t.dim() == 1 else -2] == k or w.rng.random() < 0.1)
    b = w.pick(partner)
    if b is None:
        shape = (k,) if w.rng.random() < 0.3 else (k, w.rng.randint(0, 3))
        dtype = w.rng.choice(["float32", "float32", "float64"])
        b = w.name("x")
        if not w.emit(f"{b} = {w.literal(shape, dtype, w.rng.random() < 0.5)}", may_fail=False):
            return None
    tb = w.ns[b]
    forms = [f"{a} @ {b}", f"T.matmul({a}, {b})"]
    if ta.dim() == 2 and tb.dim() == 2:
        forms += [f"T.mm({a}, {b})", f"T.einsum('ij,jk->ik', {a}, {b})", f"F.linear({a}, {b}.t())"]
    if ta.dim() == 1 and tb.dim() == 1:
        forms += [f"T.dot({a}, {b})", f"T.outer({a}, {b})"]
    if ta.dim() == 3 and tb.dim() == 3:
        forms.append(f"T.bmm({a}, {b})")
    if ta.dim() == 2 and tb.dim() == 1:
        forms.append(f"T.mv({a}, {b})")
    return f"{o} = {w.rng.choice(forms)}"


def join(w: Writer) -> str | None:
    a = w.pick()
    if a is None:
        return None
    ta = w.ns[a]
    b = w.pick(lambda t: t.shape == ta.shape or (t.dim() == ta.dim() and t.shape[1:] == ta.shape[1:])) or a
    o = w.name()
    d = w.dim(ta)
    return f"{o} = {w.rng.choice([f'T.cat([{a}, {b}])', f'T.stack([{a}, {b}], {d})', f'T.cat([{a}, {b}], {d})'])}"


def nn_op(w: Writer) -> str | None:
    x = w.pick(lambda t: t.is_floating_point() and t.dim() >= 1)
    if x is None:
        return None
    t = w.ns[x]
    o = w.name()
    r = w.rng.random()
    if r < 0.3:
        y = w.pick(lambda u: u.shape == t.shape) or f"T.zeros_like({x})"
        loss = w.rng.choice(["mse_loss", "l1_loss"])
        reduction = w.rng.choice(["", ", reduction='sum'", ", reduction='none'"])
        return f"{o} = F.{loss}({x}, {y}{reduction})"
    if r < 0.6:
        c = t.shape[-1] if t.dim() == 2 else t.shape[0]
        n = t.shape[0] if t.dim() == 2 else None
        if c == 0:
            return None
        if n is None:
            target = f"T.tensor({w.rng.randrange(c)})"
        else:
            target = f"T.tensor([{', '.join(str(w.rng.randrange(c)) for _ in range(n))}])"
        extra = w.rng.choice(["", "", ", reduction='sum'", ", ignore_index=0", ", label_smoothing=0.1"])
        return f"{o} = F.cross_entropy({x}, {target}{extra})"
    if r < 0.75:
        return f"{o} = F.binary_cross_entropy_with_logits({x}, ({x} > 0).float())"
    if r < 0.9:
        return f"{o} = F.layer_norm({x}, ({t.shape[-1]},))"
    return f"{o} = F.softmax({x}, {w.dim(t)})"


def sort_op(w: Writer) -> str | None:
    x = w.pick(lambda t: t.dim() >= 1)
    if x is None:
        return None
    t = w.ns[x]
    o = w.name()
    d = w.dim(t)
    k = w.rng.randint(0, 2)
    return f"{o} = {w.rng.choice([f'{x}.sort({d})[0]', f'{x}.topk({k})[0]', f'{x}.argsort({d})', f'T.unique({x})', f'{x}.max({d})[0]', f'{x}.min({d}).indices'])}"


def backward(w: Writer) -> str | None:
    y = w.pick(lambda t: t.requires_grad and t.is_floating_point())
    if y is None:
        return None
    r = w.rng.random()
    red = w.rng.choice(["sum()", "mean()", "pow(2).sum()"]) if w.ns[y].dim() or w.rng.random() < 0.5 else "sum()"
    if r < 0.45:
        keep = "retain_graph=True" if w.rng.random() < 0.5 else ""
        return f"{y}.{red}.backward({keep})"
    leaves = w.tensors(lambda t: t.requires_grad and t.is_leaf)
    if not leaves:
        return None
    xs = w.rng.sample(leaves, min(len(leaves), w.rng.randint(1, 2)))
    o = w.name("v")
    if r < 0.8:
        names = ", ".join(f"{o}_{i}" for i in range(len(xs)))
        return (f"{names}, = T.autograd.grad({y}.{red}, [{', '.join(xs)}], create_graph=True, allow_unused=True)")
    return f"{o} = T.autograd.grad({y}.{red}, {xs[0]}, create_graph=True)[0]"


FAMILIES = {
    "input": (1.5, None),
    "unary": (2.0, unary),
    "binary": (3.0, binary),
    "reduce": (2.5, reduce),
    "shape": (2.5, shape_op),
    "index": (1.2, index_op),
    "inplace": (1.5, inplace),
    "matmul": (1.2, matmul),
    "join": (0.6, join),
    "nn": (1.0, nn_op),
    "sort": (0.5, sort_op),
    "backward": (2.0, backward),
}


def generate(seed: int, length: int | None = None) -> Program:
    """A random program of about ``length`` lines; the same seed always gives the same program."""
    w = Writer(seed)
    length = length or w.rng.randint(4, 12)
    for _ in range(w.rng.randint(1, 3)):
        w.make_input()
    while len(w.program.lines) < length:
        w.step()
    # finish with a gradient so that every program exercises backward
    if w.rng.random() < 0.7:
        for _ in range(3):
            line = backward(w)
            if line and w.emit(line):
                break
    return w.program


# --------------------------------------------------------------------------- checking


@dataclass
class Result:
    program: Program
    root: Difference | None
    found: list[Difference]
    kept: list[str] = field(default_factory=list)  # kept differences (known_differences.py) skipped


def check(lines: list[str], seed: int = 0, layout: bool = True) -> Result:
    ours, theirs = run("autograd_lite", lines), run("torch", lines)
    found, kept = sort_out(differences(ours, theirs, layout), lines)
    return Result(Program(seed, lines), root_difference(found), found, sorted(kept))


def _simpler(line: str):
    """Simpler versions of one line: no layout trick, no requires_grad, shorter numbers."""
    for suffix in (".t()", "[..., ::2]", ".permute(2, 1, 0)"):
        if suffix + "." in line or line.endswith(suffix):
            yield line.replace(suffix, "", 1)
    for flag in (", requires_grad=True", ".requires_grad_()"):
        if flag in line:
            yield line.replace(flag, "")
    rounded = re.sub(r"(?<![\w.])(-?\d+)\.\d+", r"\1.0", line)
    if rounded != line:
        yield rounded


def shrink(result: Result, budget: int = 300) -> Result:
    """Delta debugging: drop lines, then simplify the remaining ones, while the same kind
    of difference on the same operation remains; returns the smallest program found."""
    assert result.root is not None
    lines = list(result.program.lines)
    target = result.root.category(lines)
    best = result

    def keeps(trial: list[str]) -> Result | None:
        r = check(trial, result.program.seed)
        return r if r.root is not None and r.root.category(trial) == target else None

    changed = True
    while changed and budget > 0:
        changed = False
        for i in range(len(lines) - 1, -1, -1):
            trials = [lines[:i] + lines[i + 1:]] + [lines[:i] + [s] + lines[i + 1:] for s in _simpler(lines[i])]
            for trial in trials:
                if budget <= 0:
                    break
                budget -= 1
                r = keeps(trial)
                if r:
                    lines, best, changed = trial, r, True
                    break
    return best
