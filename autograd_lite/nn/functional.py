"""Layers and losses as functions (mirrors ``torch.nn.functional``).

The math lives in ``ops/`` (``losses.py``, ``activations.py``, ``normalization.py``,
``convolution.py``, ``indexing.py`` for ``embedding``); this module exposes it under
``torch.nn.functional``'s names and adds the few functions that are only wrappers.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from .. import errors, ops, random
from ..ops import addmm, SqueezeInPlace, UnsafeView
from ..ops.activations import elu, gelu, leaky_relu, silu, softplus
from ..ops.convolution import adaptive_avg_pool2d, avg_pool2d, conv2d, max_pool2d
from ..ops.indexing import embedding
from ..ops.losses import (binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, l1_loss, mse_loss,
                          nll_loss)
from ..ops.normalization import batch_norm, layer_norm
from ..dtypes import dtype as _dtype
from ..tensor import _make, Tensor

__all__ = ["adaptive_avg_pool2d", "avg_pool2d", "batch_norm", "binary_cross_entropy", "binary_cross_entropy_with_logits",
           "conv2d", "cross_entropy", "dropout", "elu", "embedding", "flatten", "gelu", "l1_loss", "layer_norm",
           "leaky_relu", "linear", "log_softmax", "max_pool2d", "mse_loss", "nll_loss", "one_hot", "relu", "sigmoid",
           "silu", "softmax", "softplus", "tanh"]


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


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: _dtype | None = None) -> Tensor:
    """exp(x) / sum(exp(x)) along ``dim`` (``SoftmaxBackward0``)."""
    if dim is None:
        dim = _softmax_dim("softmax", input.dim())
    return ops.softmax(input if dtype is None else input.to(dtype), dim)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: _dtype | None = None) -> Tensor:
    """x - logsumexp(x) along ``dim``, computed stably (``LogSoftmaxBackward0``)."""
    if dim is None:
        dim = _softmax_dim("log_softmax", input.dim())
    return ops.log_softmax(input if dtype is None else input.to(dtype), dim)


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias``, recording the nodes PyTorch records.

    A batch ``(N, in)`` gives ``AddmmBackward0`` (``MmBackward0`` without bias); a vector
    or a batch with more dimensions is viewed as a matrix first and viewed back after
    (a non-contiguous one with a bias: ``matmul``, then the bias added, as PyTorch does).
    """
    wt = weight.t()
    if input.dim() == 2:
        return input.mm(wt) if bias is None else addmm(bias, input, wt)
    if input.dim() == 1:
        if bias is None:
            return SqueezeInPlace.apply(input.unsqueeze(0).mm(wt), 0)
        return addmm(bias, input.view(1, input.shape[0]), wt).view(weight.shape[0])
    if bias is not None and not input.is_contiguous():  # PyTorch flattens only a contiguous input
        return ops.matmul(input, wt) + bias
    batch = tuple(input.shape[:-1])
    rows = math.prod(batch)  # (not -1: with 0 features it would be ambiguous)
    flat = input.view(rows, input.shape[-1]) if input.is_contiguous() else input.reshape(rows, input.shape[-1])
    if bias is None:
        return UnsafeView.apply(flat.mm(wt), batch + (weight.shape[0],))
    return addmm(bias, flat, wt).view(batch + (weight.shape[0],))


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    return ops.flatten(input, start_dim, end_dim)


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

    The mask is PyTorch's: ``empty_like(input).bernoulli_(1 - p)`` divided by 1 - p in the
    input's dtype, drawn from the global generator (``random.bernoulli``); p = 1 draws nothing.
    """
    if not 0 <= p <= 1:
        raise ValueError(errors.dropout_probability(p))
    if not training or p == 0 or not input._data.size:
        return input
    data = input._data
    if p < 1:
        keep = random.bernoulli(1 - p, data).astype(data.dtype)
        mask = _make(keep / data.dtype.type(1 - p) if data.dtype.kind == "f" else keep)
    else:
        mask = _make(np.zeros_like(data))
    return input.mul_(mask) if inplace else input * mask
from ..ops.activations_more import celu, glu, hardshrink, hardsigmoid, hardswish, hardtanh, logsigmoid, mish, prelu, relu6, selu, softmin, softshrink, softsign, tanhshrink, threshold  # noqa: E402,F401
from ..ops.losses_more import cosine_embedding_loss, cosine_similarity, gaussian_nll_loss, hinge_embedding_loss, huber_loss, kl_div, margin_ranking_loss, multi_margin_loss, normalize, pairwise_distance, poisson_nll_loss, smooth_l1_loss, soft_margin_loss, triplet_margin_loss  # noqa: E402,F401
from ..ops.normalization_more import group_norm, instance_norm, local_response_norm, rms_norm  # noqa: E402,F401
