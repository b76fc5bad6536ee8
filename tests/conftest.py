"""Shared helpers: run the same code on autograd_lite and on PyTorch and compare everything."""
from __future__ import annotations

import re

import numpy as np

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
