"""Linear algebra (ops/linalg.py) against PyTorch.

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
]
test_op_float64, test_op_float32, test_op_no_grad = case_tests(CASES)
