"""Layers and losses as functions (mirrors ``torch.nn.functional``).

The losses are ``Function``s in the style of ``ops.py``: ``forward`` in numpy,
``backward`` PyTorch's derivative formula written with autograd_lite operations, so
``create_graph=True`` gives second derivatives. Each records the node PyTorch records
(``MseLossBackward0``, ``NllLossBackward0``, ...).
"""
from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from .. import kernels, ops
from ..function import Function
from ..tensor import Tensor, _make

# ---------------------------------------------------------------------------------
# Activations and linear
# ---------------------------------------------------------------------------------


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(x, 0) elementwise (``ReluBackward0``)."""
    return ops.relu_(input) if inplace else ops.relu(input)


def sigmoid(input: Tensor) -> Tensor:
    return ops.sigmoid(input)


def tanh(input: Tensor) -> Tensor:
    return ops.tanh(input)


def _softmax_dim(name: str, ndim: int) -> int:
    """PyTorch's legacy choice when ``dim`` is omitted (with its deprecation warning)."""
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. "
                  "Change the call to include dim=X as an argument.", stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """exp(x) / sum(exp(x)) along ``dim`` (``SoftmaxBackward0``)."""
    if dim is None:
        dim = _softmax_dim("softmax", input.dim())
    return ops.softmax(input if dtype is None else input.to(dtype), dim)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """x - logsumexp(x) along ``dim``, computed stably (``LogSoftmaxBackward0``)."""
    if dim is None:
        dim = _softmax_dim("log_softmax", input.dim())
    return ops.log_softmax(input if dtype is None else input.to(dtype), dim)


class _SqueezeDims(ops.SqueezeDim):
    """``squeeze`` over a tuple of dims: PyTorch's fourth squeeze overload, used by ``linear`` on a vector."""

    node_name = "SqueezeBackward4"


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias``, recording the nodes PyTorch records.

    A batch ``(N, in)`` gives ``AddmmBackward0`` (``MmBackward0`` without bias); a vector
    or a batch with more dimensions is viewed as a matrix first and viewed back after.
    """
    wt = weight.t()
    if input.dim() == 2:
        return input.mm(wt) if bias is None else ops.addmm(bias, input, wt)
    if input.dim() == 1:
        if bias is None:
            return _SqueezeDims.apply(input.unsqueeze(0).mm(wt), 0)
        return ops.addmm(bias, input.view(1, input.shape[0]), wt).view(weight.shape[0])
    batch = tuple(input.shape[:-1])
    flat = input.view(-1, input.shape[-1]) if input.is_contiguous() else input.reshape(-1, input.shape[-1])
    if bias is None:
        return ops.UnsafeView.apply(flat.mm(wt), batch + (weight.shape[0],))
    return ops.addmm(bias, flat, wt).view(batch + (weight.shape[0],))


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    return ops.flatten(input, start_dim, end_dim)


# ---------------------------------------------------------------------------------
# Losses
# ---------------------------------------------------------------------------------

_REDUCTIONS = ("none", "mean", "sum")


def _check_reduction(reduction: str) -> str:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduce(loss: np.ndarray, reduction: str) -> np.ndarray:
    if reduction == "mean":
        return np.asarray(loss.mean(), dtype=loss.dtype)
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
        name = {"float32": "Float", "float64": "Double", "int32": "Int", "bool": "Bool"}.get(target.dtype.name)
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {name}")


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
                               + {"int64": "Long", "int32": "Int", "bool": "Bool"}.get(target.dtype.name, "Long"))
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
        with np.errstate(over="ignore"):
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
        with np.errstate(divide="ignore"):
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


class LeakyRelu(Function):
    node_name = "LeakyReluBackward0"

    @staticmethod
    def forward(ctx, a, slope):
        ctx.slope = slope
        ctx.save_for_backward(a)
        return _make(np.where(a._data > 0, a._data, a._data * a._data.dtype.type(slope)))

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return LeakyReluBackward.apply(grad, a, ctx.slope), None


class LeakyReluBackward(Function):
    """``grad`` where x > 0, else ``slope * grad``: an op of its own, so that it can be
    differentiated again (the same mask for ``grad``, zero for ``x``)."""

    node_name = "LeakyReluBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, a, slope):
        ctx.slope = slope
        ctx.save_for_backward(a)
        g = grad._data
        return _make(np.where(a._data > 0, g, g * g.dtype.type(slope)))

    @staticmethod
    def backward(ctx, gg):
        a, = ctx.saved_tensors
        return LeakyReluBackward.apply(gg, a, ctx.slope), ops.zeros_like(a), None


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x for x > 0, else negative_slope * x (``LeakyReluBackward0``)."""
    return LeakyRelu.apply(input, negative_slope)


class Elu(Function):
    node_name = "EluBackward0"

    @staticmethod
    def forward(ctx, a, alpha):
        x = a._data
        out = _make(np.where(x > 0, x, (alpha * np.expm1(np.minimum(x, 0))).astype(x.dtype)))
        ctx.alpha = alpha
        ctx.save_for_backward(a)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return ops.where(a > 0, grad, grad * (a.clamp(max=0).exp() * ctx.alpha)), None


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x for x > 0, else alpha (exp(x) - 1) (``EluBackward0``)."""
    return Elu.apply(input, alpha)


class Softplus(Function):
    node_name = "SoftplusBackward0"

    @staticmethod
    def forward(ctx, a, beta, threshold):
        x = a._data
        bx = x * x.dtype.type(beta)
        with np.errstate(over="ignore"):
            out = np.where(bx > threshold, x, np.log1p(np.exp(np.minimum(bx, threshold))) / x.dtype.type(beta))
        ctx.beta, ctx.threshold = beta, threshold
        ctx.save_for_backward(a)
        return _make(out.astype(x.dtype))

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        bx = a * ctx.beta
        return ops.where(bx > ctx.threshold, grad, grad * bx.sigmoid()), None, None


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + exp(beta x)) / beta, linear above ``threshold`` (``SoftplusBackward0``)."""
    return Softplus.apply(input, beta, threshold)


class Gelu(Function):
    node_name = "GeluBackward0"

    @staticmethod
    def forward(ctx, a, approximate):
        x = a._data
        ctx.approximate = approximate
        ctx.save_for_backward(a)
        if approximate == "tanh":
            k = math.sqrt(2 / math.pi)
            out = 0.5 * x * (1 + np.tanh(k * (x + 0.044715 * x ** 3)))
        else:
            out = 0.5 * x * (1 + kernels.erf(x / math.sqrt(2)))
        return _make(np.asarray(out).astype(x.dtype))

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        if ctx.approximate == "tanh":
            k = math.sqrt(2 / math.pi)
            inner = (a + a ** 3 * 0.044715) * k
            t = inner.tanh()
            d = 0.5 * (1 + t) + 0.5 * a * (1 - t * t) * k * (1 + a * a * (3 * 0.044715))
        else:
            cdf = 0.5 * (1 + (a / math.sqrt(2)).erf())
            pdf = (a * a * -0.5).exp() / math.sqrt(2 * math.pi)
            d = cdf + a * pdf
        return grad * d, None


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x Φ(x), Φ the normal CDF; ``approximate="tanh"`` uses the tanh formula (``GeluBackward0``)."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError(f"approximate argument must be either none or tanh.")
    return Gelu.apply(input, approximate)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x sigmoid(x) (``SiluBackward0``)."""
    return Silu.apply(input)


class Silu(Function):
    node_name = "SiluBackward0"

    @staticmethod
    def forward(ctx, a):
        x = a._data
        ctx.save_for_backward(a)
        with np.errstate(over="ignore"):
            return _make((x / (1 + np.exp(-x))).astype(x.dtype))

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        s = a.sigmoid()
        return grad * s * (1 + a * (1 - s))


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """Class indices as rows of 0s with a 1 (int64, as ``F.one_hot``)."""
    idx = tensor._data
    if idx.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if num_classes == -1:
        num_classes = int(idx.max()) + 1 if idx.size else 0
    if idx.size and (idx.min() < 0 or idx.max() >= num_classes):
        raise RuntimeError("Class values must be smaller than num_classes." if idx.min() >= 0
                           else "Class values must be non-negative.")
    return _make((idx[..., None] == np.arange(num_classes)).astype(np.int64))


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by 1/(1-p) (``MulBackward0``).

    The mask comes from the global generator, but not PyTorch's numbers: its CPU kernel
    draws Bernoulli variates through MKL, which is not reproduced here.
    """
    if not 0 <= p <= 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return input
    from .. import random

    keep = random.uniform(input._data.shape, input._data.dtype if input.is_floating_point() else np.float32) >= p
    mask = _make((keep / (1 - p)).astype(input._data.dtype) if p < 1 else np.zeros_like(input._data))
    return input.mul_(mask) if inplace else input * mask


def _normalization_backward(input: Tensor, gx: Tensor, dims: tuple, eps: float) -> tuple[Tensor, Tensor]:
    """The gradient through xhat = (x - mean) / sqrt(var + eps) over ``dims`` (mean and var
    depend on x too), given ``gx`` = d loss / d xhat; and xhat itself. Written with autograd_lite
    ops, so layer and batch norm can be differentiated twice."""
    centered = input - input.mean(dims, keepdim=True)
    rstd = ((centered * centered).mean(dims, keepdim=True) + eps).rsqrt()
    xhat = centered * rstd
    return rstd * (gx - gx.mean(dims, keepdim=True) - xhat * (gx * xhat).mean(dims, keepdim=True)), xhat


class NativeLayerNorm(Function):
    """(x - mean) / sqrt(var + eps) over the last dimensions, then * weight + bias."""

    node_name = "NativeLayerNormBackward0"

    @staticmethod
    def forward(ctx, input, weight, bias, dims, eps):
        x = input._data
        mean = x.mean(axis=dims, keepdims=True)
        rstd = 1 / np.sqrt(x.var(axis=dims, keepdims=True) + eps)
        out = (x - mean) * rstd
        if weight is not None:
            out = out * weight._data
        if bias is not None:
            out = out + bias._data
        ctx.dims, ctx.eps = dims, eps
        ctx.save_for_backward(input, weight)
        return _make(out.astype(x.dtype, copy=False))

    @staticmethod
    def backward(ctx, grad):
        input, weight = ctx.saved_tensors
        need_input, need_weight, need_bias = ctx.needs_input_grad[:3]
        batch = tuple(range(input.dim() - len(ctx.dims)))
        gx = grad * weight if weight is not None else grad
        grad_input, xhat = _normalization_backward(input, gx, ctx.dims, ctx.eps)
        grad_input = grad_input if need_input else None
        grad_weight = (grad * xhat).sum(batch) if need_weight else None
        grad_bias = grad.sum(batch) if need_bias else None
        return grad_input, grad_weight, grad_bias, None, None


def layer_norm(input: Tensor, normalized_shape: Any, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    """Normalise over the last ``len(normalized_shape)`` dimensions (``NativeLayerNormBackward0``)."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if tuple(input.shape[input.dim() - len(shape):]) != shape:
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape [*, "
                           f"{', '.join(map(str, shape))}], but got input of size{list(input.shape)}")
    dims = tuple(range(input.dim() - len(shape), input.dim()))
    return NativeLayerNorm.apply(input, weight, bias, dims, eps)


class NativeBatchNorm(Function):
    """(x - mean) / sqrt(var + eps) per channel (dim 1), then * weight + bias. Training mode uses
    the batch's statistics (and updates the running ones in place); eval mode the running ones."""

    node_name = "NativeBatchNormBackward0"

    @staticmethod
    def forward(ctx, input, weight, bias, running_mean, running_var, training, momentum, eps):
        x = input._data
        dims = (0,) + tuple(range(2, x.ndim))
        shape = (1, -1) + (1,) * (x.ndim - 2)
        if training:
            mean, var = x.mean(axis=dims), x.var(axis=dims)
            if running_mean is not None:
                n = x.size // x.shape[1]
                running_mean *= 1 - momentum
                running_mean += momentum * mean
                running_var *= 1 - momentum
                running_var += momentum * var * n / max(n - 1, 1)
        else:
            mean, var = running_mean, running_var
        rstd = 1 / np.sqrt(var + eps)
        out = (x - mean.reshape(shape)) * rstd.reshape(shape)
        if weight is not None:
            out = out * weight._data.reshape(shape)
        if bias is not None:
            out = out + bias._data.reshape(shape)
        ctx.dims, ctx.shape, ctx.eps, ctx.training = dims, shape, eps, training
        ctx.mean = _make(np.asarray(mean).reshape(shape).astype(x.dtype))  # (constants in eval mode)
        ctx.rstd = _make(rstd.reshape(shape).astype(x.dtype))
        ctx.save_for_backward(input, weight)
        return _make(out.astype(x.dtype, copy=False))

    @staticmethod
    def backward(ctx, grad):
        # With autograd_lite ops from the saved input, so it can be differentiated again.
        input, weight = ctx.saved_tensors
        d = ctx.dims
        need_input, need_weight, need_bias = ctx.needs_input_grad[:3]
        gx = grad * weight.reshape(ctx.shape) if weight is not None else grad
        if ctx.training:  # the statistics depend on the input too
            grad_input, xhat = _normalization_backward(input, gx, d, ctx.eps)
        else:  # the running statistics are constants
            xhat = (input - ctx.mean) * ctx.rstd
            grad_input = gx * ctx.rstd
        grad_weight = (grad * xhat).sum(d) if need_weight else None
        grad_bias = grad.sum(d) if need_bias else None
        return grad_input if need_input else None, grad_weight, grad_bias, None, None, None, None, None


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None, weight: Tensor | None = None,
               bias: Tensor | None = None, training: bool = False, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Batch normalisation over dim 1 (``NativeBatchNormBackward0``); see ``NativeBatchNorm``."""
    if training and input.numel() // input.shape[1] <= 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size {input.size()}")
    rm = None if running_mean is None else running_mean._data
    rv = None if running_var is None else running_var._data
    out = NativeBatchNorm.apply(input, weight, bias, rm, rv, training, momentum, eps)
    if training and running_mean is not None:  # updated in place
        running_mean._bump_version()
        running_var._bump_version()
    return out


class EmbeddingLookup(Function):
    """Rows of ``weight`` picked by integer indices; the gradient adds back into those rows."""

    node_name = "EmbeddingBackward0"

    @staticmethod
    def forward(ctx, weight, indices, padding_idx):
        ctx.shape, ctx.indices, ctx.padding_idx = weight._data.shape, indices, padding_idx
        return _make(weight._data[indices])

    @staticmethod
    def backward(ctx, grad):
        g = ops.IndexBackward.apply(grad, ctx.shape, (ctx.indices,))
        if ctx.padding_idx is not None:  # the padding row never learns
            keep = np.ones((ctx.shape[0], 1), dtype=grad._data.dtype)
            keep[ctx.padding_idx] = 0
            g = g * _make(keep)
        return g, None, None


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None, max_norm: float | None = None,
              norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Look up rows of ``weight`` (``EmbeddingBackward0``)."""
    if input.dtype.name not in ("int64", "int32"):
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got torch.{ {'float32': 'Float', 'float64': 'Double'}.get(input.dtype.name, 'Bool')}"
                           "Tensor instead (while checking arguments for embedding)")
    idx = input._data
    if idx.size and (idx.min() < 0 or idx.max() >= weight.shape[0]):
        raise IndexError("index out of range in self")
    return EmbeddingLookup.apply(weight, idx, padding_idx)


from .conv import adaptive_avg_pool2d, avg_pool2d, conv2d, max_pool2d  # noqa: E402,F401  (with their layers)
