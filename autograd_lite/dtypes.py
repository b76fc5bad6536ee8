"""dtypes and devices: thin named wrappers over numpy dtypes, printed as PyTorch prints them."""
from __future__ import annotations

from typing import Any

import numpy as np

from . import errors


class dtype:
    """A tensor element type (mirrors ``torch.dtype``): ``torch.float32`` and friends."""

    __slots__ = ("name", "np", "is_floating_point", "is_signed", "itemsize")

    def __init__(self, name: str, np_dtype: type, is_floating_point: bool, is_signed: bool) -> None:
        self.name = name
        self.np = np.dtype(np_dtype)
        self.is_floating_point = is_floating_point
        self.is_signed = is_signed
        self.itemsize = self.np.itemsize

    @property
    def is_complex(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    def __reduce__(self):
        return (_by_name, (self.name,))


float32 = dtype("float32", np.float32, True, True)
float64 = dtype("float64", np.float64, True, True)
float16 = dtype("float16", np.float16, True, True)
int64 = dtype("int64", np.int64, False, True)
int32 = dtype("int32", np.int32, False, True)
int16 = dtype("int16", np.int16, False, True)
int8 = dtype("int8", np.int8, False, True)
uint8 = dtype("uint8", np.uint8, False, False)
bool_ = dtype("bool", np.bool_, False, False)

_ALL = (float32, float64, float16, int64, int32, int16, int8, uint8, bool_)
_FROM_NUMPY = {d.np: d for d in _ALL}


def _by_name(name: str) -> dtype:
    return next(d for d in _ALL if d.name == name)


def from_numpy_dtype(np_dtype: np.dtype) -> dtype:
    """The dtype that stores ``np_dtype``; numpy's other types have no counterpart here."""
    try:
        return _FROM_NUMPY[np.dtype(np_dtype)]
    except KeyError:
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np.dtype(np_dtype).name}. The only supported types are: "
            "float64, float32, float16, int64, int32, int16, int8, uint8, and bool."
        ) from None


_default_float = float32


def get_default_dtype() -> dtype:
    """The dtype of float data given without a dtype: float32, as in PyTorch."""
    return _default_float


def set_default_dtype(d: dtype) -> None:
    """Mirror ``torch.set_default_dtype``: only float32 and float64 are allowed."""
    global _default_float
    if d not in (float32, float64):
        raise TypeError("only floating-point types are supported as the default type")
    _default_float = d


# --- the names PyTorch prints for a dtype: one table -----------------------------------

_NAMES = {  # dtype name: (ScalarType name, C++ type name)
    "float32": ("Float", "float"), "float64": ("Double", "double"), "float16": ("Half", "c10::Half"),
    "int64": ("Long", "long int"), "int32": ("Int", "int"), "int16": ("Short", "short int"),
    "int8": ("Char", "signed char"), "uint8": ("Byte", "unsigned char"), "bool": ("Bool", "bool"),
}


def scalar_type_name(d: dtype) -> str:
    """PyTorch's ScalarType name: ``Float`` for float32 (as in "expected scalar type Float")."""
    return _NAMES[d.name][0]


def c_type_name(d: dtype) -> str:
    """The C++ element type PyTorch prints in some messages: ``long int`` for int64."""
    return _NAMES[d.name][1]


def tensor_type_name(d: dtype) -> str:
    """The legacy tensor type name: ``torch.FloatTensor`` for float32 (``Tensor.type()``)."""
    return f"torch.{_NAMES[d.name][0]}Tensor"


def from_tensor_type_name(name: str) -> dtype:
    """The dtype of a legacy type name: ``torch.LongTensor`` is int64 (``Tensor.type(name)``)."""
    return next(d for d in _ALL if tensor_type_name(d) == name)


def cpp_tensor_type_name(d: dtype) -> str:
    """The type as PyTorch's C++ messages print it: the legacy name, but ``CPUBoolType`` for bool
    (C++ has no legacy BoolTensor)."""
    return "CPUBoolType" if d.name == "bool" else tensor_type_name(d)


# --- type promotion: PyTorch's rule, owned here --------------------------------------

_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2}  # bool < integers < floats


def _promote(x: np.dtype, y: np.dtype) -> np.dtype:
    """PyTorch's promotion of two dtypes: a higher kind wins outright (int64 + float32 is float32)."""
    if x == y:
        return x
    cx, cy = _CATEGORY[x.kind], _CATEGORY[y.kind]
    if cx != cy:
        return x if cx > cy else y
    return np.promote_types(x, y)


def result_dtype(*operands: Any) -> np.dtype:
    """PyTorch's type promotion: tensors with dimensions outrank 0-d ones, unless of a higher kind."""
    dim = zero = None
    for t in operands:
        d = t._data.dtype
        if t._data.ndim:
            dim = d if dim is None else _promote(dim, d)
        else:
            zero = d if zero is None else _promote(zero, d)
    if dim is None:
        return zero
    if zero is None or _CATEGORY[zero.kind] <= _CATEGORY[dim.kind]:
        return dim
    return zero


# --- which dtypes each op's kernel accepts: one table ------------------------------------
# numpy computes something for any dtype; PyTorch's kernels refuse some, each with its own
# error. An op calls ``check_accepts(op, tensor)`` before computing. (Result dtypes are the
# promotion rule above: an integer input of a float op gives the default float dtype.)
# op: (refused kinds: "b" bool, "iu" integers, exception, message; {dtype} is the ScalarType name)
_NO_INT_KERNEL = "biu"
_ACCEPTS = {
    "abs": ("b", NotImplementedError, '"abs_cpu" not implemented for \'{dtype}\''),
    "floor": ("b", NotImplementedError, '"floor_vml_cpu" not implemented for \'{dtype}\''),
    "remainder": ("b", NotImplementedError, '"remainder_cpu" not implemented for \'{dtype}\''),
    "floor_divide": ("b", NotImplementedError, '"div_floor_cpu" not implemented for \'{dtype}\''),
    "pow": ("b", NotImplementedError, '"pow" not implemented for \'{dtype}\''),
    "relu": ("b", RuntimeError, "Boolean inputs not supported for relu"),
    "argmax": ("b", RuntimeError, "argmax(): does not support bool input"),
    "argmin": ("b", RuntimeError, "argmin(): does not support bool input"),
    "elu": (_NO_INT_KERNEL, NotImplementedError, '"elu_cpu" not implemented for \'{dtype}\''),
    "gelu": (_NO_INT_KERNEL, NotImplementedError, '"GeluKernelImpl" not implemented for \'{dtype}\''),
    "silu": (_NO_INT_KERNEL, NotImplementedError, '"silu_cpu" not implemented for \'{dtype}\''),
    "softplus": (_NO_INT_KERNEL, NotImplementedError, '"softplus_cpu" not implemented for \'{dtype}\''),
    "leaky_relu": (_NO_INT_KERNEL, NotImplementedError, '"leaky_relu_cpu" not implemented for \'{dtype}\''),
    "mse_loss": (_NO_INT_KERNEL, NotImplementedError, '"mse_cpu" not implemented for \'{dtype}\''),
    "norm": (_NO_INT_KERNEL, RuntimeError,
             "linalg.vector_norm: Expected a floating point or complex tensor as input. Got {dtype}"),
    "bitwise_and": ("f", NotImplementedError, '"bitwise_and_cpu" not implemented for \'{dtype}\''),
    "bitwise_or": ("f", NotImplementedError, '"bitwise_or_cpu" not implemented for \'{dtype}\''),
    "bitwise_xor": ("f", NotImplementedError, '"bitwise_xor_cpu" not implemented for \'{dtype}\''),
    "bitwise_not": ("f", NotImplementedError, '"bitwise_not_cpu" not implemented for \'{dtype}\''),
    # the kernel's name says whether it runs along the last dimension; an empty input never reaches it
    "softmax": (_NO_INT_KERNEL, NotImplementedError, '"{kernel}" not implemented for \'{dtype}\''),
    "histogram": (_NO_INT_KERNEL, NotImplementedError, '"{kernel}" not implemented for \'{dtype}\''),
}


def check_accepts(op: str, *inputs: object, **names: str) -> None:
    """Refuse an input dtype ``op``'s PyTorch kernel lacks, with PyTorch's error. ``inputs`` are
    tensors, or numpy dtypes (a computation's dtype after promotion); ``names`` fills a message's
    other fields, such as the kernel name."""
    kinds, error, message = _ACCEPTS[op]
    for x in inputs:
        dt = x if isinstance(x, np.dtype) else x._data.dtype
        if dt.kind in kinds:
            raise error(message.format(dtype=scalar_type_name(from_numpy_dtype(dt)), **names))


class device:
    """Mirror ``torch.device``: any of PyTorch's device types can be named (``device("cuda")``), but
    only the CPU holds tensors here, as in a CPU-only PyTorch build (see ``check_available``)."""

    __slots__ = ("type", "index")

    def __init__(self, type: str | "device" = "cpu", index: int | None = None) -> None:
        if isinstance(type, device):
            type, index = type.type, type.index
        kind, _, idx = str(type).partition(":")
        if kind not in _DEVICE_TYPES:
            raise RuntimeError(f"Expected one of {', '.join(_DEVICE_TYPES)} device type at start of device string: {type}")
        self.type = kind
        self.index = int(idx) if idx else index

    def __repr__(self) -> str:
        return f"device(type='{self.type}')" if self.index is None else f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and other.type == self.type and other.index == self.index

    def __hash__(self) -> int:
        return hash((self.type, self.index))


_DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia",
                 "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")


def check_available(d: "str | device | int") -> device:
    """The device ``d`` names, if tensors can live there (the CPU); otherwise PyTorch's CPU-build error:
    ``AssertionError: Torch not compiled with CUDA enabled`` for CUDA, a RuntimeError for the rest."""
    d = device("cuda", d) if isinstance(d, int) else device(d)
    if d.type == "cuda":
        raise AssertionError(errors.NO_CUDA)
    if d.type != "cpu":
        raise RuntimeError(f"Could not run 'aten::empty.memory_format' with arguments from the "
                           f"'{d.type.upper()}' backend (autograd_lite runs on the CPU only).")
    return d


cpu = device("cpu")


_default_device = cpu


def set_default_device(d: "str | device | None") -> None:
    """Where factory functions put new tensors (mirrors ``torch.set_default_device``; None means the CPU).

    Any PyTorch device type is accepted here; creating a tensor on one other than the CPU then raises,
    as in a CPU-only PyTorch build.
    """
    global _default_device
    _default_device = cpu if d is None else device(d)


def get_default_device() -> device:
    """The device factory functions use (mirrors ``torch.get_default_device``)."""
    return _default_device
