"""What ``grad_fn._saved_<name>`` shows, per node: PyTorch's argument names (derivatives.yaml).

PyTorch names each value a node keeps after the argument it came from: ``_saved_self``,
``_saved_other``, ``_saved_result`` for tensors, and ``_saved_dim``, ``_saved_keepdim``,
``_saved_self_sym_sizes`` ... for the rest. Here each node lists its names: an int is a
``save_for_backward`` slot (a tensor, also reachable as ``_raw_saved_<name>``), a function
reads a non-tensor from the node. Nodes not listed name their slots self, other (result
for an output). This module is the one owner of those names.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from ..function import saved_fields
from ..tensor import _make

_REDUCTION = {"none": 0, "mean": 1, "sum": 2}  # PyTorch's Reduction enum
_INT64_MAX = 2 ** 63 - 1


def _int(v: int) -> int:
    """PyTorch hands a saved int64 back as unsigned: -1 comes back as 2**64 - 1."""
    return v % 2 ** 64


def attr(name: str, convert: Callable[[Any], Any] = lambda v: v) -> Callable:
    """A saved non-tensor value read from the node's own attribute (what forward kept on ctx)."""
    return lambda node: convert(getattr(node, name))


def _sizes(node) -> tuple:
    return tuple(node.shape)


def _tensor(name: str):
    return lambda node: _make(np.asarray(getattr(node, name)))


def _indexed_dim(node) -> tuple[int, object]:
    """(dim, item) of the one position of an indexing key that is not a full slice."""
    for d, item in enumerate(node.key):
        if not (isinstance(item, slice) and item == slice(None)):
            return d, item
    return 0, slice(None)


def _slice_field(field: str):
    def get(node):
        d, item = _indexed_dim(node)
        value = {"dim": d, "start": item.start or 0, "step": item.step or 1,
                 "end": _INT64_MAX if item.stop is None else item.stop}[field]
        return _int(value)

    return get


_REDUCE = {"dim": attr("dims"), "keepdim": attr("keepdim")}


def _mm_fields(first: str) -> dict:
    """mm and addmm keep both operands' sizes, and the strides of an operand that gets a gradient (else ())."""
    return {f"{first}_sym_sizes": lambda node: node.sizes[0], f"{first}_sym_strides": lambda node: node.strides[0],
            "mat2_sym_sizes": lambda node: node.sizes[1], "mat2_sym_strides": lambda node: node.strides[1]}


def _optional(name: str):
    """A loss's weight kept as a numpy array (no edge): the tensor, or None when there was none."""
    return lambda node: None if getattr(node, name) is None else _make(getattr(node, name))


# nll_loss and its backward op (which reads them from the NllLoss node it differentiates)
_NLL = {"reduction": attr("reduction", _REDUCTION.get), "target": _tensor("target"),
        "ignore_index": attr("ignore_index", _int),
        "weight": _optional("weight")}
_NLL_LOSS = {"self": 0, **_NLL, "total_weight": _tensor("total_weight")}
_NLL_LOSS_BACKWARD = {name: (lambda node, read=read: read(node.loss)) for name, read in _NLL.items()}

saved_fields.update({
    "AddBackward0": {"alpha": attr("alpha")},
    "SubBackward0": {"alpha": attr("alpha")},
    "PowBackward0": {"self": 0, "exponent": attr("exponent")},
    "PowBackward1": {"self": 0, "exponent": 1, "result": 2},
    "PowBackward2": {"self": attr("base"), "result": 0},
    "ClampBackward1": {"self": 0, "min": attr("min"), "max": attr("max")},
    "ClampMinBackward0": {"self": 0, "min": attr("min")},
    "ClampMaxBackward0": {"self": 0, "max": attr("max")},
    "ClampBackward0": {"self": 0, "min": 1, "max": 2},
    "ClampMinBackward1": {"self": 0, "min": 1},
    "ClampMaxBackward1": {"self": 0, "max": 2},
    "WhereBackward0": {"condition": 0},
    "MmBackward0": {"self": 0, "mat2": 1, **_mm_fields("self")},
    "BmmBackward0": {"self": 0, "mat2": 1},
    "MvBackward0": {"self": 0, "vec": 1},
    "DotBackward0": {"self": 0, "tensor": 1},
    "AddmmBackward0": {"mat1": 0, "mat2": 1, "alpha": lambda node: 1, "beta": lambda node: 1, **_mm_fields("mat1")},
    "SumBackward0": {"self_sym_sizes": _sizes},
    "SumBackward1": {"self_sym_sizes": _sizes, **_REDUCE},
    "MeanBackward0": {"self_sym_sizes": _sizes, "self_sym_numel": lambda node: math.prod(node.shape)},
    "MeanBackward1": {"self_sym_sizes": _sizes, "self_sym_numel": lambda node: math.prod(node.shape), **_REDUCE},
    "ProdBackward0": {"self": 0, "result": 1},
    "ProdBackward1": {"self": 0, "result": 1, "dim": lambda node: node.dims[0], "keepdim": attr("keepdim")},
    "MaxBackward0": {"indices": 0, "dim": attr("dim"), "keepdim": attr("keepdim"), "self_sym_sizes": _sizes},
    "MinBackward0": {"indices": 0, "dim": attr("dim"), "keepdim": attr("keepdim"), "self_sym_sizes": _sizes},
    "MaxBackward1": {"self": 0, "result": 1},
    "MinBackward1": {"self": 0, "result": 1},
    "AmaxBackward0": {"self": 0, "result": 1, **_REDUCE},
    "AminBackward0": {"self": 0, "result": 1, **_REDUCE},
    "LogsumexpBackward0": {"self": 0, "result": 1, **_REDUCE},
    "SoftmaxBackward0": {"result": 0, "dim": attr("dim")},
    "LogSoftmaxBackward0": {"result": 0, "dim": attr("dim")},
    "CatBackward0": {"dim": attr("dim")},
    "StackBackward0": {"dim": attr("dim")},
    "CumsumBackward0": {"dim": attr("dim")},
    "CumprodBackward0": {"dim": attr("given_dim", _int), "self": 0, "result": 1},
    "UnbindBackward0": {"dim": attr("dim")},
    "ViewBackward0": {"self_sym_sizes": _sizes},
    "ExpandBackward0": {"self_sym_sizes": _sizes},
    "SqueezeBackward0": {"self_sym_sizes": _sizes},
    "SqueezeBackward1": {"self_sym_sizes": _sizes},
    "TransposeBackward0": {"dim0": lambda node: node.d[0], "dim1": lambda node: node.d[1]},
    "PermuteBackward0": {"dims": attr("dims")},
    "UnsqueezeBackward0": {"dim": attr("dim")},
    "FlipBackward0": {"dims": attr("dims")},
    "AsStridedBackward0": {"size": lambda node: node.view[0], "stride": lambda node: node.view[1],
                           "storage_offset": lambda node: node.view[2]},
    "RepeatBackward0": {"repeats": attr("sizes"), "self_sym_sizes": attr("in_shape")},
    "SplitBackward0": {"dim": attr("dim"), "self_sym_sizes": _sizes, "split_size": lambda node: node.sizes[0]},
    "SelectBackward0": {"dim": lambda node: _indexed_dim(node)[0],
                        "index": lambda node: _int(_indexed_dim(node)[1]), "self_sym_sizes": _sizes},
    "SliceBackward0": {"dim": _slice_field("dim"), "start": _slice_field("start"), "end": _slice_field("end"),
                       "step": _slice_field("step"), "self_sym_sizes": _sizes},
    "IndexBackward0": {"indices": lambda node: tuple(_make(k) if isinstance(k, np.ndarray) else None
                                                     for k in node.key),
                       "self_sym_sizes": _sizes},
    "IndexSelectBackward0": {"dim": attr("dim"), "index": 0, "self_sym_sizes": _sizes},
    "GatherBackward0": {"dim": attr("dim"), "index": 0, "sparse_grad": lambda node: False},
    "MaskedFillBackward0": {"mask": _tensor("mask")},
    "TrilBackward0": {"diagonal": attr("diagonal")},
    "TriuBackward0": {"diagonal": attr("diagonal")},
    "SortBackward0": {"dim": attr("dim"), "indices": 0, "self_sym_sizes": _sizes},
    "TopkBackward0": {"dim": attr("dim"), "indices": 0, "self_sym_sizes": _sizes},
    "GeluBackward0": {"self": 0, "approximate": attr("approximate")},
    "LeakyReluBackward0": {"self": 0, "negative_slope": attr("slope")},
    "SoftplusBackward0": {"self": 0, "beta": attr("beta"), "threshold": attr("threshold")},
    "EluBackward0": {"self": 0, "alpha": attr("alpha"), "scale": attr("scale"), "input_scale": attr("input_scale")},
    "CeluBackward0": {"self": 0, "alpha": attr("alpha")},
    "LinalgVectorNormBackward0": {"self": 0, "result": 1, "ord": attr("p"), "keepdim": attr("keepdim")},
    "StdBackward0": {"self": 0, "result": 1, "keepdim": attr("keepdim")},
    "VarBackward0": {"self": 0, "keepdim": attr("keepdim")},
    "MseLossBackward0": {"self": 0, "target": 1, "reduction": attr("reduction", _REDUCTION.get)},
    "BinaryCrossEntropyBackward0": {"self": 0, "target": 1, "weight": _optional("weight"),
                                    "reduction": attr("reduction", _REDUCTION.get)},
    "BinaryCrossEntropyWithLogitsBackward0": {"self": 0, "target": 1, "weight": _optional("weight"),
                                              "pos_weight": _optional("pos_weight"),
                                              "reduction": attr("reduction", _REDUCTION.get)},
    "NllLossBackward0": _NLL_LOSS,
    "NllLoss2DBackward0": _NLL_LOSS,
    "NllLossBackwardBackward0": _NLL_LOSS_BACKWARD,
    "NllLoss2DBackwardBackward0": _NLL_LOSS_BACKWARD,
})
