"""``nn.Parameter``: a tensor that a Module registers as one of its weights."""
from __future__ import annotations

import numpy as np

from .. import dtypes, errors
from ..tensor import Tensor, _init, _make


class Parameter(Tensor):
    """A leaf tensor that requires grad by default (mirrors ``torch.nn.Parameter``).

    Assigning one to a Module attribute registers it, so ``module.parameters()`` finds it.
    It shares storage (and version counter) with the tensor it wraps.

    >>> p = Parameter(torch.ones(2))
    >>> p
    Parameter containing:
    tensor([1., 1.], requires_grad=True)
    """

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True) -> "Parameter":
        if data is None:
            data = _make(np.empty(0, dtype=dtypes.get_default_dtype().np))
        if not isinstance(data, Tensor):
            raise TypeError(f"Creating a Parameter from an instance of type {type(data).__name__} requires that "
                            "detach() returns an instance of the same type, but return type Tensor was found "
                            "instead. To use the type as a Parameter, please correct the detach() semantics "
                            "defined by its __torch_dispatch__() implementation.")
        p = object.__new__(cls)
        _init(p, data._data)
        p._vc = data._shared_version()
        if requires_grad:  # PyTorch's _make_subclass: the check and message of creating with requires_grad
            if p._data.dtype.kind != "f":
                raise RuntimeError(errors.INT_REQUIRES_GRAD_CREATE)
            p._requires_grad = True
        return p

    def __init__(self, data: Tensor | None = None, requires_grad: bool = True) -> None:
        pass

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    def __reduce_ex__(self, protocol):
        return (_rebuild_parameter, (self._data.copy(), self._requires_grad))


def _rebuild_parameter(data: np.ndarray, requires_grad: bool) -> Parameter:
    return Parameter(_make(data), requires_grad)


class Buffer:
    """Marks a tensor to be registered as a buffer when assigned to a Module (``torch.nn.Buffer``)."""

    def __init__(self, data: Tensor, *, persistent: bool = True) -> None:
        self.data, self.persistent = data, persistent
