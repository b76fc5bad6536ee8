"""Errors: the same type and message as PyTorch, for every op family.

Each case is ``fn(lib, *tensors)`` run once with ``lib = autograd_lite`` and once with
``lib = torch`` on tensors built from the same numpy arrays (see ``harness.compare``).
"""
from __future__ import annotations

import numpy as np  # noqa: F401
import pytest

torch = pytest.importorskip("torch")

import autograd_lite  # noqa: E402,F401
from harness import P, arrays, assert_same_tensor, case_tests, compare, compare_error, leaves, rng, setitem, ties  # noqa: E402,F401


def _float(*shapes):
    return arrays(*shapes)


ERRORS = [
    # (id, fn, arrays, match)
    ("add_shape", lambda L, a, b: a + b, _float((2, 3), (4,)), "full"),
    ("mul_shape", lambda L, a, b: a * b, _float((2, 3), (3, 2)), "full"),
    ("sub_shape_3d", lambda L, a, b: a - b, _float((2, 3, 4), (3, 5)), "full"),
    ("mm_shape", lambda L, a, b: L.mm(a, b), _float((2, 3), (4, 5)), "full"),
    ("mm_1d", lambda L, a, b: L.mm(a, b), _float((3,), (3, 4)), "full"),
    ("mm_1d_second", lambda L, a, b: L.mm(a, b), _float((2, 3), (3,)), "full"),
    ("matmul_shape", lambda L, a, b: a @ b, _float((2, 3), (4, 5)), "full"),
    ("matmul_mv_shape", lambda L, a, b: a @ b, _float((2, 3), (4,)), "full"),
    ("matmul_vm_shape", lambda L, a, b: a @ b, _float((2,), (4, 5)), "full"),
    ("matmul_dot_shape", lambda L, a, b: a @ b, _float((2,), (3,)), "full"),
    ("matmul_0d", lambda L, a, b: L.matmul(a, b), [np.array(2.0), np.ones(3)], "full"),
    ("matmul_batch_shape", lambda L, a, b: a @ b, _float((2, 3, 4), (2, 5, 6)), "full"),
    ("matmul_batch_bcast", lambda L, a, b: a @ b, _float((2, 3, 4), (3, 4, 6)), "full"),
    ("dot_2d", lambda L, a, b: L.dot(a, b), _float((2, 3), (3,)), "full"),
    ("dot_shape", lambda L, a, b: L.dot(a, b), _float((2,), (3,)), "full"),
    ("dot_dtype", lambda L, a, b: L.dot(a, b.float()), _float((3,), (3,)), "full"),
    ("mm_dtype", lambda L, a, b: L.mm(a, b.float()), _float((2, 3), (3, 2)), "full"),
    ("cat_shape", lambda L, a, b: L.cat([a, b]), _float((2, 3), (2, 4)), "full"),
    ("cat_ndim", lambda L, a, b: L.cat([a, b]), _float((2, 3), (3,)), "full"),
    ("cat_dim", lambda L, a, b: L.cat([a, b], dim=2), _float((2, 3), (2, 3)), "full"),
    ("cat_0d", lambda L, a, b: L.cat([a, b]), [np.array(1.0), np.array(2.0)], "full"),
    ("cat_empty", lambda L: L.cat([]), [], "full"),
    ("stack_shape", lambda L, a, b: L.stack([a, b]), _float((2, 3), (3, 2)), "full"),
    ("stack_dim", lambda L, a, b: L.stack([a, b], dim=3), _float((2, 3), (2, 3)), "full"),
    ("stack_empty", lambda L: L.stack([]), [], "full"),
    ("view_size", lambda L, a: a.view(4, 4), _float((2, 6)), "full"),
    ("view_two_inferred", lambda L, a: a.view(-1, -1), _float((2, 6)), "full"),
    ("view_infer_bad", lambda L, a: a.view(-1, 5), _float((2, 6)), "full"),
    ("view_noncontiguous", lambda L, a: a.t().view(-1), _float((2, 3)), "full"),
    ("reshape_size", lambda L, a: a.reshape(5, 2), _float((2, 6)), "full"),
    ("expand_size", lambda L, a: a.expand(2, 4), _float((2, 3)), "full"),
    ("expand_fewer_dims", lambda L, a: a.expand(3), _float((2, 3)), "full"),
    ("permute_len", lambda L, a: a.permute(1, 0), _float((2, 3, 4)), "first"),
    ("permute_dup", lambda L, a: a.permute(0, 0, 1), _float((2, 3, 4)), "full"),
    ("transpose_dim", lambda L, a: a.transpose(0, 2), _float((2, 3)), "full"),
    ("t_3d", lambda L, a: a.t(), _float((2, 3, 4)), "full"),
    ("sum_dim", lambda L, a: a.sum(2), _float((2, 3)), "full"),
    ("mean_dim", lambda L, a: a.mean(-3), _float((2, 3)), "full"),
    ("max_dim", lambda L, a: a.max(5), _float((2, 3)), "full"),
    ("softmax_dim", lambda L, a: a.softmax(2), _float((2, 3)), "full"),
    ("unsqueeze_dim", lambda L, a: a.unsqueeze(3), _float((2, 3)), "full"),
    ("squeeze_dim", lambda L, a: a.squeeze(2), _float((2, 3)), "full"),
    ("flatten_order", lambda L, a: a.flatten(2, 1), _float((2, 3, 4)), "full"),
    ("argmax_dim", lambda L, a: a.argmax(2), _float((2, 3)), "full"),
    ("index_out_of_range", lambda L, a: a[3], _float((3, 4)), "full"),
    ("index_out_of_range_dim1", lambda L, a: a[:, 4], _float((3, 4)), "full"),
    ("index_neg_out_of_range", lambda L, a: a[-4], _float((3, 4)), "full"),
    ("index_too_many", lambda L, a: a[0, 0, 0], _float((3, 4)), "full"),
    ("index_float_tensor", lambda L, a: a[a], _float((3,)), "full"),
    ("index_list_out_of_range", lambda L, a: a[[0, 5]], _float((3, 4)), "first"),
    ("index_neg_step", lambda L, a: a[::-1], _float((3, 4)), "full"),
    ("max_empty", lambda L: L.zeros(0).max(), [], "full"),
    ("mean_int", lambda L, a: a.long().mean(), _float((2, 3)), "full"),
    ("mean_int_dim", lambda L, a: a.long().mean(0), _float((2, 3)), "full"),
    ("int_requires_grad", lambda L: L.tensor([1, 2], requires_grad=True), [], "full"),
    ("bool_requires_grad", lambda L: L.tensor([True], requires_grad=True), [], "full"),
    ("int_zeros_requires_grad", lambda L: L.zeros(2, dtype=L.int64, requires_grad=True), [], "full"),
    ("int_requires_grad_", lambda L: L.tensor([1, 2]).requires_grad_(), [], "full"),
    ("int_requires_grad_set", lambda L: setattr(L.tensor([1, 2]), "requires_grad", True), [], "full"),
    ("item_many", lambda L, a: a.item(), _float((2, 3)), "full"),
    ("bool_ambiguous", lambda L, a: bool(a), _float((2, 3)), "full"),
    ("numpy_requires_grad", lambda L, a: a.numpy(), _float((2,)), "full"),
    ("neg_bool", lambda L, a: -(a > 0), _float((2,)), "full"),
    ("sub_bool", lambda L, a: (a > 0) - (a < 0), _float((2,)), "full"),
    ("int_neg_pow", lambda L, a: a.long() ** -1, _float((2,)), "full"),
    ("clamp_none", lambda L, a: a.clamp(), _float((2,)), "full"),
    ("where_cond_dtype", lambda L, a: L.where(a, a, a), _float((2,)), "full"),
    ("where_shape", lambda L, a, b: L.where(a > 0, a, b), _float((2, 3), (4,)), "full"),
    ("setitem_shape", lambda L, a, b: setitem(a, (slice(None), 0), b), _float((3, 4), (4,)), "full"),
    ("inplace_float_into_int", lambda L, a: a.long().add_(1.5), _float((2,)), "full"),
    ("eq_shape", lambda L, a, b: a == b, _float((2, 3), (2,)), "full"),
    ("unique_backward", lambda L, a: L.unique(a).sum().backward(), _float((3,)), "full"),
]


@pytest.mark.parametrize("case", ERRORS, ids=[c[0] for c in ERRORS])
def test_error(case):
    name, fn, xs, match = case
    rg = name in ("numpy_requires_grad", "unique_backward")
    compare_error(fn, *xs, requires_grad=rg, match=match)


def test_errors_leaf_inplace():
    compare_error(lambda L, a: a.add_(1), *_float((2,)), requires_grad=True)
    compare_error(lambda L, a: setitem(a, 0, 5.0), *_float((2,)), requires_grad=True)
    compare_error(lambda L, a: a.exp().sum().backward() or a.exp().backward(), *_float((2,)), requires_grad=True)


@pytest.mark.parametrize("key", [(slice(None), 0), 0, (slice(1, None), slice(None, None, 2)), [0, 1, 2], "mask"])
@pytest.mark.parametrize("vshape", [(2, 4), (1, 3, 4), (2, 3, 4), (5,), (1, 1, 4), (3, 1)])
def test_setitem_shape_errors(key, vshape):
    """``x[key] = value`` with values that do or do not broadcast: same result or same error."""
    def fn(L, a, v):
        k = a > 0 if key == "mask" else key
        a[k] = v
        return a

    x, v = arrays((3, 4), vshape)
    try:
        fn(torch, *leaves(torch, [x, v], False))
    except RuntimeError:
        compare_error(fn, x, v)
    else:
        compare(fn, x, v, requires_grad=False, grad=False)
