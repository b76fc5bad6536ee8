"""The ``out=`` argument: write a function's result into an existing tensor (mirrors PyTorch's
``torch.add(a, b, out=c)``, ``torch.matmul(a, b, out=c)``, ...).

PyTorch's rules, kept here: ``out`` is returned; a result that does not fit ``out``'s shape
resizes it (with PyTorch's deprecation warning when ``out`` was not empty); the result is cast to
``out``'s dtype unless that loses kind (float into an integer tensor raises); and because the
write cannot be differentiated, ``out=`` is refused when grad mode is on and any argument
requires grad.

>>> import autograd_lite as torch
>>> c = torch.empty(2)
>>> torch.add(torch.ones(2), 1, out=c) is c
True
"""
from __future__ import annotations

import functools
import warnings
from typing import Callable

import numpy as np

from . import errors
from .grad_mode import is_grad_enabled, no_grad
from .dtypes import scalar_type_name as _scalar_type_name
from .tensor import Tensor

_KIND_RANK = {"b": 0, "u": 1, "i": 1, "f": 2}


def supports_out(fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    """``fn`` with PyTorch's keyword-only ``out=`` argument added."""
    name = fn.__name__

    @functools.wraps(fn)
    def wrapper(*args, out: Tensor | None = None, **kwargs):
        if out is None:
            return fn(*args, **kwargs)
        inputs = [*args, *kwargs.values(), out]
        if is_grad_enabled() and any(isinstance(t, Tensor) and t.requires_grad for t in inputs):
            raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic "
                               f"differentiation, but one of the arguments requires grad.")
        with no_grad():
            result = fn(*args, **kwargs)
        write_out(result, out)
        return out

    return wrapper


def write_out(result: Tensor, out: Tensor) -> None:
    """Copy ``result`` into ``out`` in place, resizing and casting as PyTorch does."""
    if _KIND_RANK[result._data.dtype.kind] > _KIND_RANK[out._data.dtype.kind]:
        raise RuntimeError(errors.cannot_cast(_scalar_type_name(result.dtype), _scalar_type_name(out.dtype)))
    if out.shape != result.shape:
        if out.numel() != 0:
            warnings.warn(
                f"An output with one or more elements was resized since it had shape [{', '.join(map(str, out.shape))}], "
                f"which does not match the required output shape [{', '.join(map(str, result.shape))}]. This behavior "
                "is deprecated, and in a future PyTorch release outputs will not be resized unless they have zero "
                "elements. You can explicitly reuse an out tensor t by resizing it, inplace, to zero elements with "
                "t.resize_(0).", UserWarning, stacklevel=3)
        out._data = np.empty(result.shape, out._data.dtype)
    np.copyto(out._data, result._data, casting="unsafe")
    out._bump_version()
