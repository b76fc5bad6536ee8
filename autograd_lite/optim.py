"""Optimizers (mirrors ``torch.optim``): SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax,
NAdam, RAdam, ASGD, Rprop and LBFGS. The learning-rate schedules are in ``schedulers.py``.

Each ``step()`` updates the parameters in place, outside the graph, with PyTorch's
single-tensor (``foreach=False``) algorithm in the same order of float32 operations,
so a training run follows PyTorch's numbers. PyTorch's CPU kernels compute
``a + alpha * b`` (``add_(b, alpha=)``, ``lerp_``, ``addcmul_``) as one fused multiply-add;
``_axpy`` and ``_addcmul`` do the same. The per-parameter state holds tensors, as PyTorch's
does (``state[p]["step"]`` is a 0-d float tensor); the updates work on their numpy arrays.
"""
from __future__ import annotations

import functools
import sys
import types
from collections import defaultdict
from copy import deepcopy
from typing import Any, Callable, Iterable

import numpy as np

from . import errors, kernels
from .dtypes import float64, get_default_dtype
from .grad_mode import enable_grad, no_grad
from .hooks import RemovableHandle
from .nn.module import _handle
from .nn.utils import zero_grads
from .ops.shape import cat
from .random import _fma32, _fma64
from .tensor import Tensor, _make


def _axpy(alpha: float, x: np.ndarray, y: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """``y + alpha * x`` with one rounding, in y's precision (PyTorch's ``y.add(x, alpha=alpha)``),
    written into ``out`` if given."""
    fused = kernels.axpy32(alpha, x, y, out=out)
    if fused is not None:
        return fused
    result = (_fma32 if y.dtype == np.float32 else _fma64)(x, y.dtype.type(alpha), y)
    if out is None:
        return result
    np.copyto(out, result, casting="unsafe")
    return out


def _addcmul(y: np.ndarray, value: float, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``y + value * a * b`` as PyTorch's CPU kernel rounds it: ``fma(value * a, b, y)``."""
    return (_fma32 if y.dtype == np.float32 else _fma64)(y.dtype.type(value) * a, b, y)


def _lerp(start: np.ndarray, end: np.ndarray, weight: float) -> np.ndarray:
    """``start.lerp_(end, weight)`` as PyTorch's CPU kernel rounds it: one fused multiply-add,
    from ``start`` for a small weight and from ``end`` otherwise."""
    f = start.dtype.type
    if abs(weight) < 0.5:
        return _axpy(weight, end - start, start)
    return _axpy(-(f(1) - f(weight)), end - start, end)


def _sqrt(x: np.ndarray) -> np.ndarray:
    """The one square root of the optimizers (correctly rounded; PyTorch's vectorized CPU sqrt
    can differ in the last bit, see DIFFERENCES.md). Tests swap in PyTorch's to check the rest bit for bit."""
    return np.sqrt(x)


def _write(param: Tensor, value: np.ndarray) -> None:
    """Store new values into a parameter's storage and bump its version, as an in-place op does."""
    np.copyto(param._data, value, casting="unsafe")
    param._bump_version()


def _add_(param: Tensor, alpha: float, x: np.ndarray) -> None:
    """``param.add_(x, alpha=alpha)``: ``_axpy`` written straight into the parameter's storage
    (by the fused kernel, no temporary, when it can), version bumped as an in-place op."""
    y = param._data
    if np.may_share_memory(x, y):  # (the kernel writes as it reads: an overlapping x goes through a temporary)
        np.copyto(y, _axpy(alpha, x, y), casting="unsafe")
    else:
        _axpy(alpha, x, y, out=y)
    param._bump_version()


def _scalar(value: float) -> Tensor:
    """A 0-d state entry (``step``, ``mu_product``, ``eta``): float32, or float64 under a float64
    default dtype (PyTorch's ``_get_scalar_dtype``)."""
    return _make(np.array(value, np.float64 if get_default_dtype() is float64 else np.float32))


def _keep(buffer: Tensor, value: np.ndarray) -> np.ndarray:
    """Make ``value`` the new contents of a state tensor (PyTorch updates it in place) and return
    them. The array is adopted when laid out alike, else copied in, so the buffer keeps its layout."""
    old = buffer._data
    if type(value) is np.ndarray and value.strides == old.strides and value.dtype == old.dtype:
        buffer._data = value
    else:
        np.copyto(old, value, casting="unsafe")
    return buffer._data


def _count(state: dict) -> float:
    """``state["step"] += 1`` (a float tensor, as PyTorch keeps it); the new count as a Python float."""
    step = state["step"]._data
    step += 1
    return float(step)


def _nonnegative(value: float, what: str) -> None:
    """PyTorch's hyperparameter check (``if not 0.0 <= value``: NaN is refused too)."""
    if not 0.0 <= value:
        raise ValueError(f"Invalid {what}: {value}")


def _check_betas(betas: tuple[float, float]) -> None:
    for i, beta in enumerate(betas):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {beta}")


def _cpu_flags(**flags: bool | None) -> None:
    """PyTorch's implementation switches (kept in each group, as PyTorch keeps them); only the plain
    single-tensor CPU path exists here."""
    for name, value in flags.items():
        if value:
            raise NotImplementedError(f"autograd_lite's optimizers have no {name}=True implementation")


class _RequiredParameter:
    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


_global_step_pre_hooks: dict = {}
_global_step_post_hooks: dict = {}


def register_optimizer_step_pre_hook(hook: Callable) -> RemovableHandle:
    """``hook(optimizer, args, kwargs)`` before every optimizer's ``step`` (before its own pre-hooks)."""
    return _handle(_global_step_pre_hooks, hook, False)


def register_optimizer_step_post_hook(hook: Callable) -> RemovableHandle:
    """``hook(optimizer, args, kwargs)`` after every optimizer's ``step`` (after its own post-hooks)."""
    return _handle(_global_step_post_hooks, hook, False)


def _with_step_hooks(step: Callable) -> Callable:
    """Wrap a ``step`` so the step pre- and post-hooks (global, then the optimizer's own) run
    around it (PyTorch patches every optimizer class's ``step`` so, user subclasses included).
    A pre-hook may return new ``(args, kwargs)``; ``args`` starts with the optimizer itself."""
    @functools.wraps(step)
    def hooked(*args: Any, **kwargs: Any) -> Any:
        self = args[0]
        if not (self._optimizer_step_pre_hooks or self._optimizer_step_post_hooks or _global_step_pre_hooks
                or _global_step_post_hooks):  # (the usual case, kept fast)
            return step(*args, **kwargs)
        for hook in [*_global_step_pre_hooks.values(), *self._optimizer_step_pre_hooks.values()]:
            result = hook(self, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError(f"{step} must return None or a tuple of (new_args, new_kwargs), "
                                       f"but got {result}.")
                args, kwargs = result
        out = step(*args, **kwargs)
        for hook in [*self._optimizer_step_post_hooks.values(), *_global_step_post_hooks.values()]:
            hook(self, args, kwargs)
        return out

    hooked.hooked = True
    return hooked


class Optimizer:
    """Base class: holds ``param_groups`` (lists of parameters with their options) and per-parameter ``state``."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "step" in cls.__dict__ and not getattr(cls.step, "hooked", False):
            cls.step = _with_step_hooks(cls.__dict__["step"])

    def __init__(self, params: Iterable[Tensor] | Iterable[dict], defaults: dict) -> None:
        self.defaults = defaults
        self._optimizer_step_pre_hooks: dict = {}
        self._optimizer_step_post_hooks: dict = {}
        self._optimizer_state_dict_pre_hooks: dict = {}
        self._optimizer_state_dict_post_hooks: dict = {}
        self._optimizer_load_state_dict_pre_hooks: dict = {}
        self._optimizer_load_state_dict_post_hooks: dict = {}
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            f"but got {params.type()}")
        self.state: defaultdict = defaultdict(dict)
        self.param_groups: list[dict] = []
        groups = list(params)
        if len(groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group: dict) -> None:
        """Add a group of parameters with its own options (the rest come from the defaults).
        Parameters may come as ``(name, tensor)`` pairs (``named_parameters()``): the names are
        kept in ``param_names``."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering "
                            "of tensors in sets will change between runs. Please use a list instead.")
        params = list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]
        param_group["params"] = [p[1] if isinstance(p, tuple) else p for p in params]
        if names:
            if len(names) != len(params):
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")
            param_group["param_names"] = names
        for p in param_group["params"]:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is {_typename(p)}")
            if not (p.is_leaf or p.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)
        if len({id(p) for p in param_group["params"]}) != len(param_group["params"]):
            errors.warn(errors.DUPLICATE_PARAMETERS)
        seen = set()
        for group in self.param_groups:
            seen.update(id(p) for p in group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {which} to the optimizer")
        if any(id(p) in seen for p in param_group["params"]):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of every parameter: to None (the default), or to zeros in place."""
        zero_grads((p for group in self.param_groups for p in group["params"]), set_to_none)

    def step(self, closure: Callable[[], Tensor] | None = None) -> Tensor | None:
        """Update every parameter that has a gradient; ``closure`` re-evaluates the loss first if given."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    grad = p.grad
                    if grad is not None:
                        self._update(p, grad._data, group)
        return loss

    def _update(self, p: Tensor, grad: np.ndarray, group: dict) -> None:
        """Update one parameter in place; its per-parameter state (``self.state[p]``) is made on first use."""
        raise NotImplementedError

    # --- hooks -------------------------------------------------------------------------

    def register_step_pre_hook(self, hook: Callable) -> RemovableHandle:
        """``hook(optimizer, args, kwargs)`` before each ``step``; it may return new ``(args, kwargs)``."""
        return _handle(self._optimizer_step_pre_hooks, hook, False)

    def register_step_post_hook(self, hook: Callable) -> RemovableHandle:
        """``hook(optimizer, args, kwargs)`` after each ``step``."""
        return _handle(self._optimizer_step_post_hooks, hook, False)

    def register_state_dict_pre_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """``hook(optimizer)`` before ``state_dict`` packs the state."""
        return _handle(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """``hook(optimizer, state_dict)`` after packing; a returned dict replaces the state dict."""
        return _handle(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """``hook(optimizer, state_dict)`` before loading; a returned dict is loaded instead."""
        return _handle(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """``hook(optimizer)`` after loading."""
        return _handle(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    # --- saving and loading ------------------------------------------------------------

    def state_dict(self) -> dict:
        """``{"state": {index: {...}}, "param_groups": [{..., "params": [indices]}]}`` as PyTorch packs it:
        parameters become their position, and the per-parameter state dicts are the optimizer's own
        (not copies: a later step changes them, as in PyTorch)."""
        for hook in list(self._optimizer_state_dict_pre_hooks.values()):
            hook(self)
        index, groups, start = {}, [], 0
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for i, p in enumerate(group["params"], start):
                index.setdefault(id(p), i)
            packed["params"] = [index[id(p)] for p in group["params"]]
            start += len(packed["params"])  # (numbered as PyTorch does: by position, a repeat included)
            groups.append(packed)
        state = {(index[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        state_dict = {"state": state, "param_groups": groups}
        for hook in list(self._optimizer_state_dict_post_hooks.values()):
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        return state_dict

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore the hyperparameters and per-parameter state saved by ``state_dict``, matched by
        position. Groups are replaced by copies of the saved ones; state tensors are kept (cast to
        their parameter's float dtype, except ``step``), as PyTorch does."""
        state_dict = state_dict.copy()
        for hook in list(self._optimizer_load_state_dict_pre_hooks.values()):
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(self.param_groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(self.param_groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                             "optimizer's group")
        id_map = dict(zip((i for s in saved_groups for i in s["params"]),
                          (p for g in self.param_groups for p in g["params"])))
        state: defaultdict = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                state[id_map[k]] = _cast(id_map[k], v)
            else:
                state[k] = v
        for mine, saved in zip(self.param_groups, saved_groups):
            saved["params"] = mine["params"]
            if "param_names" in mine and "param_names" not in saved:
                saved["param_names"] = mine["param_names"]
        self.state, self.param_groups = state, saved_groups
        for hook in list(self._optimizer_load_state_dict_post_hooks.values()):
            hook(self)

    def __getstate__(self) -> dict:
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        for name in ("step_pre", "step_post", "state_dict_pre", "state_dict_post", "load_state_dict_pre",
                     "load_state_dict_post"):
            self.__dict__.setdefault(f"_optimizer_{name}_hooks", {})

    def __repr__(self) -> str:
        out = type(self).__name__ + " ("
        for i, group in enumerate(self.param_groups):
            out += "\n" + f"Parameter Group {i}"
            for key in sorted(group):
                if key != "params":
                    out += "\n" + f"    {key}: {group[key]}"
        return out + "\n)"


Optimizer.step = _with_step_hooks(Optimizer.step)


def _typename(obj: Any) -> str:
    """``torch.typename``: a tensor's type string, else the qualified class name."""
    if isinstance(obj, Tensor):
        return obj.type()
    cls = type(obj)
    module = cls.__module__
    return cls.__qualname__ if module in ("builtins", None) else f"{module}.{cls.__qualname__}"


def _cast(param: Tensor, value: Any, key: Any = None) -> Any:
    """A loaded state entry for ``param``: tensors in the parameter's float dtype (``step`` as it
    is), containers rebuilt around them."""
    if isinstance(value, Tensor):
        return value if key == "step" or not param.is_floating_point() else value.to(param.dtype)
    if isinstance(value, dict):
        return {k: _cast(param, v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast(param, v) for v in value)
    return value


def _state_like(p: Tensor, fill: float = 0.0) -> Tensor:
    """A per-parameter buffer laid out like the parameter (``torch.full_like``, preserve_format)."""
    return _make(np.full_like(p._data, fill))


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum (mirrors ``torch.optim.SGD``).

    v ← μ v + (1 - dampening) g  (v = g on the first step);  p ← p - lr · (nesterov ? g + μ v : v)
    """

    def __init__(self, params, lr: float = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, differentiable: bool = False, fused: bool | None = None) -> None:
        for value, what in ((lr, "learning rate"), (momentum, "momentum value"), (weight_decay, "weight_decay value")):
            if value < 0.0:  # (SGD's own test: ``value < 0``, so NaN passes)
                raise ValueError(f"Invalid {what}: {value}")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov, maximize=maximize, foreach=foreach, differentiable=differentiable,
                        fused=fused)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        _cpu_flags(foreach=foreach, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)

    def _update(self, p, grad, group):
        param = p._data
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"] != 0:
            grad = _axpy(group["weight_decay"], param, grad)
        momentum = group["momentum"]
        if momentum != 0:
            state = self.state[p]  # (PyTorch keeps no state without momentum)
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = _make(grad.copy(order="K"))  # (torch.clone keeps the layout)
            else:
                _axpy(1 - group["dampening"], grad, buf._data * buf._data.dtype.type(momentum), out=buf._data)
            grad = _axpy(momentum, buf._data, grad) if group["nesterov"] else buf._data
        _add_(p, -group["lr"], grad)


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015), with bias correction (mirrors ``torch.optim.Adam``).

    m ← lerp(m, g, 1 - β1);  v ← β2 v + (1 - β2) g²;
    p ← p - (lr / (1 - β1ᵗ)) · m / (√v / √(1 - β2ᵗ) + ε)
    """

    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *, foreach: bool | None = None,
                 maximize: bool = False, capturable: bool = False, differentiable: bool = False,
                 fused: bool | None = None, decoupled_weight_decay: bool = False) -> None:
        _nonnegative(lr, "learning rate")
        _nonnegative(eps, "epsilon value")
        _check_betas(betas)
        _nonnegative(weight_decay, "weight_decay value")
        _cpu_flags(foreach=foreach, capturable=capturable, differentiable=differentiable, fused=fused)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable, fused=fused,
                                      decoupled_weight_decay=decoupled_weight_decay))

    def _update(self, p, grad, group):
        state = self.state[p]
        param = p._data
        f = param.dtype.type
        lr, (beta1, beta2), eps, wd = group["lr"], group["betas"], group["eps"], group["weight_decay"]
        if group["maximize"]:
            grad = -grad
        if not state:
            state["step"] = _scalar(0.0)
            state["exp_avg"] = _state_like(p)
            state["exp_avg_sq"] = _state_like(p)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = _state_like(p)
        step = _count(state)
        if wd != 0:
            if group["decoupled_weight_decay"]:
                param = param * f(1 - lr * wd)
            else:
                grad = _axpy(wd, param, grad)
        m = _keep(state["exp_avg"], _lerp(state["exp_avg"]._data, grad, 1 - beta1))
        v = _keep(state["exp_avg_sq"], _addcmul(state["exp_avg_sq"]._data * f(beta2), 1 - beta2, grad, grad))
        step_size = lr / (1 - beta1 ** step)
        bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5
        if group["amsgrad"]:
            v = _keep(state["max_exp_avg_sq"], np.maximum(state["max_exp_avg_sq"]._data, v))
        denom = _sqrt(v) / f(bias_correction2_sqrt) + f(eps)
        _write(p, param + f(-step_size) * m / denom)            # param.addcdiv_(exp_avg, denom, value=-step_size)


class AdamW(Adam):
    """Adam with decoupled weight decay: p ← p (1 - lr · wd) before the Adam step (mirrors ``torch.optim.AdamW``)."""

    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, capturable: bool = False, differentiable: bool = False,
                 fused: bool | None = None) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)


class RMSprop(Optimizer):
    """RMSprop (Hinton): divide the gradient by a running RMS of its history (mirrors ``torch.optim.RMSprop``)."""

    def __init__(self, params, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8, weight_decay: float = 0,
                 momentum: float = 0, centered: bool = False, capturable: bool = False, foreach: bool | None = None,
                 maximize: bool = False, differentiable: bool = False) -> None:
        _nonnegative(lr, "learning rate")
        _nonnegative(eps, "epsilon value")
        _nonnegative(momentum, "momentum value")
        _nonnegative(weight_decay, "weight_decay value")
        _nonnegative(alpha, "alpha value")
        _cpu_flags(foreach=foreach, capturable=capturable, differentiable=differentiable)
        super().__init__(params, dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                                      weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable))

    def _update(self, p, grad, group):
        state = self.state[p]
        param = p._data
        f = param.dtype.type
        alpha = group["alpha"]
        if group["maximize"]:
            grad = -grad
        if not state:
            state["step"] = _scalar(0.0)
            state["square_avg"] = _state_like(p)
            if group["momentum"] > 0:
                state["momentum_buffer"] = _state_like(p)
            if group["centered"]:
                state["grad_avg"] = _state_like(p)
        _count(state)
        if group["weight_decay"] != 0:
            grad = _axpy(group["weight_decay"], param, grad)
        sq = _keep(state["square_avg"], _addcmul(state["square_avg"]._data * f(alpha), 1 - alpha, grad, grad))
        if group["centered"]:
            ga = _keep(state["grad_avg"], _lerp(state["grad_avg"]._data, grad, 1 - alpha))
            avg = _sqrt(_addcmul(sq, -1, ga, ga))
        else:
            avg = _sqrt(sq)
        avg = avg + f(group["eps"])
        if group["momentum"] > 0:
            buf = state["momentum_buffer"]
            _keep(buf, buf._data * f(group["momentum"]) + grad / avg)     # buf.mul_(momentum).addcdiv_(grad, avg)
            _add_(p, -group["lr"], buf._data)
        else:
            _write(p, param + f(-group["lr"]) * grad / avg)


class Adagrad(Optimizer):
    """Adagrad: each coordinate's step shrinks with the sum of its squared gradients
    (mirrors ``torch.optim.Adagrad``; its state is made for every parameter at construction)."""

    def __init__(self, params, lr: float = 1e-2, lr_decay: float = 0, weight_decay: float = 0,
                 initial_accumulator_value: float = 0, eps: float = 1e-10, foreach: bool | None = None, *,
                 maximize: bool = False, differentiable: bool = False, fused: bool | None = None) -> None:
        _nonnegative(lr, "learning rate")
        _nonnegative(lr_decay, "lr_decay value")
        _nonnegative(weight_decay, "weight_decay value")
        _nonnegative(initial_accumulator_value, "initial_accumulator_value value")
        _nonnegative(eps, "epsilon value")
        _cpu_flags(foreach=foreach, differentiable=differentiable, fused=fused)
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, fused=fused))
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p] = {"step": _scalar(0.0), "sum": _state_like(p, initial_accumulator_value)}

    def _update(self, p, grad, group):
        state = self.state[p]
        if not state:  # (a parameter added later with add_param_group)
            state.update(step=_scalar(0.0), sum=_state_like(p, self.defaults["initial_accumulator_value"]))
        param = p._data
        f = param.dtype.type
        step = _count(state)
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"] != 0:
            grad = _axpy(group["weight_decay"], param, grad)
        clr = group["lr"] / (1 + (step - 1) * group["lr_decay"])
        total = _keep(state["sum"], _addcmul(state["sum"]._data, 1, grad, grad))
        std = _sqrt(total) + f(group["eps"])
        _write(p, param + f(-clr) * grad / std)                  # param.addcdiv_(grad, std, value=-clr)


class Adadelta(Optimizer):
    """Adadelta: steps scaled by the ratio of running RMS of past updates and of gradients
    (mirrors ``torch.optim.Adadelta``)."""

    def __init__(self, params, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6, weight_decay: float = 0,
                 foreach: bool | None = None, *, capturable: bool = False, maximize: bool = False,
                 differentiable: bool = False) -> None:
        _nonnegative(lr, "learning rate")
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        _nonnegative(eps, "epsilon value")
        _nonnegative(weight_decay, "weight_decay value")
        _cpu_flags(foreach=foreach, capturable=capturable, differentiable=differentiable)
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                                      capturable=capturable, foreach=foreach, differentiable=differentiable))

    def _update(self, p, grad, group):
        state = self.state[p]
        param = p._data
        f = param.dtype.type
        rho, eps = group["rho"], f(group["eps"])
        if not state:
            state.update(step=_scalar(0.0), square_avg=_state_like(p), acc_delta=_state_like(p))
        _count(state)
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"] != 0:
            grad = _axpy(group["weight_decay"], param, grad)
        sq = _keep(state["square_avg"], _addcmul(state["square_avg"]._data * f(rho), 1 - rho, grad, grad))
        std = _sqrt(sq + eps)
        delta = _sqrt(state["acc_delta"]._data + eps) / std * grad
        _keep(state["acc_delta"], _addcmul(state["acc_delta"]._data * f(rho), 1 - rho, delta, delta))
        _add_(p, -group["lr"], delta)


class Adamax(Optimizer):
    """Adamax: Adam with the infinity norm, v ← max(β2 v, |g| + ε) (mirrors ``torch.optim.Adamax``)."""

    def __init__(self, params, lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, foreach: bool | None = None, *, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False) -> None:
        _nonnegative(lr, "learning rate")
        _nonnegative(eps, "epsilon value")
        _check_betas(betas)
        _nonnegative(weight_decay, "weight_decay value")
        _cpu_flags(foreach=foreach, differentiable=differentiable, capturable=capturable)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, capturable=capturable))

    def _update(self, p, grad, group):
        state = self.state[p]
        param = p._data
        f = param.dtype.type
        beta1, beta2 = group["betas"]
        if group["maximize"]:
            grad = -grad
        if not state:
            state.update(step=_scalar(0.0), exp_avg=_state_like(p), exp_inf=_state_like(p))
        step = _count(state)
        if group["weight_decay"] != 0:
            grad = _axpy(group["weight_decay"], param, grad)
        m = _keep(state["exp_avg"], _lerp(state["exp_avg"]._data, grad, 1 - beta1))
        u = _keep(state["exp_inf"], np.maximum(state["exp_inf"]._data * f(beta2), np.abs(grad) + f(group["eps"])))
        clr = group["lr"] / (1 - beta1 ** step)
        _write(p, param + f(-clr) * m / u)                       # param.addcdiv_(exp_avg, exp_inf, value=-clr)


class NAdam(Optimizer):
    """Adam with Nesterov momentum and a momentum schedule μₜ = β1 (1 - ½ · 0.96^(t · momentum_decay))
    (mirrors ``torch.optim.NAdam``)."""

    def __init__(self, params, lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, momentum_decay: float = 4e-3, decoupled_weight_decay: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
        _nonnegative(lr, "learning rate")
        _nonnegative(eps, "epsilon value")
        _check_betas(betas)
        _nonnegative(weight_decay, "weight_decay value")
        _nonnegative(momentum_decay, "momentum_decay value")
        _cpu_flags(foreach=foreach, capturable=capturable, differentiable=differentiable)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable))

    def _update(self, p, grad, group):
        state = self.state[p]
        param = p._data
        f = param.dtype.type
        lr, (beta1, beta2), wd, decay = group["lr"], group["betas"], group["weight_decay"], group["momentum_decay"]
        if group["maximize"]:
            grad = -grad
        if not state:
            state.update(step=_scalar(0.0), mu_product=_scalar(1.0), exp_avg=_state_like(p), exp_avg_sq=_state_like(p))
        step = _count(state)
        bias_correction2 = 1 - beta2 ** step
        if wd != 0:
            if group["decoupled_weight_decay"]:
                param = param * f(1 - lr * wd)
            else:
                grad = _axpy(wd, param, grad)
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * decay)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * decay)))
        product = state["mu_product"]
        mu_product = float(_keep(product, product._data * product._data.dtype.type(mu)))
        m = _keep(state["exp_avg"], _lerp(state["exp_avg"]._data, grad, 1 - beta1))
        v = _keep(state["exp_avg_sq"], _addcmul(state["exp_avg_sq"]._data * f(beta2), 1 - beta2, grad, grad))
        denom = _sqrt(v / f(bias_correction2)) + f(group["eps"])
        param = param + f(-lr * (1.0 - mu) / (1.0 - mu_product)) * grad / denom
        _write(p, param + f((-lr * mu_next) / (1.0 - mu_product * mu_next)) * m / denom)


class RAdam(Optimizer):
    """Rectified Adam: plain momentum SGD while the variance estimate is unreliable (ρₜ ≤ 5), then
    Adam scaled by the rectification term (mirrors ``torch.optim.RAdam``)."""

    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, decoupled_weight_decay: bool = False, *, foreach: bool | None = None,
                 maximize: bool = False, capturable: bool = False, differentiable: bool = False) -> None:
        _nonnegative(lr, "learning rate")
        _nonnegative(eps, "epsilon value")
        _check_betas(betas)
        _nonnegative(weight_decay, "weight_decay value")
        _cpu_flags(foreach=foreach, capturable=capturable, differentiable=differentiable)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize,
                                      foreach=foreach, capturable=capturable,
                                      decoupled_weight_decay=decoupled_weight_decay, differentiable=differentiable))

    def _update(self, p, grad, group):
        state = self.state[p]
        param = p._data
        f = param.dtype.type
        lr, (beta1, beta2), wd = group["lr"], group["betas"], group["weight_decay"]
        if group["maximize"]:
            grad = -grad
        if not state:
            state.update(step=_scalar(0.0), exp_avg=_state_like(p), exp_avg_sq=_state_like(p))
        step = _count(state)
        if wd != 0:
            if group["decoupled_weight_decay"]:
                param = param * f(1 - lr * wd)
            else:
                grad = _axpy(wd, param, grad)
        m = _keep(state["exp_avg"], _lerp(state["exp_avg"]._data, grad, 1 - beta1))
        v = _keep(state["exp_avg_sq"], _addcmul(state["exp_avg_sq"]._data * f(beta2), 1 - beta2, grad, grad))
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        update = m / f(bias_correction1) * f(lr)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
        if rho_t > 5.0:
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            # (``float / tensor`` in PyTorch is ``tensor.reciprocal() * float``)
            adaptive = f(1) / (_sqrt(v) + f(group["eps"])) * f(bias_correction2 ** 0.5)
            update = update * adaptive * f(rect)
        _write(p, param - update)


class ASGD(Optimizer):
    """Averaged SGD: SGD with a decaying step η, and a running average ``ax`` of the iterates from
    step ``t0`` on (mirrors ``torch.optim.ASGD``)."""

    def __init__(self, params, lr: float = 1e-2, lambd: float = 1e-4, alpha: float = 0.75, t0: float = 1e6,
                 weight_decay: float = 0, foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False) -> None:
        _nonnegative(lr, "learning rate")
        _nonnegative(weight_decay, "weight_decay value")
        _cpu_flags(foreach=foreach, differentiable=differentiable, capturable=capturable)
        super().__init__(params, dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                                      foreach=foreach, maximize=maximize, differentiable=differentiable,
                                      capturable=capturable))

    def _update(self, p, grad, group):
        state = self.state[p]
        param = p._data
        f = param.dtype.type
        lr, lambd = group["lr"], group["lambd"]
        if group["maximize"]:
            grad = -grad
        if not state:
            state.update(step=_scalar(0.0), eta=_scalar(lr), mu=_scalar(1.0), ax=_state_like(p))
        step = _count(state)
        if group["weight_decay"] != 0:
            grad = _axpy(group["weight_decay"], param, grad)
        eta = float(state["eta"]._data)
        _write(p, _axpy(-eta, grad, param * f(1 - lambd * eta)))
        ax, mu = state["ax"], state["mu"]._data
        _keep(ax, ax._data + (p._data - ax._data) * mu if mu != 1 else p._data.copy())
        state["eta"]._data[...] = lr / ((1 + lambd * lr * step) ** group["alpha"])
        state["mu"]._data[...] = 1 / max(1, step - group["t0"])


class Rprop(Optimizer):
    """Resilient backpropagation: per-coordinate step sizes grow by ``etas[1]`` while the gradient
    keeps its sign and shrink by ``etas[0]`` when it flips; only the sign of the gradient is used
    (mirrors ``torch.optim.Rprop``)."""

    def __init__(self, params, lr: float = 1e-2, etas: tuple[float, float] = (0.5, 1.2),
                 step_sizes: tuple[float, float] = (1e-6, 50), *, capturable: bool = False,
                 foreach: bool | None = None, maximize: bool = False, differentiable: bool = False) -> None:
        _nonnegative(lr, "learning rate")
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        _cpu_flags(foreach=foreach, differentiable=differentiable, capturable=capturable)
        super().__init__(params, dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach, maximize=maximize,
                                      differentiable=differentiable, capturable=capturable))

    def _update(self, p, grad, group):
        state = self.state[p]
        f = p._data.dtype.type
        (etaminus, etaplus), (step_min, step_max) = group["etas"], group["step_sizes"]
        if group["maximize"]:
            grad = -grad
        if not state:
            state.update(step=_scalar(0.0), prev=_state_like(p), step_size=_make(np.full_like(grad, group["lr"])))
        _count(state)
        sign = np.sign(grad * state["prev"]._data)
        factor = np.where(sign > 0, f(etaplus), np.where(sign < 0, f(etaminus), f(1)))
        size = _keep(state["step_size"], np.clip(state["step_size"]._data * factor, f(step_min), f(step_max)))
        grad = np.where(factor == f(etaminus), f(0), grad)
        _write(p, _addcmul(p._data, -1, np.sign(grad), size))
        _keep(state["prev"], grad.astype(f, copy=True))


def _cubic_interpolate(x1, f1, g1, x2, f2, g2, bounds=None):
    """The minimizer of the cubic through (x1, f1, g1) and (x2, f2, g2), clipped to ``bounds``
    (the interval by default); its midpoint when the cubic has no minimum."""
    xmin_bound, xmax_bound = bounds if bounds is not None else ((x1, x2) if x1 <= x2 else (x2, x1))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1 ** 2 - g1 * g2
    if d2_square >= 0:
        d2 = d2_square.sqrt()
        if x1 <= x2:
            min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        else:
            min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
        return min(max(min_pos, xmin_bound), xmax_bound)
    return (xmin_bound + xmax_bound) / 2.0


def _strong_wolfe(obj_func, x, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9, max_ls=25):
    """A step length t along d meeting the strong Wolfe conditions (sufficient decrease, small
    slope): bracket it, then zoom with cubic interpolation (Nocedal & Wright, Alg. 3.5-3.6, as PyTorch)."""
    d_norm = d.abs().max()
    g = g.clone()
    f_new, g_new = obj_func(x, t, d)
    ls_func_evals = 1
    gtd_new = g_new.dot(d)
    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    done = False
    ls_iter = 0
    while ls_iter < max_ls:
        if f_new > f + c1 * t * gtd or (ls_iter > 1 and f_new >= f_prev):
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new.clone()], [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket, bracket_f, bracket_g = [t], [f_new], [g_new]
            done = True
            break
        if gtd_new >= 0:
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new.clone()], [gtd_prev, gtd_new]
            break
        min_step = t + 0.01 * (t - t_prev)
        max_step = t * 10
        tmp = t
        t = _cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds=(min_step, max_step))
        t_prev, f_prev, g_prev, gtd_prev = tmp, f_new, g_new.clone(), gtd_new
        f_new, g_new = obj_func(x, t, d)
        ls_func_evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1
    if ls_iter == max_ls:
        bracket, bracket_f, bracket_g = [0, t], [f, f_new], [g, g_new]
    insuf_progress = False
    low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = _cubic_interpolate(bracket[0], bracket_f[0], bracket_gtd[0], bracket[1], bracket_f[1], bracket_gtd[1])
        eps = 0.1 * (max(bracket) - min(bracket))
        if min(max(bracket) - t, t - min(bracket)) < eps:  # too close to an end: move in, unless progress was made
            if insuf_progress or t >= max(bracket) or t <= min(bracket):
                t = max(bracket) - eps if abs(t - max(bracket)) < abs(t - min(bracket)) else min(bracket) + eps
                insuf_progress = False
            else:
                insuf_progress = True
        else:
            insuf_progress = False
        f_new, g_new = obj_func(x, t, d)
        ls_func_evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1
        if f_new > f + c1 * t * gtd or f_new >= bracket_f[low_pos]:
            bracket[high_pos], bracket_f[high_pos] = t, f_new
            bracket_g[high_pos], bracket_gtd[high_pos] = g_new.clone(), gtd_new
            low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high_pos] - bracket[low_pos]) >= 0:
                bracket[high_pos], bracket_f[high_pos] = bracket[low_pos], bracket_f[low_pos]
                bracket_g[high_pos], bracket_gtd[high_pos] = bracket_g[low_pos], bracket_gtd[low_pos]
            bracket[low_pos], bracket_f[low_pos] = t, f_new
            bracket_g[low_pos], bracket_gtd[low_pos] = g_new.clone(), gtd_new
    return bracket_f[low_pos], bracket_g[low_pos], bracket[low_pos], ls_func_evals


class LBFGS(Optimizer):
    """Limited-memory BFGS (mirrors ``torch.optim.LBFGS``): ``step(closure)`` runs up to ``max_iter``
    quasi-Newton iterations on all parameters as one flat vector, the inverse Hessian approximated
    from the last ``history_size`` steps; a fixed step ``lr``, or a strong-Wolfe line search.
    Written with tensor ops, as PyTorch's; its state (directions, curvature pairs) is tensors too."""

    def __init__(self, params, lr: float = 1, max_iter: int = 20, max_eval: int | None = None,
                 tolerance_grad: float = 1e-7, tolerance_change: float = 1e-9, history_size: int = 100,
                 line_search_fn: str | None = None) -> None:
        _nonnegative(lr, "learning rate")
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        super().__init__(params, dict(lr=lr, max_iter=max_iter, max_eval=max_eval, tolerance_grad=tolerance_grad,
                                      tolerance_change=tolerance_change, history_size=history_size,
                                      line_search_fn=line_search_fn))
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]

    def _gather_flat_grad(self) -> Tensor:
        """All gradients as one vector (zeros for a parameter without one)."""
        return cat([p.new_zeros(p.numel()) if p.grad is None else p.grad.reshape(-1) for p in self._params], 0)

    def _add_grad(self, step_size, update: Tensor) -> None:
        offset = 0
        for p in self._params:
            p.add_(update[offset:offset + p.numel()].view_as(p), alpha=step_size)
            offset += p.numel()

    def _directional_evaluate(self, closure, x, t, d):
        """The loss and flat gradient at x + t d; the parameters are put back to x after."""
        self._add_grad(t, d)
        loss = float(closure())
        flat_grad = self._gather_flat_grad()
        for p, saved in zip(self._params, x):
            p.copy_(saved)
        return loss, flat_grad

    def step(self, closure: Callable[[], Tensor]) -> Tensor:
        """Minimize from the current parameters; ``closure`` zeroes the gradients, computes the loss,
        backpropagates and returns it. Returns the first loss."""
        with no_grad():
            return self._minimize(closure)

    def _minimize(self, closure):
        def evaluate():
            with enable_grad():
                return closure()

        group = self.param_groups[0]
        lr, max_iter, max_eval = group["lr"], group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        line_search_fn, history_size = group["line_search_fn"], group["history_size"]
        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)
        orig_loss = evaluate()
        loss = float(orig_loss)
        current_evals = 1
        state["func_evals"] += 1
        flat_grad = self._gather_flat_grad()
        opt_cond = flat_grad.abs().max() <= tolerance_grad
        if opt_cond:  # already at a stationary point
            return orig_loss
        d, t = state.get("d"), state.get("t")
        old_dirs, old_stps, ro = state.get("old_dirs"), state.get("old_stps"), state.get("ro")
        H_diag, prev_flat_grad, prev_loss = state.get("H_diag"), state.get("prev_flat_grad"), state.get("prev_loss")
        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1
            if state["n_iter"] == 1:  # steepest descent first
                d = flat_grad.neg()
                old_dirs, old_stps, ro, H_diag = [], [], [], 1
            else:  # update the curvature pairs, then the two-loop recursion for d = -H g
                y = flat_grad.sub(prev_flat_grad)
                s = d.mul(t)
                ys = y.dot(s)
                if ys > 1e-10:
                    if len(old_dirs) == history_size:
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1.0 / ys)
                    H_diag = ys / y.dot(y)
                num_old = len(old_dirs)
                if "al" not in state:
                    state["al"] = [None] * history_size
                al = state["al"]
                q = flat_grad.neg()
                for i in range(num_old - 1, -1, -1):
                    al[i] = old_stps[i].dot(q) * ro[i]
                    q.add_(old_dirs[i], alpha=-al[i])
                d = r = q * H_diag
                for i in range(num_old):
                    be_i = old_dirs[i].dot(r) * ro[i]
                    r.add_(old_stps[i], alpha=al[i] - be_i)
            if prev_flat_grad is None:
                prev_flat_grad = flat_grad.clone()
            else:
                prev_flat_grad.copy_(flat_grad)
            prev_loss = loss
            t = min(1.0, 1.0 / flat_grad.abs().sum()) * lr if state["n_iter"] == 1 else lr
            gtd = flat_grad.dot(d)
            if gtd > -tolerance_change:  # not a descent direction
                break
            ls_func_evals = 0
            if line_search_fn is not None:
                if line_search_fn != "strong_wolfe":
                    raise RuntimeError("only 'strong_wolfe' is supported")
                x_init = [p.clone() for p in self._params]
                loss, flat_grad, t, ls_func_evals = _strong_wolfe(
                    lambda x, t, d: self._directional_evaluate(evaluate, x, t, d), x_init, t, d, loss, flat_grad,
                    gtd, max_ls=max_eval - current_evals)
                self._add_grad(t, d)
                opt_cond = flat_grad.abs().max() <= tolerance_grad
            else:
                self._add_grad(t, d)
                if n_iter != max_iter:  # re-evaluate, except after the last iteration
                    loss = float(evaluate())
                    flat_grad = self._gather_flat_grad()
                    opt_cond = flat_grad.abs().max() <= tolerance_grad
                    ls_func_evals = 1
            current_evals += ls_func_evals
            state["func_evals"] += ls_func_evals
            if (n_iter == max_iter or current_evals >= max_eval or opt_cond
                    or d.mul(t).abs().max() <= tolerance_change or abs(loss - prev_loss) < tolerance_change):
                break
        state.update(d=d, t=t, old_dirs=old_dirs, old_stps=old_stps, ro=ro, H_diag=H_diag,
                     prev_flat_grad=prev_flat_grad, prev_loss=prev_loss)
        return orig_loss


# ``optim.lr_scheduler.StepLR`` and ``from autograd_lite.optim.lr_scheduler import StepLR`` both work
# (schedulers.py fills the module); ``from autograd_lite.optim.optimizer import Optimizer`` works too,
# though, as in PyTorch, ``optim.optimizer`` is not an attribute.
lr_scheduler = types.ModuleType(__name__ + ".lr_scheduler", "Learning-rate schedules (``torch.optim.lr_scheduler``).")
_optimizer_module = types.ModuleType(__name__ + ".optimizer", "The optimizer base class (``torch.optim.optimizer``).")
for _name in ("Optimizer", "required", "register_optimizer_step_pre_hook", "register_optimizer_step_post_hook"):
    setattr(_optimizer_module, _name, globals()[_name])
for _module in (lr_scheduler, _optimizer_module):
    sys.modules[_module.__name__] = _module

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam",
           "ASGD", "Rprop", "LBFGS", "lr_scheduler"]
