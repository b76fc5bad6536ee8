"""Reductions (ops/reductions.py) against PyTorch.

Each case is ``fn(lib, *tensors)`` run once with ``lib = autograd_lite`` and once with
``lib = torch`` on tensors built from the same numpy arrays (see ``harness.compare``).
"""
from __future__ import annotations

import numpy as np  # noqa: F401
import pytest

torch = pytest.importorskip("torch")

import autograd_lite  # noqa: E402,F401
from harness import P, arrays, assert_same_tensor, case_tests, compare, compare_error, leaves, rng, setitem, ties  # noqa: E402,F401


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


# --- numpy's keywords (keepdims=, axis=), accepted by PyTorch's argument parser ---------------
KEEPDIMS_CASES = [
    ("sum_keepdims", lambda L, a: a.sum(1, keepdims=True), [(2, 3, 4)], {}),
    ("sum_fn_keepdims", lambda L, a: L.sum(a, dim=(0, 2), keepdims=True), [(2, 3, 4)], {}),
    ("sum_axis", lambda L, a: a.sum(axis=1, keepdims=True), [(2, 3)], {}),
    ("mean_keepdims", lambda L, a: L.mean(a, -1, keepdims=True), [(2, 3)], {}),
    ("prod_keepdims", lambda L, a: a.prod(0, keepdims=True), [(3, 4)], {}),
    ("max_keepdims", lambda L, a: L.max(a, 1, keepdims=True), [(3, 4)], {}),
    ("min_keepdims", lambda L, a: a.min(0, keepdims=True), [(3, 4)], {}),
    ("amax_keepdims", lambda L, a: a.amax(1, keepdims=True), [(3, 4)], {}),
    ("amin_keepdims", lambda L, a: L.amin(a, keepdims=True), [(3, 4)], {}),
    ("std_keepdims", lambda L, a: a.std(1, keepdims=True), [(3, 4)], {}),
    ("var_keepdims", lambda L, a: a.var(1, True, keepdims=True), [(3, 4)], {}),
    ("logsumexp_keepdims", lambda L, a: a.logsumexp(1, keepdims=True), [(3, 4)], {}),
    ("argmax_keepdims", lambda L, a: a.argmax(1, keepdims=True), [(3, 4)], {}),
    ("argmin_keepdims_all", lambda L, a: a.argmin(keepdims=True), [(3, 4)], {}),
    ("any_keepdims", lambda L, a: (a > 0).any(1, keepdims=True), [(3, 4)], {}),
    ("all_keepdims", lambda L, a: L.all(a > 0, keepdims=True), [(3, 4)], {}),
]
test_keepdims_float64, test_keepdims_float32, test_keepdims_no_grad = case_tests(KEEPDIMS_CASES)


@pytest.mark.parametrize("call", [
    lambda L, x: x.sum(1, keepdim=True, keepdims=True),
    lambda L, x: L.sum(x, 1, True, keepdims=True),
    lambda L, x: x.max(1, axis=0),
    lambda L, x: L.norm(x, dim=1, keepdims=True),  # torch.norm is Python code: no numpy names
    lambda L, x: x.cumsum(1, keepdims=True),
], ids=["both", "positional_and_keyword", "dim_and_axis", "norm", "cumsum"])
def test_keepdims_refused(call):
    compare_error(call, *arrays((2, 3)), match="full")
