"""The Tensor: a numpy array plus the autograd fields PyTorch keeps next to it.

``requires_grad``, ``grad``, ``grad_fn`` and ``is_leaf`` behave as in PyTorch; a
tensor made by an operation on tensors that require grad points at the node that
made it (``grad_fn``), and that is the whole graph. This file knows nothing of the
math: each op in ``ops/`` attaches itself as a method here with ``@tensor_method``
(``x * y`` is ``ops.arithmetic.mul``), so adding an op is one edit in one place.
"""
from __future__ import annotations

import functools
import inspect
import numbers
import warnings
import weakref
from typing import Any, Callable

import numpy as np

from . import dtypes, errors
from .dtypes import dtype as _dtype
from .grad_mode import _inference_tensors, _state
from .hooks import RemovableHandle
from .printing import tensor_repr
from .views import refresh_view


class Size(tuple):
    """A tensor's shape (mirrors ``torch.Size``): a tuple printed as ``torch.Size([2, 3])``."""

    def __repr__(self) -> str:
        return f"torch.Size([{', '.join(map(str, self))}])"

    def numel(self) -> int:
        return int(np.prod(self, dtype=np.int64))

    def __getitem__(self, i):
        r = tuple.__getitem__(self, i)
        return Size(r) if isinstance(i, slice) else r


class Tensor:
    """A multi-dimensional array that can record the operations applied to it."""

    __slots__ = (
        "_data",            # numpy array holding the values (may be a view of another tensor's)
        "_requires_grad",
        "_grad_fn",         # the node that produced this tensor, None for leaves
        "_vc",              # version counter [n] shared with views (None: version 0, not shared yet)
        "_base",            # the tensor this one is a view of, or None
        "__dict__",         # the fields below, set only when they differ from the default
        "__weakref__",
    )
    _output_nr = 0          # which output of grad_fn this tensor is
    _grad = None            # (only leaves and retain_grad tensors get one)
    _view_func = None       # rebuilds this view from _base (used by in-place ops on views)
    _hooks = None           # leaf hooks (non-leaf hooks live on grad_fn)
    _post_accumulate_hooks = None
    _retains_grad = False
    _accumulator = None     # weak reference to the leaf's AccumulateGrad node
    _view_version = None    # the version a view's grad_fn was made at (see views.refresh_view)
    _creation = "default"   # how a view was made: "default", "multi_output", "no_grad" (see views.py)
    _custom_view_of = None  # (Function name, output nr) for a view a custom Function returned
    _inference = False      # made in inference mode (see grad_mode.inference_mode)
    _fw_tangent = None      # the tangent of a dual tensor (see autograd/forward_ad.py)

    # --- construction -------------------------------------------------------------
    def __new__(cls, *args: Any, **kwargs: Any) -> "Tensor":
        """The legacy constructor: ``Tensor([1., 2.])`` (float32 data) or ``Tensor(2, 3)`` (uninitialised)."""
        if cls is not Tensor:
            return object.__new__(cls)
        if len(args) == 1 and not isinstance(args[0], numbers.Integral):
            data = args[0]
            if isinstance(data, Tensor):
                return data
            return _make(np.array(data, dtype=dtypes.get_default_dtype().np))
        return _make(np.empty(tuple(args), dtype=dtypes.get_default_dtype().np))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def _alias(self) -> "Tensor":
        """A new tensor object on the same storage and version counter, with no autograd history."""
        t = _make(self._data)
        t._vc = self._shared_version()
        t._base = self._base
        return t

    def _shared_version(self) -> list:
        """The version counter ``[n]``, created on first need (most tensors never need one)."""
        if self._vc is None:
            self._vc = [0]
        return self._vc

    def _bump_version(self) -> None:
        if self._inference and not _state.inference:
            raise RuntimeError(errors.INFERENCE_INPLACE)
        if self._vc is None:
            self._vc = [1]
        else:
            self._vc[0] += 1

    # --- autograd fields ----------------------------------------------------------
    @property
    def requires_grad(self) -> bool:
        if self._base is not None:  # a (float) view requires grad with its base, even one made in no_grad
            if self._creation == "default":  # (the others refuse to be rebuilt: see views.refresh_view)
                refresh_view(self)
            return self._requires_grad or self._base._requires_grad and self._data.dtype.kind == "f"
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if self._grad_fn is not None:  # PyTorch adds the detach() advice only when switching off
            raise RuntimeError(errors.NON_LEAF_REQUIRES_GRAD if not value else errors.NON_LEAF_REQUIRES_GRAD_TRUE)
        if value and self._data.dtype.kind != "f":
            raise RuntimeError(errors.INT_REQUIRES_GRAD_SET)
        if value and self._inference and not _state.inference:
            raise RuntimeError(errors.INFERENCE_REQUIRES_GRAD)
        self._requires_grad = bool(value)

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        """Set ``requires_grad`` in place on a leaf and return it (mirrors ``Tensor.requires_grad_``)."""
        if requires_grad and self._inference and not _state.inference:
            raise RuntimeError(errors.INFERENCE_REQUIRES_GRAD)
        if self._grad_fn is not None and not requires_grad:
            raise RuntimeError(errors.NON_LEAF_REQUIRES_GRAD)
        if requires_grad and self._data.dtype.kind != "f":
            raise RuntimeError(errors.INT_REQUIRES_GRAD_)
        if self._grad_fn is None:
            self._requires_grad = bool(requires_grad)
        return self

    @property
    def grad(self) -> "Tensor | None":
        """d(output)/d(this tensor), filled by backward on leaves (and on ``retain_grad()`` tensors)."""
        if self._grad_fn is not None and not self._retains_grad and self._requires_grad:
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute "
                "won't be populated during autograd.backward(). If you indeed want the .grad field to be populated "
                "for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor "
                "by mistake, make sure you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 "
                "for more information. (Triggered internally at /__w/pytorch/pytorch/build/aten/src/ATen/core/TensorBody.h:493.)",
                UserWarning,
                stacklevel=2,
            )
        return self._grad

    @grad.setter
    def grad(self, value: "Tensor | None") -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type {type(value).__name__}")
            if value._data.dtype != self._data.dtype:
                raise RuntimeError(
                    f"attempting to assign a gradient with dtype '{dtypes.c_type_name(value.dtype)}' to a tensor with grad_dtype "
                    f"'{dtypes.scalar_type_name(self.dtype)}'. The gradient must match the tensor's grad_dtype (defaults "
                    "to the tensor's dtype). You can set the tensor's grad_dtype attribute with a specific dtype, or "
                    "None to allow any dtype. Set grad_dtype with caution. Diverging the dtypes of a tensor and its "
                    "gradient may break downstream systems that assume they match.")
            if value._data.shape != self._data.shape:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{list(value.shape)}' to a tensor of size "
                    f"'{list(self.shape)}'. Please ensure that the gradient and the tensor are the same size"
                )
        self._grad = value

    @grad.deleter
    def grad(self) -> None:
        self._grad = None

    @property
    def grad_fn(self):
        if self._base is not None:
            if self._custom_view_of and self._view_version != self._vc[0]:
                name, i = self._custom_view_of
                raise RuntimeError(errors.CUSTOM_VIEW_INPLACE.format(
                    i=i, name=name, what="its base or another view of its base has been modified inplace"))
            refresh_view(self)
        return self._grad_fn

    @property
    def is_leaf(self) -> bool:
        """True for tensors the user created (or that need no grad): backward fills their ``.grad``."""
        return self.grad_fn is None

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def is_inference(self) -> bool:
        """True for tensors made in inference mode."""
        return self._inference

    @property
    def output_nr(self) -> int:
        return self._output_nr

    @property
    def _version(self) -> int:
        """How many times this tensor's storage was changed in place (shared with its views)."""
        if self._inference:
            raise RuntimeError("Inference tensors do not track version counter.")
        return 0 if self._vc is None else self._vc[0]

    def retain_grad(self) -> None:
        """Keep ``.grad`` on a non-leaf tensor after backward (leaves always keep it)."""
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self._grad_fn is None or self._retains_grad:
            return
        self._retains_grad = True
        ref = weakref.ref(self)

        def retain(grad: Tensor) -> None:
            t = ref()
            if t is None:
                return
            if t._grad is None:
                t._grad = grad.detach().clone() if not grad._requires_grad else grad
            else:
                t._grad = t._grad + grad

        self._grad_fn._hooks_for(self._output_nr)["retain"] = retain

    def register_hook(self, hook: Callable[["Tensor"], "Tensor | None"]):
        """Call ``hook(grad)`` when this tensor's gradient is computed; a returned tensor replaces it."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._grad_fn is None:
            if self._hooks is None:
                self._hooks = {}
            return RemovableHandle(self._hooks, hook)
        hooks = self._grad_fn._hooks_for(self._output_nr)
        handle = RemovableHandle(hooks, hook)
        if "retain" in hooks:  # retain_grad sees the gradient after the other hooks
            hooks["retain"] = hooks.pop("retain")
        return handle

    def register_post_accumulate_grad_hook(self, hook: Callable[["Tensor"], None]):
        """Call ``hook(tensor)`` on a leaf after its ``.grad`` was accumulated."""
        if self._grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        if self._post_accumulate_hooks is None:
            self._post_accumulate_hooks = {}
        return RemovableHandle(self._post_accumulate_hooks, hook)

    def detach(self) -> "Tensor":
        """The same values (shared storage and version counter), cut off from the graph."""
        t = _make(self._data)
        t._vc = self._shared_version()
        return t

    def detach_(self) -> "Tensor":
        """Cut this tensor off from the graph in place: it becomes a leaf that needs no grad."""
        if self._base is not None and self._base._requires_grad:
            raise RuntimeError("Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is set as True, gradients are views of DDP buckets, and hence detach_() cannot be called on these gradients. To fix this error, please refer to the Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution.")
        self._grad_fn, self._requires_grad, self._output_nr = None, False, 0
        return self

    @property
    def data(self) -> "Tensor":
        """The values without history, with a version counter of their own (so edits are not seen)."""
        return _make(self._data)

    @data.setter
    def data(self, value: "Tensor") -> None:
        if value._data.shape != self._data.shape or value._data.dtype != self._data.dtype:
            self._accumulator = None  # its recorded shape and dtype no longer hold (as PyTorch's set_data)
        self._data = value._data

    # --- metadata -----------------------------------------------------------------
    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    def size(self, dim: int | None = None):
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_wrap_dim(dim, self._data.ndim)]

    @property
    def dtype(self) -> _dtype:
        return dtypes._FROM_NUMPY[self._data.dtype]

    @property
    def device(self) -> dtypes.device:
        return dtypes.cpu

    @property
    def is_cuda(self) -> bool:
        return False

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        return self._data.ndim

    ndimension = dim

    def numel(self) -> int:
        return self._data.size

    nelement = numel

    def element_size(self) -> int:
        return self._data.itemsize

    def stride(self, dim: int | None = None):
        strides = tuple(s // self._data.itemsize for s in self._data.strides)
        return strides if dim is None else strides[_wrap_dim(dim, self._data.ndim)]

    def is_contiguous(self) -> bool:
        return self._data.flags.c_contiguous

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    def data_ptr(self) -> int:
        return self._data.__array_interface__["data"][0]

    def get_device(self) -> int:
        return -1

    # --- conversions --------------------------------------------------------------
    def item(self) -> float | int | bool:
        """The single value as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(errors.ITEM_NUMEL.format(n=self._data.size))
        return self._data.reshape(()).item()

    def tolist(self):
        return self._data.tolist()

    def numpy(self, *, force: bool = False) -> np.ndarray:
        """The values as a numpy array sharing memory (refused for a tensor that requires grad, while grad mode is on)."""
        if self._requires_grad and not force and _state.enabled:
            raise RuntimeError(errors.NUMPY_REQUIRES_GRAD)
        return self._data

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        if self._requires_grad and _state.enabled:
            raise RuntimeError(errors.NUMPY_REQUIRES_GRAD)
        return self._data if dtype is None else self._data.astype(dtype)

    def __float__(self) -> float:
        if self._data.size != 1:
            raise ValueError(errors.SCALAR_CONVERSION)
        if self._requires_grad and _state.enabled:  # (PyTorch is silent under no_grad, e.g. inside LBFGS.step)
            errors.warn(errors.SCALAR_REQUIRES_GRAD)
        return float(self.item())

    def __int__(self) -> int:
        if self._data.size != 1:
            raise ValueError(errors.SCALAR_CONVERSION)
        return int(self.item())

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError(
                f"Boolean value of Tensor with {'no values' if self._data.size == 0 else 'more than one value'} is ambiguous"
            )
        return bool(self.item())

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __hash__(self) -> int:
        return id(self)

    def __format__(self, spec: str) -> str:
        # PyTorch: a 0-d plain Tensor formats as its Python number, f"{t}" included (a Parameter does not)
        if self._data.ndim == 0 and (spec or type(self) is Tensor):
            return self.item().__format__(spec)
        return object.__format__(self, spec) if spec else repr(self)

    def __repr__(self) -> str:
        return tensor_repr(self)

    def __reduce_ex__(self, protocol):
        return (_rebuild, (self._data.copy(), self._requires_grad))

    def __deepcopy__(self, memo):
        if self._grad_fn is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol at the moment.  If you were attempting to deepcopy a module, this may be because of a torch.nn.utils.weight_norm usage, see https://github.com/pytorch/pytorch/pull/103001")
        new = type(self).__new__(type(self))
        _init(new, self._data.copy())
        new._requires_grad = self._requires_grad
        if self._grad is not None:
            new._grad = self._grad.__deepcopy__(memo)
        memo[id(self)] = new
        return new

    def type_as(self, other: "Tensor") -> "Tensor":
        return self.to(other.dtype)

    def float(self) -> "Tensor":
        return self.to(dtypes.float32)

    def double(self) -> "Tensor":
        return self.to(dtypes.float64)

    def long(self) -> "Tensor":
        return self.to(dtypes.int64)

    def int(self) -> "Tensor":
        return self.to(dtypes.int32)

    def bool(self) -> "Tensor":
        return self.to(dtypes.bool_)

    def half(self) -> "Tensor":
        return self.to(dtypes.float16)

    def type(self, dtype: Any = None):
        """The legacy type name (``torch.FloatTensor``), or a copy of another type: a dtype, a
        legacy class (``torch.LongTensor``) or its name."""
        if dtype is None:
            return dtypes.tensor_type_name(self.dtype)
        return self.to(dtypes.from_tensor_type_name(dtype) if isinstance(dtype, str) else getattr(dtype, "dtype", dtype))

    def cpu(self) -> "Tensor":
        return self

    def cuda(self, *args: Any, **kwargs: Any) -> "Tensor":
        dtypes.check_available("cuda")  # raises, as a CPU-only PyTorch build does

    def __pos__(self) -> "Tensor":
        return self



def _make(data: np.ndarray) -> Tensor:
    """Wrap a numpy array as a fresh tensor with no autograd history (the engine's fast path).

    numpy turns 0-d results into numpy scalars: a tensor always holds an ndarray."""
    if type(data) is not np.ndarray:
        data = np.asarray(data)
    t = object.__new__(Tensor)
    t._data = data  # (what ``_init`` does, written out: this runs for every op's result)
    t._requires_grad = False
    t._grad_fn = t._base = t._vc = None
    if _inference_tensors.seen and _state.inference:  # (a plain flag first: _state is thread-local, slower)
        t._inference = True
    return t


def _init(t: Tensor, data: np.ndarray) -> None:
    t._data = data
    t._requires_grad = False
    t._grad_fn = t._base = t._vc = None


def _rebuild(data: np.ndarray, requires_grad: bool) -> Tensor:
    t = _make(data)
    t._requires_grad = requires_grad
    return t


def _wrap_dim(dim: int, ndim: int) -> int:
    """A dimension index in range, negatives counting from the end (PyTorch's error otherwise)."""
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n


def _sizes(args: tuple) -> tuple:
    """``f(2, 3)`` and ``f((2, 3))`` both mean the shape (2, 3)."""
    if len(args) == 1 and isinstance(args[0], (tuple, list, Size)):
        args = tuple(args[0])
    return tuple([int(a) for a in args])  # (a list first: faster than a generator)


def tensor_method(*aliases: str, numpy_names: bool = True) -> Callable:
    """Attach the decorated function to Tensor under its own name and ``aliases``.

    Ops use it where they are defined (``@tensor_method("__mul__", "__rmul__")`` above
    ``def mul``): ``x.mul(y)``, ``x * y`` and ``torch.mul(x, y)`` are one function.
    A reduction (a ``keepdim`` parameter) also takes numpy's spellings, as PyTorch's
    argument parser does, unless ``numpy_names=False`` (PyTorch's Python-level ops).
    """
    def attach(fn: Callable) -> Callable:
        if numpy_names and "keepdim" in inspect.signature(fn).parameters:
            fn = _numpy_keywords(fn)
        for name in (fn.__name__,) + aliases:
            setattr(Tensor, name, _operator(fn) if name in _BINARY_OPERATORS else fn)
        return fn

    return attach


_NUMPY_NAMES = {"keepdims": "keepdim", "axis": "dim"}  # numpy's keyword: PyTorch's


def _numpy_keywords(fn: Callable) -> Callable:
    """``fn`` also called with ``keepdims=``/``axis=`` (``counts.sum(1, keepdims=True)``)."""
    params = list(inspect.signature(fn).parameters)
    position = {name: params.index(name) for name in _NUMPY_NAMES.values() if name in params}

    @functools.wraps(fn)
    def with_numpy_names(*args: Any, **kwargs: Any) -> Any:
        if kwargs:
            for numpy_name, name in _NUMPY_NAMES.items():
                if numpy_name in kwargs and name in position:
                    if name in kwargs or len(args) > position[name]:  # given twice: PyTorch's message
                        raise TypeError(f"{fn.__name__}() got an unexpected keyword argument '{numpy_name}'")
                    kwargs[name] = kwargs.pop(numpy_name)
        return fn(*args, **kwargs)

    return with_numpy_names


_BINARY_OPERATORS = {f"__{op}__" for name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul",
                                              "and", "or", "xor") for op in (name, "r" + name)} \
    | {f"__{op}__" for op in ("eq", "ne", "lt", "le", "gt", "ge")}  # (``x == None`` is then False, as in PyTorch)


def _operator(fn: Callable) -> Callable:
    """``x - None`` as PyTorch answers it: the operator gives way (``NotImplemented``) to anything
    that is not a tensor, a number or an array, so Python raises its own TypeError
    ("unsupported operand type(s) for -: 'Tensor' and 'NoneType'")."""
    @functools.wraps(fn)
    def operator(self: Tensor, other: Any) -> Any:
        if type(other) is Tensor or type(other) in _OPERANDS or isinstance(other, (Tensor, numbers.Number, np.ndarray)):
            return fn(self, other)
        return NotImplemented

    return operator


_OPERANDS = {Tensor, float, int, bool}
