"""The one comparison harness: run the same code on autograd_lite and on PyTorch and compare
values, dtypes, shapes, flags, grad_fn graphs, reprs, gradients, and error types and messages.

``compare(fn, *arrays)`` runs ``fn(lib, *tensors)`` with lib = autograd_lite and lib = torch;
``compare_error`` does the same for code that must raise; ``case_tests(CASES)`` turns a table
of op cases into the float64 / float32 / no-grad tests every ``tests/ops/test_*.py`` runs;
``same(fn)`` / ``raises_same(fn)`` run any code ``fn(lib)`` (a module, an optimizer, a hook)
in both libraries and compare what it returns or raises. Every test file that compares with
PyTorch imports these; none keeps its own.
"""
from __future__ import annotations

import re

import numpy as np
import pytest

import autograd_lite

try:
    import torch
except ImportError:  # the tests that need it skip themselves with importorskip
    torch = None


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def graph_names(fn, depth: int = 2):
    """grad_fn's name and, recursively, its next_functions (``None`` entries kept)."""
    if fn is None:
        return None
    nexts = tuple((graph_names(f, depth - 1) if depth else "...", nr) for f, nr in fn.next_functions)
    return (fn.name(), nexts)


def graph_signature(fn) -> list | None:
    """The whole graph under ``fn``: every node once, breadth first, as (name, edges), an edge being
    (index of the next node, output_nr) or None. Equal signatures: the same graph, node for node."""
    if fn is None:
        return None
    order, index, rows = [fn], {id(fn): 0}, []
    for node in order:  # (``order`` grows while it is walked; it also keeps every node alive)
        edges = []
        for nxt, nr in node.next_functions:
            if nxt is not None and id(nxt) not in index:
                index[id(nxt)] = len(order)
                order.append(nxt)
            edges.append(None if nxt is None else (index[id(nxt)], nr))
        rows.append((node.name(), tuple(edges)))
    return rows


def leaves(lib, arrays, requires_grad):
    """The same numpy arrays as tensors of ``lib`` (copies, so one library cannot alter the other's)."""
    if isinstance(requires_grad, bool):
        requires_grad = [requires_grad and a.dtype.kind == "f" for a in arrays]
    return [lib.tensor(a.copy(), requires_grad=bool(r)) for a, r in zip(arrays, requires_grad)]


def _outputs(out):
    return list(out) if isinstance(out, (tuple, list)) else [out]


def assert_same_tensor(ours, theirs, *, check_repr=True, depth=2, rtol=None):
    """Values, dtype, shape, flags, graph node names and (for small tensors) repr."""
    assert isinstance(ours, autograd_lite.Tensor), type(ours)
    assert str(ours.dtype) == str(theirs.dtype), (ours.dtype, theirs.dtype)
    assert tuple(ours.shape) == tuple(theirs.shape)
    expected = theirs.detach().numpy()
    got = ours.detach().numpy()
    if expected.dtype.kind == "f":
        tol = rtol if rtol is not None else (1e-5 if expected.dtype == np.float32 else 1e-10)
        np.testing.assert_allclose(got, expected, rtol=tol, atol=tol * 1e-2, equal_nan=True)
    else:
        np.testing.assert_array_equal(got, expected)
    assert ours.requires_grad == theirs.requires_grad
    assert ours.is_leaf == theirs.is_leaf
    assert graph_names(ours.grad_fn, depth) == graph_names(theirs.grad_fn, depth)
    if check_repr and theirs.numel() <= 24:
        assert repr(ours) == repr(theirs)


def compare(fn, *arrays, requires_grad=True, grad=True, check_repr=True, depth=2, rtol=None, seed=1):
    """Run ``fn(lib, *tensors)`` with lib = autograd_lite and lib = torch on the same arrays.

    Compares every output (see ``assert_same_tensor``), then backpropagates the same random
    ``g`` from each float output that requires grad and compares the inputs' gradients.
    """
    ours_in = leaves(autograd_lite, arrays, requires_grad)
    theirs_in = leaves(torch, arrays, requires_grad)
    ours = _outputs(fn(autograd_lite, *ours_in))
    theirs = _outputs(fn(torch, *theirs_in))
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        if isinstance(t, torch.Tensor):
            assert_same_tensor(o, t, check_repr=check_repr, depth=depth, rtol=rtol)
        else:
            assert type(o) is type(t) and o == t
    if not grad:
        return ours, theirs
    g_rng = rng(seed)
    pairs = [(o, t) for o, t in zip(ours, theirs) if isinstance(t, torch.Tensor) and t.requires_grad]
    if not pairs:
        return ours, theirs
    gs = [g_rng.standard_normal(t.shape).astype(t.detach().numpy().dtype) for _, t in pairs]
    autograd_lite.autograd.backward([o for o, _ in pairs], [autograd_lite.tensor(g) for g in gs])
    torch.autograd.backward([t for _, t in pairs], [torch.tensor(g) for g in gs])
    for a, b in zip(ours_in, theirs_in):
        if b.grad is None:
            assert a.grad is None
        else:
            assert a.grad is not None, "missing gradient"
            assert str(a.grad.dtype) == str(b.grad.dtype) and tuple(a.grad.shape) == tuple(b.grad.shape)
            tol = rtol if rtol is not None else (1e-5 if b.dtype == torch.float32 else 1e-10)
            np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=tol, atol=tol * 1e-2)
    return ours, theirs


def compare_orders(fn, *arrays, order: int = 3, requires_grad=True, rtol=None, seed=2):
    """Gradients of ``fn(lib, *tensors)`` of orders 1..``order`` in both libraries, each taken with
    ``create_graph=True`` from a random weighting of the previous order's: every order's values and
    its whole recorded graph (``graph_signature``) as PyTorch's. An input a gradient does not reach
    gives None in both."""
    runs = []
    for lib in (autograd_lite, torch):
        xs = leaves(lib, arrays, requires_grad)
        wrt = [x for x in xs if x.requires_grad]
        outs, r = _outputs(fn(lib, *xs)), rng(seed)
        orders = []
        for _ in range(order):
            outs = [o for o in outs if o is not None and o.requires_grad]
            if not outs:
                break
            weights = [lib.tensor(r.standard_normal(o.shape).astype(o.detach().numpy().dtype)) for o in outs]
            total = sum((o * w).sum() for o, w in zip(outs, weights))
            outs = list(lib.autograd.grad(total, wrt, create_graph=True, allow_unused=True))
            orders.append(outs)
        runs.append(orders)
    ours, theirs = runs
    assert len(ours) == len(theirs), (len(ours), len(theirs))
    for k, (os_, ts) in enumerate(zip(ours, theirs), 1):
        for i, (o, t) in enumerate(zip(os_, ts)):
            where = f"order {k}, input {i}"
            assert (o is None) == (t is None), where
            if t is None:
                continue
            assert str(o.dtype) == str(t.dtype) and tuple(o.shape) == tuple(t.shape), where
            tol = rtol if rtol is not None else (1e-4 if t.dtype == torch.float32 else 1e-9)
            np.testing.assert_allclose(o.detach().numpy(), t.detach().numpy(force=True), rtol=tol, atol=tol * 1e-2,
                                       equal_nan=True, err_msg=where)  # (force: PyTorch's zero tensors)
            assert graph_signature(o.grad_fn) == graph_signature(t.grad_fn), where


def layout_of(t) -> tuple:
    """What PyTorch's layout rules decide: shape, strides (size-1 dimensions too) and contiguity."""
    return tuple(t.shape), tuple(t.stride()), t.is_contiguous()


def compare_layout(fn, *arrays, requires_grad=False):
    """Run ``fn(lib, *tensors)`` in both libraries; every output tensor must be laid out as
    PyTorch lays it out (``fn`` makes the non-contiguous inputs: ``t()``, ``permute``, slices)."""
    outs = []
    for lib in (autograd_lite, torch):
        out = _outputs(fn(lib, *leaves(lib, arrays, requires_grad)))
        outs.append([layout_of(o) for o in out])
    ours, theirs = outs
    assert ours == theirs, f"autograd_lite {ours} != torch {theirs}"


def first_sentence(msg: str) -> str:
    return re.split(r"(?<=[.:])\s|\n", msg.strip(), maxsplit=1)[0]


def _chained(e: BaseException) -> bool:
    """Does the traceback show another exception before this one ("During handling of...")?"""
    return e.__cause__ is not None or (e.__context__ is not None and not e.__suppress_context__)


def compare_error(fn, *arrays, requires_grad=False, match="full"):
    """``fn`` must raise in both libraries: the same exception type and message.

    ``match`` is "full" (the whole message), "first" (the first sentence: the rest names
    C++ internals) or "type" (the type only; used sparingly, where PyTorch's wording is unstable).
    """
    errors = []
    for lib in (autograd_lite, torch):
        xs = leaves(lib, arrays, requires_grad)
        try:
            fn(lib, *xs)
        except Exception as e:  # noqa: BLE001  (the type is what is compared)
            errors.append(e)
        else:
            errors.append(None)
    ours, theirs = errors
    assert theirs is not None, "PyTorch did not raise: the test case is wrong"
    assert ours is not None, f"autograd_lite did not raise; PyTorch raised {type(theirs).__name__}: {theirs}"
    assert type(ours) is type(theirs), (type(ours), type(theirs), str(ours), str(theirs))
    assert _chained(ours) == _chained(theirs), f"a reader would also see {ours.__context__!r}"
    if match == "full":
        assert str(ours) == str(theirs)
    elif match == "first":
        assert first_sentence(str(ours)) == first_sentence(str(theirs)), (str(ours), str(theirs))


def arrays(*shapes, seed=0, positive=False, dtype=np.float64):
    r = rng(seed)
    out = []
    for s in shapes:
        a = r.standard_normal(s)
        if positive:
            a = np.abs(a) + 0.5
        out.append(a.astype(dtype))
    return out


def ties(dtype=np.float64):
    """A (3, 4) matrix whose maximum and minimum each appear several times."""
    return [np.array([[1., 3., 3., -2.], [0.5, -2., 3., 0.], [-2., 0.5, 0.5, 1.]], dtype)]



def setitem(t, key, value):
    """``t[key] = value`` as an expression, for case tables."""
    t[key] = value
    return t


def run_case(case, dtype) -> None:
    name, fn, shapes, opts = case
    opts = dict(opts)
    grad = opts.pop("grad", True)
    xs = shapes(dtype) if callable(shapes) else arrays(*shapes, dtype=dtype, **opts)
    compare(fn, *xs, grad=grad)


def case_tests(cases: list) -> tuple:
    """The three tests of an op table ``[(id, fn(lib, *tensors), shapes, options), ...]``."""
    ids = [c[0] for c in cases]

    @pytest.mark.parametrize("case", cases, ids=ids)
    def test_op_float64(case):
        """float64 inputs that require grad: values, flags, graph, repr and gradients."""
        run_case(case, np.float64)

    @pytest.mark.parametrize("case", cases, ids=ids)
    def test_op_float32(case):
        """The same cases in float32, the default dtype: printed form and dtypes as learners see them."""
        run_case(case, np.float32)

    @pytest.mark.parametrize("case", cases, ids=ids)
    def test_op_no_grad(case):
        """Inputs that do not require grad: no grad_fn, requires_grad False, same values."""
        name, fn, shapes, opts = case
        opts = {k: v for k, v in opts.items() if k != "grad"}
        xs = shapes(np.float32) if callable(shapes) else arrays(*shapes, dtype=np.float32, **opts)
        compare(fn, *xs, requires_grad=False, grad=False)

    return test_op_float64, test_op_float32, test_op_no_grad


# --- same(fn): any code, both libraries, the same outcome (result or exception) ---------

LIBS = (torch, autograd_lite)


def _canon(v):
    """A library-neutral form of ``v`` to compare."""
    if isinstance(v, (torch.Tensor, autograd_lite.Tensor)):
        fn = v.grad_fn
        return ("tensor", str(v.dtype), tuple(v.shape), v.requires_grad, v.is_leaf,
                None if fn is None else type(fn).__name__, v.detach().numpy().copy())
    if isinstance(v, (tuple, list)):
        return type(v).__name__, [_canon(x) for x in v]
    if isinstance(v, dict):
        return {k: _canon(x) for k, x in v.items()}
    if isinstance(v, str):
        return re.sub(r"0x[0-9a-fA-F]+", "0x?", v)
    if isinstance(v, float):
        return np.float64(v)
    return v


def _outcome(fn, lib):
    try:
        return ("returned", _canon(fn(lib)))
    except Exception as e:  # noqa: BLE001 - comparing exceptions is the point
        return ("raised", type(e).__name__, _canon(str(e)))


def _assert_same(a, b, path="result", rtol=1e-5, atol=1e-6):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        assert isinstance(a, np.ndarray) and isinstance(b, np.ndarray), path
        assert a.shape == b.shape, path
        np.testing.assert_allclose(b, a, rtol=rtol, atol=atol, err_msg=path)
    elif isinstance(a, (tuple, list)):
        assert isinstance(b, (tuple, list)) and len(a) == len(b), f"{path}: {a!r} != {b!r}"
        for i, (x, y) in enumerate(zip(a, b)):
            _assert_same(x, y, f"{path}[{i}]", rtol, atol)
    elif isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), path
        for k in a:
            _assert_same(a[k], b[k], f"{path}[{k!r}]", rtol, atol)
    elif isinstance(a, (float, np.floating)) and isinstance(b, (float, np.floating)):
        assert b == pytest.approx(a, rel=rtol, abs=atol), path
    else:
        assert a == b, f"{path}: torch gives {a!r}, autograd_lite gives {b!r}"


def same(fn, rtol=1e-5, atol=1e-6):
    """Run ``fn(lib)`` with both libraries; assert equal results (or equal exceptions).

    Tensors compare by dtype, shape, flags, grad_fn class and values (to ``rtol``/``atol``).
    """
    expected, got = (_outcome(fn, lib) for lib in LIBS)
    _assert_same(expected, got, rtol=rtol, atol=atol)
    return got


def raises_same(fn):
    """Like ``same``, and also assert that PyTorch raised."""
    got = same(fn)
    assert got[0] == "raised", got
    return got


P = {"positive": True}  # case option: positive inputs (log, sqrt, division)


def same_bits(fn) -> None:
    """``fn(lib)`` gives the same tensors in both libraries to the last bit: dtype, shape,
    values, NaN places and the sign of every zero (which ``1 / x`` shows)."""
    ours, theirs = (_outputs(fn(lib)) for lib in (autograd_lite, torch))
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        a, b = o.detach().numpy(), t.detach().numpy()
        assert str(o.dtype) == str(t.dtype) and a.shape == b.shape, (o, t)
        floats = a.dtype.kind == "f"
        assert np.array_equal(a, b, equal_nan=floats), (a, b)
        assert not floats or np.array_equal(np.signbit(a), np.signbit(b)), f"signs of zeros: {a} != {b}"
