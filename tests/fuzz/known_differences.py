"""Differences from PyTorch that autograd_lite keeps on purpose, each with its reason.

This is the one list of them. The differential fuzzer (``programs.py``) and the misuse
corpus skip exactly what an entry here matches, and nothing else. It is for
intentional differences only: a bug is never listed here (known bugs are
``xfail(strict=True)`` in ``test_fuzz.py``, keyed by their DIFFERENCES row, until fixed).

Each entry is a predicate over one difference (see ``programs.Difference``) and the
program's lines; its docstring is the reason.
"""
from __future__ import annotations

import re
from typing import Callable

import numpy as np

# Differences in float results below this many allowances (``programs.ULPS`` epsilons
# of the tensor's scale) are float rounding; above it they are wrong answers.
ROUNDING_LIMIT = 1e3


def float32_rounding(d, lines: list[str]) -> bool:
    """Last-bit float32 rounding, amplified by later operations.

    autograd_lite computes with numpy's kernels, PyTorch with its own vectorised ones
    (different summation orders, erf/exp/cosh approximations, ``-g*a/(b*b)`` against
    ``-g*((a/b)/b)`` in div's backward). Matching PyTorch bit for bit would mean
    copying its kernels, not its semantics. A float32 difference counts as rounding
    when it stays within ``ROUNDING_LIMIT`` x 64 epsilons of the tensor's largest
    magnitude (about 8e-3 relative); anything larger is reported. A float64 result
    computed from float32 data gets the same allowance measured in float32 epsilons;
    float64 computed from float64 data gets none beyond the comparison's 64 epsilons.
    """
    if d.kind not in ("value", "grad"):
        return False
    m = re.search(r"\(error ([0-9.e+-]+) allowances\)", d.detail)
    if not m:
        return False
    err = float(m.group(1))
    if "float32" in d.theirs:
        return err <= ROUNDING_LIMIT
    # a float64 result of float32 data (x.double(), or promotion with a float64 operand)
    # carries the float32 rounding: judge it by float32's epsilon
    return _has_float32_data(lines[: d.line + 1]) and err * EPS64 / EPS32 <= ROUNDING_LIMIT


EPS32, EPS64 = float(np.finfo(np.float32).eps), float(np.finfo(np.float64).eps)


def _has_float32_data(lines: list[str]) -> bool:
    """Whether float32 tensors appear before the line (float literals without a dtype are float32)."""
    return any(".float()" in line or (re.search(r"T\.tensor\(\[.*\d\.\d", line) and "dtype=" not in line)
               for line in lines)


def rounding_at_zero(d, lines: list[str]) -> bool:
    """A result that is mathematically zero: exactly 0 on one side, a rounding residue on the other.

    ``x / x``'s gradient ``g/x - g*((x/x)/x)``, softmax's ``y * (g - sum(g*y))`` under a
    constant ``g``, layer norm's gradient of a sum: each cancels to zero in exact
    arithmetic, and whether the float result is exactly 0 or a few epsilons off depends on
    the last bit of each term (PyTorch's vectorised exp and its summation order against
    numpy's). Matching which ones come out exactly 0 would mean copying those kernels. Kept
    only while the residue stays within the comparison's own allowance (64 epsilons of the
    tensor's scale, at least 1); a larger value against an exact zero is reported.
    """
    if d.kind not in ("value", "grad"):
        return False
    m = re.search(r"\(exact zero on one side, error ([0-9.e+-]+) allowances\)", d.detail)
    return bool(m) and float(m.group(1)) <= 1.0


KEPT: dict[str, Callable] = {
    "float32-rounding": float32_rounding,
    "rounding-at-zero": rounding_at_zero,
}


def kept_difference(d, lines: list[str]) -> str | None:
    """The id of the kept difference that covers ``d``, or None."""
    for name, pred in KEPT.items():
        if pred(d, lines):
            return name
    return None
