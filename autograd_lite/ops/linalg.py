"""Linear algebra: mm, addmm, mv, dot, bmm, matmul (which folds to mm as PyTorch does) and einsum.
"""
from __future__ import annotations

import builtins

import numpy as np

from .. import dtypes, errors, layout
from ..dtypes import result_dtype
from ..function import BackwardFunction, Function
from ..grad_mode import _state
from ..tensor import Tensor, tensor_method
from ._common import _check_shapes_broadcast, _new, _t
from .arithmetic import _save_operands
from .shape import expand, reshape, SqueezeInPlace, UnsafeView


def _names(dts: tuple, c_names: bool = False) -> list[str]:
    to_name = dtypes.c_type_name if c_names else dtypes.scalar_type_name
    return [to_name(dtypes.from_numpy_dtype(dt)) for dt in dts]


# op -> (its mixed-dtype message from the operands' dtypes, the CPU kernel named when it refuses bool)
_MATMUL_RULES = {
    "mm": (lambda a, b: "expected m1 and m2 to have the same dtype, but got: {} != {}".format(*_names((a, b), True)),
           "addmm_impl_cpu_"),
    "addmm": (lambda bias, a, b: "{} and mat2 must have the same dtype, but got {} and {}".format(
        "self" if bias != b else "mat1", *_names((bias if bias != b else a, b))), "addmm_impl_cpu_"),
    "mv": (lambda a, v: "addmv input tensors must have the same dtype, but got {}, {}, and {}".format(
        *_names((v, a, v))), "addmv_impl_cpu"),
    "dot": (lambda a, b: "dot : expected both vectors to have same dtype, but found {} and {}".format(
        *_names((a, b))), "dot"),
    "bmm": (lambda a, b: "expected scalar type {} but found {}".format(*_names((a, b))), "bmm"),
}


def _check_matmul_operands(op: str, *dts: np.dtype) -> None:
    """The one dtype rule of the matmul family: its kernels compute in one dtype, so PyTorch refuses
    mixed dtypes (each op with its own message; numpy would silently promote) and has no bool kernel."""
    message, kernel = _MATMUL_RULES[op]
    if any(dt != dts[0] for dt in dts):
        raise RuntimeError(message(*dts))
    if dts[0].kind == "b":
        raise NotImplementedError(errors.not_implemented_for(kernel, "Bool"))


def _check_mm_shapes(a: Tensor, b: Tensor) -> None:
    """mm and addmm: the inner sizes must agree."""
    if a._data.shape[1] != b._data.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({a._data.shape[0]}x{a._data.shape[1]} and "
                           f"{b._data.shape[0]}x{b._data.shape[1]})")


def _column_major(t: Tensor) -> bool:
    """A transposed-contiguous matrix: mm's gradient for it is computed transposed, so that it is laid out alike."""
    (rows, _), (s0, s1) = t._data.shape, t.stride()
    return s0 == 1 and s1 == rows


def _mm_backward(ctx: BackwardFunction, grad: Tensor, need_a: bool, need_b: bool) -> tuple:
    """The gradient of ``a @ b`` (mm's and addmm's): ``grad @ b.T`` for a, ``a.T @ grad`` for b, each
    computed as the transpose of the transposed product when its operand was column-major
    (``mm_mat1_backward``/``mm_mat2_backward``: PyTorch's layout choice)."""
    a, b = ctx.saved_tensors
    column_a, column_b = ctx.layouts
    ga = gb = None
    if need_a:
        ga = b.mm(grad.t()).t() if column_a else grad.mm(b.t())
    if need_b:
        gb = grad.t().mm(a).t() if column_b else a.t().mm(grad)
    return ga, gb


class Mm(Function):
    node_name = "MmBackward0"

    @staticmethod
    def forward(ctx, a, b):
        if a._data.ndim != 2:
            raise RuntimeError("self must be a matrix")
        if b._data.ndim != 2:
            raise RuntimeError("mat2 must be a matrix")
        _check_mm_shapes(a, b)
        _check_matmul_operands("mm", a._data.dtype, b._data.dtype)
        _save_operands(ctx, a, b)
        ctx.layouts = _column_major(a), _column_major(b)
        return _new(a._data @ b._data)

    @staticmethod
    def backward(ctx, grad):
        return _mm_backward(ctx, grad, *ctx.needs_input_grad)


@tensor_method()
def mm(input: Tensor, mat2: Tensor) -> Tensor:
    return Mm.apply(input, mat2)


class Addmm(Function):
    """``bias + a @ b``: what ``nn.functional.linear`` records for a batch of inputs."""

    node_name = "AddmmBackward0"

    @staticmethod
    def forward(ctx, bias, a, b):
        _check_mm_shapes(a, b)
        _check_matmul_operands("addmm", bias._data.dtype, a._data.dtype, b._data.dtype)
        _save_operands(ctx, a, b, first=1)
        ctx.layouts = _column_major(a), _column_major(b)
        out = a._data @ b._data
        out += bias._data
        return _new(out)

    @staticmethod
    def backward(ctx, grad):
        return (grad,) + _mm_backward(ctx, grad, *ctx.needs_input_grad[1:])


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
        _check_matmul_operands("mv", a._data.dtype, v._data.dtype)
        _save_operands(ctx, a, v)
        return _new(a._data @ v._data)

    @staticmethod
    def backward(ctx, grad):
        a, v = ctx.saved_tensors
        need_a, need_v = ctx.needs_input_grad
        return grad.unsqueeze(1) * v if need_a else None, a.t().mv(grad) if need_v else None


@tensor_method()
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
        if a._data.shape != b._data.shape:
            raise RuntimeError(
                "inconsistent tensor size, expected tensor [{}] and src [{}] to have the same number of elements, "
                "but got {} and {} elements respectively".format(a._data.size, b._data.size, a._data.size, b._data.size)
            )
        _check_matmul_operands("dot", a._data.dtype, b._data.dtype)
        _save_operands(ctx, a, b)
        return _new(np.dot(a._data, b._data))

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return grad * b if need_a else None, grad * a if need_b else None


@tensor_method('inner')
def dot(input: Tensor, other: Tensor) -> Tensor:
    return Dot.apply(input, other)


inner = dot


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
        return (grad.bmm(b.transpose(1, 2)) if need_a else None,
                a.transpose(1, 2).bmm(grad) if need_b else None)


@tensor_method()
def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    return Bmm.apply(input, mat2)


class Einsum(Function):
    """``np.einsum``; each operand's gradient is another einsum: the output's gradient with the other
    operands, mapped back to that operand's subscripts (PyTorch records a chain of bmm/permute nodes
    instead, so the node names differ, the values do not)."""

    node_name = "EinsumBackward0"

    @staticmethod
    def forward(ctx, equation, *operands):
        ctx.inputs, ctx.output = _parse_einsum(equation, operands)
        ctx.save_for_backward(*operands)
        dt = _einsum_dtype(ctx.inputs, ctx.output, operands)
        out = np.asarray(np.einsum(equation, *(o._data.astype(dt, copy=False) for o in operands)))
        return _t(_einsum_layout(out, ctx.inputs, ctx.output, operands))

    @staticmethod
    def backward(ctx, grad):
        operands = ctx.saved_tensors
        grads = []
        for k, (subs, op) in enumerate(zip(ctx.inputs, operands)):
            if not ctx.needs_input_grad[k + 1]:
                grads.append(None)
                continue
            others = [o.to(grad.dtype) for j, o in enumerate(operands) if j != k]  # (PyTorch's muls promote)
            known = set(ctx.output).union(*(ctx.inputs[j] for j in range(len(operands)) if j != k))
            kept = "".join(c for c in dict.fromkeys(subs) if c in known)  # letters only op k has: broadcast back
            spec = ",".join([ctx.output] + [ctx.inputs[j] for j in range(len(operands)) if j != k]) + "->" + kept
            g = einsum(spec, grad, *others)
            if kept != subs:
                g = _undo_einsum_sum(g, kept, subs, op.shape)
            if g.shape != op.shape:  # a letter of size 1 was broadcast: sum it in ``op``, spread it from the others
                g = g.sum_to_size([1 if n == 1 else m for n, m in zip(op.shape, g.shape)]).expand(op.shape)
            grads.append(g)
        return (None, *grads)


def _einsum_dtype(inputs: list[str], output: str, operands: tuple) -> np.dtype:
    """PyTorch contracts the operands left to right: a pair that sums over shared letters is a bmm (one
    dtype, no bool), any other pair a broadcast multiply (promoted); one operand alone is a sum."""
    def present(k: int) -> set:  # a letter of size 1 broadcasts: PyTorch does not contract over it
        return {c for c, n in zip(inputs[k], operands[k]._data.shape) if n != 1}

    dt, letters = operands[0]._data.dtype, present(0)
    for k in range(1, len(operands)):
        later = set(output).union(*inputs[k + 1:])
        if (letters & present(k)) - later:
            _check_matmul_operands("bmm", dt, operands[k]._data.dtype)
        else:
            dt = result_dtype(_t(np.empty(1, dt)), operands[k])
        letters = (letters | present(k)) & later
    if len(operands) == 1 and set(inputs[0]) - set(output) and dt.kind == "b":
        return np.dtype(np.int64)  # summing bools counts them
    return dt


def einsum(equation: str, *operands: Tensor) -> Tensor:
    """Einstein summation (mirrors ``torch.einsum``; operands may also come as one list)."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    return Einsum.apply(equation, *operands)


def _parse_einsum(equation: str, operands: tuple) -> tuple[list[str], str]:
    eq = equation.replace(" ", "")
    if "..." in eq:
        raise NotImplementedError("autograd_lite's einsum does not support '...'")
    lhs, _, rhs = eq.partition("->")
    inputs = lhs.split(",")
    if len(inputs) != len(operands):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation"
                           if len(operands) > len(inputs) else
                           "einsum(): fewer operands were provided than specified in the equation")
    if "->" not in eq:
        counts = {c: lhs.count(c) for c in lhs if c.isalpha()}
        rhs = "".join(sorted(c for c, n in counts.items() if n == 1))
    return inputs, rhs


def _einsum_layout(out: np.ndarray, inputs: list, output: str, operands: tuple) -> np.ndarray:
    """PyTorch's einsum multiplies its operands aligned to the output's subscripts (an elementwise
    product, laid out as one) and contracts summed subscripts with bmm (a contiguous result)."""
    if any(c not in output for subs in inputs for c in subs) or any(len(set(s)) != len(s) for s in inputs):
        return layout.contiguous(out)
    aligned = []
    for subs, op in zip(inputs, operands):
        data = op._data
        strides = [data.strides[subs.index(c)] if c in subs else 0 for c in output]
        shape = [data.shape[subs.index(c)] if c in subs else 1 for c in output]
        aligned.append(np.lib.stride_tricks.as_strided(data, shape, strides, writeable=False))
    return layout.elementwise(out, *aligned)


def _undo_einsum_sum(g: Tensor, kept: str, subs: str, shape: tuple) -> Tensor:
    """Broadcast ``g`` (subscripts ``kept``) back to an operand with subscripts ``subs``."""
    if len(set(subs)) != len(subs):
        raise NotImplementedError("autograd_lite's einsum backward does not support repeated subscripts")
    view = [shape[subs.index(c)] if c in kept else 1 for c in subs]
    order = [kept.index(c) for c in subs if c in kept]
    return g.permute(order).reshape(view).expand(shape)


@tensor_method('__matmul__')
def matmul(input: Tensor, other: Tensor) -> Tensor:
    """Dispatch by rank as PyTorch does: dot, mv, mm, or a batched product."""
    a, b = input, other
    if a._data.ndim == 0 or b._data.ndim == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {a._data.ndim}D and {b._data.ndim}D")
    if a._data.ndim == 1 and b._data.ndim == 1:
        return dot(a, b)
    if a._data.ndim == 2 and b._data.ndim == 1:
        return mv(a, b)
    if a._data.ndim == 1 and b._data.ndim == 2:
        return SqueezeInPlace.apply(mm(a.unsqueeze(0), b), 0)
    if a._data.ndim == 2 and b._data.ndim == 2:
        return mm(a, b)
    if _should_fold(a, b):
        # One big mm/mv on the larger operand folded to a matrix (transposed when it is on the right).
        transpose = b._data.ndim > a._data.ndim
        t1 = b.mT if transpose else a
        t2 = (a.t() if a._data.ndim == 2 else a) if transpose else b
        lead = t1._data.shape[:-1]
        folded = reshape(t1, (int(np.prod(lead, dtype=np.int64)), t1._data.shape[-1]))
        if t2._data.ndim == 2:
            out = UnsafeView.apply(mm(folded, t2), lead + t2._data.shape[1:])
            return out.mT.contiguous() if transpose else out
        return UnsafeView.apply(mv(folded, t2), lead)
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
    out = bmm(a3, b3)
    if db == 1:
        out = out.squeeze(-1)
    return UnsafeView.apply(out, batch + ((n,) if da > 1 else ()) + ((p,) if db > 1 else ()))


def _should_fold(a: Tensor, b: Tensor) -> bool:
    """PyTorch's ``should_fold``: fold the batch dimensions of a >= 3-D operand into one mm/mv."""
    da, db = a._data.ndim, b._data.ndim
    if da >= db:
        t1, dim2, needs_grad = a._data, db, a._requires_grad
    else:
        t1, dim2, needs_grad = np.swapaxes(b._data, -1, -2), da, b._requires_grad and _state.enabled
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


@tensor_method()
def outer(input: Tensor, vec2: Tensor) -> Tensor:
    """Outer product of two vectors, as a broadcast product (PyTorch records ``MulBackward0`` too)."""
    return input.unsqueeze(1) * vec2


def _rmatmul(self: Tensor, other: Any) -> Tensor:
    return matmul(other, self)


Tensor.__rmatmul__ = _rmatmul
