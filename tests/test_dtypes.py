"""Type promotion (dtypes.result_dtype): the dtype of every mixed-dtype result, as PyTorch's.

Each case is ``fn(lib, *tensors)`` run once with ``lib = autograd_lite`` and once with
``lib = torch`` on tensors built from the same numpy arrays (see ``harness.compare``).
"""
from __future__ import annotations

import numpy as np  # noqa: F401
import pytest

torch = pytest.importorskip("torch")

import autograd_lite  # noqa: E402,F401
from harness import P, arrays, assert_same_tensor, case_tests, compare, compare_error, leaves, rng, setitem, ties  # noqa: E402,F401


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
