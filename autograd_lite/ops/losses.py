"""Losses (``nn.functional``'s mse_loss, nll_loss, cross_entropy, binary_cross_entropy ...):
forward in numpy, backward PyTorch's formula, each recording the node PyTorch records
(``MseLossBackward0``, ``NllLossBackward0``, ...).
"""
from __future__ import annotations

import warnings

import numpy as np

from .. import dtypes, layout
from ..dtypes import result_dtype, scalar_type_name
from ..errors import cannot_cast
from ..function import Function
from ..grad_mode import _state, no_grad
from ..tensor import _make, Tensor
from ._common import _check_shapes_broadcast, _with_number, np_mean, overload
from .activations import log_softmax, LogSigmoid
from .unary import Logit
from .arithmetic import AddScalar, DivScalar, MulScalar, number_minus  # numbers as PyTorch's C++ formulas record them


_REDUCTIONS = ("none", "mean", "sum")


def _check_reduction(reduction: str) -> str:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduce(loss: np.ndarray, reduction: str, *inputs: Tensor) -> np.ndarray:
    """The loss reduced; unreduced, it is an elementwise result of ``inputs`` and laid out as one."""
    if reduction == "mean":
        return np.asarray(np_mean(loss), dtype=loss.dtype)
    if reduction == "sum":
        return np.asarray(loss.sum(), dtype=loss.dtype)
    return layout.elementwise(loss, *(t._data for t in inputs))


def _not_differentiable(function: str, argument: str, t: Tensor | None) -> None:
    """PyTorch refuses a loss's weights that require grad (while grad mode is on): no formula for them."""
    if t is not None and t._requires_grad and _state.enabled:
        raise RuntimeError(f"The function '{function}' is not differentiable with respect to argument "
                           f"'{argument}'. This input cannot have requires_grad True.")


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
        dtypes.check_accepts("mse_loss", result_dtype(input, target))
        ctx.save_for_backward(input, target)
        ctx.reduction = reduction
        diff = (input._data - target._data).astype(result_dtype(input, target), copy=False)
        ctx.n = diff.size
        return _make(_reduce(diff * diff, reduction, input, target))

    @staticmethod
    def backward(ctx, grad):
        input, target = ctx.saved_tensors
        need_input, need_target, _ = ctx.needs_input_grad
        return (MseLossBackward.apply(grad, input, target, ctx.reduction) if need_input else None,
                MseLossBackward.apply(grad, target, input, ctx.reduction) if need_target else None, None)


class MseLossBackward(Function):
    """``norm * (input - target) * grad``, norm 2 (2 / n for the mean): PyTorch's ``mse_loss_backward``,
    an op of its own (called once per input, the target's with the two swapped): a double backward
    records ``MseLossBackwardBackward0``."""

    node_name = "MseLossBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, input, target, reduction):
        ctx.reduction = reduction
        ctx.save_for_backward(grad, input, target)
        x, t = input._data, target._data
        norm = 2.0 / max(x.size, 1) if reduction == "mean" else 2.0  # (empty input: empty gradient)
        out = np.ascontiguousarray((x - t) * x.dtype.type(norm) * grad._data)  # (written into contiguous zeros)
        return _make(out.astype(np.result_type(x, t), copy=False))

    @staticmethod
    def backward(ctx, gg):
        grad, input, target = ctx.saved_tensors
        need_grad, need_input, need_target, _ = ctx.needs_input_grad
        second = _mse_double_backward(gg * grad, input, ctx.reduction) if need_input or need_target else None
        return (MseLossBackward.apply(gg, input, target, ctx.reduction) if need_grad else None,
                second if need_input else None, -second if need_target else None, None)


def _mse_double_backward(grad: Tensor, input: Tensor, reduction: str) -> Tensor:
    """PyTorch's mse_loss_double_backward: 2 grad (/ n for the mean)."""
    out = MulScalar.apply(grad, 2)
    return DivScalar.apply(out, input.numel()) if reduction == "mean" else out


def mse_loss(input: Tensor, target: Tensor, size_average: bool | None = None, reduce: bool | None = None, reduction: str = "mean",
             weight: Tensor | None = None) -> Tensor:
    """Mean squared error (``MseLossBackward0``); warns, as PyTorch does, when the shapes differ."""
    _check_reduction(reduction)
    _warn_size(input, target)
    if target.shape != input.shape:
        # As torch.broadcast_tensors: only a tensor whose shape changes is expanded.
        _check_shapes_broadcast(input.shape, target.shape)
        shape = np.broadcast_shapes(input.shape, target.shape)
        if input.shape != shape:
            input = input.expand(shape)
        if target.shape != shape:
            target = target.expand(shape)
    if weight is not None:
        loss = (input - target) ** 2 * weight
        return loss if reduction == "none" else loss.sum() if reduction == "sum" else loss.mean()
    return MseLoss.apply(input, target, reduction)


def l1_loss(input: Tensor, target: Tensor, size_average: bool | None = None, reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """Mean absolute error; PyTorch composes it as ``(input - target).abs()`` then the reduction."""
    _check_reduction(reduction)
    _warn_size(input, target)
    loss = (input - target).abs()
    return loss if reduction == "none" else loss.sum() if reduction == "sum" else loss.mean()


def _class_layout(x: np.ndarray) -> np.ndarray:
    """An ``(N, C, d1, ...)`` or ``(C,)`` array as rows ``(M, C)``: one row per prediction."""
    if x.ndim == 1:
        return x[None, :]
    if x.ndim == 2:  # already rows (np.moveaxis would return the same layout, slower)
        return x
    return np.moveaxis(x, 1, -1).reshape(-1, x.shape[1])


def _check_target(input: Tensor, target: Tensor) -> Tensor:
    """The class-index target checked against the input; a (1,) target of a 1-D input is its 0-d."""
    shape, t_shape = input._data.shape, target._data.shape
    ndim, t_ndim = len(shape), len(t_shape)
    if ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {ndim})")
    if ndim == 1 and t_ndim == 1:
        if t_shape[0] != 1:
            raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {t_shape[0]}")
        target = target.reshape(())
        t_shape, t_ndim = (), 0
    batch = t_shape[0] if t_ndim else 0  # (PyTorch reads a 0-d target's batch size as 0)
    if ndim != 1 and shape[0] != batch:
        raise ValueError(f"Expected input batch_size ({shape[0]}) to match target batch_size ({batch}).")
    if ndim == 2 and t_ndim > 1 or ndim == 1 and t_ndim > 0:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if ndim > 2 and t_shape != shape[:1] + shape[2:]:
        raise RuntimeError(f"Expected target size {list(shape[:1] + shape[2:])}, got {list(t_shape)}")
    if target._data.dtype != np.int64:
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {scalar_type_name(target.dtype)}")
    return target


def _nll_coefficients(target: np.ndarray, n_classes: int, weight: np.ndarray | None, ignore_index: int,
                      dtype: np.dtype) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Per-prediction class index (clipped), weight w_i (0 where ignored; None: all 1) and which
    predictions count (None: all of them); bounds checked."""
    t = target.reshape(-1)
    if t.size:  # the common case, in two C reductions: every target a class, none equal to ignore_index
        lo, hi = np.minimum.reduce(t), np.maximum.reduce(t)
        if 0 <= lo and hi < n_classes and not lo <= ignore_index <= hi:
            return t, (weight[t].astype(dtype) if weight is not None else None), None
    keep = t != ignore_index
    bad = keep & ((t < 0) | (t >= n_classes))
    if np.logical_or.reduce(bad, axis=None):  # (the C reduction; ``bad.any()`` goes through Python)
        raise IndexError(f"Target {t[bad][0]} is out of bounds.")
    idx = np.where(keep, t, 0)
    w = (weight[idx] if weight is not None else np.ones(t.shape, dtype)) * keep
    return idx, w.astype(dtype), keep


class NllLossBackward(Function):
    """nll_loss's input gradient (PyTorch's ``nll_loss_backward`` op): ``-w_i grad`` at each
    prediction's target (``-w_i grad / total weight`` for the mean), zero elsewhere.

    An op of its own, as in PyTorch, so that it can be differentiated again: it is linear in
    ``grad`` (whose gradient is nll_loss itself) and constant in ``input``.
    """

    node_name = "NllLossBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, input, loss):  # ``loss``: the NllLoss node whose input gradient this is
        ctx.loss = loss
        g, shape = grad._data, loss.shape
        if loss.reduction == "none":
            scale = -g.reshape(-1)
        else:
            scale = -(g / loss.total_weight) if loss.reduction == "mean" else -g
        rows = np.zeros((loss.idx.size, shape[0] if len(shape) == 1 else shape[1]), g.dtype)
        values = scale if loss.weight is None else loss.w * scale
        if loss.keep is None:
            rows[np.arange(rows.shape[0]), loss.idx] = values
        else:
            keep = loss.keep
            rows[np.arange(rows.shape[0])[keep], loss.idx[keep]] = values if values.ndim == 0 else values[keep]
        if len(shape) == 1:
            return _make(rows[0])
        if len(shape) == 2:
            return _make(rows)
        moved = (shape[0],) + tuple(shape[2:]) + (shape[1],)
        return _make(np.ascontiguousarray(np.moveaxis(rows.reshape(moved), -1, 1)))

    @staticmethod
    def backward(ctx, gg):
        loss = ctx.loss
        grad_grad = loss._function.apply(gg, loss.target, loss.weight, loss.reduction, loss.ignore_index)
        return grad_grad, _make(np.zeros_like(gg._data)), None


class NllLoss(Function):
    """-w[t] · input[t] per prediction, reduced (the mean divides by the summed weights).

    ``target`` and ``weight`` come in as numpy arrays: like PyTorch, the node has an edge
    for ``input`` only (they are not differentiable).
    """

    node_name = "NllLossBackward0"
    backward_op = NllLossBackward  # (NllLoss2D's: NllLoss2DBackward)

    @staticmethod
    def forward(ctx, input, target, weight, reduction, ignore_index):
        x = input._data
        rows = _class_layout(x)
        idx, w, keep = _nll_coefficients(target, rows.shape[1], weight, ignore_index, x.dtype)
        picked = rows[np.arange(rows.shape[0]), idx]
        losses = -picked if w is None else -w * picked
        if keep is not None:  # ignored rows are skipped: a NaN there stays out
            losses = np.where(keep, losses, 0)
        ctx.save_for_backward(input)  # (as PyTorch: its backward op takes input, for the edge)
        ctx.idx, ctx.w, ctx.keep, ctx.reduction, ctx.shape = idx, w, keep, reduction, x.shape
        ctx.target, ctx.weight, ctx.ignore_index = target, weight, ignore_index
        if reduction == "none" and x.ndim > 1:
            ctx.total_weight = x.dtype.type(0)  # (PyTorch sums no weights for an unreduced batch)
            return _make(losses.reshape(target.shape))
        # (the ufunc: ``.sum`` adds Python layers)
        ctx.total_weight = x.dtype.type(idx.size) if w is None else np.add.reduce(w, dtype=x.dtype)
        if reduction == "none":
            return _make(losses.reshape(target.shape))
        out = np.add.reduce(losses, dtype=x.dtype)
        return _make(np.asarray(out / ctx.total_weight if reduction == "mean" else out, dtype=x.dtype))

    @staticmethod
    def backward(ctx, grad):
        input, = ctx.saved_tensors
        return ctx._function.backward_op.apply(grad, input, ctx), None, None, None, None


NllLoss2D = overload(NllLoss, "NllLoss2D", "NllLoss2DBackward0",
                     backward_op=overload(NllLossBackward, "NllLoss2DBackward", "NllLoss2DBackwardBackward0"))


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: bool | None = None,
             ignore_index: int = -100, reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of class indices given log-probabilities (``NllLossBackward0``)."""
    _check_reduction(reduction)
    target = _check_target(input, target)
    _not_differentiable("nll_loss_forward" if input._data.ndim <= 2 else "nll_loss2d_forward", "weight", weight)
    w = None if weight is None else weight._data
    if input._data.ndim <= 2:
        return NllLoss.apply(input, target._data, w, reduction, ignore_index)
    if input._data.ndim == 4:
        return NllLoss2D.apply(input, target._data, w, reduction, ignore_index)
    # PyTorch folds other shapes (N, C, d1, ...) into the 4-D (N, C, 1, d1 * ...) of nll_loss2d.
    n, c = input.shape[:2]
    folded = input.contiguous().view(n, c, 1, -1) if input.numel() else input.contiguous().view(n, c, 0, 0)
    t = target._data.reshape(n, 1, -1) if target.numel() else target._data.reshape(n, 0, 0)
    out = NllLoss2D.apply(folded, t, w, reduction, ignore_index)
    return out.view((n,) + tuple(input.shape[2:])) if reduction == "none" else out


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: bool | None = None,
                  ignore_index: int = -100, reduce: bool | None = None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """``nll_loss(log_softmax(input, 1), target)``: the graph is NllLossBackward0 → LogSoftmaxBackward0.

    ``target`` holds class indices (int64), or class probabilities of the input's shape.
    """
    _check_reduction(reduction)
    class_dim = 0 if input._data.ndim == 1 else 1
    probabilities = target._data.shape == input._data.shape  # (PyTorch reads such a target as probabilities)
    if probabilities:
        if not target.is_floating_point():
            raise RuntimeError("Expected floating point type for target with class probabilities, got "
                               + scalar_type_name(target.dtype))
        if ignore_index >= 0:
            raise RuntimeError("ignore_index is not supported for floating point target")
    if label_smoothing > 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    logp = log_softmax(input, class_dim)
    if probabilities:
        return _cross_entropy_probabilities(logp, target, weight, reduction, label_smoothing, class_dim)
    loss = nll_loss(logp, target, weight, ignore_index=ignore_index, reduction=reduction)
    if label_smoothing > 0.0:
        loss = _smoothed(loss, logp, target, weight, reduction, ignore_index, label_smoothing, class_dim)
    return loss


def _class_weight(weight: Tensor, logp: Tensor, class_dim: int) -> Tensor:
    """The class weights shaped to broadcast along the input's class dimension."""
    shape = [1] * logp.dim()
    shape[class_dim] = weight.shape[0]
    return weight.view(shape)


def _cross_entropy_probabilities(logp: Tensor, target: Tensor, weight: Tensor | None, reduction: str,
                                 label_smoothing: float, class_dim: int) -> Tensor:
    """Soft targets: -sum_c w_c p_c log q_c, the mean taken over predictions (PyTorch's formula);
    label smoothing mixes the target with the uniform distribution."""
    n_classes = logp.shape[class_dim]
    if label_smoothing > 0.0:
        target = target * (1 - label_smoothing) + label_smoothing / n_classes
    product = logp * target if weight is None else logp * target * _class_weight(weight, logp, class_dim)
    if reduction == "none":
        return -product.sum(class_dim)
    if reduction == "sum":
        return -product.sum()
    if logp.numel() == 0:
        return -product.sum().fill_(float("nan"))
    return DivScalar.apply(-product.sum(), logp.numel() // n_classes)


def _smoothed(nll: Tensor, logp: Tensor, target: Tensor, weight: Tensor | None, reduction: str,
              ignore_index: int, label_smoothing: float, class_dim: int) -> Tensor:
    """Class-index targets with label smoothing: (1 - ε) nll + ε/C · Σ_c -w_c log q_c, the second
    term zero on ignored predictions and its mean divided as nll's (by the kept weights)."""
    if logp.dim() == 1:  # its target is 0-d or (1,)
        target = target.reshape(())
    ignored = target == ignore_index
    smooth = -(logp if weight is None else logp * _class_weight(weight, logp, class_dim)).sum(class_dim)
    smooth = smooth.masked_fill(ignored, 0.0)
    if reduction == "sum":
        smooth = smooth.sum()
    elif reduction == "mean":
        kept = target.reshape(-1)[~ignored.reshape(-1)]
        smooth = smooth.sum() / (kept.numel() if weight is None else weight.gather(0, kept.flatten()).sum())
    return MulScalar.apply(nll, 1 - label_smoothing) + MulScalar.apply(smooth, label_smoothing / logp.shape[class_dim])


def _weighted(ctx, weight: Tensor | None, *grads: Tensor | None) -> list:
    """Apply a loss's element weights and its mean reduction to its input gradients."""
    out = []
    for g in grads:
        if g is not None and weight is not None:
            g = g * weight
        if g is not None and ctx.reduction == "mean":
            g = DivScalar.apply(g, ctx.n)  # grad / numel: div by a Scalar in PyTorch's formulas
        out.append(g)
    return out


class BinaryCrossEntropyWithLogits(Function):
    """(1 - y) x - log σ(x) (never overflows), reduced; backward ``(σ(x) - y) grad``. ``weight`` and
    ``pos_weight`` come in as numpy arrays (not differentiable: no edges)."""

    node_name = "BinaryCrossEntropyWithLogitsBackward0"

    @staticmethod
    def forward(ctx, input, target, weight, pos_weight, reduction):
        x, y = input._data, target._data
        log_sigmoid = np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))
        if pos_weight is not None:
            log_sigmoid = log_sigmoid * ((pos_weight - 1) * y + 1)
        loss = (1 - y) * x - log_sigmoid
        if weight is not None:
            loss = loss * weight
        ctx.save_for_backward(input, target)
        ctx.weight, ctx.pos_weight, ctx.reduction, ctx.n = weight, pos_weight, reduction, x.size
        return _make(_reduce(loss.astype(y.dtype, copy=False), reduction, target))  # ((1 - target) first)

    @staticmethod
    def backward(ctx, grad):
        input, target = ctx.saved_tensors  # PyTorch's formulas, op by op
        weight, pos_weight = (None if w is None else _make(w) for w in (ctx.weight, ctx.pos_weight))
        need_input, need_target = ctx.needs_input_grad[:2]
        grad_input = grad_target = None
        if need_input:
            if pos_weight is None:
                grad_input = (input.sigmoid() - target) * grad
            else:
                t = pos_weight * target
                grad_input = ((AddScalar.apply(t, 1) - target) * input.sigmoid() - t) * grad
        if need_target:
            if pos_weight is None:
                grad_target = -input * grad
            else:  # log σ(-x) - pos_weight log σ(x): never -inf where σ rounds to 0 or 1
                grad_target = (LogSigmoid.apply(-input) - LogSigmoid.apply(input) * pos_weight) * grad
        return (*_weighted(ctx, weight, grad_input, grad_target), None, None, None)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                     size_average: bool | None = None, reduce: bool | None = None, reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """Binary cross-entropy on logits, stable for any x (``BinaryCrossEntropyWithLogitsBackward0``)."""
    _check_reduction(reduction)
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.size()}) must be the same as input size ({input.size()})")
    if not target.is_floating_point():  # PyTorch computes the loss in place in a tensor of target's dtype
        raise RuntimeError(cannot_cast(scalar_type_name(result_dtype(input, target)), scalar_type_name(target.dtype)))
    _not_differentiable("binary_cross_entropy_with_logits", "weight", weight)
    _not_differentiable("binary_cross_entropy_with_logits", "pos_weight", pos_weight)
    # (weight and pos_weight as numpy arrays: like PyTorch, the node's edges are input and target only)
    return BinaryCrossEntropyWithLogits.apply(input, target, None if weight is None else weight._data,
                                              None if pos_weight is None else pos_weight._data, reduction)


class BinaryCrossEntropy(Function):
    """-w (y log x + (1 - y) log(1 - x)), each log clamped at -100 as PyTorch does. ``weight`` comes
    in as a numpy array: like PyTorch, the node has edges for input and target only."""

    node_name = "BinaryCrossEntropyBackward0"

    @staticmethod
    def forward(ctx, input, target, weight, reduction):
        x, y = input._data, target._data
        if ((x < 0) | (x > 1)).any():
            raise RuntimeError("all elements of input should be between 0 and 1")
        loss = (y - 1) * np.maximum(np.log1p(-x), -100) - y * np.maximum(np.log(x), -100)
        if weight is not None:
            loss = loss * weight
        ctx.save_for_backward(input, target)
        ctx.weight, ctx.reduction, ctx.n = weight, reduction, x.size
        return _make(_reduce(loss.astype(x.dtype, copy=False), reduction, input, target))

    @staticmethod
    def backward(ctx, grad):
        input, target = ctx.saved_tensors
        need_input, need_target = ctx.needs_input_grad[:2]
        grad_input = grad_target = None
        if need_input:  # PyTorch's binary_cross_entropy_backward, an op of its own
            grad_input = BinaryCrossEntropyBackward.apply(grad, input, target, ctx.weight, ctx.reduction)
        if need_target:  # PyTorch's binary_cross_entropy_target_backward: -logit(x) grad (w, / n)
            grad_target = -Logit.apply(input) * grad
            if ctx.weight is not None:
                grad_target = grad_target * _make(ctx.weight)
            if ctx.reduction == "mean":
                grad_target = DivScalar.apply(grad_target, target.numel())
        return grad_input, grad_target, None, None


_BCE_EPS = 1e-12  # PyTorch's binary cross-entropy epsilon, for every dtype


class BinaryCrossEntropyBackward(Function):
    """``w grad (x - y) / max((1 - x) x, eps)`` (/ n for the mean): PyTorch's binary_cross_entropy_backward
    kernel, an op of its own: a double backward records ``BinaryCrossEntropyBackwardBackward0``, whose
    formulas (for grad_output, self and target, in that order as PyTorch's generated code) follow."""

    node_name = "BinaryCrossEntropyBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, input, target, weight, reduction):
        g, x, y = grad._data, input._data, target._data
        out = g * (x - y) / np.maximum((1 - x) * x, x.dtype.type(_BCE_EPS))
        if weight is not None:
            out = out * weight
        if reduction == "mean":
            out = out / x.size
        ctx.save_for_backward(grad, input, target)
        ctx.weight, ctx.reduction = weight, reduction
        return _make(layout.like(np.asarray(out, dtype=x.dtype), x))  # (empty_like(input), filled)

    @staticmethod
    def backward(ctx, gg):
        grad, input, target = ctx.saved_tensors
        weight = None if ctx.weight is None else _make(ctx.weight)
        need_grad, need_input, need_target = ctx.needs_input_grad[:3]
        mean = ctx.reduction == "mean"
        grad_grad = _bce_double_backward_grad_output(gg, input, target, weight, mean) if need_grad else None
        grad_input = _bce_double_backward(grad, gg, input, target, weight, mean) if need_input else None
        grad_target = _bce_double_backward_target(gg, grad, input, target, weight, mean) if need_target else None
        return grad_grad, grad_input, grad_target, None, None


# PyTorch's three binary_cross_entropy double-backward formulas (FunctionsManual.cpp), op by op; the
# right operand of a C++ operator is recorded first (see normalization.py's _OPERANDS).

def _bce_double_backward(grad_output: Tensor, grad: Tensor, input: Tensor, target: Tensor,
                         weight: Tensor | None, mean: bool) -> Tensor:
    """The gradient for the input: (x² - 2 x y + y) / ((x + eps)² (1 - x + eps)²) · grad · grad_output."""
    inp_pl_eps = AddScalar.apply(input, _BCE_EPS)
    one_m_inp_pl_eps = AddScalar.apply(number_minus(1, input), _BCE_EPS)
    right = one_m_inp_pl_eps.pow(2)
    denominator = inp_pl_eps.pow(2) * right
    right = MulScalar.apply(input, 2) * target
    gI = (input * input - right + target) / denominator
    gI = gI * (grad * grad_output)
    if weight is not None:
        gI = gI * weight
    return DivScalar.apply(gI, input.numel()) if mean else gI


def _bce_double_backward_target(grad: Tensor, grad_output: Tensor, input: Tensor, target: Tensor,
                                weight: Tensor | None, mean: bool) -> Tensor:
    """The gradient for the target: -grad · grad_output / max((1 - x) x, eps)."""
    res = -grad * grad_output
    if weight is not None:
        res = res * weight
    denom = number_minus(1, input) * input
    with no_grad():  # (PyTorch clamps in place, unrecorded)
        denom.clamp_min_(_BCE_EPS)
    res = res / denom
    return DivScalar.apply(res, target.numel()) if mean else res


def _bce_double_backward_grad_output(grad: Tensor, input: Tensor, target: Tensor, weight: Tensor | None,
                                     mean: bool) -> Tensor:
    """The gradient for grad_output: (x - y) / ((x + eps) (1 - x + eps)) · grad (summed to its shape
    by the engine, as PyTorch's)."""
    right = AddScalar.apply(number_minus(1, input), _BCE_EPS)
    denominator = AddScalar.apply(input, _BCE_EPS) * right
    ggO = (input - target) / denominator
    ggO = ggO * grad
    if weight is not None:
        ggO = ggO * weight
    return DivScalar.apply(ggO, input.numel()) if mean else ggO


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: bool | None = None,
                         reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """Binary cross-entropy on probabilities in [0, 1] (``BinaryCrossEntropyBackward0``)."""
    _check_reduction(reduction)
    if target.shape != input.shape:
        raise ValueError(f"Using a target size ({target.size()}) that is different to the input size "
                         f"({input.size()}) is deprecated. Please ensure they have the same size.")
    _not_differentiable("binary_cross_entropy", "weight", weight)
    if weight is not None and weight.shape != input.shape:
        weight = weight.expand(np.broadcast_shapes(target.shape, weight.shape))
    return BinaryCrossEntropy.apply(input, target, None if weight is None else weight._data, reduction)
