"""``nn.Module`` and the containers ``Sequential`` and ``ModuleList``.

A Module keeps three ordered dictionaries: its parameters, its buffers and its
submodules. Assigning a ``Parameter`` or a ``Module`` to an attribute files it in the
right one (``__setattr__``), which is all ``parameters()``, ``state_dict()`` and the
printed form need.
"""
from __future__ import annotations

from collections import OrderedDict, namedtuple
from typing import Any, Callable, Iterable, Iterator

from .. import dtypes, errors
from ..function import Function
from ..grad_mode import is_grad_enabled, no_grad
from ..hooks import RemovableHandle
from ..ops.shape import _to_dtype_argument
from ..tensor import Tensor
from .parameter import Buffer, Parameter
from .utils import zero_grads


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What ``load_state_dict`` returns; prints ``<All keys matched successfully>`` when both are empty."""

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


def _addindent(s: str, num_spaces: int) -> str:
    """Indent every line but the first (how PyTorch nests a child's repr)."""
    lines = s.split("\n")
    if len(lines) == 1:
        return s
    return lines[0] + "\n" + "\n".join(num_spaces * " " + line for line in lines[1:])


def _type_name(t: Tensor) -> str:
    return dtypes.tensor_type_name(t.dtype)


class Module:
    """Base class of every layer and model (mirrors ``torch.nn.Module``).

    >>> class MLP(Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.fc1 = Linear(3, 4)   # registered as a submodule named "fc1"
    ...     def forward(self, x):
    ...         return self.fc1(x).relu()
    """

    training: bool
    _version: int = 1

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args or kwargs:
            raise TypeError(f"{type(self).__name__}.__init__() got an unexpected argument")
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent_buffers_set", set())
        object.__setattr__(self, "_modules", OrderedDict())

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """What the module computes; every subclass defines it, and calling the module runs it with the hooks."""
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        hooks = self.__dict__.get("_call_hooks")
        if not hooks:
            return self.forward(*args, **kwargs)
        for hook in tuple(hooks["forward_pre"].values()):
            if getattr(hook, "_with_kwargs", False):
                new = hook(self, args, kwargs)
                if new is not None:
                    args, kwargs = new
                continue
            new = hook(self, args)
            if new is not None:
                args = new if isinstance(new, tuple) else (new,)
        backward = BackwardHook(self, tuple(hooks["backward"].values())) if hooks["backward"] else None
        if backward is not None:
            args = backward.wrap_inputs(args)
        out = self.forward(*args, **kwargs)
        for hook in tuple(hooks["forward"].values()):
            new = hook(self, args, kwargs, out) if getattr(hook, "_with_kwargs", False) else hook(self, args, out)
            if new is not None:
                out = new
        return backward.wrap_outputs(out) if backward is not None else out

    # --- hooks ------------------------------------------------------------------------
    def _hooks(self, kind: str) -> dict:
        if "_call_hooks" not in self.__dict__:
            object.__setattr__(self, "_call_hooks", {"forward_pre": {}, "forward": {}, "backward": {}})
        return self._call_hooks[kind]

    def register_forward_pre_hook(self, hook: Callable, *, prepend: bool = False,
                                  with_kwargs: bool = False) -> RemovableHandle:
        """``hook(module, args)`` before ``forward``; a returned value replaces the arguments
        (``with_kwargs``: ``hook(module, args, kwargs)`` returning ``(args, kwargs)``)."""
        return _handle(self._hooks("forward_pre"), _kwargs_hook(hook) if with_kwargs else hook, prepend)

    def register_forward_hook(self, hook: Callable, *, prepend: bool = False, with_kwargs: bool = False,
                              always_call: bool = False) -> RemovableHandle:
        """``hook(module, args, output)`` after ``forward``; a returned value replaces the output
        (``with_kwargs``: ``hook(module, args, kwargs, output)``)."""
        return _handle(self._hooks("forward"), _kwargs_hook(hook) if with_kwargs else hook, prepend)

    def register_full_backward_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """``hook(module, grad_input, grad_output)`` once the gradients w.r.t. the module's tensor
        inputs are computed; a returned tuple replaces ``grad_input``."""
        return _handle(self._hooks("backward"), hook, prepend)

    # --- registration -----------------------------------------------------------------
    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add a parameter (or a ``None`` placeholder, as ``Linear(bias=False)`` does)."""
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        self._check_name(name, "parameter", self._parameters)
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{_type_name(param) if isinstance(param, Tensor) else type(param).__name__}'"
                            f" object to parameter '{name}' (torch.nn.Parameter or None required)")
        if param is not None and param.grad_fn is not None:
            raise ValueError(f"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters must be created "
                             f"explicitly. To express '{name}' as a function of another Tensor, compute the value in "
                             "the forward() method.")
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Add a tensor that is state but not a parameter (saved in ``state_dict`` if persistent)."""
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        self._check_name(name, "buffer", self._buffers)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{type(tensor).__name__}' object to buffer '{name}' "
                            "(torch Tensor or None required)")
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name: str, module: "Module | None") -> None:
        """Add a submodule under ``name`` (what ``self.name = module`` does)."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        if not isinstance(name, str):
            raise TypeError(f"module name should be a string. Got {type(name).__name__}")
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(errors.attribute_exists(name))
        if "." in name:
            raise KeyError(f'module name can\'t contain ".", got: {name}')
        if name == "":
            raise KeyError('module name can\'t be empty string ""')
        self._modules[name] = module

    register_module = add_module

    def _check_name(self, name: str, kind: str, table: dict) -> None:
        if not isinstance(name, str):
            raise TypeError(f"{kind} name should be a string. Got {type(name).__name__}")
        if "." in name:
            raise KeyError(f'{kind} name can\'t contain "."')
        if name == "":
            raise KeyError(f'{kind} name can\'t be empty string ""')
        if hasattr(self, name) and name not in table:
            raise KeyError(errors.attribute_exists(name))

    def __setattr__(self, name: str, value: Any) -> None:
        params = self.__dict__.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            self._forget(name, keep="_parameters")
            self.register_parameter(name, value)
            return
        if params is not None and name in params:
            if value is not None:
                raise TypeError(f"cannot assign '{_type_name(value) if isinstance(value, Tensor) else type(value).__name__}'"
                                f" as parameter '{name}' (torch.nn.Parameter or None expected)")
            self.register_parameter(name, value)
            return
        modules = self.__dict__.get("_modules")
        if isinstance(value, Module):
            if modules is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            self._forget(name, keep="_modules")
            modules[name] = value
            return
        if modules is not None and name in modules:
            if value is not None:
                raise TypeError(f"cannot assign '{type(value).__name__}' as child module '{name}' "
                                "(torch.nn.Module or None expected)")
            modules[name] = value
            return
        buffers = self.__dict__.get("_buffers")
        if isinstance(value, Buffer):
            self.register_buffer(name, value.data, value.persistent)
            return
        if buffers is not None and name in buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign '{type(value).__name__}' as buffer '{name}' "
                                "(torch.nn.Buffer, torch.Tensor or None expected)")
            buffers[name] = value
            return
        object.__setattr__(self, name, value)

    def _forget(self, name: str, keep: str) -> None:
        """Remove ``name`` from wherever it is but the table ``keep``, before it is registered anew
        (so a replaced parameter or submodule keeps its place in the order, as in PyTorch)."""
        self.__dict__.pop(name, None)
        for table in ("_parameters", "_buffers", "_modules"):
            if table != keep:
                self.__dict__[table].pop(name, None)
        self._non_persistent_buffers_set.discard(name)

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails: look in the three registries.
        for table in ("_parameters", "_buffers", "_modules"):
            d = self.__dict__.get(table)
            if d is not None and name in d:
                return d[name]
        raise AttributeError(errors.no_attribute(self, name))

    def __delattr__(self, name: str) -> None:
        for table in ("_parameters", "_buffers", "_modules"):
            if name in self.__dict__[table]:
                del self.__dict__[table][name]
                self._non_persistent_buffers_set.discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self) -> list:
        return sorted(set(object.__dir__(self)) | set(self._parameters) | set(self._buffers) | set(self._modules))

    # --- walking the tree -----------------------------------------------------------
    def _named_members(self, get: Callable, prefix: str, recurse: bool, remove_duplicate: bool = True):
        seen = set()
        modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse else [(prefix, self)]
        for module_prefix, module in modules:
            for name, value in get(module).items():
                if value is None or (remove_duplicate and id(value) in seen):
                    continue
                seen.add(id(value))
                yield (module_prefix + ("." if module_prefix else "") + name, value)

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True) -> Iterator[tuple[str, Parameter]]:
        """``("fc1.weight", p)`` pairs, in registration order, each parameter once."""
        return self._named_members(lambda m: m._parameters, prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every parameter of this module and its submodules (what an optimizer takes)."""
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix: str = "", recurse: bool = True,
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Tensor]]:
        return self._named_members(lambda m: m._buffers, prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """The buffers (state saved with the module but not trained, e.g. BatchNorm's running mean)."""
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def named_children(self) -> Iterator[tuple[str, "Module"]]:
        """The direct submodules by attribute name, each once even if registered twice."""
        seen = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def children(self) -> Iterator["Module"]:
        """The direct submodules, each once."""
        for _, m in self.named_children():
            yield m

    def named_modules(self, memo: set | None = None, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[tuple[str, "Module"]]:
        """This module (named ``prefix``) and every submodule below it, depth first."""
        if memo is None:
            memo = set()
        if remove_duplicate:
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        for name, module in self._modules.items():
            if module is None:
                continue
            yield from module.named_modules(memo, prefix + ("." if prefix else "") + name, remove_duplicate)

    def modules(self) -> Iterator["Module"]:
        """This module and every submodule below it, each once."""
        for _, m in self.named_modules():
            yield m

    def get_submodule(self, target: str) -> "Module":
        """The submodule at a dotted path (``"encoder.0"``), with PyTorch's error for a missing step."""
        mod = self
        for item in target.split(".") if target else []:
            if item not in mod._modules:
                raise AttributeError(f"{mod._get_name()} has no attribute `{item}`")
            mod = mod._modules[item]
        return mod

    def apply(self, fn: Callable[["Module"], None]) -> "Module":
        """Call ``fn`` on every submodule (children first) and then on this module."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # --- modes and gradients -------------------------------------------------------
    def train(self, mode: bool = True) -> "Module":
        """Set training mode here and in every submodule (Dropout and BatchNorm read it)."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for module in self.children():
            module.train(mode)
        return self

    def eval(self) -> "Module":
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> "Module":
        """Freeze (False) or unfreeze every parameter, e.g. for fine-tuning; returns the module."""
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset every parameter's ``.grad``: to None (the default), or to zeros in place."""
        zero_grads(self.parameters(), set_to_none)

    # --- dtype conversion ----------------------------------------------------------
    def _apply(self, fn: Callable[[Tensor], Tensor]) -> "Module":
        """Replace every parameter's and buffer's data by ``fn(data)``, keeping the Parameter objects."""
        for module in self.children():
            module._apply(fn)
        with no_grad():
            for name, p in self._parameters.items():
                if p is None:
                    continue
                new = fn(p)
                if new is not p:
                    p._data = new._data
                    p._bump_version()
                if p._grad is not None:
                    g = fn(p._grad)
                    if g is not p._grad:
                        p._grad = g
            for name, b in self._buffers.items():
                if b is not None:
                    self._buffers[name] = fn(b)
        return self

    def to(self, *args: Any, **kwargs: Any) -> "Module":
        """Convert floating-point parameters and buffers to a dtype (devices other than CPU refused)."""
        target = _to_dtype_argument(args, kwargs)
        if target is not None and not target.is_floating_point:
            raise TypeError(f"nn.Module.to only accepts floating point or complex dtypes, but got desired dtype={target}")
        if target is None:
            return self
        return self._apply(lambda t: t.to(target) if t.is_floating_point() else t)

    def float(self) -> "Module":
        return self._apply(lambda t: t.to(dtypes.float32) if t.is_floating_point() else t)

    def double(self) -> "Module":
        return self._apply(lambda t: t.to(dtypes.float64) if t.is_floating_point() else t)

    def cpu(self) -> "Module":
        return self

    # --- saving and loading -----------------------------------------------------------
    def state_dict(self, destination: dict | None = None, prefix: str = "",
                   keep_vars: bool = False) -> "OrderedDict[str, Tensor]":
        """Every parameter and persistent buffer by dotted name, detached (they share storage)."""
        if destination is None:
            destination = OrderedDict()
        for name, p in self._parameters.items():
            if p is not None:
                destination[prefix + name] = p if keep_vars else p.detach()
        for name, b in self._buffers.items():
            if b is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = b if keep_vars else b.detach()
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(destination=destination, prefix=prefix + name + ".", keep_vars=keep_vars)
        return destination

    def load_state_dict(self, state_dict: dict, strict: bool = True, assign: bool = False) -> _IncompatibleKeys:
        """Copy values in by name; with ``strict``, missing or unexpected keys raise PyTorch's RuntimeError.

        As PyTorch, each module (parent first) copies its own entries and collects its
        missing keys and the unexpected keys under its prefix; only ``strict`` makes them errors.
        """
        if not isinstance(state_dict, dict):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        missing, unexpected, errors = [], [], []
        with no_grad():
            for prefix, module in self.named_modules(prefix=""):
                prefix = prefix + "." if prefix else ""
                module._load_own(state_dict, prefix, missing, unexpected, errors)
        if strict:
            if unexpected:
                errors.insert(0, "Unexpected key(s) in state_dict: {}. ".format(", ".join(f'"{k}"' for k in unexpected)))
            if missing:
                errors.insert(0, "Missing key(s) in state_dict: {}. ".format(", ".join(f'"{k}"' for k in missing)))
        if errors:
            raise RuntimeError("Error(s) in loading state_dict for {}:\n\t{}".format(type(self).__name__,
                                                                                   "\n\t".join(errors)))
        return _IncompatibleKeys(missing, unexpected)

    def _load_own(self, state_dict: dict, prefix: str, missing: list, unexpected: list,
                  errors: list) -> None:
        """Copy this module's own parameters and persistent buffers from ``state_dict``."""
        local = {k: v for k, v in self._parameters.items() if v is not None}
        local.update((k, v) for k, v in self._buffers.items()
                     if v is not None and k not in self._non_persistent_buffers_set)
        for name, param in local.items():
            key = prefix + name
            if key not in state_dict:
                missing.append(key)
                continue
            value = state_dict[key]
            if not isinstance(value, Tensor):
                errors.append(f'While copying the parameter named "{key}", expected torch.Tensor or Tensor-like '
                              f"object from checkpoint but received {type(value)}")
            elif value.shape != param.shape:
                errors.append(f"size mismatch for {key}: copying a param with shape {value.shape} from "
                              f"checkpoint, the shape in current model is {param.shape}.")
            else:
                param.copy_(value)
        for key in state_dict:
                if key.startswith(prefix):
                    parts = key[len(prefix):].split(".", 1)
                    if (parts[0] not in self._modules) if len(parts) > 1 else (parts[0] not in local):
                        unexpected.append(key)

    # --- printing --------------------------------------------------------------------
    def _get_name(self) -> str:
        return type(self).__name__

    def extra_repr(self) -> str:
        """The text inside the parentheses (``in_features=3, ...``); subclasses override it."""
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [f"({key}): " + _addindent(repr(module), 2) for key, module in self._modules.items()]
        lines = extra_lines + child_lines
        main = self._get_name() + "("
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                main += extra_lines[0]
            else:
                main += "\n  " + "\n  ".join(lines) + "\n"
        return main + ")"


class _ModuleSequence(Module):
    """What Sequential and ModuleList share: modules held in order, indexed from 0 or from the end,
    renumbered 0, 1, 2, ... after a deletion (as PyTorch does)."""

    def _index(self, idx: int) -> int:
        n = len(self)
        if not -n <= idx < n:
            raise IndexError(f"index {idx} is out of range")
        return idx % n

    def _renumber(self, items: list) -> None:
        self._modules.clear()
        for i, m in enumerate(items):
            self._modules[str(i)] = m

    def __delitem__(self, idx: int | slice) -> None:
        keys = list(self._modules.keys())
        for key in keys[idx] if isinstance(idx, slice) else [keys[self._index(idx)]]:
            delattr(self, key)
        self._renumber(list(self._modules.values()))

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def append(self, module: Module) -> "_ModuleSequence":
        self.add_module(str(len(self)), module)
        return self


class Sequential(_ModuleSequence):
    """Modules applied one after another (mirrors ``torch.nn.Sequential``).

    >>> model = Sequential(Linear(3, 4), ReLU(), Linear(4, 1))
    >>> model[0], len(model), model[1:]
    """

    def __init__(self, *args: Module) -> None:
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for name, module in args[0].items():
                self.add_module(name, module)
        else:
            for i, module in enumerate(args):
                self.add_module(str(i), module)

    def __getitem__(self, idx: int | slice) -> Module:
        if isinstance(idx, slice):
            return type(self)(OrderedDict(list(self._modules.items())[idx]))
        return list(self._modules.values())[self._index(idx)]

    def __setitem__(self, idx: int, module: Module) -> None:
        key = list(self._modules.keys())[self._index(idx)]
        setattr(self, key, module)

    def insert(self, index: int, module: Module) -> "Sequential":
        """Insert before ``index`` (from -len to len); the ones after it move up one number."""
        if not isinstance(module, Module):
            raise AssertionError(f"module should be of type: {Module}")
        n = len(self._modules)
        if not -n <= index <= n:
            raise IndexError(f"Index out of range: {index}")
        items = list(self._modules.values())
        items.insert(index, module)
        self._renumber(items)
        return self

    def extend(self, sequential: Iterable[Module]) -> "Sequential":
        """Append each module of ``sequential`` in turn."""
        for layer in sequential:
            self.append(layer)
        return self

    def pop(self, key: int | slice) -> Module:
        """Remove the module(s) at ``key`` and return it (them); the rest are renumbered."""
        v = self[key]
        del self[key]
        return v

    def __add__(self, other: "Sequential") -> "Sequential":
        if not isinstance(other, Sequential):
            raise ValueError(f"add operator supports only objects of Sequential class, but {type(other)} is given.")
        return Sequential().extend(self).extend(other)

    def forward(self, input: Any) -> Any:
        """Each module's output is the next one's input."""
        for module in self:
            input = module(input)
        return input


class ModuleList(_ModuleSequence):
    """A list of modules, registered so their parameters are found (mirrors ``torch.nn.ModuleList``)."""

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def __getitem__(self, idx: int | slice) -> "Module | ModuleList":
        if isinstance(idx, slice):
            return type(self)(list(self._modules.values())[idx])
        return self._modules[str(self._index(idx))]

    def __setitem__(self, idx: int, module: Module) -> None:
        setattr(self, str(self._index(idx)), module)

    def __iadd__(self, modules: Iterable[Module]) -> "ModuleList":
        return self.extend(modules)

    def extend(self, modules: Iterable[Module]) -> "ModuleList":
        """Append each module in turn (named 0, 1, 2, ... after the ones already held)."""
        for module in modules:
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> None:
        """Insert before ``index``; the names are renumbered so they stay 0, 1, 2, ..."""
        items = list(self._modules.values())
        items.insert(index, module)
        self._renumber(items)

    def __repr__(self) -> str:
        """Runs of identical modules print once, as ``(0-2): 3 x Linear(...)`` (PyTorch's form)."""
        reprs = [repr(m) for m in self]
        if not reprs:
            return self._get_name() + "()"
        blocks = []  # [start, end, repr]
        for i, r in enumerate(reprs):
            if blocks and blocks[-1][2] == r:
                blocks[-1][1] = i
            else:
                blocks.append([i, i, r])
        lines = []
        for start, end, r in blocks:
            line = f"({start}): {r}" if start == end else f"({start}-{end}): {end - start + 1} x {r}"
            lines.append(_addindent(line, 2))
        return self._get_name() + "(\n  " + "\n  ".join(lines) + "\n)"


def _kwargs_hook(hook: Callable) -> Callable:
    """A hook that also receives forward's keyword arguments (marked so that __call__ passes them)."""

    def call(*args: Any) -> Any:
        return hook(*args)

    call._with_kwargs = True
    return call


def _handle(hooks: dict, hook: Callable, prepend: bool) -> RemovableHandle:
    handle = RemovableHandle(hooks, hook)
    if prepend:  # move the others behind it
        for key in [k for k in hooks if k != handle.id]:
            hooks[key] = hooks.pop(key)
    return handle


class BackwardHookFunction(Function):
    """Identity on a module's tensor inputs and outputs: its nodes are where the module's
    backward hooks see the gradients (PyTorch's torch.nn.modules._functions.BackwardHookFunction)."""

    node_name = "BackwardHookFunctionBackward"

    @staticmethod
    def forward(ctx, *tensors):
        ctx.mark_non_differentiable(*[t for t in tensors if not t.requires_grad])
        return tensors

    @staticmethod
    def backward(ctx, *grads):
        return grads


class BackwardHook:
    """One forward call's full backward hooks: gradients w.r.t. the outputs are caught first,
    then the hooks run when those w.r.t. the inputs arrive (or at once, if no input needs grad)."""

    def __init__(self, module: Module, hooks: tuple) -> None:
        self.module, self.hooks = module, hooks
        self.n_inputs, self.grad_outputs, self.inputs_tracked = 0, None, False

    def _run(self, grad_input: tuple) -> tuple | None:
        result = None
        for hook in self.hooks:
            new = hook(self.module, grad_input, self.grad_outputs)
            if new is not None:
                grad_input = result = tuple(new) if isinstance(new, (tuple, list)) else (new,)
        return result

    def _wrap(self, values: Any, on_grads: Callable) -> Any:
        single = isinstance(values, Tensor)
        items = (values,) if single else tuple(values) if isinstance(values, (tuple, list)) else None
        if items is None or not is_grad_enabled():
            return values
        at = [i for i, v in enumerate(items) if isinstance(v, Tensor)]
        if not any(items[i].requires_grad for i in at):
            return values
        new = BackwardHookFunction.apply(*[items[i] for i in at])
        new = (new,) if isinstance(new, Tensor) else new
        node = next(t.grad_fn for t in new if t.grad_fn is not None)
        node.register_prehook(on_grads)
        items = list(items)
        for i, t in zip(at, new):
            items[i] = t
        return items[0] if single else type(values)(items)

    def wrap_inputs(self, args: tuple) -> tuple:
        """Route the inputs through a BackwardHookFunction so the gradients w.r.t. them reach the module's hooks."""
        self.n_inputs = sum(isinstance(a, Tensor) for a in args)
        self.inputs_tracked = any(isinstance(a, Tensor) and a.requires_grad for a in args)

        def on_grads(grads: tuple) -> tuple | None:
            return self._run(grads)

        return self._wrap(args, on_grads)

    def wrap_outputs(self, out: Any) -> Any:
        """Route the outputs through a BackwardHookFunction to catch grad_output before the inputs' gradients."""
        def on_grads(grads: tuple) -> None:
            self.grad_outputs = grads
            if not self.inputs_tracked:
                self._run((None,) * self.n_inputs)

        return self._wrap(out, on_grads)
