"""Indexing (ops/indexing.py) against PyTorch.

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
]
test_op_float64, test_op_float32, test_op_no_grad = case_tests(CASES)
