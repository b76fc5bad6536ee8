"""The legacy typed constructors ``torch.FloatTensor``, ``torch.LongTensor`` ... that older
course code still uses: ``LongTensor([1, 2])`` builds int64 data, ``FloatTensor(2, 3)`` an
uninitialised float32 tensor of that shape, and ``isinstance(x, torch.FloatTensor)`` asks
for float32 (they are not Tensor subclasses: a tensor's class stays ``Tensor``)."""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from . import dtypes
from .tensor import _make, Tensor


class _LegacyTensorType(type):
    dtype: dtypes.dtype

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, Tensor) and obj.dtype == cls.dtype

    def __call__(cls, *args: Any, device: Any = None) -> Tensor:
        np_dtype = cls.dtype.np
        if not args or all(isinstance(a, numbers.Integral) and not isinstance(a, bool) for a in args):
            return _make(np.empty(tuple(args) or (0,), dtype=np_dtype))
        if len(args) == 1 and isinstance(args[0], Tensor):
            if args[0].dtype != cls.dtype:  # PyTorch refuses to convert here
                raise TypeError(f"expected {_options(cls.dtype)} (got {_options(args[0].dtype)})")
            return args[0]
        if len(args) == 1 and isinstance(args[0], str):
            raise TypeError("new(): invalid data type 'str'")
        data = args[0] if len(args) == 1 else args
        if isinstance(data, tuple) and all(isinstance(a, numbers.Integral) for a in data):  # a Size
            return _make(np.empty(data, dtype=np_dtype))
        return _make(np.array(data.numpy() if isinstance(data, Tensor) else data).astype(np_dtype))


def _options(d: dtypes.dtype) -> str:
    return (f"TensorOptions(dtype={dtypes.c_type_name(d)}, device=cpu, layout=Strided, "
            "requires_grad=false (default), pinned_memory=false (default), memory_format=(nullopt))")


def _legacy(d: dtypes.dtype) -> _LegacyTensorType:
    name = dtypes.scalar_type_name(d) + "Tensor"
    return _LegacyTensorType(name, (), {"dtype": d, "is_cuda": False, "__module__": "torch"})


FloatTensor, DoubleTensor, HalfTensor, LongTensor, IntTensor, ShortTensor, CharTensor, ByteTensor, BoolTensor = (
    _legacy(d) for d in (dtypes.float32, dtypes.float64, dtypes.float16, dtypes.int64, dtypes.int32, dtypes.int16,
                         dtypes.int8, dtypes.uint8, dtypes.bool_))
