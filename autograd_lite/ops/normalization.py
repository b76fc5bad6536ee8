"""Layer norm and batch norm: one backward formula serves both (``_normalization_backward``).
"""
from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np

from .. import engine
from ..function import Function
from ..grad_mode import _state
from ..tensor import _make, Tensor
from ._common import _new, np_mean, overload


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
        mean = np_mean(x, dims, True)
        rstd = 1 / np.sqrt(np_mean((x - mean) ** 2, dims, True) + eps)
        out = (x - mean) * rstd
        if weight is not None:
            out = out * weight._data
        # PyTorch's kernel always adds the bias, +0 when there is none: a zero output is +0
        out = out + (bias._data if bias is not None else x.dtype.type(0))
        ctx.dims, ctx.eps = dims, eps
        ctx.save_for_backward(input, weight)
        return _new(out.astype(x.dtype, copy=False))

    @staticmethod
    def backward(ctx, grad):
        input, weight = ctx.saved_tensors
        formula = functools.partial(_layer_norm_grads, dims=ctx.dims, eps=ctx.eps, needs=ctx.needs_input_grad[:3])
        return (*LayerNormBackward.apply(grad, input, None, None, weight, None, formula), None, None)


def _layer_norm_grads(grad: Tensor, input: Tensor, weight: Tensor | None, dims: tuple, eps: float,
                      needs: tuple) -> tuple:
    """(grad_input, grad_weight, grad_bias) of layer norm, those in ``needs``, with autograd_lite ops."""
    batch = tuple(range(input.dim() - len(dims)))
    gx = grad * weight if weight is not None else grad
    grad_input, xhat = _normalization_backward(input, gx, dims, eps)
    return (grad_input if needs[0] else None, (grad * xhat).sum(batch) if needs[1] else None,
            grad.sum(batch) if needs[2] else None)


class LayerNormBackward(Function):
    """PyTorch's native_layer_norm_backward, an op of its own: a second-order gradient records
    its node. Inputs as PyTorch's (grad, input, mean, rstd, weight, bias; the statistics are not
    differentiated); ``formula`` gives (grad_input, grad_weight, grad_bias) with autograd_lite ops,
    and this node's own gradient is the formula's, by autograd."""

    node_name = "NativeLayerNormBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, input, mean, rstd, weight, bias, formula: Callable):
        ctx.formula = formula
        ctx.save_for_backward(grad, input, weight)
        ctx.set_materialize_grads(False)  # (an output nothing used contributes nothing, not zeros)
        return formula(grad, input, weight)

    @staticmethod
    def backward(ctx, *grads):
        slots = (0, 1, 4)  # (where grad, input and weight are among the inputs)
        create_graph, _state.enabled = _state.enabled, True
        try:  # the formula again, recorded from aliases: the gradients stop there, not further back
            saved = [t.view_as(t) if ctx.needs_input_grad[k] else t for t, k in zip(ctx.saved_tensors, slots)]
            outs = ctx.formula(*saved)
        finally:
            _state.enabled = create_graph
        wrt = [t for t, k in zip(saved, slots) if ctx.needs_input_grad[k]]
        pairs = [(o, g) for o, g in zip(outs, grads) if o is not None and g is not None and o._requires_grad]
        found = iter(engine.grad([o for o, _ in pairs], wrt, [g for _, g in pairs], create_graph=create_graph,
                                 allow_unused=True) if pairs else [None] * len(wrt))
        result = [next(found) if ctx.needs_input_grad[k] else None for k in slots]
        return result[0], result[1], None, None, result[2], None, None


BatchNormBackward = overload(LayerNormBackward, "BatchNormBackward", "NativeBatchNormBackwardBackward0")


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
            mean = np_mean(x, dims)
            var = np_mean((x - mean.reshape(shape)) ** 2, dims)
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
        return _new(out.astype(x.dtype, copy=False))

    @staticmethod
    def backward(ctx, grad):
        input, weight = ctx.saved_tensors
        formula = functools.partial(_batch_norm_grads, ctx=ctx, needs=ctx.needs_input_grad[:3])
        grads = BatchNormBackward.apply(grad, input, None, None, weight, None, formula)
        return (*grads, None, None, None, None, None)


def _batch_norm_grads(grad: Tensor, input: Tensor, weight: Tensor | None, ctx: Any, needs: tuple) -> tuple:
    """(grad_input, grad_weight, grad_bias) of batch norm, those in ``needs``, with autograd_lite ops."""
    d = ctx.dims
    gx = grad * weight.reshape(ctx.shape) if weight is not None else grad
    if ctx.training:  # the statistics depend on the input too
        grad_input, xhat = _normalization_backward(input, gx, d, ctx.eps)
    else:  # the running statistics are constants
        xhat = (input - ctx.mean) * ctx.rstd
        grad_input = gx * ctx.rstd
    return (grad_input if needs[0] else None, (grad * xhat).sum(d) if needs[1] else None,
            grad.sum(d) if needs[2] else None)


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
