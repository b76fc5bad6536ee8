"""Every op in API.md against PyTorch: values, dtype, shape, flags, grad_fn graph, repr, gradients, errors.

Each case is ``fn(lib, *tensors)`` run once with ``lib = autograd_lite`` and once with
``lib = torch`` on tensors built from the same numpy arrays (see ``conftest.compare``).
Shapes are non-square with distinct sizes, broadcasting and non-contiguous inputs
(transposed, strided) are included, so a wrong reduction or a transposed formula cannot pass.
"""
from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import autograd_lite  # noqa: E402
from conftest import assert_same_tensor, compare, compare_error, leaves, rng  # noqa: E402


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


# (id, fn, shapes or a callable giving the arrays, options for ``arrays``)
P = {"positive": True}
CASES = [
    # --- arithmetic, with broadcasting -----------------------------------------------------
    ("add", lambda L, a, b: L.add(a, b), [(3, 4), (3, 4)], {}),
    ("add_bcast_row", lambda L, a, b: a + b, [(2, 3), (3,)], {}),
    ("add_bcast_outer", lambda L, a, b: a + b, [(4, 1), (1, 5)], {}),
    ("add_bcast_3d", lambda L, a, b: a + b, [(2, 1, 3), (4, 3)], {}),
    ("add_alpha", lambda L, a, b: L.add(a, b, alpha=2.5), [(2, 3), (3,)], {}),
    ("add_scalar", lambda L, a: a + 2, [(2, 3)], {}),
    ("radd_scalar", lambda L, a: 2.5 + a, [(2, 3)], {}),
    ("add_method", lambda L, a, b: a.add(b), [(4, 1), (1, 5)], {}),
    ("sub", lambda L, a, b: L.sub(a, b), [(4, 1), (1, 5)], {}),
    ("sub_op", lambda L, a, b: a - b, [(2, 1, 3), (4, 3)], {}),
    ("sub_alpha", lambda L, a, b: a.sub(b, alpha=3), [(2, 3), (2, 3)], {}),
    ("sub_scalar", lambda L, a: a - 2, [(2, 3)], {}),
    ("rsub_scalar", lambda L, a: 2 - a, [(2, 3)], {}),
    ("mul", lambda L, a, b: L.mul(a, b), [(2, 1, 3), (4, 3)], {}),
    ("mul_op", lambda L, a, b: a * b, [(4, 1), (1, 5)], {}),
    ("mul_scalar", lambda L, a: a * 2, [(2, 3)], {}),
    ("rmul_scalar", lambda L, a: 2.5 * a, [(2, 3)], {}),
    ("mul_self", lambda L, a: a * a, [(2, 3)], {}),
    ("div", lambda L, a, b: L.div(a, b), [(2, 3), (3,)], P),
    ("div_op", lambda L, a, b: a / b, [(2, 1, 3), (4, 3)], P),
    ("div_scalar", lambda L, a: a / 4, [(2, 3)], {}),
    ("rdiv_scalar", lambda L, a: 2 / a, [(2, 3)], P),
    ("div_floor", lambda L, a, b: L.div(a, b, rounding_mode="floor"), [(2, 3), (2, 3)], P),
    ("pow_scalar", lambda L, a: L.pow(a, 2), [(2, 3)], {}),
    ("pow_op_scalar", lambda L, a: a ** 3, [(3, 2)], {}),
    ("pow_frac", lambda L, a: a ** 2.5, [(2, 3)], P),
    ("pow_neg", lambda L, a: a ** -1, [(2, 3)], P),
    ("pow_zero", lambda L, a: a ** 0, [(2, 3)], {}),
    ("pow_tensor", lambda L, a, b: L.pow(a, b), [(2, 3), (2, 3)], P),
    ("pow_tensor_bcast", lambda L, a, b: a ** b, [(4, 1), (1, 5)], P),
    ("pow_scalar_base", lambda L, a: 2 ** a, [(2, 3)], {}),
    ("pow_scalar_base_fn", lambda L, a: L.pow(2.5, a), [(2, 3)], {}),
    ("neg", lambda L, a: L.neg(a), [(2, 3)], {}),
    ("neg_op", lambda L, a: -a, [(2, 3)], {}),
    # --- unary math -----------------------------------------------------------------------
    ("abs", lambda L, a: L.abs(a), [(2, 3)], {}),
    ("abs_method", lambda L, a: a.abs(), [(3, 2)], {}),
    ("exp", lambda L, a: L.exp(a), [(2, 3)], {}),
    ("log", lambda L, a: L.log(a), [(2, 3)], P),
    ("sqrt", lambda L, a: L.sqrt(a), [(2, 3)], P),
    ("sin", lambda L, a: L.sin(a), [(2, 3)], {}),
    ("cos", lambda L, a: L.cos(a), [(2, 3)], {}),
    ("tanh", lambda L, a: L.tanh(a), [(2, 3)], {}),
    ("sigmoid", lambda L, a: L.sigmoid(a), [(2, 3)], {}),
    ("relu", lambda L, a: L.relu(a), [(2, 3)], {}),
    ("exp_method", lambda L, a: a.exp(), [(3, 2)], {}),
    ("log_method", lambda L, a: a.log(), [(3, 2)], P),
    ("tanh_method", lambda L, a: a.tanh(), [(3, 2)], {}),
    ("sigmoid_method", lambda L, a: a.sigmoid(), [(3, 2)], {}),
    ("relu_method", lambda L, a: a.relu(), [(3, 2)], {}),
    ("clamp_min", lambda L, a: L.clamp(a, min=-0.3), [(3, 4)], {}),
    ("clamp_max", lambda L, a: L.clamp(a, max=0.2), [(3, 4)], {}),
    ("clamp_both", lambda L, a: a.clamp(-0.5, 0.5), [(3, 4)], {}),
    ("clamp_at_bounds", lambda L, a: a.clamp(-2.0, 1.0), ties, {}),
    ("maximum", lambda L, a, b: L.maximum(a, b), [(2, 3), (3,)], {}),
    ("minimum", lambda L, a, b: L.minimum(a, b), [(4, 1), (1, 5)], {}),
    ("maximum_ties", lambda L, a: L.maximum(a, a.clamp(max=1.0)), ties, {}),
    ("minimum_ties", lambda L, a: L.minimum(a, a.clamp(min=0.5)), ties, {}),
    ("where", lambda L, a, b: L.where(a > 0, a, b), [(2, 3), (2, 3)], {}),
    ("where_bcast", lambda L, a, b: L.where(b > 0, a, b), [(4, 1), (1, 5)], {}),
    ("where_scalar", lambda L, a: L.where(a > 0, a, 0.0), [(2, 3)], {}),
    ("sign", lambda L, a: L.sign(a), [(2, 3)], {}),
    ("floor", lambda L, a: L.floor(a * 3), [(2, 3)], {}),
    # --- linear algebra -------------------------------------------------------------------
    ("matmul_1d_1d", lambda L, a, b: L.matmul(a, b), [(4,), (4,)], {}),
    ("matmul_2d_1d", lambda L, a, b: a @ b, [(3, 4), (4,)], {}),
    ("matmul_1d_2d", lambda L, a, b: a @ b, [(3,), (3, 4)], {}),
    ("matmul_2d_2d", lambda L, a, b: L.matmul(a, b), [(2, 3), (3, 4)], {}),
    ("matmul_3d_2d", lambda L, a, b: a @ b, [(2, 3, 4), (4, 5)], {}),
    ("matmul_3d_3d", lambda L, a, b: a @ b, [(2, 3, 4), (2, 4, 5)], {}),
    ("matmul_bcast", lambda L, a, b: a @ b, [(2, 1, 3, 4), (5, 4, 2)], {}),
    ("matmul_1d_3d", lambda L, a, b: a @ b, [(3,), (2, 3, 4)], {}),
    ("matmul_3d_1d", lambda L, a, b: a @ b, [(2, 3, 4), (4,)], {}),
    ("matmul_transposed", lambda L, a, b: a.t() @ b[:, ::2], [(3, 2), (3, 8)], {}),
    ("mm", lambda L, a, b: L.mm(a, b), [(2, 3), (3, 4)], {}),
    ("mm_method_nc", lambda L, a, b: a.t().mm(b.t()), [(3, 2), (4, 3)], {}),
    ("dot", lambda L, a, b: L.dot(a, b), [(5,), (5,)], {}),
    ("dot_method", lambda L, a, b: a.dot(b[::2]), [(3,), (6,)], {}),
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
    # --- joining and shapes ---------------------------------------------------------------
    ("cat", lambda L, a, b: L.cat([a, b]), [(2, 3), (4, 3)], {}),
    ("cat_dim1", lambda L, a, b: L.cat((a, b), dim=1), [(2, 3), (2, 5)], {}),
    ("cat_neg", lambda L, a, b, c: L.cat([a, b, c], -1), [(2, 1), (2, 3), (2, 2)], {}),
    ("stack", lambda L, a, b: L.stack([a, b]), [(2, 3), (2, 3)], {}),
    ("stack_dim1", lambda L, a, b, c: L.stack([a, b, c], dim=1), [(2, 3), (2, 3), (2, 3)], {}),
    ("stack_neg", lambda L, a, b: L.stack([a, b], -1), [(2, 3), (2, 3)], {}),
    ("reshape", lambda L, a: L.reshape(a, (3, 4)), [(2, 6)], {}),
    ("reshape_method", lambda L, a: a.reshape(4, -1), [(2, 6)], {}),
    ("reshape_nc", lambda L, a: a.t().reshape(-1), [(2, 6)], {}),
    ("flatten", lambda L, a: L.flatten(a), [(2, 3, 4)], {}),
    ("flatten_start", lambda L, a: a.flatten(1), [(2, 3, 4)], {}),
    ("flatten_range", lambda L, a: a.flatten(0, 1), [(2, 3, 4)], {}),
    ("flatten_nc", lambda L, a: a.transpose(0, 2).flatten(), [(2, 3, 4)], {}),
    ("transpose", lambda L, a: L.transpose(a, 0, 1), [(2, 3)], {}),
    ("transpose_3d", lambda L, a: a.transpose(-1, 0), [(2, 3, 4)], {}),
    ("unsqueeze", lambda L, a: L.unsqueeze(a, 1), [(2, 3)], {}),
    ("unsqueeze_neg", lambda L, a: a.unsqueeze(-1), [(2, 3)], {}),
    ("squeeze", lambda L, a: L.squeeze(a), [(2, 1, 3, 1)], {}),
    ("squeeze_dim", lambda L, a: a.squeeze(1), [(2, 1, 3, 1)], {}),
    ("squeeze_dim_noop", lambda L, a: a.squeeze(0), [(2, 1, 3)], {}),
    ("view", lambda L, a: a.view(3, 4), [(2, 6)], {}),
    ("view_infer", lambda L, a: a.view(-1, 2), [(2, 6)], {}),
    ("view_tuple", lambda L, a: a.view((4, 3)), [(2, 6)], {}),
    ("expand", lambda L, a: a.expand(4, 3), [(1, 3)], {}),
    ("expand_new_dims", lambda L, a: a.expand(2, 4, -1), [(4, 1)], {}),
    ("permute", lambda L, a: a.permute(2, 0, 1), [(2, 3, 4)], {}),
    ("permute_tuple", lambda L, a: L.permute(a, (1, 2, 0)), [(2, 3, 4)], {}),
    ("t", lambda L, a: a.t(), [(2, 3)], {}),
    ("t_fn", lambda L, a: L.t(a), [(4, 3)], {}),
    ("T", lambda L, a: a.T, [(2, 3)], {}),
    ("unique", lambda L, a: L.unique(a.floor()), [(3, 4)], {"grad": False}),
    # --- indexing -------------------------------------------------------------------------
    ("index_int", lambda L, a: a[0], [(3, 4)], {}),
    ("index_neg_int", lambda L, a: a[-1], [(3, 4)], {}),
    ("index_col", lambda L, a: a[:, 1], [(3, 4)], {}),
    ("index_slice_step", lambda L, a: a[1:, ::2], [(3, 4)], {}),
    ("index_int_int", lambda L, a: a[1, 2], [(3, 4)], {}),
    ("index_mask", lambda L, a: a[a > 0], [(3, 4)], {}),
    ("index_row_mask", lambda L, a: a[a[:, 0] > 0], [(5, 3)], {}),
    ("index_list", lambda L, a: a[[0, 2]], [(3, 4)], {}),
    ("index_list_repeat", lambda L, a: a[[0, 2, 0]], [(3, 4)], {}),
    ("index_long_tensor", lambda L, a: a[L.tensor([2, 0])], [(3, 4)], {}),
    ("index_none", lambda L, a: a[None], [(3, 4)], {}),
    ("index_ellipsis", lambda L, a: a[..., 0], [(2, 3, 4)], {}),
    ("index_mixed", lambda L, a: a[1:, [0, 2]], [(3, 4)], {}),
    ("index_nc", lambda L, a: a.t()[1], [(3, 4)], {}),
    # --- __setitem__, clone, detach, dtype conversion -----------------------------------------
    ("setitem_int", lambda L, a: _setitem(a * 1, 0, 5.0), [(3, 4)], {}),
    ("setitem_slice_tensor", lambda L, a, b: _setitem(a.clone(), (slice(None), 1), b), [(3, 4), (3,)], {}),
    ("setitem_mask", lambda L, a: _setitem(a.clone(), a > 0, 0.0), [(3, 4)], {}),
    ("setitem_list", lambda L, a, b: _setitem(a * 2, [0, 2], b), [(3, 4), (4,)], {}),
    ("clone", lambda L, a: a.clone(), [(2, 3)], {}),
    ("clone_fn", lambda L, a: L.clone(a.t()), [(2, 3)], {}),
    ("detach", lambda L, a: a.detach(), [(2, 3)], {}),
    ("detach_then_op", lambda L, a: a.detach() * a, [(2, 3)], {}),
    ("to_float", lambda L, a: a.float(), [(2, 3)], {}),
    ("to_double", lambda L, a: a.double(), [(2, 3)], {}),
    ("to_dtype", lambda L, a: a.to(L.float32) * 2, [(2, 3)], {}),
    ("to_long", lambda L, a: (a * 4).long(), [(2, 3)], {}),
]


def _setitem(t, key, value):
    t[key] = value
    return t


def _run_case(case, dtype):
    name, fn, shapes, opts = case
    opts = dict(opts)
    grad = opts.pop("grad", True)
    xs = shapes(dtype) if callable(shapes) else arrays(*shapes, dtype=dtype, **opts)
    compare(fn, *xs, grad=grad)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_op_float64(case):
    """float64 inputs that require grad: values, flags, graph, repr and gradients."""
    _run_case(case, np.float64)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_op_float32(case):
    """The same cases in float32, the default dtype: printed form and dtypes as learners see them."""
    _run_case(case, np.float32)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_op_no_grad(case):
    """Inputs that do not require grad: no grad_fn, requires_grad False, same values."""
    name, fn, shapes, opts = case
    opts = {k: v for k, v in opts.items() if k != "grad"}
    xs = shapes(np.float32) if callable(shapes) else arrays(*shapes, dtype=np.float32, **opts)
    compare(fn, *xs, requires_grad=False, grad=False)


def test_op_mixed_requires_grad():
    """Only the second input requires grad: the first edge is (None, 0)."""
    for fn in (lambda L, a, b: a * b, lambda L, a, b: a + b, lambda L, a, b: a @ b.t(),
               lambda L, a, b: L.where(a > 0, a, b), lambda L, a, b: L.cat([a, b])):
        a, b = arrays((2, 3), (2, 3))
        compare(fn, a, b, requires_grad=[False, True])
        compare(fn, a, b, requires_grad=[True, False])


# --- Type promotion: dtype of the result (values compared exactly for ints and bools) ---------

def _ints(*shapes, seed=3):
    r = rng(seed)
    return [r.integers(-5, 6, s).astype(np.int64) for s in shapes]


PROMOTION = [
    ("int_mul_float_scalar", lambda L, a: a * 2.5, lambda: _ints((2, 3))),
    ("int_add_int_scalar", lambda L, a: a + 2, lambda: _ints((2, 3))),
    ("int_div_int", lambda L, a, b: a / b, lambda: [_ints((2, 3))[0], np.array([1, 2, 4], np.int64)]),
    ("int_div_scalar", lambda L, a: a / 2, lambda: _ints((2, 3))),
    ("int_floor_div", lambda L, a: L.div(a, 2, rounding_mode="floor"), lambda: _ints((2, 3))),
    ("float32_add_float64_0d", lambda L, a, b: a + b,
     lambda: [np.ones((2, 3), np.float32), np.array(2.5)]),
    ("float64_0d_add_float32", lambda L, a, b: b + a,
     lambda: [np.ones((2, 3), np.float32), np.array(2.5)]),
    ("float32_add_float64", lambda L, a, b: a + b, lambda: [np.ones((2, 3), np.float32), np.ones(3)]),
    ("int_add_float32", lambda L, a, b: a + b, lambda: [_ints((2, 3))[0], np.ones(3, np.float32)]),
    ("int_0d_add_float32", lambda L, a, b: a + b, lambda: [np.array(3), np.ones(3, np.float32)]),
    ("float_0d_add_int", lambda L, a, b: a + b, lambda: [np.array(1.5), _ints((3,))[0]]),
    ("bool_add_int", lambda L, a, b: a + b, lambda: [np.array([True, False, True]), _ints((3,))[0]]),
    ("bool_add_int_scalar", lambda L, a: a + 1, lambda: [np.array([True, False, True])]),
    ("bool_mul_float_scalar", lambda L, a: a * 1.5, lambda: [np.array([True, False, True])]),
    ("int_add_bool_scalar", lambda L, a: a + True, lambda: _ints((3,))),
    ("bool_sum", lambda L, a: a.sum(), lambda: [np.array([True, False, True])]),
    ("int_sum", lambda L, a: a.sum(1), lambda: _ints((2, 3))),
    ("int_prod", lambda L, a: a.prod(), lambda: _ints((2, 3))),
    ("int_max", lambda L, a: a.max(), lambda: _ints((2, 3))),
    ("int_max_dim", lambda L, a: a.max(1), lambda: _ints((2, 3))),
    ("int_exp", lambda L, a: L.exp(a), lambda: _ints((2, 3))),
    ("int_sqrt", lambda L, a: L.sqrt(a.abs()), lambda: _ints((2, 3))),
    ("int_sigmoid", lambda L, a: L.sigmoid(a), lambda: _ints((2, 3))),
    ("int_abs_neg", lambda L, a: -L.abs(a), lambda: _ints((2, 3))),
    ("int_pow", lambda L, a: a ** 2, lambda: _ints((2, 3))),
    ("int_pow_float", lambda L, a: a ** 0.5, lambda: [np.array([1, 4, 9])]),
    ("int_rpow", lambda L, a: 2 ** a.abs(), lambda: _ints((2, 3))),
    ("int_clamp", lambda L, a: a.clamp(-1, 2), lambda: _ints((2, 3))),
    ("int_clamp_float", lambda L, a: a.clamp(min=-0.5), lambda: _ints((2, 3))),
    ("int_relu", lambda L, a: L.relu(a), lambda: _ints((2, 3))),
    ("int_sign", lambda L, a: L.sign(a), lambda: _ints((2, 3))),
    ("int_floor", lambda L, a: L.floor(a), lambda: _ints((2, 3))),
    ("int_maximum_float", lambda L, a, b: L.maximum(a, b), lambda: [_ints((3,))[0], np.zeros(3, np.float32)]),
    ("int_where_float", lambda L, a: L.where(a > 0, a, 0.5), lambda: _ints((2, 3))),
    ("int_cat_float", lambda L, a, b: L.cat([a, b]), lambda: [_ints((2, 3))[0], np.ones((1, 3), np.float32)]),
    ("int_stack_float", lambda L, a, b: L.stack([a, b]), lambda: [_ints((3,))[0], np.ones(3, np.float32)]),
    ("int_matmul", lambda L, a, b: a @ b, lambda: _ints((2, 3), (3, 4))),
    ("int_softmax", lambda L, a: L.softmax(a.float(), 0), lambda: _ints((3,))),
    ("int_eq_float", lambda L, a: a == 1.0, lambda: _ints((2, 3))),
    ("int_lt_scalar", lambda L, a: a < 1, lambda: _ints((2, 3))),
    ("int_argmax", lambda L, a: a.argmax(), lambda: _ints((2, 3))),
    ("int_unique", lambda L, a: L.unique(a), lambda: _ints((2, 3))),
    ("bool_logical", lambda L, a: (a > 0) & (a < 3), lambda: _ints((2, 3))),
    ("int_to_float", lambda L, a: a.float(), lambda: _ints((2, 3))),
    ("float_to_long", lambda L, a: (a * 3).long(), lambda: arrays((2, 3))),
    ("int_isnan", lambda L, a: L.isnan(a), lambda: _ints((2, 3))),
    ("float_mod", lambda L, a: a % 1.0, lambda: arrays((2, 3))),
]


@pytest.mark.parametrize("case", PROMOTION, ids=[c[0] for c in PROMOTION])
def test_promotion(case):
    name, fn, make = case
    compare(fn, *make(), requires_grad=False, grad=False)


# --- Comparisons and predicates ------------------------------------------------------------

COMPARE = [
    ("eq", lambda L, a, b: L.eq(a, b)), ("ne", lambda L, a, b: L.ne(a, b)), ("gt", lambda L, a, b: L.gt(a, b)),
    ("lt", lambda L, a, b: L.lt(a, b)), ("ge", lambda L, a, b: L.ge(a, b)), ("le", lambda L, a, b: L.le(a, b)),
    ("eq_op", lambda L, a, b: a == b), ("ne_op", lambda L, a, b: a != b), ("gt_op", lambda L, a, b: a > b),
    ("lt_op", lambda L, a, b: a < b), ("ge_op", lambda L, a, b: a >= b), ("le_op", lambda L, a, b: a <= b),
    ("ge_method", lambda L, a, b: a.ge(b)), ("eq_scalar", lambda L, a, b: a == 1.0),
    ("gt_scalar", lambda L, a, b: a > 0), ("rlt_scalar", lambda L, a, b: 0 < a),
]


@pytest.mark.parametrize("case", COMPARE, ids=[c[0] for c in COMPARE])
@pytest.mark.parametrize("requires_grad", [False, True])
def test_compare(case, requires_grad):
    a = np.array([[1., 2., 3.], [0., -1., 1.]])
    b = np.array([1., 0., 3.])
    compare(case[1], a, b, requires_grad=requires_grad, grad=False)


@pytest.mark.parametrize("args", [((1.0, 2.0), (1.0, 2.0000001), {}), ((1.0, 2.0), (1.0, 2.1), {}),
                                  ((1.0, 2.0), (1.0, 2.1), {"atol": 0.2}), ((1.0, 2.0), (1.1, 2.0), {"rtol": 0.2}),
                                  ((float("nan"),), (float("nan"),), {}),
                                  ((float("nan"),), (float("nan"),), {"equal_nan": True})])
def test_allclose(args):
    a, b, kw = args
    assert autograd_lite.allclose(autograd_lite.tensor(a), autograd_lite.tensor(b), **kw) is \
        torch.allclose(torch.tensor(a), torch.tensor(b), **kw)
    assert autograd_lite.tensor(a).allclose(autograd_lite.tensor(b), **kw) is \
        torch.tensor(a).allclose(torch.tensor(b), **kw)


def test_isnan_sign_floor_special_values():
    x = np.array([float("nan"), -0.0, 0.0, -1.5, 2.5, float("inf"), -float("inf")])
    compare(lambda L, a: L.isnan(a), x, requires_grad=False, grad=False)
    compare(lambda L, a: a.isnan(), x, requires_grad=True, grad=False)
    compare(lambda L, a: L.sign(a), x, requires_grad=False, grad=False)
    compare(lambda L, a: L.floor(a), x, requires_grad=False, grad=False)


def test_unique_options():
    x = np.array([3, 1, 2, 3, 1, 5])
    compare(lambda L, a: L.unique(a, return_inverse=True, return_counts=True), x, requires_grad=False,
            grad=False)
    compare(lambda L, a: a.unique(return_counts=True), x.astype(np.float64), requires_grad=True, grad=False)


# --- Conversions: item, tolist, numpy ---------------------------------------------------------

@pytest.mark.parametrize("data", [[[1.5, 2.0], [3.0, -4.0]], [1, 2, 3], [True, False], 2.5, 7, True])
def test_item_tolist_numpy(data):
    ours, theirs = autograd_lite.tensor(data), torch.tensor(data)
    assert ours.tolist() == theirs.tolist()
    assert type(ours.tolist()) is type(theirs.tolist())
    n, m = ours.numpy(), theirs.numpy()
    assert n.dtype == m.dtype and n.shape == m.shape
    np.testing.assert_array_equal(n, m)
    if theirs.numel() == 1:
        assert ours.item() == theirs.item() and type(ours.item()) is type(theirs.item())
    flat = ours.reshape(-1)[:1]
    assert flat.item() == theirs.reshape(-1)[:1].item()


def test_numpy_shares_memory_and_item_of_grad_tensor():
    x = autograd_lite.tensor([1.0, 2.0])
    x.numpy()[0] = 5.0
    assert x.tolist() == [5.0, 2.0]
    y = autograd_lite.tensor([1.5], requires_grad=True)
    t = torch.tensor([1.5], requires_grad=True)
    assert (y * 2).item() == (t * 2).item()
    assert (y * 2).tolist() == (t * 2).tolist()
    assert y.detach().numpy().tolist() == t.detach().numpy().tolist()


def test_float_double_long_to_identity():
    """Converting to the dtype a tensor already has returns the tensor itself, as in PyTorch."""
    for lib in (autograd_lite, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        assert x.float() is x and x.to(lib.float32) is x
        d = lib.tensor([1.0], dtype=lib.float64)
        assert d.double() is d
        i = lib.tensor([1, 2])
        assert i.long() is i
    a, t = autograd_lite.tensor([1.0]), torch.tensor([1.0])
    assert str(a.to("cpu", autograd_lite.float64).dtype) == str(t.to("cpu", torch.float64).dtype)
    assert str(a.to(dtype=autograd_lite.int64).dtype) == str(t.to(dtype=torch.int64).dtype)


def test_setitem_on_leaf_without_grad_and_version():
    for lib in (autograd_lite, torch):
        pass
    ours = leaves(autograd_lite, arrays((3, 4)), False)[0]
    theirs = leaves(torch, arrays((3, 4)), False)[0]
    for x in (ours, theirs):
        x[0] = 1.0
        x[:, 1] = x[:, 2]
        x[x > 1.5] = -1.0
        x[[1, 2], 0] = 7.0
    assert_same_tensor(ours, theirs)
    assert ours._version == theirs._version


def test_setitem_grad_flows_to_value_and_base():
    """``y[1:, ::2] = v`` on a non-leaf: the gradient reaches v through the slice and y elsewhere."""
    def fn(L, a, v):
        y = a * 3
        y[1:, ::2] = v
        return y.exp()

    compare(fn, *arrays((3, 4), (2, 2)))


def test_inplace_methods_on_nonleaf():
    def fn(L, a, b):
        y = a * 1
        y.add_(b)
        y.mul_(2.0)
        y.sub_(b, alpha=0.5)
        y.div_(3.0)
        y.clamp_(-0.5, 0.5)
        return y

    compare(fn, *arrays((2, 3), (3,)))


# --- Errors: the same type and message as PyTorch -------------------------------------------------

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
    ("setitem_shape", lambda L, a, b: _setitem(a, (slice(None), 0), b), _float((3, 4), (4,)), "full"),
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
    compare_error(lambda L, a: _setitem(a, 0, 5.0), *_float((2,)), requires_grad=True)
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


@pytest.mark.parametrize("name", ["add", "sub", "mul", "div", "maximum"])
def test_broadcast_mismatch_is_one_error(name):
    """PyTorch's message alone: numpy's "could not be broadcast" must not show before it."""
    compare_error(lambda lib, a, b: getattr(lib, name)(a, b), rng().standard_normal((2, 3)),
                  rng().standard_normal(4), requires_grad=True)


def test_where_broadcast_mismatch_is_one_error():
    compare_error(lambda lib, c, a, b: lib.where(c > 0, a, b), rng().standard_normal((2, 3)),
                  rng().standard_normal((2, 3)), rng().standard_normal(4))
