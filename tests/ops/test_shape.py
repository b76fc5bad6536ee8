"""Shape and view ops, clone and dtype conversion (ops/shape.py) against PyTorch.

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
    ("clone", lambda L, a: a.clone(), [(2, 3)], {}),
    ("clone_fn", lambda L, a: L.clone(a.t()), [(2, 3)], {}),
    ("detach", lambda L, a: a.detach(), [(2, 3)], {}),
    ("detach_then_op", lambda L, a: a.detach() * a, [(2, 3)], {}),
    ("to_float", lambda L, a: a.float(), [(2, 3)], {}),
    ("to_double", lambda L, a: a.double(), [(2, 3)], {}),
    ("to_dtype", lambda L, a: a.to(L.float32) * 2, [(2, 3)], {}),
    ("to_long", lambda L, a: (a * 4).long(), [(2, 3)], {}),
]
test_op_float64, test_op_float32, test_op_no_grad = case_tests(CASES)
