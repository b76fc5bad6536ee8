"""Losses (``nn.functional``'s mse_loss, nll_loss, cross_entropy, binary_cross_entropy ...):
forward in numpy, backward PyTorch's formula, each recording the node PyTorch records
(``MseLossBackward0``, ``NllLossBackward0``, ...).
"""
from __future__ import annotations

import warnings

import numpy as np

from ..dtypes import scalar_type_name
from ..function import Function
from ..tensor import _make, Tensor
from ._common import np_mean
from .activations import log_softmax


_REDUCTIONS = ("none", "mean", "sum")


def _check_reduction(reduction: str) -> str:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduce(loss: np.ndarray, reduction: str) -> np.ndarray:
    if reduction == "mean":
        return np.asarray(np_mean(loss), dtype=loss.dtype)
    if reduction == "sum":
        return np.asarray(loss.sum(), dtype=loss.dtype)
    return loss


def _warn_size(input: Tensor, target: Tensor) -> None:
    if target.shape != input.shape:
        warnings.warn(f"Using a target size ({target.size()}) that is different to the input size "
                      f"({input.size()}). This will likely lead to incorrect results due to broadcasting. "
                      "Please ensure they have the same size.", stacklevel=3)


class MseLoss(Function):
    """(input - target)² reduced; backward ``2 (input - target) grad`` (/ n for the mean)."""

    node_name = "MseLossBackward0"

    @staticmethod
    def forward(ctx, input, target, reduction):
        ctx.save_for_backward(input, target)
        ctx.reduction = reduction
        diff = input._data - target._data
        ctx.n = diff.size
        return _make(_reduce(diff * diff, reduction))

    @staticmethod
    def backward(ctx, grad):
        input, target = ctx.saved_tensors
        norm = 2.0 / ctx.n if ctx.reduction == "mean" else 2.0
        g = (input - target) * norm * grad
        need_input, need_target, _ = ctx.needs_input_grad
        return g if need_input else None, -g if need_target else None, None


def mse_loss(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean",
             weight: Tensor | None = None) -> Tensor:
    """Mean squared error (``MseLossBackward0``); warns, as PyTorch does, when the shapes differ."""
    _check_reduction(reduction)
    _warn_size(input, target)
    if target.shape != input.shape:
        # As torch.broadcast_tensors: only a tensor whose shape changes is expanded.
        shape = np.broadcast_shapes(input.shape, target.shape)
        if input.shape != shape:
            input = input.expand(shape)
        if target.shape != shape:
            target = target.expand(shape)
    if weight is not None:
        loss = (input - target) ** 2 * weight
        return loss if reduction == "none" else loss.sum() if reduction == "sum" else loss.mean()
    return MseLoss.apply(input, target, reduction)


def l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """Mean absolute error; PyTorch composes it as ``(input - target).abs()`` then the reduction."""
    _check_reduction(reduction)
    _warn_size(input, target)
    loss = (input - target).abs()
    return loss if reduction == "none" else loss.sum() if reduction == "sum" else loss.mean()


def _class_layout(x: np.ndarray) -> np.ndarray:
    """An ``(N, C, d1, ...)`` or ``(C,)`` array as rows ``(M, C)``: one row per prediction."""
    if x.ndim == 1:
        return x[None, :]
    return np.moveaxis(x, 1, -1).reshape(-1, x.shape[1])


def _check_target(input: Tensor, target: Tensor) -> None:
    if input.dim() < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.dim()})")
    if input.dim() != 1 and input.shape[0] != (target.shape[0] if target.dim() else 1):
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target batch_size "
                         f"({target.shape[0] if target.dim() else 1}).")
    if input.dim() == 2 and target.dim() > 1 or input.dim() == 1 and target.dim() > 0:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if input.dim() > 2 and tuple(target.shape) != (input.shape[0],) + tuple(input.shape[2:]):
        raise RuntimeError(f"Expected target size {list((input.shape[0],) + tuple(input.shape[2:]))}, got "
                           f"{list(target.shape)}")
    if target._data.dtype != np.int64:
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {scalar_type_name(target.dtype)}")


def _nll_coefficients(target: np.ndarray, n_classes: int, weight: np.ndarray | None, ignore_index: int,
                      dtype: np.dtype) -> tuple[np.ndarray, np.ndarray]:
    """Per-prediction class index (clipped) and weight w_i (0 where ignored); bounds checked."""
    t = target.reshape(-1)
    keep = t != ignore_index
    bad = keep & ((t < 0) | (t >= n_classes))
    if bad.any():
        raise IndexError(f"Target {t[bad][0]} is out of bounds.")
    idx = np.where(keep, t, 0)
    w = (weight[idx] if weight is not None else np.ones(t.shape, dtype)) * keep
    return idx, w.astype(dtype)


class NllLoss(Function):
    """-w[t] · input[t] per prediction, reduced (the mean divides by the summed weights).

    ``target`` and ``weight`` come in as numpy arrays: like PyTorch, the node has an edge
    for ``input`` only (they are not differentiable).
    """

    node_name = "NllLossBackward0"

    @staticmethod
    def forward(ctx, input, target, weight, reduction, ignore_index):
        x = input._data
        rows = _class_layout(x)
        idx, w = _nll_coefficients(target, rows.shape[1], weight, ignore_index, x.dtype)
        losses = -w * rows[np.arange(rows.shape[0]), idx]
        ctx.idx, ctx.w, ctx.reduction, ctx.shape = idx, w, reduction, x.shape
        if reduction == "none":
            return _make(losses.reshape(target.shape))
        ctx.total_weight = w.sum(dtype=x.dtype)
        out = losses.sum(dtype=x.dtype)
        return _make(np.asarray(out / ctx.total_weight if reduction == "mean" else out, dtype=x.dtype))

    @staticmethod
    def backward(ctx, grad):
        # d loss / d input is a constant sparse tensor (-w_i at each target), scaled by grad:
        # linear in grad, so it is differentiable again for free.
        rows = np.zeros((ctx.idx.size, ctx.shape[0] if len(ctx.shape) == 1 else ctx.shape[1]), grad._data.dtype)
        rows[np.arange(rows.shape[0]), ctx.idx] = -ctx.w
        if ctx.reduction == "mean":
            rows /= ctx.total_weight
        if len(ctx.shape) == 1:
            coef = rows[0]
        else:
            moved = (ctx.shape[0],) + tuple(ctx.shape[2:]) + (ctx.shape[1],)
            coef = np.moveaxis(rows.reshape(moved), -1, 1)
        if ctx.reduction == "none" and grad.dim() > 0:
            grad = grad.unsqueeze(1)
        return grad * _make(np.ascontiguousarray(coef)), None, None, None, None


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
             ignore_index: int = -100, reduce=None, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of class indices given log-probabilities (``NllLossBackward0``)."""
    _check_reduction(reduction)
    _check_target(input, target)
    return NllLoss.apply(input, target._data, None if weight is None else weight._data, reduction, ignore_index)


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
                  ignore_index: int = -100, reduce=None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """``nll_loss(log_softmax(input, 1), target)``: the graph is NllLossBackward0 → LogSoftmaxBackward0.

    ``target`` holds class indices (int64), or class probabilities of the input's shape.
    """
    _check_reduction(reduction)
    if label_smoothing != 0.0:
        raise NotImplementedError("autograd_lite's cross_entropy does not implement label_smoothing")
    class_dim = 0 if input.dim() == 1 else 1
    logp = log_softmax(input, class_dim)
    if target.shape == input.shape:  # PyTorch reads a target of the input's shape as probabilities
        if not target.is_floating_point():
            raise RuntimeError("Expected floating point type for target with class probabilities, got "
                               + scalar_type_name(target.dtype))
        # Soft targets ("probabilities"): -sum_c w_c p_c log q_c, averaged over predictions.
        if weight is not None:
            shape = [1] * input.dim()
            shape[class_dim] = -1
            logp = logp * weight.view(shape)
        loss = -(logp * target).sum(class_dim)
        if reduction == "none":
            return loss
        return loss.sum() if reduction == "sum" else loss.sum() / (input.numel() // input.shape[class_dim])
    return nll_loss(logp, target, weight, ignore_index=ignore_index, reduction=reduction)


def _weighted(ctx, weight: Tensor | None, *grads: Tensor | None) -> list:
    """Apply a loss's element weights and its mean reduction to its input gradients."""
    out = []
    for g in grads:
        if g is not None and weight is not None:
            g = g * weight
        if g is not None and ctx.reduction == "mean":
            g = g / ctx.n
        out.append(g)
    return out


class BinaryCrossEntropyWithLogits(Function):
    """(1 - y) x - log σ(x) (never overflows), reduced; backward ``(σ(x) - y) grad``."""

    node_name = "BinaryCrossEntropyWithLogitsBackward0"

    @staticmethod
    def forward(ctx, input, target, weight, pos_weight, reduction):
        x, y = input._data, target._data
        log_sigmoid = np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))
        if pos_weight is not None:
            log_sigmoid = log_sigmoid * ((pos_weight._data - 1) * y + 1)
        loss = (1 - y) * x - log_sigmoid
        if weight is not None:
            loss = loss * weight._data
        ctx.save_for_backward(input, target, weight, pos_weight)
        ctx.reduction, ctx.n = reduction, x.size
        return _make(_reduce(loss.astype(x.dtype, copy=False), reduction))

    @staticmethod
    def backward(ctx, grad):
        input, target, weight, pos_weight = ctx.saved_tensors
        need_input, need_target = ctx.needs_input_grad[:2]
        s = input.sigmoid()
        grad_input = grad_target = None
        if need_input:
            if pos_weight is None:
                grad_input = (s - target) * grad
            else:
                t = pos_weight * target
                grad_input = ((t + 1 - target) * s - t) * grad
        if need_target:
            if pos_weight is None:
                grad_target = -input * grad
            else:
                grad_target = ((1 - s).log() - pos_weight * s.log()) * grad
        return (*_weighted(ctx, weight, grad_input, grad_target), None, None, None)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                     size_average=None, reduce=None, reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """Binary cross-entropy on logits, stable for any x (``BinaryCrossEntropyWithLogitsBackward0``)."""
    _check_reduction(reduction)
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.size()}) must be the same as input size ({input.size()})")
    return BinaryCrossEntropyWithLogits.apply(input, target, weight, pos_weight, reduction)


class BinaryCrossEntropy(Function):
    """-w (y log x + (1 - y) log(1 - x)), each log clamped at -100 as PyTorch does."""

    node_name = "BinaryCrossEntropyBackward0"

    @staticmethod
    def forward(ctx, input, target, weight, reduction):
        x, y = input._data, target._data
        if ((x < 0) | (x > 1)).any():
            raise RuntimeError("all elements of input should be between 0 and 1")
        loss = (y - 1) * np.maximum(np.log1p(-x), -100) - y * np.maximum(np.log(x), -100)
        if weight is not None:
            loss = loss * weight._data
        ctx.save_for_backward(input, target, weight)
        ctx.reduction, ctx.n = reduction, x.size
        return _make(_reduce(loss.astype(x.dtype, copy=False), reduction))

    @staticmethod
    def backward(ctx, grad):
        input, target, weight = ctx.saved_tensors
        need_input, need_target = ctx.needs_input_grad[:2]
        grad_input = grad_target = None
        if need_input:
            grad_input = (input - target) / ((1 - input) * input).clamp_min(1e-12) * grad
        if need_target:
            grad_target = ((1 - input).log().clamp_min(-100) - input.log().clamp_min(-100)) * grad
        return (*_weighted(ctx, weight, grad_input, grad_target), None, None)


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
                         reduce=None, reduction: str = "mean") -> Tensor:
    """Binary cross-entropy on probabilities in [0, 1] (``BinaryCrossEntropyBackward0``)."""
    _check_reduction(reduction)
    if target.shape != input.shape:
        raise ValueError(f"Using a target size ({target.size()}) that is different to the input size "
                         f"({input.size()}) is deprecated. Please ensure they have the same size.")
    if weight is not None and weight.shape != input.shape:
        weight = weight.expand(np.broadcast_shapes(target.shape, weight.shape))
    return BinaryCrossEntropy.apply(input, target, weight, reduction)
