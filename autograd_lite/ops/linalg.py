"""Linear algebra: mm, addmm, mv, dot, bmm, matmul (which folds to mm as PyTorch does) and einsum.
"""
from __future__ import annotations

import builtins
import math

import numpy as np

from .. import dtypes, errors, layout
from ..dtypes import result_dtype
from ..creation import zeros
from ..function import BackwardFunction, Function
from ..tensor import _wrap_dim, Tensor, tensor_method
from ._common import _check_shapes_broadcast, _new, _t
from .arithmetic import _save_operands
from .comparison import tensors_only
from ..views import _view_of
from .shape import expand, reshape, SqueezeInPlace, UnsafeView


def _names(dts: tuple, c_names: bool = False) -> list[str]:
    to_name = dtypes.c_type_name if c_names else dtypes.scalar_type_name
    return [to_name(dtypes.from_numpy_dtype(dt)) for dt in dts]


# op -> (its mixed-dtype message from the operands' dtypes, the CPU kernel named when it refuses bool,
#        whether the kernel is chosen by the first operand's dtype before the dtypes are compared)
_MATMUL_RULES = {
    "mm": (lambda a, b: "expected m1 and m2 to have the same dtype, but got: {} != {}".format(*_names((a, b), True)),
           "addmm_impl_cpu_", False),
    "addmm": (lambda bias, a, b: "{} and mat2 must have the same dtype, but got {} and {}".format(
        "self" if bias != b else "mat1", *_names((bias if bias != b else a, b))), "addmm_impl_cpu_", False),
    "mv": (lambda a, v: "addmv input tensors must have the same dtype, but got {}, {}, and {}".format(
        *_names((v, a, v))), "addmv_impl_cpu", False),
    "dot": (lambda a, b: "dot : expected both vectors to have same dtype, but found {} and {}".format(
        *_names((a, b))), "dot", False),
    "bmm": (lambda a, b: "expected scalar type {} but found {}".format(*_names((a, b))), "bmm", True),
}


def _check_matmul_operands(op: str, *dts: np.dtype, empty: bool = False) -> None:
    """The one dtype rule of the matmul family: its kernels compute in one dtype, so PyTorch refuses
    mixed dtypes (each op with its own message; numpy would silently promote) and has no bool kernel
    (an ``empty`` product returns before reaching it)."""
    first = dts[0]
    if first.kind != "b" and dts.count(first) == len(dts):  # the common case: nothing to refuse
        return
    message, kernel, kernel_first = _MATMUL_RULES[op]
    if kernel_first and first.kind == "b":
        raise NotImplementedError(errors.not_implemented_for(kernel, "Bool"))
    if any(dt != first for dt in dts):
        raise RuntimeError(message(*dts))
    if first.kind == "b" and not empty:
        raise NotImplementedError(errors.not_implemented_for(kernel, "Bool"))


def _check_mm_shapes(a: Tensor, b: Tensor) -> None:
    """mm and addmm: the inner sizes must agree."""
    if a._data.shape[1] != b._data.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({a._data.shape[0]}x{a._data.shape[1]} and "
                           f"{b._data.shape[0]}x{b._data.shape[1]})")


def _save_mm(ctx: BackwardFunction, a: Tensor, b: Tensor, first: int = 0) -> None:
    """What mm's backward needs, as PyTorch keeps it: each operand for the other's gradient, both
    sizes, and the strides of an operand that gets a gradient (its gradient is laid out alike)."""
    need_a, need_b = ctx.needs_input_grad[first:first + 2]
    ctx.save_for_backward(a if need_b else None, b if need_a else None)
    ctx.sizes = a._data.shape, b._data.shape
    ctx.strides = layout.strides_of(a._data) if need_a else (), layout.strides_of(b._data) if need_b else ()


def _column_major(sizes: tuple, strides: tuple) -> bool:
    """A transposed-contiguous matrix: mm's gradient for it is computed transposed, so that it is laid out alike."""
    return strides == (1, sizes[0])


def _mm_backward(ctx: BackwardFunction, grad: Tensor, need_a: bool, need_b: bool) -> tuple:
    """The gradient of ``a @ b`` (mm's and addmm's): ``grad @ b.T`` for a, ``a.T @ grad`` for b, each
    computed as the transpose of the transposed product when its operand was column-major
    (``mm_mat1_backward``/``mm_mat2_backward``: PyTorch's layout choice)."""
    a, b = ctx.saved_tensors
    (size_a, size_b), (strides_a, strides_b) = ctx.sizes, ctx.strides
    ga = gb = None
    if need_a:
        ga = Mm.apply(b, grad.t()).t() if _column_major(size_a, strides_a) else Mm.apply(grad, b.t())
    if need_b:
        gb = Mm.apply(grad.t(), a).t() if _column_major(size_b, strides_b) else Mm.apply(a.t(), grad)
    return ga, gb


def _gemm(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b`` of two matrices with the zeros PyTorch's BLAS call gives: with a single inner
    term (k = 1) gemm writes each product as it is, -0. included, where numpy's sum starts
    from +0; a row or column vector goes to gemv, which sums from +0 like numpy."""
    if a.shape[1] == 1 and a.shape[0] > 1 and b.shape[1] > 1:
        return a * b  # the outer product: (m, 1) * (1, n)
    return a @ b


class Mm(Function):
    node_name = "MmBackward0"

    @staticmethod
    def forward(ctx, a, b):
        x, y = a._data, b._data
        if x.ndim != 2:
            raise RuntimeError("self must be a matrix")
        if y.ndim != 2:
            raise RuntimeError("mat2 must be a matrix")
        _check_mm_shapes(a, b)
        _check_matmul_operands("mm", x.dtype, y.dtype, empty=not (x.size and y.size))
        _save_mm(ctx, a, b)
        return _new(_gemm(x, y))

    @staticmethod
    def backward(ctx, grad):
        return _mm_backward(ctx, grad, *ctx.needs_input_grad)


@tensors_only()
def mm(input: Tensor, mat2: Tensor) -> Tensor:
    return Mm.apply(input, mat2)


class Addmm(Function):
    """``bias + a @ b``: what ``nn.functional.linear`` records for a batch of inputs."""

    node_name = "AddmmBackward0"

    @staticmethod
    def forward(ctx, bias, a, b):
        _check_mm_shapes(a, b)
        _check_matmul_operands("addmm", bias._data.dtype, a._data.dtype, b._data.dtype)
        _save_mm(ctx, a, b, first=1)
        x, y, c = a._data, b._data, bias._data
        out = _gemm(x, y)
        out += c
        if not (min(out.shape) > 1 and _blas_transposed(y)) and not c.all():  # (linear's case: the first test)
            _zeros_summed_into(out, c, x, y)
        return _new(out)

    @staticmethod
    def backward(ctx, grad):
        return (grad,) + _mm_backward(ctx, grad, *ctx.needs_input_grad[1:])


def _blas_transposed(b: np.ndarray) -> bool:
    """Whether PyTorch hands ``b`` to gemm as a transposed matrix: column-major, a leading
    dimension at least its rows (otherwise it is row-major, or copied to be)."""
    (s0, s1), item, (k, n) = b.strides, b.itemsize, b.shape  # (numpy's strides are in bytes)
    return s0 == item and s1 >= item * max(1, k) and not (s1 == item and s0 >= item * max(1, n))


def _zeros_summed_into(out: np.ndarray, bias: np.ndarray, a: np.ndarray, b: np.ndarray) -> None:
    """PyTorch's gemm adds the products into the bias one by one (``c += a[i, l] * b[l, j]``),
    so a -0. bias plus only -0. products stays -0., where numpy sums the products from +0.
    first. (It sums each dot product first only for a transposed ``b`` and a result of two
    rows and columns or more: ``linear``'s usual case, which is numpy's order.) Only zero results
    over a -0. bias can differ; they are set here."""
    where = (out == 0) & np.signbit(np.broadcast_to(bias, out.shape))
    if where.any():
        i, j = np.nonzero(where)
        products = a[i, :] * b[:, j].T  # (one row of k products per such result)
        negative = ((products == 0) & np.signbit(products)).all(axis=1)
        out[i[negative], j[negative]] = -0.0


def addmm(input: Tensor, mat1: Tensor, mat2: Tensor) -> Tensor:
    return Addmm.apply(input, mat1, mat2)


class Mv(Function):
    node_name = "MvBackward0"

    @staticmethod
    def forward(ctx, a, v):
        if a._data.shape[1] != v._data.shape[0]:
            raise RuntimeError(
                f"size mismatch, got input ({a._data.shape[0]}), mat ({a._data.shape[0]}x{a._data.shape[1]}), "
                f"vec ({v._data.shape[0]})"
            )
        _check_matmul_operands("mv", a._data.dtype, v._data.dtype, empty=not (a._data.size and v._data.size))
        _save_operands(ctx, a, v)
        return _new(a._data @ v._data)

    @staticmethod
    def backward(ctx, grad):
        a, v = ctx.saved_tensors
        need_a, need_v = ctx.needs_input_grad
        return outer(grad, v) if need_a else None, Mv.apply(a.t(), grad) if need_v else None  # grad.ger(vec)


@tensors_only()
def mv(input: Tensor, vec: Tensor) -> Tensor:
    return Mv.apply(input, vec)


class Dot(Function):
    node_name = "DotBackward0"

    @staticmethod
    def forward(ctx, a, b):
        if a._data.ndim != 1 or b._data.ndim != 1:
            raise RuntimeError(
                f"1D tensors expected, but got {a._data.ndim}D and {b._data.ndim}D tensors"
            )
        if a._data.dtype != b._data.dtype:  # (dot compares the dtypes before the sizes)
            _check_matmul_operands("dot", a._data.dtype, b._data.dtype)
        if a._data.shape != b._data.shape:
            raise RuntimeError(
                "inconsistent tensor size, expected tensor [{}] and src [{}] to have the same number of elements, "
                "but got {} and {} elements respectively".format(a._data.size, b._data.size, a._data.size, b._data.size)
            )
        _check_matmul_operands("dot", a._data.dtype, b._data.dtype)
        _save_operands(ctx, a, b)
        return _new(np.dot(a._data, b._data) + 0)  # (PyTorch's dot sums from +0, numpy's one term does not)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return grad * b if need_a else None, grad * a if need_b else None


@tensors_only()
def dot(input: Tensor, tensor: Tensor) -> Tensor:
    return Dot.apply(input, tensor)


@tensors_only()
def inner(input: Tensor, other: Tensor) -> Tensor:
    """Sums of products over the last dimension of both: ``a[..., k] * b[..., k]`` for every pair of
    leading indices (shape ``a.shape[:-1] + b.shape[:-1]``); a 0-d operand just multiplies.

    PyTorch's at::inner is ``tensordot(a, b, -1, -1)``: both permuted (contracted dimension last in
    ``a``, first in ``b``), reshaped to matrices, one ``mm`` (a ``dot`` for two vectors), reshaped back.
    """
    if input.dim() == 0 or other.dim() == 0:
        return input * other
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got shapes "
                           f"{list(input.shape)} and {list(other.shape)}")
    if input.dtype != other.dtype:
        raise RuntimeError("both inputs should have same dtype")
    a = input.permute(tuple(range(input.dim())))
    b = other.permute((other.dim() - 1,) + tuple(range(other.dim() - 1)))
    rows, cols = tuple(input.shape[:-1]), tuple(other.shape[:-1])
    if not rows and not cols:
        return a.dot(b).reshape(())
    k = input.shape[-1]
    return a.reshape(math.prod(rows), k).mm(b.reshape(k, math.prod(cols))).reshape(rows + cols)


class Bmm(Function):
    """Batched matrix product with broadcasting of the batch dimensions."""

    node_name = "BmmBackward0"

    @staticmethod
    def forward(ctx, a, b):
        sa, sb = a._data.shape, b._data.shape
        if len(sa) != 3 or len(sb) != 3:
            raise RuntimeError(f"batch{1 if len(sa) != 3 else 2} must be a 3D tensor")
        if sb[0] != sa[0] or sb[1] != sa[2]:
            raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{sa[0]}, {sa[2]}] "
                               f"but got: [{sb[0]}, {sb[1]}].")
        if a._data.size and b._data.size:  # (an empty product is returned before the kernel, in mat2's dtype)
            _check_matmul_operands("bmm", a._data.dtype, b._data.dtype)
        _save_operands(ctx, a, b)
        return _new(np.matmul(a._data, b._data).astype(b._data.dtype, copy=False))

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (Bmm.apply(grad, b.transpose(1, 2)) if need_a else None,
                Bmm.apply(a.transpose(1, 2), grad) if need_b else None)


@tensors_only()
def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    return Bmm.apply(input, mat2)


class Diagonal(Function):
    """The diagonal of two dimensions, moved last: a view (einsum takes it for a repeated letter)."""

    node_name = "DiagonalBackward0"

    @staticmethod
    def forward(ctx, a, d1, d2, offset=0):
        ctx.shape, ctx.d = a._data.shape, (d1, d2, offset)
        return _view_of(_t(_diagonal_view(a._data, d1, d2, offset)), a, lambda t: Diagonal.apply(t, d1, d2, offset))

    @staticmethod
    def backward(ctx, grad):
        return DiagonalBackward.apply(grad, ctx.shape, *ctx.d), None, None, None


@tensor_method()
def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The diagonal ``offset`` above (below, if negative) the main one of ``dim1`` and ``dim2``: a view, moved last."""
    n = input._data.ndim
    d1, d2 = _wrap_dim(dim1, n), _wrap_dim(dim2, n)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return Diagonal.apply(input, d1, d2, offset)


class DiagonalCopy(Diagonal):
    """``diag`` of a matrix: the diagonal as a new tensor (PyTorch's ``diagonal_copy``)."""

    node_name = "DiagonalBackward0_copy"

    @staticmethod
    def forward(ctx, a, d1, d2, offset=0):
        ctx.shape, ctx.d = a._data.shape, (d1, d2, offset)
        return _new(_diagonal_view(a._data, d1, d2, offset).copy())


class DiagEmbed(Function):
    """The last dimension placed on diagonal ``offset`` of the planes (``dim1``, ``dim2``): ``diag_embed``,
    and ``diag``/``diagflat`` of a vector (dims 0 and 1)."""

    node_name = "DiagEmbedBackward0"

    @staticmethod
    def forward(ctx, a, offset, dim1, dim2):
        ctx.args = (offset, dim1, dim2)
        x = a._data
        n = x.shape[-1] + builtins.abs(offset)
        out_ndim = x.ndim + 1
        batch = x.shape[:-1]
        out = np.zeros(batch + (n, n), x.dtype)
        i = np.arange(x.shape[-1])
        rows, cols = (i, i + offset) if offset >= 0 else (i - offset, i)
        out[..., rows, cols] = x
        rest = [d for d in range(out_ndim) if d not in (dim1, dim2)]
        order = [0] * out_ndim
        for src, d in enumerate(rest + [dim1, dim2]):
            order[d] = src
        return _t(np.ascontiguousarray(out.transpose(order)))

    @staticmethod
    def backward(ctx, grad):
        offset, dim1, dim2 = ctx.args
        return grad.diagonal(offset, dim1, dim2), None, None, None


@tensor_method()
def diag(input: Tensor, diagonal: int = 0) -> Tensor:
    """A vector's square matrix (``DiagEmbedBackward0``), or a matrix's diagonal as a new vector."""
    if input._data.ndim == 1:
        return DiagEmbed.apply(input, diagonal, 0, 1)
    if input._data.ndim != 2:
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input._data.ndim}D")
    return DiagonalCopy.apply(input, 0, 1, diagonal)


class Trace(Function):
    """The sum of a matrix's diagonal; its gradient puts ``grad`` on the diagonal."""

    node_name = "TraceBackward0"

    @staticmethod
    def forward(ctx, a):
        if a._data.ndim != 2:
            raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {a._data.ndim}")
        ctx.shape = a._data.shape
        return _new(np.asarray(np.trace(a._data, dtype=np.int64 if a._data.dtype.kind in "biu" else None)))

    @staticmethod
    def backward(ctx, grad):
        """PyTorch's trace_backward: ``grad`` filled into the diagonal of flat zeros, viewed as the matrix."""
        n, m = ctx.shape
        flat = zeros(n * m, dtype=grad.dtype)
        flat.as_strided((builtins.min(n, m),), (m + 1,)).fill_(grad)
        return flat.view(n, m)


@tensor_method()
def trace(input: Tensor) -> Tensor:
    return Trace.apply(input)


class DiagonalBackward(Function):
    """Zeros with ``grad`` written on the diagonal (PyTorch's ``diagonal_backward``)."""

    node_name = "DiagonalBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, shape, d1, d2, offset=0):
        ctx.d = (d1, d2, offset)
        out = np.zeros(shape, grad._data.dtype)
        _diagonal_view(out, d1, d2, offset)[...] = grad._data
        return _t(out)

    @staticmethod
    def backward(ctx, gg):
        return Diagonal.apply(gg, *ctx.d), None, None, None, None


def _diagonal_view(x: np.ndarray, d1: int, d2: int, offset: int = 0) -> np.ndarray:
    """A writeable view of diagonal ``offset`` of dimensions ``d1`` and ``d2``, as the last dimension."""
    if offset:  # (the main diagonal of the part that starts ``offset`` columns right, or rows down)
        d, start = (d2, offset) if offset > 0 else (d1, -offset)
        x = x[(slice(None),) * d + (slice(start, None),)]
    rest = [d for d in range(x.ndim) if d not in (d1, d2)]
    shape = [x.shape[d] for d in rest] + [builtins.min(x.shape[d1], x.shape[d2])]
    strides = [x.strides[d] for d in rest] + [x.strides[d1] + x.strides[d2]]
    return np.lib.stride_tricks.as_strided(x, shape, strides)


def _label_index(c: str) -> int:
    """PyTorch's order of einsum letters: A-Z before a-z (it sorts implicit outputs this way)."""
    return ord(c) - ord("A") if c.isupper() else ord(c) - ord("a") + 26


_ELLIPSIS = "."


def _parse_einsum(equation: str, count: int) -> tuple[list[list[str]], list[str] | None]:
    """Each operand's letters ("." for an ellipsis) and the explicit output's (None when implicit),
    refused with PyTorch's messages."""
    lhs, arrow, rhs = equation.partition("->")
    labels: list[list[str]] = [[]]
    i = 0
    while i < len(lhs):
        c = lhs[i]
        if c == ".":
            if _ELLIPSIS in labels[-1]:
                raise RuntimeError(f"einsum(): found '.' for operand {len(labels) - 1} for which an ellipsis "
                                   "was already found")
            if lhs[i:i + 3] != "...":
                raise RuntimeError(f"einsum(): found '.' for operand {len(labels) - 1} that is not part of any "
                                   "ellipsis")
            labels[-1].append(_ELLIPSIS)
            i += 2
        elif c == ",":
            if len(labels) == count:
                raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
            labels.append([])
        elif c != " ":
            if not c.isascii() or not c.isalpha():
                raise RuntimeError(f"einsum(): invalid subscript given at index {i} in the equation string, "
                                   "subscripts must be in [a-zA-Z]")
            labels[-1].append(c)
        i += 1
    if len(labels) != count:
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    if not arrow:
        return labels, None
    out: list[str] = []
    counts = {c for op in labels for c in op}
    i = 0
    while i < len(rhs):
        c = rhs[i]
        if c == ".":
            if _ELLIPSIS in out:
                raise RuntimeError("einsum(): found '.' for output but an ellipsis (...) was already found")
            if rhs[i:i + 3] != "...":
                raise RuntimeError("einsum(): found '.' for output that is not part of any ellipsis (...)")
            out.append(_ELLIPSIS)
            i += 2
        elif c != " ":
            if not c.isascii() or not c.isalpha():
                raise RuntimeError(f"einsum(): invalid subscript given at index {len(lhs) + 2 + i} in the "
                                   "equation string, subscripts must be in [a-zA-Z]")
            if c not in counts or c in out:
                raise RuntimeError(f"einsum(): output subscript {c}" + (
                    " appears more than once in the output" if c in out else
                    " does not appear in the equation for any input operand"))
            out.append(c)
        i += 1
    return labels, out


def einsum(equation: str, *operands: Tensor) -> Tensor:
    """Einstein summation (mirrors ``torch.einsum``; operands may also come as one list).

    Built as PyTorch builds it (``einsum`` in ATen's Linear.cpp), from recorded ops, so the
    graph, the node names and the layout are PyTorch's: every operand is permuted (after
    unsqueezing its missing letters) to the order output letters, then summed letters;
    then the operands are contracted left to right, each pair by ``_sumproduct_pair``
    (a multiply, or a bmm between permutes and reshapes).
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not operands:
        raise RuntimeError("einsum(): must provide at least one operand")
    labels, explicit = _parse_einsum(equation, len(operands))
    counts: dict[str, int] = {}
    ell_ndim = 0
    for k, (op, labs) in enumerate(zip(operands, labels)):
        named = len(labs) - (_ELLIPSIS in labs)
        ndim = op._data.ndim
        if _ELLIPSIS in labs:
            ell_ndim = builtins.max(ell_ndim, ndim - named)
        if (named > ndim) if _ELLIPSIS in labs else (named != ndim):
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({named}) " +
                (f"is more than the number of dimensions ({ndim}) for operand {k}" if _ELLIPSIS in labs else
                 f"does not match the number of dimensions ({ndim}) for operand {k} and no ellipsis was given"))
        for c in labs:
            if c != _ELLIPSIS:
                counts[c] = counts.get(c, 0) + 1
    # the position of each letter (and of the ellipsis' dimensions) in the aligned operands
    position: dict[str, int] = {}
    if explicit is None:
        ell_at, n = 0, ell_ndim
        for c in sorted((c for c, n in counts.items() if n == 1), key=_label_index):
            position[c], n = n, n + 1
        ell_in_output = True
    else:
        ell_at, n, ell_in_output = 0, 0, _ELLIPSIS in explicit
        for c in explicit:
            if c == _ELLIPSIS:
                ell_at, n = n, n + ell_ndim
            else:
                position[c], n = n, n + 1
    out_ndim = n
    if not ell_in_output:
        ell_at, n = n, n + ell_ndim
    for c in sorted((c for c in counts if c not in position), key=_label_index):
        position[c], n = n, n + 1
    total = n

    sizes: dict[int, int] = {}
    dim_counts = [0] * total
    aligned = []
    for k, (op, labs) in enumerate(zip(operands, labels)):
        perm = [-1] * total
        dim = 0
        for c in labs:
            if c == _ELLIPSIS:
                covered = op._data.ndim - (len(labs) - 1)
                for j in range(ell_ndim - covered, ell_ndim):
                    size = op._data.shape[dim]
                    if size != 1:
                        if sizes.get(ell_at + j, 1) not in (1, size):
                            raise RuntimeError(
                                f"einsum(): dimension {dim} covered by ellipsis in operand {k}has size {size} which "
                                f"does not broadcast with previously seen ellipsis with size {sizes[ell_at + j]} "
                                "for the respective dimension")
                        sizes[ell_at + j] = size
                        dim_counts[ell_at + j] += 1
                    perm[ell_at + j] = dim
                    dim += 1
            elif perm[position[c]] == -1:
                size = op._data.shape[dim]
                if size != 1:
                    if sizes.get(position[c], 1) not in (1, size):
                        raise RuntimeError(
                            f"einsum(): subscript {c} has size {size} for operand {k} which does not broadcast "
                            f"with previously seen size {sizes[position[c]]}")
                    sizes[position[c]] = size
                    dim_counts[position[c]] += 1
                perm[position[c]] = dim
                dim += 1
            else:  # a repeated letter: take the diagonal
                prev = perm[position[c]]
                if op._data.shape[dim] != op._data.shape[prev]:
                    raise RuntimeError(f"einsum(): subscript {c} is repeated for operand {k} but the sizes don't "
                                       f"match, {op._data.shape[dim]} != {op._data.shape[prev]}")
                op = _movedim_last_to(Diagonal.apply(op, prev, dim), prev)
        for i, p in enumerate(perm):
            if p == -1:
                op = op.unsqueeze(dim)
                perm[i], dim = dim, dim + 1
        aligned.append(op.permute(perm))

    result = aligned[0]
    for b in aligned[1:]:
        a = result
        sum_dims, a_sum, b_sum = [], [], []
        for d in range(out_ndim, total):
            if a._data.shape[d] != 1 and b._data.shape[d] != 1:
                dim_counts[d] -= 1
                if dim_counts[d] == 1:
                    sum_dims.append(d)
                    dim_counts[d] = 0
            elif dim_counts[d] == 1:
                if a._data.shape[d] != 1:
                    a_sum.append(d)
                    dim_counts[d] = 0
                elif b._data.shape[d] != 1:
                    b_sum.append(d)
                    dim_counts[d] = 0
        if a_sum:
            a = a.sum(a_sum, True)
        if b_sum:
            b = b.sum(b_sum, True)
        result = _sumproduct_pair(a, b, sum_dims)
    if total > out_ndim:
        if len(operands) > 1:
            return result.view(result._data.shape[:out_ndim])
        return result.sum(list(range(out_ndim, total)))
    return result


def _movedim_last_to(t: Tensor, d: int) -> Tensor:
    """``t.movedim(-1, d)``: a permute, as PyTorch records it."""
    order = list(range(t._data.ndim - 1))
    order.insert(d, t._data.ndim - 1)
    return t.permute(order)


def _sumproduct_pair(left: Tensor, right: Tensor, sum_dims: list[int]) -> Tensor:
    """``(left * right).sum(sum_dims, keepdim=True)`` of two aligned operands, as PyTorch computes it:
    a multiply when nothing is summed, else the dimensions grouped as (both, left only, summed) and
    (both, summed, right only), each group flattened, one bmm, and the result viewed back."""
    if not sum_dims:
        return left * right
    ndim = left._data.ndim
    lro, lo, ro = [], [], []
    lro_size = lo_size = ro_size = sum_size = 1
    for i in range(ndim):
        sl, sr = left._data.shape[i] != 1, right._data.shape[i] != 1
        if i in sum_dims:
            if sl and sr:
                if left._data.shape[i] != right._data.shape[i]:
                    raise RuntimeError("non-broadcast dimensions must match")
                sum_size *= left._data.shape[i]
            elif sl:
                left = left.sum(i, True)
            elif sr:
                right = right.sum(i, True)
        elif sl and sr:
            if left._data.shape[i] != right._data.shape[i]:
                raise RuntimeError("non-broadcast dimensions must match")
            lro.append(i)
            lro_size *= left._data.shape[i]
        elif sl:
            lo.append(i)
            lo_size *= left._data.shape[i]
        else:
            ro.append(i)
            ro_size *= right._data.shape[i]
    out_size = ([left._data.shape[d] for d in lro] + [left._data.shape[d] for d in lo] + [1] * len(sum_dims)
                + [right._data.shape[d] for d in ro])
    order = lro + lo + sum_dims + ro
    operm = [0] * len(order)
    for i, d in enumerate(order):
        operm[d] = i
    left = reshape(left.permute(lro + lo + sum_dims + ro), (lro_size, lo_size, sum_size))
    right = reshape(right.permute(lro + sum_dims + ro + lo), (lro_size, sum_size, ro_size))
    return Bmm.apply(left, right).view(out_size).permute(operm)


@tensors_only()
def matmul(input: Tensor, other: Tensor) -> Tensor:
    """Dispatch by rank as PyTorch does: dot, mv, mm, or a batched product."""
    a, b = input, other
    if a._data.ndim == 0 or b._data.ndim == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {a._data.ndim}D and {b._data.ndim}D")
    if a._data.ndim == 1 and b._data.ndim == 1:
        return Dot.apply(a, b)
    if a._data.ndim == 2 and b._data.ndim == 1:
        return Mv.apply(a, b)
    if a._data.ndim == 1 and b._data.ndim == 2:
        return SqueezeInPlace.apply(Mm.apply(a.unsqueeze(0), b), 0)
    if a._data.ndim == 2 and b._data.ndim == 2:
        return Mm.apply(a, b)
    if a._data.ndim == 3 and b._data.ndim == 3 and a._data.shape[0] != b._data.shape[0]:
        if a._data.shape[0] == 1 and a._requires_grad:  # a batch of one that needs a gradient: drop it
            return matmul(a.squeeze(0), b)
        if b._data.shape[0] == 1 and b._requires_grad:
            return matmul(a, b.squeeze(0))
    if _should_fold(a, b):
        # One big mm/mv on the larger operand folded to a matrix (transposed when it is on the right).
        transpose = b._data.ndim > a._data.ndim
        t1 = b.mT if transpose else a
        t2 = (a.t() if a._data.ndim == 2 else a) if transpose else b
        lead = t1._data.shape[:-1]
        folded = reshape(t1, (int(np.prod(lead, dtype=np.int64)), t1._data.shape[-1]))
        if t2._data.ndim == 2:
            out = UnsafeView.apply(Mm.apply(folded, t2), lead + t2._data.shape[1:])
            return out.mT.contiguous() if transpose else out
        return UnsafeView.apply(Mv.apply(folded, t2), lead)
    # Batched: broadcast the batch dimensions, flatten them, one bmm, then view back.
    da, db = a._data.ndim, b._data.ndim
    n, m1 = (a._data.shape[-2] if da > 1 else 1), a._data.shape[-1]
    m2, p = (b._data.shape[-2] if db > 1 else b._data.shape[0]), (b._data.shape[-1] if db > 1 else 1)
    batch1, batch2 = a._data.shape[:builtins.max(da - 2, 0)], b._data.shape[:builtins.max(db - 2, 0)]
    _check_shapes_broadcast(batch1, batch2)
    batch = tuple(np.broadcast_shapes(batch1, batch2))
    count = int(np.prod(batch, dtype=np.int64))
    a3 = reshape(expand(a, batch + (n, m1)), (count, n, m1))
    if db == 1:
        b3 = reshape(expand(b, batch + (m2,)), (count, m2)).unsqueeze(2)
    else:
        b3 = reshape(expand(b, batch + (m2, p)), (count, m2, p))
    out = Bmm.apply(a3, b3)
    if db == 1:
        out = out.squeeze(-1)
    return UnsafeView.apply(out, batch + ((n,) if da > 1 else ()) + ((p,) if db > 1 else ()))


def _should_fold(a: Tensor, b: Tensor) -> bool:
    """PyTorch's ``should_fold``: fold the batch dimensions of a >= 3-D operand into one mm/mv."""
    da, db = a._data.ndim, b._data.ndim
    if da >= db:  # (PyTorch asks whether the smaller operand requires grad, in any grad mode)
        t1, dim2, needs_grad = a._data, db, b._requires_grad
    else:
        t1, dim2, needs_grad = np.swapaxes(b._data, -1, -2), da, a._requires_grad
    if not (t1.ndim >= 3 and dim2 in (1, 2)):
        return False
    if needs_grad:
        return True
    if da == 2:
        return False
    if t1.size == 0:
        return True
    shape, strides = t1.shape, t1.strides
    return builtins.all(strides[i] == strides[i + 1] * shape[i + 1] for i in range(t1.ndim - 2))


@tensors_only()
def outer(input: Tensor, vec2: Tensor) -> Tensor:
    """Outer product of two vectors, as PyTorch's: ``input.reshape(n, 1) * vec2`` (``MulBackward0``)."""
    return input.reshape(input.shape[0], 1) * vec2


def _matmul_operator(self: Tensor, other: Any) -> Tensor:
    """``a @ b``: as PyTorch's, it gives way to anything but a tensor (``x @ 2``: Python's TypeError)."""
    return matmul.__wrapped__(self, other) if isinstance(other, Tensor) else NotImplemented


def _rmatmul(self: Tensor, other: Any) -> Tensor:
    return matmul.__wrapped__(other, self) if isinstance(other, Tensor) else NotImplemented


Tensor.__matmul__, Tensor.__rmatmul__ = _matmul_operator, _rmatmul
