"""Reductions (ops/reductions.py) against PyTorch.

Each case is ``fn(lib, *tensors)`` run once with ``lib = autograd_lite`` and once with
``lib = torch`` on tensors built from the same numpy arrays (see ``harness.compare``).
"""
from __future__ import annotations

import numpy as np  # noqa: F401
import pytest

torch = pytest.importorskip("torch")

import autograd_lite  # noqa: E402,F401
from harness import P, arrays, assert_same_tensor, case_tests, compare, compare_error, leaves, rng, same, setitem, ties  # noqa: E402,F401


CASES = [
    # --- reductions -----------------------------------------------------------------------
    ("sum", lambda L, a: L.sum(a), [(2, 3)], {}),
    ("sum_dim", lambda L, a: a.sum(1), [(2, 3, 4)], {}),
    ("sum_dim_keep", lambda L, a: a.sum(-1, keepdim=True), [(2, 3, 4)], {}),
    ("sum_dims", lambda L, a: a.sum((0, 2)), [(2, 3, 4)], {}),
    ("sum_nc", lambda L, a: a.t().sum(0), [(3, 4)], {}),
    ("mean", lambda L, a: L.mean(a), [(2, 3)], {}),
    ("mean_dim", lambda L, a: a.mean(0), [(2, 3, 4)], {}),
    ("mean_dim_keep", lambda L, a: a.mean(1, keepdim=True), [(2, 3, 4)], {}),
    ("mean_dims", lambda L, a: a.mean((-1, 0)), [(2, 3, 4)], {}),
    ("prod", lambda L, a: L.prod(a), [(2, 3)], {}),
    ("prod_dim", lambda L, a: a.prod(1), [(2, 3, 4)], {}),
    ("prod_dim_keep", lambda L, a: a.prod(0, keepdim=True), [(3, 4)], {}),
    ("prod_zero", lambda L, a: (a * (a > 0)).prod(1), [(3, 4)], {}),
    ("prod_zero_all", lambda L, a: L.prod(a.clamp(min=0.0)), [(2, 3)], {}),
    ("max", lambda L, a: L.max(a), [(2, 3)], {}),
    ("max_ties", lambda L, a: a.max(), ties, {}),
    ("max_dim", lambda L, a: L.max(a, 1), [(3, 4)], {}),
    ("max_dim_keep", lambda L, a: a.max(0, keepdim=True), [(3, 4)], {}),
    ("max_dim_ties", lambda L, a: a.max(1), ties, {}),
    ("max_binary", lambda L, a, b: L.max(a, b), [(2, 3), (3,)], {}),
    ("min", lambda L, a: L.min(a), [(2, 3)], {}),
    ("min_ties", lambda L, a: a.min(), ties, {}),
    ("min_dim", lambda L, a: a.min(-1), [(3, 4)], {}),
    ("min_dim_ties", lambda L, a: a.min(0), ties, {}),
    ("amax", lambda L, a: L.amax(a), [(2, 3)], {}),
    ("amax_dim", lambda L, a: a.amax(1), [(3, 4)], {}),
    ("amax_dims_keep", lambda L, a: a.amax((0, 2), keepdim=True), [(2, 3, 4)], {}),
    ("amax_ties", lambda L, a: a.amax(1), ties, {}),
    ("amax_ties_all", lambda L, a: a.amax(), ties, {}),
    ("argmax", lambda L, a: L.argmax(a), [(3, 4)], {}),
    ("argmax_dim", lambda L, a: a.argmax(1), [(3, 4)], {}),
    ("argmax_dim_keep", lambda L, a: a.argmax(0, keepdim=True), [(3, 4)], {}),
    ("argmax_ties", lambda L, a: a.argmax(1), ties, {}),
    ("softmax", lambda L, a: L.softmax(a, dim=1), [(3, 4)], {}),
    ("softmax_dim0", lambda L, a: a.softmax(0), [(3, 4)], {}),
    ("softmax_3d", lambda L, a: L.softmax(a, -1), [(2, 3, 4)], {}),
    ("log_softmax", lambda L, a: L.log_softmax(a, dim=1), [(3, 4)], {}),
    ("log_softmax_dim0", lambda L, a: a.log_softmax(0), [(3, 4)], {}),
    ("softmax_nc", lambda L, a: a.t().softmax(-1), [(3, 4)], {}),
]
test_op_float64, test_op_float32, test_op_no_grad = case_tests(CASES)


# --- edges (issue 10): 0-d tensors with an explicit dim, var/std denominators and masks, prod's graph ---

ZERO_D_DIM = [
    lambda x: x.sum(-1), lambda x: x.sum(0, keepdim=True), lambda x: x.mean(0), lambda x: x.amax(0),
    lambda x: x.amin(-1), lambda x: x.logsumexp(0), lambda x: x.norm(dim=0), lambda x: x.var(0),
    lambda x: x.std(0, correction=0), lambda x: x.prod(0), lambda x: x.flip(0), lambda x: x.cumsum(0),
    lambda x: x.sort(0)[0], lambda x: x.topk(1, 0)[0], lambda x: x.max(0)[0], lambda x: x.sum((0, -1)),
    lambda x: x.argsort(0), lambda x: x.sum(1),
]


@pytest.mark.parametrize("op", ZERO_D_DIM)
def test_zero_d_with_dim(op):
    """dim 0 and -1 are valid on a 0-d tensor (numpy has no axis there): value, node and gradient."""
    def f(L):
        x = L.tensor(2.5, requires_grad=True)
        y = op(x)
        if y.requires_grad:
            y.sum().backward()
        return y, x.grad
    same(f)


VAR_EDGES = [
    ((), lambda x: x.var(0)), ((1,), lambda x: x.var()), ((3,), lambda x: x.var(correction=5)),
    ((0, 2), lambda x: x.var(0)), ((0,), lambda x: x.std()), ((2, 0), lambda x: x.var(0)),
    ((3, 1), lambda x: x.var(1)), ((1, 3), lambda x: x.std(0)), ((3,), lambda x: x.std()),
    ((2, 3), lambda x: x.std(1, correction=0)), ((), lambda x: x.std(correction=0)),
]


@pytest.mark.parametrize("shape,op", VAR_EDGES)
def test_var_std_edges(shape, op):
    """n - correction <= 0 divides by 0 (nan/inf, never -0.) with PyTorch's dof warning; equal values give
    std's gradient 0 (PyTorch masks std == 0); no numpy warning."""
    import warnings

    def f(L):
        x = L.full(shape, 1.5, requires_grad=True)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            y = op(x)
            y.sum().backward()
        v = y.detach().numpy()
        return y, np.signbit(v) & (v == 0), x.grad, [str(m.message) for m in w if m.category is UserWarning]  # numpy's are M11's
    torch.set_warn_always(True)
    try:
        same(f)
    finally:
        torch.set_warn_always(False)


def test_prod_with_zero_keeps_graph():
    """prod's gradient with a zero element is differentiable under create_graph (second derivative)."""
    for reduce in (lambda x: x.prod(), lambda x: x.prod(1).sum(), lambda x: x.prod(0, keepdim=True).sum()):
        def f(L):
            x = L.tensor([[0.0, 2.0, 3.0], [1.0, 0.0, 0.0]], requires_grad=True)
            g, = L.autograd.grad(reduce(x), x, create_graph=True)
            return g, L.autograd.grad((g * g).sum(), x)
        same(f)


def test_sort_nan_order():
    """NaN sorts as the largest value (first when descending), as in PyTorch."""
    data = [1.0, float("nan"), float("inf"), -1.0, float("nan"), 2.0, float("inf")]
    same(lambda L: [L.tensor(data).sort(descending=d) for d in (False, True)] + [L.tensor(data).argsort(descending=True)])
