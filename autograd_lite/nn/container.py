"""The keyed containers ``ModuleDict``, ``ParameterList`` and ``ParameterDict``.

Each stores its entries as ordinary attributes of the Module ("0", "1", ... or the keys),
so ``Module.__setattr__`` registers them and ``parameters()``, ``state_dict()`` and the
printed form find them in insertion order, exactly as PyTorch's containers do.
"""
from __future__ import annotations

import operator
from collections import OrderedDict
from collections.abc import ItemsView, Iterable, KeysView, Mapping, ValuesView
from typing import Any, Iterator

from .. import dtypes
from ..tensor import Tensor
from .module import Module
from .parameter import Parameter


def _pairs(entries: Any, owner: str, update: str) -> Iterable:
    """The (key, value) pairs an ``update`` receives, with PyTorch's errors for a malformed sequence."""
    if not isinstance(entries, Iterable):
        raise TypeError(f"{update}.update should be called with an iterable of key/value pairs, but got "
                        f"{type(entries).__name__}")
    if isinstance(entries, (Mapping, ModuleDict, ParameterDict)):
        if owner == "ParameterDict" and not isinstance(entries, (OrderedDict, ParameterDict)):
            return sorted(entries.items())  # PyTorch sorts a plain mapping's keys here
        return list(entries.items())
    pairs = []
    for j, m in enumerate(entries):
        if not isinstance(m, Iterable):
            raise TypeError(f"{owner} update sequence element #{j} should be Iterable; is{type(m).__name__}")
        if len(m) != 2:
            raise ValueError(f"{owner} update sequence element #{j} has length {len(m)}; 2 is required")
        pairs.append((m[0], m[1]))
    return pairs


def _entry_repr(key: Any, value: Any, type_name: str) -> str:
    """One line of a parameter container's printed form (PyTorch's ``extra_repr``)."""
    if isinstance(value, Tensor):
        kind = "Parameter" if isinstance(value, Parameter) else "Tensor"
        size = "x".join(str(s) for s in value.shape)
        return f"  ({key}): {kind} containing: [{type_name} of size {size}]"
    return f"  ({key}): Object of type: {type(value).__name__}"


class ModuleDict(Module):
    """Submodules by name, in insertion order (mirrors ``torch.nn.ModuleDict``).

    >>> heads = ModuleDict({"cls": Linear(4, 3), "box": Linear(4, 2)})
    >>> heads["cls"], list(heads)   # ['cls', 'box']
    """

    def __init__(self, modules: Any = None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __contains__(self, key: str) -> bool:
        return key in self._modules

    def clear(self) -> None:
        """Remove every submodule."""
        self._modules.clear()

    def pop(self, key: str) -> Module:
        """Remove the submodule ``key`` and return it."""
        v = self[key]
        del self[key]
        return v

    def keys(self) -> KeysView[str]:
        return self._modules.keys()

    def items(self) -> ItemsView[str, Module]:
        return self._modules.items()

    def values(self) -> ValuesView[Module]:
        return self._modules.values()

    def update(self, modules: Any) -> None:
        """Add or replace entries from a mapping or from (name, module) pairs, in their order."""
        for key, module in _pairs(modules, "ModuleDict", "ModuleDict"):
            self[key] = module


class ParameterList(Module):
    """Parameters held in a list and registered as "0", "1", ... (mirrors ``torch.nn.ParameterList``).

    A plain tensor put in is wrapped in a ``Parameter``, as PyTorch does.

    >>> ws = ParameterList([Parameter(torch.randn(3, 3)) for _ in range(2)])
    >>> len(list(ws.parameters()))   # 2
    """

    def __init__(self, values: Iterable[Any] | None = None) -> None:
        super().__init__()
        self._size = 0
        if values is not None:
            self += values

    def _key(self, idx: int) -> str:
        idx = operator.index(idx)
        if not -len(self) <= idx < len(self):
            raise IndexError(f"index {idx} is out of range")
        return str(idx % len(self))

    def __getitem__(self, idx: int | slice) -> Any:
        if isinstance(idx, slice):
            out = type(self)()
            for i in range(*idx.indices(len(self))):
                out.append(self[i])
            return out
        return getattr(self, self._key(idx))

    def __setitem__(self, idx: int, param: Any) -> None:
        key = self._key(idx)
        if isinstance(param, Tensor) and not isinstance(param, Parameter):
            param = Parameter(param)
        setattr(self, key, param)

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[Any]:
        return iter([self[i] for i in range(len(self))])

    def __iadd__(self, parameters: Iterable[Any]) -> "ParameterList":
        return self.extend(parameters)

    def __dir__(self) -> list:
        return [key for key in super().__dir__() if not key.isdigit()]

    def append(self, value: Any) -> "ParameterList":
        """Add ``value`` as entry ``len(self)`` (a plain tensor becomes a Parameter)."""
        self._size += 1
        self[self._size - 1] = value
        return self

    def extend(self, values: Iterable[Any]) -> "ParameterList":
        """Append each value in turn (a tensor is not unpacked: PyTorch refuses it)."""
        if not isinstance(values, Iterable) or isinstance(values, Tensor):
            raise TypeError(f"ParameterList.extend should be called with an iterable, but got "
                            f"{type(values).__name__}")
        for value in values:
            self.append(value)
        return self

    def extra_repr(self) -> str:
        return "\n".join(_entry_repr(k, p, str(p.dtype) if isinstance(p, Tensor) else "")
                         for k, p in enumerate(self))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("ParameterList should not be called.")


class ParameterDict(Module):
    """Parameters by string key, in insertion order (mirrors ``torch.nn.ParameterDict``).

    A plain tensor put in is wrapped in a ``Parameter``; a plain ``dict`` given to the
    constructor or ``update`` is added in sorted key order, as PyTorch does.
    """

    def __init__(self, parameters: Any = None) -> None:
        super().__init__()
        self._keys: dict[str, None] = {}
        if parameters is not None:
            self.update(parameters)

    @staticmethod
    def _attr(key: Any) -> str:
        if not isinstance(key, str):
            raise TypeError("Index given to ParameterDict cannot be used as a key as it is not a string (type is "
                            f"'{type(key).__name__}'). Open an issue on github if you need non-string keys.")
        return key

    def __getitem__(self, key: str) -> Any:
        return getattr(self, self._attr(key))

    def __setitem__(self, key: str, value: Any) -> None:
        self._keys[key] = None
        if isinstance(value, Tensor) and not isinstance(value, Parameter):
            value = Parameter(value)
        setattr(self, self._attr(key), value)

    def __delitem__(self, key: str) -> None:
        del self._keys[key]
        delattr(self, self._attr(key))

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __reversed__(self) -> Iterator[str]:
        return reversed(self._keys)

    def __contains__(self, key: str) -> bool:
        return key in self._keys

    def copy(self) -> "ParameterDict":
        return ParameterDict(OrderedDict((k, self[k]) for k in self._keys))

    def setdefault(self, key: str, default: Any = None) -> Any:
        """``self[key]``, set to ``default`` first if missing (as ``dict.setdefault``)."""
        if key not in self:
            self[key] = default
        return self[key]

    def clear(self) -> None:
        """Remove every entry."""
        for k in list(self._keys):
            del self[k]

    def pop(self, key: str) -> Any:
        """Remove the entry ``key`` and return its value."""
        v = self[key]
        del self[key]
        return v

    def popitem(self) -> tuple[str, Any]:
        """Remove the last inserted entry and return it as ``(key, value)``."""
        k, _ = self._keys.popitem()  # the last key (an empty dict raises its KeyError)
        self._keys[k] = None
        return k, self.pop(k)

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self else default

    def fromkeys(self, keys: Iterable[str], default: Any = None) -> "ParameterDict":
        return ParameterDict((k, default) for k in keys)

    def keys(self) -> KeysView[str]:
        return self._keys.keys()

    def items(self) -> Iterator[tuple[str, Any]]:
        return ((k, self[k]) for k in self._keys)

    def values(self) -> Iterator[Any]:
        return (self[k] for k in self._keys)

    def update(self, parameters: Any) -> None:
        """Add or replace entries from a mapping or from (key, value) pairs."""
        for key, value in _pairs(parameters, "ParameterDict", "ParametersDict"):
            self[key] = value

    def extra_repr(self) -> str:
        return "\n".join(_entry_repr(k, p, dtypes.tensor_type_name(p.dtype) if isinstance(p, Tensor) else "")
                         for k, p in self.items())

    def __call__(self, input: Any) -> Any:
        raise RuntimeError("ParameterDict should not be called.")

    def __or__(self, other: "ParameterDict") -> "ParameterDict":
        copy = self.copy()
        copy.update(other)
        return copy

    def __ror__(self, other: "ParameterDict") -> "ParameterDict":
        copy = other.copy()
        copy.update(self)
        return copy

    def __ior__(self, other: "ParameterDict") -> "ParameterDict":
        self.update(other)
        return self
