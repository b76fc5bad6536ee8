"""More of ``nn.functional``'s losses. Three have nodes of their own in PyTorch (smooth_l1_loss,
huber_loss, soft_margin_loss, each with a differentiable backward op; multi_margin_loss, whose
backward PyTorch cannot differentiate); the others are PyTorch's C++ or Python compositions,
written here op by op so that they record the nodes PyTorch records (a number in a C++ formula is
``AddScalar``/``MulScalar``/``number_minus``, in Python an operator). Reduction handling is
``losses.py``'s (``_check_reduction``, ``_reduce``, ``_warn_size``).
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from ..creation import ones_like, zeros_like
from ..function import Function
from ..grad_mode import no_grad
from ..tensor import _make, Tensor
from .arithmetic import AddScalar, DivScalar, MulScalar, number_minus
from .comparison import where
from .losses import _check_reduction, _reduce, _warn_size, l1_loss
from .pointwise_more import xlogy
from ._common import _check_shapes_broadcast, overload
from .reductions import Norm


def _apply_reduction(loss: Tensor, reduction: str) -> Tensor:
    """PyTorch's apply_loss_reduction for the composed losses: mean(), sum() or the loss itself."""
    return loss.mean() if reduction == "mean" else loss.sum() if reduction == "sum" else loss


def _broadcast_pair(input: Tensor, target: Tensor) -> tuple[Tensor, Tensor]:
    """torch.broadcast_tensors of two: only a tensor whose shape changes is expanded (as mse_loss)."""
    if target.shape == input.shape:
        return input, target
    _check_shapes_broadcast(input.shape, target.shape)
    shape = np.broadcast_shapes(input.shape, target.shape)
    return (input if input.shape == shape else input.expand(shape),
            target if target.shape == shape else target.expand(shape))


# --- smooth_l1_loss and huber_loss: nodes of their own, backward ops differentiable again ---------

def _piecewise_norm(x: np.ndarray, reduction: str) -> float:
    return 1.0 / max(x.size, 1) if reduction == "mean" else 1.0


class SmoothL1LossBackward(Function):
    """``norm * clamp((x - t) / beta, -1, 1) * grad`` (PyTorch's ``smooth_l1_loss_backward``), an op of
    its own: a double backward records ``SmoothL1LossBackwardBackward0``."""

    node_name = "SmoothL1LossBackwardBackward0"
    quadratic_slope = staticmethod(lambda beta: 1.0 / beta)  # d²loss/dx² inside the quadratic part
    outer = staticmethod(lambda beta: 1.0)  # |slope| outside it

    @staticmethod
    def forward(ctx, grad, input, target, reduction, param):
        ctx.reduction, ctx.param = reduction, param
        ctx.save_for_backward(grad, input, target)
        f = ctx._function
        x = input._data - target._data
        t = x.dtype.type
        g = grad._data * t(_piecewise_norm(x, reduction))
        out = np.where(x < -param, -g * t(f.outer(param)),
                       np.where(x > param, g * t(f.outer(param)), g * x * t(f.quadratic_slope(param))))
        return _make(np.ascontiguousarray(out).astype(x.dtype, copy=False))

    @staticmethod
    def backward(ctx, gg):
        grad, input, target = ctx.saved_tensors
        f, reduction, param = ctx._function, ctx.reduction, ctx.param
        need_grad, need_input, need_target = ctx.needs_input_grad[:3]
        g_grad = g_input = g_target = None
        if need_grad:  # PyTorch's *_double_backward_grad_output
            if reduction == "none":
                g_grad = f.apply(gg, input, target, reduction, param)
            else:
                g_grad = (f.apply(ones_like(grad), input, target, reduction, param) * gg).sum()
        if need_input or need_target:  # PyTorch's *_double_backward, with grad * grad_output
            second = _double_backward(gg * grad, input, target, reduction, param, f.quadratic_slope(param))
            g_input = second if need_input else None
            g_target = -second if need_target else None
        return g_grad, g_input, g_target, None, None


def _double_backward(grad: Tensor, input: Tensor, target: Tensor, reduction: str, param: float,
                     slope: float) -> Tensor:
    """grad · slope where |x - t| < param (slope 1/beta for smooth L1, 1 for Huber), / n for the mean."""
    d = (input - target).abs()
    out = grad * (d < param).to(grad.dtype)
    if slope != 1.0:
        out = DivScalar.apply(out, param)
    return DivScalar.apply(out, input.numel()) if reduction == "mean" else out


class SmoothL1Loss(Function):
    """0.5 (x - t)² / beta where |x - t| < beta, else |x - t| - beta / 2; reduced."""

    node_name = "SmoothL1LossBackward0"
    backward_op = SmoothL1LossBackward

    @staticmethod
    def loss(z: np.ndarray, beta: float) -> np.ndarray:
        t = z.dtype.type
        return np.where(z < beta, t(0.5) * z * z / t(beta), z - t(0.5 * beta))

    @staticmethod
    def forward(ctx, input, target, reduction, param):
        ctx.reduction, ctx.param = reduction, param
        ctx.save_for_backward(input, target)
        z = np.abs(input._data - target._data)
        return _make(_reduce(ctx._function.loss(z, param).astype(z.dtype, copy=False), reduction, input, target))

    @staticmethod
    def backward(ctx, grad):
        input, target = ctx.saved_tensors
        op = ctx._function.backward_op
        need_input, need_target = ctx.needs_input_grad[:2]
        return (op.apply(grad, input, target, ctx.reduction, ctx.param) if need_input else None,  # (the target's:
                op.apply(grad, target, input, ctx.reduction, ctx.param) if need_target else None, None, None)  # swapped)


class HuberLossBackward(SmoothL1LossBackward):
    """``norm * clamp(x - t, -delta, delta) * grad`` (PyTorch's ``huber_loss_backward``)."""

    node_name = "HuberLossBackwardBackward0"
    quadratic_slope = staticmethod(lambda delta: 1.0)
    outer = staticmethod(lambda delta: delta)


class HuberLoss(SmoothL1Loss):
    """0.5 (x - t)² where |x - t| < delta, else delta (|x - t| - delta / 2); reduced."""

    node_name = "HuberLossBackward0"
    backward_op = HuberLossBackward

    @staticmethod
    def loss(z: np.ndarray, delta: float) -> np.ndarray:
        t = z.dtype.type
        return np.where(z < delta, t(0.5) * z * z, t(delta) * (z - t(0.5 * delta)))


def smooth_l1_loss(input: Tensor, target: Tensor, size_average: bool | None = None, reduce: bool | None = None,
                   reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """Quadratic below ``beta``, linear above (``SmoothL1LossBackward0``; beta = 0 is l1_loss)."""
    _warn_size(input, target)
    _check_reduction(reduction)
    input, target = _broadcast_pair(input, target)
    if beta == 0.0:
        return l1_loss(input, target, reduction=reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    return SmoothL1Loss.apply(input, target, reduction, beta)


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:
    """Quadratic below ``delta``, linear (slope delta) above (``HuberLossBackward0``)."""
    _warn_size(input, target)
    _check_reduction(reduction)
    input, target = _broadcast_pair(input, target)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    if weight is None:
        return HuberLoss.apply(input, target, reduction, delta)
    if weight.shape != input.shape:
        raise ValueError("Weights and input must have the same size.")
    return _apply_reduction(HuberLoss.apply(input, target, "none", delta) * weight, reduction)


# --- soft_margin_loss: a node of its own --------------------------------------------------------

class SoftMarginLossBackward(Function):
    """``-y σ(-y x) grad`` (/ n for the mean): PyTorch's ``soft_margin_loss_backward``."""

    node_name = "SoftMarginLossBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, input, target, reduction):
        ctx.reduction, ctx.target = reduction, target
        ctx.save_for_backward(grad, input)
        x, y = input._data, target
        z = np.exp(-y * x)
        norm = x.dtype.type(_piecewise_norm(x, reduction))
        return _make(np.ascontiguousarray(norm * -y * z / (1 + z) * grad._data).astype(x.dtype, copy=False))

    @staticmethod
    def backward(ctx, gg):
        grad, input = ctx.saved_tensors
        reduction, y = ctx.reduction, ctx.target
        need_grad, need_input = ctx.needs_input_grad[:2]
        g_grad = g_input = None
        if need_grad:
            if reduction == "none":
                g_grad = SoftMarginLossBackward.apply(gg, input, y, reduction)
            else:
                g_grad = (SoftMarginLossBackward.apply(ones_like(grad), input, y, reduction) * gg).sum()
        if need_input:  # PyTorch's soft_margin_loss_double_backward
            target = _make(y)
            z = (input * -target).exp()
            zplus1 = AddScalar.apply(z, 1)
            right = zplus1 * zplus1
            g_input = gg * grad * target * target * z / right
            if reduction == "mean":
                g_input = DivScalar.apply(g_input, input.numel())
        return g_grad, g_input, None, None


class SoftMarginLoss(Function):
    """log(1 + exp(-y x)), reduced."""

    node_name = "SoftMarginLossBackward0"

    @staticmethod
    def forward(ctx, input, target, reduction):  # (target: an array; PyTorch's node has no edge for it)
        ctx.reduction, ctx.target = reduction, target
        ctx.save_for_backward(input)
        x = input._data
        return _make(_reduce(np.log1p(np.exp(-target * x)).astype(x.dtype, copy=False), reduction, input))

    @staticmethod
    def backward(ctx, grad):
        input, = ctx.saved_tensors
        return SoftMarginLossBackward.apply(grad, input, ctx.target, ctx.reduction), None, None


def soft_margin_loss(input: Tensor, target: Tensor, size_average: bool | None = None, reduce: bool | None = None,
                     reduction: str = "mean") -> Tensor:
    """Two-class logistic loss for targets ±1 (``SoftMarginLossBackward0``)."""
    _check_reduction(reduction)
    return SoftMarginLoss.apply(input, target._data, reduction)


# --- multi_margin_loss: a node whose backward PyTorch cannot differentiate ------------------------

class MultiMarginLossBackward(Function):
    node_name = "torch::autograd::NotImplemented"

    @staticmethod
    def forward(ctx, input, grad_rows):
        return _make(grad_rows)

    @staticmethod
    def backward(ctx, gg):
        raise RuntimeError("derivative for aten::multi_margin_loss_backward is not implemented")


class MultiMarginLoss(Function):
    """Σ_{j≠y} w_y max(0, margin - x_y + x_j)^p / C per sample, reduced."""

    node_name = "MultiMarginLossBackward0"

    @staticmethod
    def forward(ctx, input, target, p, margin, weight, reduction):
        x = input._data
        rows = x.reshape(-1, x.shape[-1]) if x.ndim else x.reshape(1, 1)
        n, c = rows.shape
        y = target.reshape(-1)
        t = x.dtype.type
        picked = rows[np.arange(n), y][:, None]
        z = t(margin) - picked + rows
        z[np.arange(n), y] = 0
        active = z > 0
        w = weight[y][:, None].astype(x.dtype) if weight is not None else t(1)
        per = np.where(active, z if p == 1 else z * z, t(0)) * w / t(c)
        d = np.where(active, t(1) if p == 1 else t(2) * z, t(0)) * w / t(c)
        d[np.arange(n), y] = -d.sum(1)
        ctx.d, ctx.reduction, ctx.shape = d, reduction, x.shape
        ctx.save_for_backward(input)
        losses = per.sum(1)
        if reduction == "none":
            return _make(losses.reshape(x.shape[:-1] if x.ndim > 1 else (1,)).astype(x.dtype, copy=False))
        out = losses.mean() if reduction == "mean" else losses.sum()
        return _make(np.asarray(out, dtype=x.dtype))

    @staticmethod
    def backward(ctx, grad):
        input, = ctx.saved_tensors
        g = grad._data
        rows = ctx.d * (g.reshape(-1, 1) if ctx.reduction == "none" else g / ctx.d.shape[0]
                        if ctx.reduction == "mean" else g)
        return (MultiMarginLossBackward.apply(input, rows.reshape(ctx.shape).astype(g.dtype, copy=False)),
                None, None, None, None, None)


def multi_margin_loss(input: Tensor, target: Tensor, p: int = 1, margin: float = 1.0, weight: Tensor | None = None,
                      size_average: bool | None = None, reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """Multi-class hinge loss on class indices (``MultiMarginLossBackward0``)."""
    _check_reduction(reduction)
    if p != 1 and p != 2:
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.dim() != 1:
        raise ValueError("weight must be one-dimensional")
    if input.dim() > 2:
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
                           f"{list(input.shape)}")
    return MultiMarginLoss.apply(input, target._data, p, margin, None if weight is None else weight._data, reduction)


# --- the compositions ------------------------------------------------------------------------------

def kl_div(input: Tensor, target: Tensor, size_average: bool | None = None, reduce: bool | None = None,
           reduction: str = "mean", log_target: bool = False) -> Tensor:
    """Σ target (log target - input): ``input`` holds log-probabilities; 'batchmean' divides by the batch."""
    if reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                      "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                      "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                      stacklevel=2)
    if reduction != "batchmean":
        _check_reduction(reduction)
    if log_target:
        right = target - input  # (C++: the right operand first)
        output = target.exp() * right
    else:
        output = xlogy(target, target) - target * input
    reduced = _apply_reduction(output, "sum" if reduction == "batchmean" else reduction)
    if reduction == "batchmean" and input.dim() != 0:
        reduced = reduced / input.shape[0]
    return reduced


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0,
                        size_average: bool | None = None, reduce: bool | None = None,
                        reduction: str = "mean") -> Tensor:
    """max(0, -y (x1 - x2) + margin), reduced (PyTorch's composition)."""
    _check_reduction(reduction)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
                           f"input1: {input1.size()}, input2: {input2.size()}, target: {target.size()} ")
    right = input1 - input2
    output = AddScalar.apply(-target * right, margin)
    with_clamp = output.clamp_min_(0)
    return _apply_reduction(with_clamp, reduction)


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0, size_average: bool | None = None,
                         reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """x where y = 1, max(0, margin - x) where y = -1, reduced (PyTorch's composition)."""
    _check_reduction(reduction)
    zeros = zeros_like(input)
    margin_clamp = (margin - input).clamp_min_(0)  # (a C++ Scalar minus a tensor: RsubBackward1, as Python's)
    output_margin = where(target != 1, margin_clamp, zeros)
    output_self = where(target != -1, input, zeros)
    return _apply_reduction(output_margin + output_self, reduction)


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0,
                          size_average: bool | None = None, reduce: bool | None = None,
                          reduction: str = "mean") -> Tensor:
    """1 - cos(x1, x2) where y = 1, max(0, cos - margin) where y = -1, reduced (PyTorch's composition)."""
    _check_reduction(reduction)
    targ_dim = target.dim()
    if targ_dim not in (0, 1):
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if targ_dim == 1 and (input1.dim() != 2 or input2.dim() != 2):
        raise RuntimeError(f"1D target tensor expects 2D input tensors, but found inputs with sizes "
                           f"{list(input1.shape)} and {list(input2.shape)}.")
    if targ_dim == 0 and (input1.dim() != 1 or input2.dim() != 1):
        raise RuntimeError(f"0D target tensor expects 1D input tensors, but found inputs with sizes "
                           f"{list(input1.shape)} and {list(input2.shape)}.")
    eps = 1e-12
    prod_sum = (input1 * input2).sum(targ_dim)
    mag_square1 = AddScalar.apply((input1 * input1).sum(targ_dim), eps)
    mag_square2 = AddScalar.apply((input2 * input2).sum(targ_dim), eps)
    denom = (mag_square1 * mag_square2).sqrt_()
    cos = prod_sum / denom
    zeros = zeros_like(cos)
    pos = number_minus(1, cos)
    neg = AddScalar.apply(cos, -margin).clamp_min_(0)
    output_pos = where(target == 1, pos, zeros)
    output_neg = where(target == -1, neg, zeros)
    return _apply_reduction(output_pos + output_neg, reduction)


NormDim = overload(Norm, "NormDim", "NormBackward1")  # (at::norm(x, p, dim) from C++; Python's is linalg's)


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0, p: float = 2,
                        eps: float = 1e-6, swap: bool = False, size_average: bool | None = None,
                        reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """max(0, margin + d(a, p) - d(a, n)), d the pairwise p-norm distance, reduced."""
    _check_reduction(reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    dist_pos = pairwise_distance(anchor, positive, p, eps)
    dist_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        dist_neg = dist_neg.minimum(pairwise_distance(positive, negative, p, eps))
    output = (AddScalar.apply(dist_pos, margin) - dist_neg).clamp_min(0)
    return _apply_reduction(output, reduction)


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True, full: bool = False,
                     size_average: bool | None = None, eps: float = 1e-8, reduce: bool | None = None,
                     reduction: str = "mean") -> Tensor:
    """exp(x) - t x (log_input), or x - t log(x + eps); ``full`` adds Stirling's term where t > 1."""
    _check_reduction(reduction)
    if log_input:
        right = target * input
        loss = input.exp() - right
    else:
        right = target * AddScalar.apply(input, eps).log()
        loss = input - right
    if full:
        two_pi_t = MulScalar.apply(target, 2 * math.pi)
        stirling = target * target.log() - target + MulScalar.apply(two_pi_t.log(), 0.5)
        loss = loss + stirling.masked_fill(target <= 1, 0)
    return _apply_reduction(loss, reduction)


def gaussian_nll_loss(input: Tensor, target: Tensor, var: Tensor | float, full: bool = False, eps: float = 1e-6,
                      reduction: str = "mean") -> Tensor:
    """0.5 (log var + (x - t)² / var), var clamped to at least eps (PyTorch's Python, line by line)."""
    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = var * ones_like(input)
    elif (var < 0).any():
        raise ValueError("var has negative entry/entries")
    if var.shape != input.shape:
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)
        elif not (input.dim() == var.dim() and sum(y for x, y in zip(input.shape, var.shape) if x != y) == 1):
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    var = var.clone()
    with no_grad():
        var.clamp_(min=eps)
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss += 0.5 * math.log(2 * math.pi)
    return _apply_reduction(loss, reduction)


# --- the distances and normalisation the embedding losses use ------------------------------------------

def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Tensor:
    """‖x1 - x2 + eps‖_p over the last dimension (``NormBackward1``, as PyTorch's C++)."""
    return NormDim.apply(AddScalar.apply(x1 - x2, eps), p, max(x1.dim(), x2.dim()) - 1, keepdim)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """Σ (x1 / ‖x1‖)(x2 / ‖x2‖) along ``dim``, each norm at least ``eps`` (PyTorch's composition:
    both inputs expanded when their shapes differ, the norms cloned and clamped outside the graph)."""
    if x1.shape != x2.shape:
        _check_shapes_broadcast(x1.shape, x2.shape)
        shape = np.broadcast_shapes(x1.shape, x2.shape)
        x1, x2 = x1.expand(shape), x2.expand(shape)
    x1_norm = x1.norm(2, dim, keepdim=True).clone()
    x2_norm = x2.norm(2, dim, keepdim=True).clone()
    with no_grad():
        x1_norm.clamp_min_(eps)
        x2_norm.clamp_min_(eps)
    right = x2 / x2_norm
    return ((x1 / x1_norm) * right).sum(dim)


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out: Tensor | None = None) -> Tensor:
    """``input`` divided by its p-norm along ``dim`` (at least ``eps``), as PyTorch's Python writes it."""
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    return input / denom
