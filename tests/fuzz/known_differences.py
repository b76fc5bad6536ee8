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
    # a float64 result of float32 data (x.double(), or promotion with a float64 operand; the
    # float32 may come from a float op on integers) carries the float32 rounding: judge it by
    # float32's epsilon when a float32 tensor existed by then
    return d.float32_seen and err * EPS64 / EPS32 <= ROUNDING_LIMIT


EPS32, EPS64 = float(np.finfo(np.float32).eps), float(np.finfo(np.float64).eps)


def rounding_at_zero(d, lines: list[str]) -> bool:
    """A result that is mathematically zero: exactly 0 on one side, a rounding residue on the other.

    ``x / x``'s gradient ``g/x - g*((x/x)/x)``, softmax's ``y * (g - sum(g*y))`` under a
    constant ``g``, layer norm's gradient of a sum: each cancels to zero in exact
    arithmetic, and whether the float result is exactly 0 or a few epsilons off depends on
    the last bit of each term (PyTorch's vectorised exp and its summation order against
    numpy's). So does ``float64_0d - float32_tensor``: PyTorch rounds the 0-d operand to
    float32 before it subtracts, numpy subtracts in float64 and rounds the result (one
    rounding, at a different place; computing in PyTorch's dtype would cost every mixed
    operation a cast on the hot path). Matching which results come out exactly 0 would
    mean copying those kernels. Kept only while the residue stays within the comparison's
    own allowance (64 epsilons of the tensor's scale, at least 1); a larger value against
    an exact zero is reported.
    """
    if d.kind not in ("value", "grad"):
        return False
    m = re.search(r"\(exact zero on one side, error ([0-9.e+-]+) allowances\)", d.detail)
    return bool(m) and float(m.group(1)) <= 1.0


def gelu_float32_inf(d, lines: list[str]) -> bool:
    """``F.gelu`` (exact form) of float32 ``+inf``: PyTorch gives NaN on its vectorised path.

    PyTorch's float32 GELU kernel evaluates erf with a polynomial times ``exp(-x*x)``, which
    is ``inf * 0 = NaN`` at ``+inf``, but only for elements it processes in SIMD registers:
    a lone element or a strided row takes the scalar path and gives ``inf``, as float64
    does (and as ``x * 0.5 * (1 + erf(x / sqrt 2))`` is). Which elements are vectorised
    depends on the layout and the CPU's vector width, so autograd_lite keeps ``inf``.
    """
    return (d.kind == "value" and "error inf allowances" in d.detail and d.theirs.startswith("float32")
            and re.search(r"\bF\.gelu\((?![^)]*approximate)", lines[d.line]) is not None
            and "nan" in d.theirs and "inf" in d.ours)


_VIEW = (r"(\[|\.(narrow|select|t|T|mT|transpose|permute|view|view_as|expand|expand_as|squeeze|unsqueeze|"
         r"diagonal|unfold|as_strided|flatten|unflatten|movedim|swapaxes|swapdims|real|detach)\b)")


def inplace_reads_own_view(d, lines: list[str]) -> bool:
    """An in-place op whose other operand is a view of the tensor it writes, overlapping it.

    PyTorch refuses a partial overlap only when both tensors are dense; otherwise its kernel
    reads the operand while it writes, element by element: whether a later element sees the
    operand already updated depends on the order its loop visits memory and on which
    elements its SIMD path loads ahead (``x.t().div_(x.t()[1:2])`` of a 4 x n tensor gives
    different values for n = 5 and n = 17). autograd_lite computes the result from the
    operands as they were before the op (the value the op is defined to have).
    """
    m = re.match(r"\s*(\w+)\.\w+_\((\w+)\b", lines[d.line])
    if d.kind != "value" or not m:
        return False
    target, other = m.groups()
    return any(re.match(rf"\s*{other}\s*=\s*{target}{_VIEW}", line) for line in lines[:d.line])


def unique_zero_representative(d, lines: list[str]) -> bool:
    """``T.unique``: which of ``0.`` and ``-0.`` stands for their group in a large input.

    Both libraries sort and keep one value per run of equal values. PyTorch sorts with
    ``std::sort``, which is stable only below 17 elements (insertion sort); above, the
    zero it keeps depends on introsort's partitioning. autograd_lite sorts stably and keeps
    the first zero met, PyTorch's answer for small inputs.
    """
    return d.kind == "value" and "(sign of zero)" in d.detail and re.search(r"\bT\.unique\(|\.unique\(", lines[d.line]) is not None


def _simd_width(dtype: str) -> int:
    """Elements of ``dtype`` in one of this CPU's vector registers, as PyTorch's kernels use them."""
    import torch
    bits = 512 if torch.backends.cpu.get_cpu_capability().startswith("AVX512") else 256
    return bits // (32 if dtype == "float32" else 64)


def simd_zero_ties(d, lines: list[str]) -> bool:
    """``T.maximum``/``T.minimum`` of ``-0.`` and ``0.``: which one PyTorch returns depends on the CPU.

    Its scalar loop keeps the first operand of a tie (``std::max``), as autograd_lite does;
    its vectorised loop (``_mm512_max_ps``, on runs of a register's width and more) keeps the
    second. Kept only for a sign of zero in a result of at least one register's width; a
    later line that reads that result (``T.where(x > 0, x, v)``) carries the same zero.
    """
    m = re.match(r"(float32|float64)\[([0-9, ]*)\]", d.theirs)
    if d.kind != "value" or "(sign of zero)" not in d.detail or not m:
        return False
    numel = int(np.prod([int(n) for n in m.group(2).split(",") if n.strip()]))
    return (re.search(r"\bT\.(maximum|minimum)\(|\.(maximum|minimum)\(", lines[d.line]) is not None
            and numel >= _simd_width(m.group(1)))


KEPT: dict[str, Callable] = {
    "simd-zero-ties": simd_zero_ties,
    "unique-zero-representative": unique_zero_representative,
    "inplace-reads-own-view": inplace_reads_own_view,
    "gelu-float32-inf": gelu_float32_inf,
    "float32-rounding": float32_rounding,
    "rounding-at-zero": rounding_at_zero,
}


# Kept differences that change a value rather than round it: what a later line computes
# from that value differs too, and is the same difference one step later (a value: flags,
# errors and graphs do not depend on it). A rounding residue where PyTorch has an exact zero
# is one (``x ** residue`` is NaN for a negative ``x``, ``x ** 0`` is 1).
PROPAGATING = {"gelu-float32-inf", "inplace-reads-own-view", "simd-zero-ties", "rounding-at-zero"}


def sort_out(found: list, lines: list[str]) -> tuple[list, set[str]]:
    """The differences not kept, and the ids of the kept ones skipped (``found`` in line order).

    A value difference on a line that reads a variable changed by a propagating kept difference
    (or by such a consequence) counts as that kept difference.
    """
    remaining, kept, tainted = [], set(), {}
    for d in found:
        name = kept_difference(d, lines) or next(
            (n for var, n in tainted.items() if d.kind in ("value", "grad")
             and re.search(rf"(?<![\w.]){re.escape(var)}\b", lines[d.line])), None)
        if name is None:
            remaining.append(d)
            continue
        kept.add(name)
        if name in PROPAGATING:
            tainted[d.detail.split(" ")[0]] = name
    return remaining, kept


def kept_difference(d, lines: list[str]) -> str | None:
    """The id of the kept difference that covers ``d``, or None."""
    for name, pred in KEPT.items():
        if pred(d, lines):
            return name
    return None
