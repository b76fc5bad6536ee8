"""Creating tensors: from data, filled with a value, ranges, and seeded random numbers."""
from __future__ import annotations

import math
import numbers
import warnings
from typing import Any, Sequence

import numpy as np

from . import dtypes, errors, layout
from . import random as _random
from .dtypes import dtype as _dtype
from .tensor import Size, Tensor, _make, tensor_method

_SUPPORTED = ("f", "i", "u", "b")


def _finish(data: np.ndarray, requires_grad: bool, device: Any = None) -> Tensor:
    if device is not None or dtypes._default_device is not dtypes.cpu:
        dtypes.check_available(dtypes._default_device if device is None else device)
    t = _make(data if data.size else layout.contiguous(data))  # (numpy gives empty arrays 0 strides)
    if requires_grad:
        if data.dtype.kind != "f":
            raise RuntimeError(errors.INT_REQUIRES_GRAD_CREATE)
        t._requires_grad = True
    return t


def _resolve(dtype: _dtype | None, default: _dtype | None = None) -> np.dtype:
    if dtype is None:
        return (default or dtypes.get_default_dtype()).np
    if not isinstance(dtype, _dtype):
        raise TypeError(f"dtype must be torch.dtype, not {type(dtype).__name__}")
    return dtype.np


def _shape(size: tuple, name: str = "zeros") -> tuple:
    """The shape a factory ``name`` was given (``f(2, 3)`` or ``f((2, 3))``), checked as PyTorch's
    argument parser checks an int list: one argument must be an int or a sequence; a sequence
    must start with an int (else "found element ... at pos 0"), and its later elements that are
    not ints "fail to unpack" (counted from 1)."""
    if len(size) == 1 and isinstance(size[0], (tuple, list, Size)):
        size = tuple(size[0])
    elif len(size) == 1 and (not isinstance(size[0], (numbers.Integral, Tensor)) or isinstance(size[0], bool)):
        raise TypeError(f"{name}(): argument 'size' (position 1) must be tuple of ints, not {type(size[0]).__name__}")
    for i, s in enumerate(size):
        if not isinstance(s, (numbers.Integral, Tensor)) or (i == 0 and isinstance(s, bool)):
            if i == 0:
                raise TypeError(f"{name}(): argument 'size' (position 1) must be tuple of ints, but found element of "
                                f"type {type(s).__name__} at pos 0")
            raise TypeError(f"{name}(): argument 'size' failed to unpack the object at pos {i + 1} with error "
                            f"\"type must be tuple of ints,but got {type(s).__name__}\"")
        if int(s) < 0:
            raise RuntimeError(errors.negative_dimension(int(s), size))
    return tuple(int(s) for s in size)


def _size_arg(sizes: tuple, size: Any) -> tuple:
    """Factories take the size as arguments (``zeros(2, 3)``), one sequence, or ``size=(2, 3)``."""
    return sizes if size is None else (size,)


_PYTHON_NUMBERS = {float, int, bool}


def _python_numbers(data: list | tuple) -> np.ndarray | None:
    """Nested lists of Python numbers (the common case, often large) in two C-level passes;
    None when anything else is inside, so the careful element-by-element path decides."""
    try:
        cells = np.array(data, dtype=object)
    except ValueError:
        return None
    if not _PYTHON_NUMBERS.issuperset(map(type, cells.ravel())):
        return None
    return np.array(data)


def _infer(data: Any) -> tuple[np.ndarray, bool]:
    """numpy array of ``data`` and whether its dtype came from Python numbers (to be mapped)."""
    if isinstance(data, Tensor):
        return data._data.copy(), False
    if isinstance(data, np.ndarray):
        return data.copy(), False
    if isinstance(data, np.generic):
        return np.asarray(data), False
    if isinstance(data, (list, tuple)):
        fast = _python_numbers(data)
        if fast is not None:
            return fast, True
        parts = [_infer(d) for d in data]
        python = all(p for _, p in parts) if parts else True
        if any(a.size != 1 and isinstance(d, Tensor) and a.ndim == 0 for (a, _), d in zip(parts, data)):
            raise ValueError("only one element tensors can be converted to Python scalars")
        shapes = {a.shape for a, _ in parts}
        if len(shapes) > 1:
            raise ValueError(f"expected sequence of length {len(parts[0][0])} at dim 1 (got {len(parts[-1][0])})")
        if parts and not python:
            return np.array([a for a, _ in parts]), False
        return np.array(data if python else [a for a, _ in parts]), True
    if isinstance(data, (bool, numbers.Number)):
        return np.asarray(data), True
    if isinstance(data, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    raise RuntimeError(errors.could_not_infer_dtype(type(data).__name__))


def _check_first_elements(data: Any) -> None:
    """PyTorch measures the shape down the first elements, where a string (a sequence to
    Python) would never end: it refuses it there, before reading any value."""
    while isinstance(data, (list, tuple)) and data:
        data = data[0]
        if isinstance(data, str):
            raise ValueError("too many dimensions 'str'")


def tensor(data: Any, dtype: _dtype | None = None, device: Any = None, requires_grad: bool = False,
           pin_memory: bool = False) -> Tensor:
    """A new leaf tensor holding a copy of ``data`` (mirrors ``torch.tensor``).

    Python floats become float32 (the default dtype), ints int64, bools bool.

    >>> tensor([[1., 2.], [3., 4.]], requires_grad=True)
    """
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
            "sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor).",
            UserWarning, stacklevel=2)
    if isinstance(data, (list, tuple)):
        _check_first_elements(data)
    arr, python = _infer(data)
    if dtype is not None:
        arr = arr.astype(_resolve(dtype))
    elif python or arr.dtype.kind not in _SUPPORTED:
        kind = arr.dtype.kind
        arr = arr.astype(dtypes.get_default_dtype().np if kind == "f" else np.int64 if kind in "iu" else
                         np.bool_ if kind == "b" else _unsupported(arr))
    else:
        dtypes.from_numpy_dtype(arr.dtype)
    source = data._data if isinstance(data, Tensor) else data if isinstance(data, np.ndarray) else None
    if source is not None:  # a copy of an array or a tensor keeps its layout (preserve_format)
        return _finish(layout.like(arr, source), requires_grad, device)
    return _finish(arr if arr.flags.c_contiguous else arr.copy(), requires_grad, device)


def _unsupported(arr: np.ndarray):
    raise TypeError(errors.could_not_infer_dtype(arr.dtype))


def as_tensor(data: Any, dtype: _dtype | None = None, device: Any = None) -> Tensor:
    """Like ``tensor`` but shares memory with a numpy array (or returns a tensor as-is) when it can."""
    if isinstance(data, Tensor):
        return data if dtype is None or dtype is data.dtype else data.to(dtype)
    if isinstance(data, np.ndarray) and (dtype is None or dtype.np == data.dtype):
        return from_numpy(data)
    return tensor(data, dtype=dtype, device=device)


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor sharing memory with ``ndarray`` (changes to one show in the other)."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    dtypes.from_numpy_dtype(ndarray.dtype)
    return _make(ndarray)


def zeros(*sizes: Any, size: Any = None, dtype: _dtype | None = None, device: Any = None,
          requires_grad: bool = False, out: Tensor | None = None) -> Tensor:
    """A tensor of zeros (``torch.zeros``); its size check is zeros' own, worded as PyTorch words it."""
    size = _size_arg(sizes, size)
    dims = size[0] if len(size) == 1 and isinstance(size[0], (tuple, list, Size)) else size
    if any(isinstance(d, numbers.Integral) and d < 0 for d in dims):
        raise RuntimeError("zeros: Dimension size must be non-negative.")  # zeros' own check in PyTorch
    return _finish(np.zeros(_shape(size), _resolve(dtype)), requires_grad, device)


def ones(*sizes: Any, size: Any = None, dtype: _dtype | None = None, device: Any = None,
          requires_grad: bool = False) -> Tensor:
    """A tensor of ones (``torch.ones``)."""
    size = _size_arg(sizes, size)
    return _finish(np.ones(_shape(size, "ones"), _resolve(dtype)), requires_grad, device)


def empty(*sizes: Any, size: Any = None, dtype: _dtype | None = None, device: Any = None,
          requires_grad: bool = False,
          memory_format: Any = None) -> Tensor:
    """Uninitialised in PyTorch; zeros here, so that printed examples are reproducible."""
    size = _size_arg(sizes, size)
    return zeros(_shape(size, "empty"), dtype=dtype, device=device, requires_grad=requires_grad)


def full(size: Sequence[int], fill_value: Any, dtype: _dtype | None = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    """A tensor filled with ``fill_value`` (``torch.full``): its dtype follows the value (bool, int64, or the default float)."""
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    default = (dtypes.bool_ if isinstance(fill_value, bool) else dtypes.int64
               if isinstance(fill_value, numbers.Integral) else None)
    return _finish(np.full(_shape((size,) if isinstance(size, int) else (tuple(size),), "full"), fill_value,
                           _resolve(dtype, default)), requires_grad, device)


def eye(n: int, m: int | None = None, dtype: _dtype | None = None, device: Any = None,
        requires_grad: bool = False) -> Tensor:
    return _finish(np.eye(n, m, dtype=_resolve(dtype)), requires_grad, device)


def arange(start: float, end: float | None = None, step: float = 1, dtype: _dtype | None = None,
           device: Any = None, requires_grad: bool = False) -> Tensor:
    """Values ``start, start + step, ...`` below ``end``; int64 unless an argument is a float."""
    if end is None:
        start, end = 0, start
    vals = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    start, end, step = vals
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) / step < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    integral = all(isinstance(v, numbers.Integral) for v in vals)
    n = math.ceil((end - start) / step)
    out_dtype = _resolve(dtype, dtypes.int64 if integral else None)
    values = start + np.arange(n, dtype=np.int64 if integral else np.float64) * step
    return _finish(values.astype(out_dtype), requires_grad, device)


def linspace(start: float, end: float, steps: int, dtype: _dtype | None = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """``steps`` evenly spaced values; the two halves are computed from either end, as PyTorch does."""
    np_dtype = _resolve(dtype)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    if steps == 1:
        return _finish(np.full((1,), start, np_dtype), requires_grad, device)
    work = np_dtype if np_dtype.kind == "f" else np.dtype(np.float64)
    if np_dtype.kind != "f":  # the ends are converted to the integer dtype first (truncated), as in PyTorch
        start, end = int(start), int(end)
    s, e = work.type(start), work.type(end)
    step = (e - s) / work.type(max(steps - 1, 1))
    idx = np.arange(steps)
    half = steps // 2
    # PyTorch's kernel computes start + step * i (first half) and end - step * (steps - 1 - i) as fused
    # multiply-adds: one rounding. Extended precision gives the exact product before that rounding.
    wide, lstep = np.longdouble, np.longdouble(step)
    values = np.where(idx < half, wide(s) + lstep * idx, wide(e) - lstep * (steps - idx - 1)).astype(work)
    return _finish(values.astype(np_dtype), requires_grad, device)


def _like(input: Tensor, values: np.ndarray, memory_format: Any) -> np.ndarray:
    """``values`` (in memory order, as PyTorch fills a new tensor) shaped like ``input`` and laid
    out as ``empty_like`` lays it out (``preserve_format``: a transposed input, a transposed result)."""
    data = input._data
    strides = layout.like_strides(data, memory_format)
    if strides == layout.contiguous_strides(data.shape):
        return values.reshape(data.shape)
    return np.ndarray(data.shape, values.dtype, values, strides=[s * values.itemsize for s in strides])


def zeros_like(input: Tensor, *, dtype: _dtype | None = None, device: Any = None,
               requires_grad: bool = False, memory_format: Any = None) -> Tensor:
    return full_like(input, 0, dtype=dtype, device=device, requires_grad=requires_grad, memory_format=memory_format)


def ones_like(input: Tensor, *, dtype: _dtype | None = None, device: Any = None,
              requires_grad: bool = False, memory_format: Any = None) -> Tensor:
    return full_like(input, 1, dtype=dtype, device=device, requires_grad=requires_grad, memory_format=memory_format)


def empty_like(input: Tensor, *, dtype: _dtype | None = None, device: Any = None,
               requires_grad: bool = False, memory_format: Any = None) -> Tensor:
    return zeros_like(input, dtype=dtype, requires_grad=requires_grad, memory_format=memory_format)


def full_like(input: Tensor, fill_value: Any, *, dtype: _dtype | None = None, device: Any = None,
              requires_grad: bool = False, memory_format: Any = None) -> Tensor:
    """``fill_value`` everywhere, laid out as ``input`` (``preserve_format``, as every ``*_like``)."""
    values = np.full(input._data.size, fill_value, _resolve(dtype, input.dtype))
    return _finish(_like(input, values, memory_format), requires_grad, device)


# --- Random numbers: PyTorch's CPU generator, reproduced in random.py ------------------


Generator, default_generator = _random.Generator, _random.default_generator


def manual_seed(seed: int) -> Generator:
    """Seed the generator: the same calls then give PyTorch's CPU numbers for that seed."""
    _random.manual_seed(int(seed))
    return default_generator


def seed() -> int:
    return _random.seed()


def initial_seed() -> int:
    return _random.initial_seed()


def get_rng_state() -> Tensor:
    return _random.get_rng_state()


def set_rng_state(state: Tensor) -> None:
    """Restore the default generator from ``get_rng_state()``: the same random numbers again."""
    _random.set_rng_state(state)


def _float_dtype(dtype: _dtype | None, name: str) -> np.dtype:
    np_dtype = _resolve(dtype)
    if np_dtype.kind != "f":
        raise RuntimeError(errors.not_implemented_for(name, dtypes.scalar_type_name(dtypes.from_numpy_dtype(np_dtype))))
    return np_dtype


def rand(*sizes: Any, size: Any = None, generator: Any = None, dtype: _dtype | None = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    """Uniform numbers in [0, 1)."""
    size = _size_arg(sizes, size)
    np_dtype = _float_dtype(dtype, "check_uniform_bounds")
    with _random.using(generator):
        return _finish(_random.uniform(_shape(size, "rand"), np_dtype), requires_grad, device)


def randn(*sizes: Any, size: Any = None, generator: Any = None, dtype: _dtype | None = None, device: Any = None,
          requires_grad: bool = False) -> Tensor:
    """Standard normal numbers."""
    size = _size_arg(sizes, size)
    np_dtype = _float_dtype(dtype, "normal_kernel_cpu")
    with _random.using(generator):
        return _finish(_random.normal(_shape(size, "randn"), np_dtype), requires_grad, device)


def randint(low: int, high: int | None = None, size: Sequence[int] | None = None, *, generator: Any = None,
            dtype: _dtype | None = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """Integers in [low, high); ``randint(high, size)`` starts at 0."""
    if size is None:
        low, high, size = 0, low, high
    elif high is None:  # randint(high, size=(n,)), as the data tutorial calls it
        low, high = 0, low
    if high is None or size is None:
        raise TypeError("randint() missing required argument 'size'")
    if low >= high:
        raise RuntimeError(errors.random_from_to(low, high))
    np_dtype = _resolve(dtype, dtypes.int64)
    with _random.using(generator):
        return _finish(_random.randint(low, high, _shape(tuple(size)), np_dtype).astype(np_dtype), requires_grad,
                       device)


def randperm(n: int, *, generator: Any = None, dtype: _dtype | None = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """A random permutation of ``0 .. n-1``."""
    with _random.using(generator):
        return _finish(_random.randperm(n).astype(_resolve(dtype, dtypes.int64)), requires_grad, device)


def rand_like(input: Tensor, *, dtype: _dtype | None = None, device: Any = None,
              requires_grad: bool = False, memory_format: Any = None) -> Tensor:
    """Uniform numbers laid out as ``input``, generated in memory order (PyTorch fills a new tensor so)."""
    values = rand(input._data.size, dtype=dtype or input.dtype)._data
    return _finish(_like(input, values, memory_format), requires_grad, device)


def randn_like(input: Tensor, *, dtype: _dtype | None = None, device: Any = None,
               requires_grad: bool = False, memory_format: Any = None) -> Tensor:
    """Normal numbers laid out as ``input``, in memory order; a non-contiguous layout takes
    PyTorch's per-element generator."""
    contiguous = layout.like_strides(input._data, memory_format) == layout.contiguous_strides(input._data.shape)
    np_dtype = _float_dtype(dtype or input.dtype, "normal_kernel_cpu")
    values = _random.normal((input._data.size,), np_dtype, contiguous=contiguous)
    return _finish(_like(input, values, memory_format), requires_grad, device)


def randint_like(input: Tensor, low: int, high: int | None = None, *, dtype: _dtype | None = None,
                 requires_grad: bool = False, memory_format: Any = None) -> Tensor:
    """Integers in [low, high) laid out as ``input``, generated in memory order."""
    values = randint(low, high, (input._data.size,), dtype=dtype or input.dtype)._data
    return _finish(_like(input, values, memory_format), requires_grad)


def normal(mean: float, std: float, size: Sequence[int], *, generator: Any = None, dtype: _dtype | None = None,
           requires_grad: bool = False) -> Tensor:
    """``torch.normal(mean, std, size)``: normal samples drawn as PyTorch's CPU generator draws them."""
    with _random.using(generator):
        return _finish(_random.normal(_shape(tuple(size)), _resolve(dtype), mean, std), requires_grad)


# --- ``x.new_zeros(...)`` and friends: same dtype as ``x`` unless told ----------------


@tensor_method()
def new_zeros(self: Tensor, *size: Any, dtype: _dtype | None = None, requires_grad: bool = False) -> Tensor:
    return zeros(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)


@tensor_method()
def new_ones(self: Tensor, *size: Any, dtype: _dtype | None = None, requires_grad: bool = False) -> Tensor:
    return ones(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)


@tensor_method()
def new_tensor(self: Tensor, data: Any, dtype: _dtype | None = None, requires_grad: bool = False) -> Tensor:
    return tensor(data, dtype=dtype or self.dtype, requires_grad=requires_grad)


@tensor_method()
def new_full(self: Tensor, size: Any, fill_value: Any, dtype: _dtype | None = None,
             requires_grad: bool = False) -> Tensor:
    return full(size, fill_value, dtype=dtype or self.dtype, requires_grad=requires_grad)


@tensor_method()
def new_empty(self: Tensor, *size: Any, dtype: _dtype | None = None, requires_grad: bool = False) -> Tensor:
    return new_zeros(self, *size, dtype=dtype, requires_grad=requires_grad)


@tensor_method()
def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *, generator: Any = None,
                out: Tensor | None = None) -> Tensor:
    """Indices drawn from the categorical distributions given by ``input``'s rows (weights),
    the same samples as PyTorch's after the same seed."""
    p = input._data
    if p.dtype.kind != "f":
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: {dtypes.scalar_type_name(dtypes.from_numpy_dtype(p.dtype))}")
    if p.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if not replacement and num_samples > p.shape[-1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if not replacement or num_samples == 1:
        if not (np.all(p < np.inf) and np.all(p >= 0)):
            raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    else:
        if not np.all(p >= 0):  # (NaN fails this check first, as in PyTorch's loop)
            raise RuntimeError("invalid multinomial distribution (encountering probability entry < 0)")
        if not np.all(np.isfinite(p)):
            raise RuntimeError("invalid multinomial distribution (encountering probability entry = infinity or NaN)")
    if np.any(p.sum(-1) == 0):
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    with _random.using(generator):
        return _finish(_random.multinomial(p, int(num_samples), replacement), False)
