"""Layer norm and batch norm. Their backward is an op of its own (``native_layer_norm_backward``,
``native_batch_norm_backward``) whose gradient is PyTorch's double-backward formula, written with
autograd_lite ops: a gradient of any order records the nodes PyTorch records.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..function import Function
from ..tensor import _make, Tensor
from ._common import _new, np_mean
from .arithmetic import DivScalar, MulScalar  # tensor * or / number as PyTorch's C++ formulas record them

def _normalization_backward(input: Tensor, gx: Tensor, dims: tuple, eps: float) -> tuple[Tensor, Tensor]:
    """The first-order gradient through xhat = (x - mean) / sqrt(var + eps) over ``dims`` (mean and
    var depend on x too), given ``gx`` = d loss / d xhat; and xhat itself."""
    centered = input - input.mean(dims, keepdim=True)
    rstd = ((centered * centered).mean(dims, keepdim=True) + eps).rsqrt()
    xhat = centered * rstd
    return rstd * (gx - gx.mean(dims, keepdim=True) - xhat * (gx * xhat).mean(dims, keepdim=True)), xhat


# _OPERANDS: the double backward formulas are C++, where ``a * b`` is a call ``operator*(a, b)``
# whose arguments the compiler PyTorch is built with evaluates right to left: when both operands
# are expressions, the right one's nodes are recorded first (and so run later). Method chains
# (``a.sub_(b).add_(c)``) run left to right. Python runs left to right: such a right operand is
# computed first, into ``right``.


def _add(a: Tensor | None, b: Tensor | None) -> Tensor | None:
    """``a.defined() ? a.add_(b) : b``, as PyTorch's double backward formulas accumulate a term. The
    bias's term of a norm without weight is undefined: PyTorch's add_ refuses it."""
    if a is None:
        return b
    if b is None:
        raise RuntimeError("Expected a proper Tensor but got None (or an undefined Tensor in C++) for argument #1 'other'")
    return a + b


class NativeLayerNorm(Function):
    """(x - mean) / sqrt(var + eps) over the last dimensions, then * weight + bias."""

    node_name = "NativeLayerNormBackward0"
    _optional_tensor_args = (1, 2)  # an absent weight or bias keeps its edge, (None, 0), as in PyTorch

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
        ctx.mean, ctx.rstd = _make(mean.astype(x.dtype)), _make(rstd.astype(x.dtype))  # (constants)
        ctx.save_for_backward(input, weight, bias)
        return _new(out.astype(x.dtype, copy=False))

    @staticmethod
    def backward(ctx, grad):
        input, weight, bias = ctx.saved_tensors
        grads = LayerNormBackward.apply(grad, input, ctx.mean, ctx.rstd, weight, bias, ctx.dims, ctx.eps,
                                        ctx.needs_input_grad[:3])
        return (*grads, None, None)


class LayerNormBackward(Function):
    """PyTorch's native_layer_norm_backward, an op of its own: (grad_input, grad_weight, grad_bias),
    those in ``mask``; its gradient is ``_layer_norm_double_backward``."""

    node_name = "NativeLayerNormBackwardBackward0"
    _optional_tensor_args = (4, 5)  # weight, bias

    @staticmethod
    def forward(ctx, grad, input, mean, rstd, weight, bias, dims, eps, mask):
        ctx.save_for_backward(grad, input, weight)
        ctx.mean, ctx.rstd, ctx.normalized_ndim = mean, rstd, len(dims)
        ctx.set_materialize_grads(False)  # (an output nothing used gets no gradient, not zeros)
        batch = tuple(range(input.dim() - len(dims)))
        grad_input, xhat = _normalization_backward(input, grad * weight if weight is not None else grad, dims, eps)
        return (grad_input if mask[0] else None, (grad * xhat).sum(batch) if mask[1] else None,
                grad.sum(batch) if mask[2] else None)

    @staticmethod
    def backward(ctx, ggI, ggG, ggB):
        grad, input, weight = ctx.saved_tensors
        gI, gG, ggO = _layer_norm_double_backward(input, weight, ggI, ggG, ggB, grad, ctx.mean, ctx.rstd,
                                                  ctx.normalized_ndim)
        return ggO, gI, None, None, gG, None, None, None, None


def _layer_norm_double_backward(input_t: Tensor, gamma: Tensor | None, ggI: Tensor | None, ggG: Tensor | None,
                                ggB: Tensor | None, gO_t: Tensor, save_mean: Tensor, save_invstd: Tensor,
                                normalized_ndim: int) -> tuple:
    """(gI, gG, ggO): PyTorch's layer_norm_double_backward (FunctionsManual.cpp) op by op, on
    (M, N) rows. ggI, ggG, ggB: the gradients of grad_input, grad_weight, grad_bias (None: none)."""
    axis = input_t.dim() - normalized_ndim
    M, N = math.prod(input_t.shape[:axis]), math.prod(input_t.shape[axis:])
    input, gO = input_t.reshape(M, N), gO_t.reshape(M, N)
    sigma2_eps_neg_1_2 = save_invstd.reshape(M, 1)
    affine = gamma is not None
    if affine:
        gamma_expanded = gamma.reshape(1, N)
        ggG_expanded = ggG.reshape(1, N) if ggG is not None else None
        ggB_expanded = ggB.reshape(1, N) if ggB is not None else None
    else:
        gamma_expanded, ggG_expanded, ggB_expanded = _make(np.ones(1, input._data.dtype)), None, None
    ggI_expanded = ggI.reshape(M, N) if ggI is not None else None
    input_sub_mu = input - save_mean.reshape(M, 1)
    sigma2_eps_neg_1 = sigma2_eps_neg_1_2.pow(2)
    sigma2_eps_neg_3_2 = sigma2_eps_neg_1_2.pow(3)
    input_mu_sigma2_neg_3_2 = input_sub_mu * sigma2_eps_neg_3_2

    gI = None
    if ggI is not None:
        gxhat = gO * gamma_expanded
        gxhat_mu_sum = (gxhat * input_sub_mu).sum(1, True)
        gxhat_sum = gxhat.sum(1, True)
        ggI_sum = ggI_expanded.sum(1, True)
        ggI_mu_sum = (ggI_expanded * input_sub_mu).sum(1, True)
        all_sub = (DivScalar.apply(ggI_sum * gxhat_sum, N) - (ggI_expanded * gxhat).sum(1, True)
                   + MulScalar.apply(sigma2_eps_neg_1 * gxhat_mu_sum * ggI_mu_sum, 3.0 / N))
        gI_0t = DivScalar.apply(input_mu_sigma2_neg_3_2 * all_sub, N)
        right = DivScalar.apply(gxhat_sum, N) - gxhat  # (recorded first: see _OPERANDS)
        gI_1t = DivScalar.apply(ggI_mu_sum * sigma2_eps_neg_3_2, N) * right
        right = DivScalar.apply(ggI_sum, N) - ggI_expanded
        gI_2t = DivScalar.apply(gxhat_mu_sum * sigma2_eps_neg_3_2, N) * right
        gI = gI_0t + gI_1t + gI_2t
    if affine and ggG is not None:  # the weight's term
        t0 = gO * ggG_expanded * sigma2_eps_neg_1_2
        t1 = DivScalar.apply(sigma2_eps_neg_1_2 * (gO * ggG_expanded).sum(1, True), -N)
        t2 = DivScalar.apply(input_mu_sigma2_neg_3_2 * (gO * ggG_expanded * input_sub_mu).sum(1, True), -N)
        gI = _add(gI, t0 + t1 + t2)
    if gI is not None:
        gI = gI.reshape_as(input_t)

    def first_bwd_fn_grad_input(gO_local: Tensor, gamma_local: Tensor) -> Tensor:
        """The first backward's grad_input."""
        h0 = DivScalar.apply(gamma_local * sigma2_eps_neg_1_2, N)
        h1 = MulScalar.apply(gO_local, N) - gO_local.sum(1, True)
        right = (gO_local * input_sub_mu).sum(1, True)
        return h0 * (h1 - input_sub_mu * sigma2_eps_neg_1 * right)

    gG = None
    if affine and ggI is not None:
        gG = first_bwd_fn_grad_input(ggI_expanded, _make(np.ones((), input._data.dtype)))
        gG = (gO * gG).sum(0).reshape_as(gamma)
    ggO = None
    if ggI is not None:
        ggO = first_bwd_fn_grad_input(ggI_expanded, gamma_expanded)
    if ggG is not None:
        ggO = _add(ggO, ggG_expanded * input_sub_mu * sigma2_eps_neg_1_2)
    if ggB is not None:
        ggO = _add(ggO, ggB_expanded)
    if ggO is not None:
        ggO = ggO.expand(M, N).reshape_as(input_t)
    return gI, gG, ggO


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
    _optional_tensor_args = (1, 2)  # an absent weight or bias keeps its edge, (None, 0), as in PyTorch

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
            rstd = 1 / np.sqrt(var + eps)
            ctx.mean, ctx.invstd = _make(mean.astype(x.dtype)), _make(rstd.astype(x.dtype))  # (save_mean, save_invstd)
        else:
            mean, var = running_mean, running_var
            rstd = 1 / np.sqrt(var + eps)
            # what the double backward reads in eval mode: running_mean, (running_var + eps) ** -0.5
            ctx.mean, ctx.invstd = _make(mean.astype(x.dtype)), _make(((var + eps) ** -0.5).astype(x.dtype))
        out = (x - mean.reshape(shape)) * rstd.reshape(shape)
        if weight is not None:
            out = out * weight._data.reshape(shape)
        if bias is not None:
            out = out + bias._data.reshape(shape)
        ctx.eps, ctx.training = eps, training
        ctx.save_for_backward(input, weight)
        return _new(out.astype(x.dtype, copy=False))

    @staticmethod
    def backward(ctx, grad):
        input, weight = ctx.saved_tensors
        grads = BatchNormBackward.apply(grad, input, weight, ctx.mean, ctx.invstd, ctx.training, ctx.eps,
                                        ctx.needs_input_grad[:3])
        return (*grads, None, None, None, None, None)


class BatchNormBackward(Function):
    """PyTorch's native_batch_norm_backward, an op of its own: (grad_input, grad_weight, grad_bias),
    those in ``mask``; its gradient is ``_batch_norm_double_backward``. ``mean``, ``invstd``: the
    batch's statistics in training mode, the running ones in eval mode (constants)."""

    node_name = "NativeBatchNormBackwardBackward0"
    _optional_tensor_args = (2,)  # weight

    @staticmethod
    def forward(ctx, grad, input, weight, mean, invstd, training, eps, mask):
        ctx.save_for_backward(grad, input, weight)
        ctx.mean, ctx.invstd, ctx.training = mean, invstd, training
        ctx.set_materialize_grads(False)  # (an output nothing used gets no gradient, not zeros)
        d = (0,) + tuple(range(2, input.dim()))
        shape = (1, -1) + (1,) * (input.dim() - 2)
        gx = grad * weight.reshape(shape) if weight is not None else grad
        if training:  # the statistics depend on the input too
            grad_input, xhat = _normalization_backward(input, gx, d, eps)
        else:  # the running statistics are constants
            xhat = (input - mean.reshape(shape)) * invstd.reshape(shape)
            grad_input = gx * invstd.reshape(shape)
        return (grad_input if mask[0] else None, (grad * xhat).sum(d) if mask[1] else None,
                grad.sum(d) if mask[2] else None)

    @staticmethod
    def backward(ctx, ggI, ggG, ggB):
        grad, input, weight = ctx.saved_tensors
        gI, gG, ggO = _batch_norm_double_backward(input, weight, ggI, ggG, ggB, grad, ctx.mean,
                                                  ctx.invstd, ctx.training)
        return ggO, gI, gG, None, None, None, None, None


def _sum_exclude_dim1(t: Tensor, keepdim: bool = True) -> Tensor:
    r = t.sum(0, keepdim)
    for dim in range(r.dim() - 1, 1 if keepdim else 0, -1):
        r = r.sum(dim, keepdim)
    return r


def _unsqueeze_dim1(src: Tensor, target: Tensor) -> Tensor:
    """A (C,) tensor shaped as a keepdim reduction of ``target`` over all but dim 1."""
    while src.dim() < target.dim() - 1:
        src = src.unsqueeze(1)
    return src.unsqueeze(0) if src.dim() == target.dim() - 1 else src


def _expand_as_dim1(src: Tensor, target: Tensor) -> Tensor:
    while src.dim() < target.dim() - 1:
        src = src.unsqueeze(1)
    return src.expand_as(target)


def _batch_norm_double_backward(input: Tensor, gamma: Tensor | None, ggI: Tensor | None, ggG: Tensor | None,
                                ggB: Tensor | None, gO: Tensor, mean: Tensor, invstd: Tensor, training: bool) -> tuple:
    """(gI, gG, ggO): PyTorch's batchnorm_double_backward (FunctionsManual.cpp) op by op."""
    affine = gamma is not None
    if affine:
        gamma_expanded = _expand_as_dim1(gamma, input)
        ggG_expanded = _expand_as_dim1(ggG, input) if ggG is not None else None
        ggB_expanded = _expand_as_dim1(ggB, input) if ggB is not None else None
    else:
        gamma_expanded, ggG_expanded, ggB_expanded = _make(np.ones((), input._data.dtype)), None, None
    M = input.shape[0] * math.prod(input.shape[2:])
    input_sub_mu = input - _unsqueeze_dim1(mean, input)
    sigma2_eps_neg_1_2 = _unsqueeze_dim1(invstd, input)
    sigma2_eps_neg_1 = sigma2_eps_neg_1_2.pow(2)
    sigma2_eps_neg_3_2 = sigma2_eps_neg_1_2.pow(3)

    input_mu_sigma2_neg_3_2 = input_sub_mu * sigma2_eps_neg_3_2
    gOinmu_sum = _sum_exclude_dim1(gO * input_sub_mu)
    gO_sum = _sum_exclude_dim1(gO)
    gI = None
    if ggI is not None and training:
        ggI_sum = _sum_exclude_dim1(ggI)
        ggIinmu_sum = _sum_exclude_dim1(ggI * input_sub_mu)
        all_sub = (DivScalar.apply(ggI_sum * gO_sum, M) - _sum_exclude_dim1(gO * ggI)
                   + MulScalar.apply(sigma2_eps_neg_1 * gOinmu_sum * ggIinmu_sum, 3.0 / M))
        gI_0t = DivScalar.apply(input_mu_sigma2_neg_3_2 * all_sub, M)
        right = DivScalar.apply(gO_sum, M) - gO  # (recorded first: see _OPERANDS)
        gI_1t = DivScalar.apply(ggIinmu_sum * sigma2_eps_neg_3_2, M) * right
        right = DivScalar.apply(ggI_sum, M) - ggI
        gI_2t = DivScalar.apply(gOinmu_sum * sigma2_eps_neg_3_2, M) * right
        gI = gamma_expanded * (gI_0t + gI_1t + gI_2t)
    if affine and ggG is not None:  # the weight's term
        if training:
            t0 = gO * sigma2_eps_neg_1_2
            t1 = DivScalar.apply(sigma2_eps_neg_1_2 * gO_sum, -M)
            t2 = DivScalar.apply(input_mu_sigma2_neg_3_2 * _sum_exclude_dim1(gO * input_sub_mu), -M)
            gI = _add(gI, ggG_expanded * (t0 + t1 + t2))
        else:
            gI = _add(gI, ggG_expanded * sigma2_eps_neg_1_2 * gO)

    def first_back_grad_input(gO: Tensor, gamma: Tensor) -> Tensor:
        """The first backward's grad_input."""
        h0 = DivScalar.apply(gamma * sigma2_eps_neg_1_2, M)
        h1 = MulScalar.apply(gO, M) - _sum_exclude_dim1(gO)
        right = _sum_exclude_dim1(gO * input_sub_mu)
        return h0 * (h1 - input_sub_mu * sigma2_eps_neg_1 * right)

    gG = None
    if affine and ggI is not None:
        if training:  # the first backward without the weight, summed as the weight
            gG = _sum_exclude_dim1(ggI * first_back_grad_input(gO, _make(np.ones((), input._data.dtype))), False)
        else:
            gG = _sum_exclude_dim1(ggI * gO * sigma2_eps_neg_1_2, False)
    ggO = None
    if ggI is not None:
        ggO = first_back_grad_input(ggI, gamma_expanded) if training else ggI * sigma2_eps_neg_1_2 * gamma_expanded
    if ggG is not None:
        ggO = _add(ggO, ggG_expanded * input_sub_mu * sigma2_eps_neg_1_2)
    if ggB is not None:
        ggO = _add(ggO, ggB_expanded)
    return gI, gG, ggO


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
