"""The kept differences (known_differences.py) match their own reproducer, and only it."""
from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("torch")

from .known_differences import sort_out  # noqa: E402
from .programs import _close, check, Difference  # noqa: E402

KEPT_REPRODUCERS = {
    "rounding-at-zero": ["x = T.tensor([0.75, 0.35], requires_grad=True)", "v = F.layer_norm(x, (2,))",
                         "g, = T.autograd.grad(v.sum(), [x])"],
    "gelu-float32-inf": ["x = T.tensor([0.0, float('inf')])", "v = F.gelu(x)", "w = v + x"],
    "inplace-reads-own-view": [
        "x1 = T.tensor([[0.0, 1.0, 1.0], [-0.0, -0.0, -1.0], [1.0, 0.0, 1.0], [-1.0, 0.0, 0.0]], dtype=T.float64).t()",
        "v3 = x1.narrow(0, 1, 1)", "x1.div_(v3)", "v4 = x1.sum()"],
    "simd-zero-ties": ["x = T.tensor([-0.0] * 16 + [1.0] * 16)", "v = T.maximum(x, T.zeros(32))"],
    "unique-zero-representative": ["x = T.tensor([-0.0, 0.0] + [float(i) for i in range(1, 16)])",
                                   "v = T.unique(x)"],
}


@pytest.mark.parametrize("name", KEPT_REPRODUCERS)
def test_kept_difference_skips_its_reproducer(name):
    result = check(KEPT_REPRODUCERS[name])
    assert result.root is None and name in result.kept, (result.root, result.kept)


@pytest.mark.parametrize("lines", [
    ["x1 = T.tensor([1.0, -1.0], dtype=T.float64)", "x2 = T.tensor([-3, 0, -1, -2, 3, -1, 3, 2])",
     "v3 = T.expm1(x2)", "v6 = T.cat([v3, x1])"],
    ["x1 = T.tensor([1.72, 1.16, -0.48], dtype=T.float64)", "v2 = x1.argsort(-1)", "v4 = v2.logsumexp(0)",
     "v5 = v4 % x1"],
])
def test_float32_rounding_of_integers_promoted_to_float64(lines):
    """float32 made from integers (expm1's, logsumexp's last bit), then promoted to float64 (cat,
    ``%`` with a float64 tensor): float32 rounding, as the float32 tensors PyTorch's side held show."""
    result = check(lines)
    assert result.root is None and "float32-rounding" in result.kept, (result.root, result.kept)


def test_rounding_at_zero_propagates_to_values_only():
    """A residue where PyTorch has an exact 0 (softmax's gradient of a mean), raised to a power:
    NaN against 1 is the same kept difference; what is no value is still compared."""
    lines = ["x1 = T.tensor([0.46, -1.34, 0.73], dtype=T.float64, requires_grad=True)",
             "v3_0, = T.autograd.grad(x1.pow(2).sum(), [x1], create_graph=True, allow_unused=True)",
             "v5 = v3_0.softmax(0)", "v6_0, = T.autograd.grad(v5.mean(), [x1], create_graph=True, allow_unused=True)",
             "v8 = x1 ** v6_0"]
    result = check(lines)
    assert result.root is None and result.kept == ["rounding-at-zero"], (result.root, result.kept)
    residue = Difference(3, "value", "v6_0 (exact zero on one side, error 0.1 allowances)")
    later = [Difference(4, "value", "v8 (error inf allowances)"), Difference(4, "flags", "v8.requires_grad")]
    remaining, kept = sort_out([residue, *later], lines)
    assert remaining == later[1:] and kept == {"rounding-at-zero"}


def test_simd_zero_ties_propagate_to_what_reads_them():
    """The zero a vectorised maximum returns is read by later lines: the same kept difference."""
    lines = KEPT_REPRODUCERS["simd-zero-ties"] + ["w = T.where(x > 0, x, v)"]
    result = check(lines)
    assert result.root is None and result.kept == ["simd-zero-ties"], (result.root, result.kept)


@pytest.mark.parametrize("lines", [
    ["x = T.tensor([1.0, float('inf')])", "v = F.gelu(x, approximate='tanh')", "w = v.clamp(max=-0.0)"],
    ["x = T.tensor([[1.0, 2.0], [3.0, 4.0]])", "v = x[0:1]", "x.clamp_(min=-0.0)"],
    ["x = T.tensor([-0.0, 0.0, 1.0])", "v = T.maximum(x, T.tensor([0.0, -0.0, 1.0]))"],
])
def test_kept_differences_do_not_hide_others(lines):
    """Lines like a kept difference's that agree are no kept difference (nothing is skipped)."""
    assert check(lines).kept == []


def test_zeros_are_compared_exactly():
    """Both zero: the signs must agree; an exact zero on one side only is its own difference."""
    f32 = "float32"
    assert _close(np.array([0.0]), np.array([-0.0]), f32)[2] == "sign of zero"
    ok, err, how = _close(np.array([1e-9]), np.array([0.0]), f32)
    assert not ok and how.startswith("exact zero on one side") and err < 1
    assert not _close(np.array([0.0]), np.array([-1e-9]), f32)[0]
    assert _close(np.array([1.0 + 1e-9]), np.array([1.0]), f32)[0]
