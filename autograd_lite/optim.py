"""Optimizers (mirrors ``torch.optim``): SGD, Adam, AdamW, RMSprop, and ``lr_scheduler.StepLR``.

Each ``step()`` updates the parameters in place, outside the graph, with PyTorch's
single-tensor (``foreach=False``) algorithm in the same order of float32 operations,
so a training run follows PyTorch's numbers. PyTorch's CPU kernels compute
``a + alpha * b`` (``add_(b, alpha=)``, ``lerp_``) as one fused multiply-add; ``_axpy``
does the same.
"""
from __future__ import annotations

import sys
import types
from collections import defaultdict
from typing import Callable, Iterable

import numpy as np

from . import errors, kernels
from .grad_mode import enable_grad, no_grad
from .nn.utils import zero_grads
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


class _RequiredParameter:
    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


class Optimizer:
    """Base class: holds ``param_groups`` (lists of parameters with their options) and per-parameter ``state``."""

    def __init__(self, params: Iterable[Tensor] | Iterable[dict], defaults: dict) -> None:
        self.defaults = defaults
        self.state: dict = defaultdict(dict)
        self.param_groups: list[dict] = []
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            f"but got {params.type()}")
        groups = list(params)
        if len(groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group: dict) -> None:
        """Add a group of parameters with its own options (the rest come from the defaults)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        param_group["params"] = [params] if isinstance(params, Tensor) else list(params)
        for p in param_group["params"]:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        if len({id(p) for p in param_group["params"]}) != len(param_group["params"]):
            errors.warn(errors.DUPLICATE_PARAMETERS)
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
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

    def state_dict(self) -> dict:
        """``{"state": {index: {...}}, "param_groups": [{..., "params": [indices]}]}`` as PyTorch packs it."""
        index, groups = {}, []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for p in group["params"]:
                index.setdefault(id(p), len(index))
            packed["params"] = [index[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {index[id(p)]: {k: (_make(v.copy()) if isinstance(v, np.ndarray) else v) for k, v in s.items()}
                 for p, s in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore hyperparameters and per-parameter state saved by ``state_dict``, matched by position."""
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        params = [p for g in self.param_groups for p in g["params"]]
        for mine, saved in zip(self.param_groups, groups):
            if len(mine["params"]) != len(saved["params"]):
                raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                                 "optimizer's group")
            mine.update({k: v for k, v in saved.items() if k != "params"})
        self.state = defaultdict(dict)
        for i, s in state_dict["state"].items():
            self.state[params[i]] = {k: (v._data.copy() if isinstance(v, Tensor) else v) for k, v in s.items()}

    def __repr__(self) -> str:
        out = type(self).__name__ + " ("
        for i, group in enumerate(self.param_groups):
            out += "\n" + f"Parameter Group {i}"
            for key in sorted(group):
                if key != "params":
                    out += "\n" + f"    {key}: {group[key]}"
        return out + "\n)"


def _check(value: float, name: str, what: str) -> None:
    if not 0.0 <= value:
        raise ValueError(f"Invalid {what}: {value}")


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum (mirrors ``torch.optim.SGD``).

    v ← μ v + (1 - dampening) g  (v = g on the first step);  p ← p - lr · (nesterov ? g + μ v : v)
    """

    def __init__(self, params, lr: float = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, differentiable: bool = False, fused: bool | None = None) -> None:
        _check(lr, "lr", "learning rate")
        _check(momentum, "momentum", "momentum value")
        _check(weight_decay, "weight_decay", "weight_decay value")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                      nesterov=nesterov, maximize=maximize,
                                      **_cpu_flags(foreach=foreach, differentiable=differentiable, fused=fused)))

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
                buf = grad.copy()
            else:
                buf = _axpy(1 - group["dampening"], grad, buf * buf.dtype.type(momentum))
            state["momentum_buffer"] = buf
            grad = _axpy(momentum, buf, grad) if group["nesterov"] else buf
        _add_(p, -group["lr"], grad)


def _cpu_flags(**flags) -> dict:
    """PyTorch's implementation switches (kept in each group, as PyTorch keeps them); only the plain
    single-tensor CPU path exists here."""
    for name, value in flags.items():
        if value:
            raise NotImplementedError(f"autograd_lite's optimizers have no {name}=True implementation")
    return flags


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015), with bias correction (mirrors ``torch.optim.Adam``).

    m ← lerp(m, g, 1 - β1);  v ← β2 v + (1 - β2) g²;
    p ← p - (lr / (1 - β1ᵗ)) · m / (√v / √(1 - β2ᵗ) + ε)
    """

    _decoupled = False

    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, capturable: bool = False, differentiable: bool = False,
                 fused: bool | None = None) -> None:
        _check(lr, "lr", "learning rate")
        _check(eps, "eps", "epsilon value")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        _check(weight_decay, "weight_decay", "weight_decay value")
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                                      maximize=maximize, decoupled_weight_decay=self._decoupled,
                                      **_cpu_flags(foreach=foreach, capturable=capturable,
                                                   differentiable=differentiable, fused=fused)))

    def _update(self, p, grad, group):
        state = self.state[p]
        param = p._data
        f = param.dtype.type
        lr, (beta1, beta2), eps, wd = group["lr"], group["betas"], group["eps"], group["weight_decay"]
        if group["maximize"]:
            grad = -grad
        if not state:
            state["step"] = 0.0
            state["exp_avg"] = np.zeros_like(param)
            state["exp_avg_sq"] = np.zeros_like(param)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = np.zeros_like(param)
        if wd != 0:
            if self._decoupled:
                param = param * f(1 - lr * wd)
            else:
                grad = _axpy(wd, param, grad)
        state["step"] += 1
        step = state["step"]
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m = _axpy(1 - beta1, grad - m, m)                      # exp_avg.lerp_(grad, 1 - beta1)
        v = _addcmul(v * f(beta2), 1 - beta2, grad, grad)     # exp_avg_sq.mul_(beta2).addcmul_(grad, grad, 1 - beta2)
        state["exp_avg"], state["exp_avg_sq"] = m, v
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        step_size = lr / bias_correction1
        bias_correction2_sqrt = bias_correction2 ** 0.5
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = np.maximum(state["max_exp_avg_sq"], v)
            v = state["max_exp_avg_sq"]
        denom = np.sqrt(v) / f(bias_correction2_sqrt) + f(eps)
        _write(p, param + f(-step_size) * m / denom)            # param.addcdiv_(exp_avg, denom, value=-step_size)


class AdamW(Adam):
    """Adam with decoupled weight decay: p ← p (1 - lr · wd) before the Adam step (mirrors ``torch.optim.AdamW``)."""

    _decoupled = True

    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *, maximize: bool = False) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize)


class RMSprop(Optimizer):
    """RMSprop (Hinton): divide the gradient by a running RMS of its history (mirrors ``torch.optim.RMSprop``)."""

    def __init__(self, params, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8, weight_decay: float = 0,
                 momentum: float = 0, centered: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, capturable: bool = False, differentiable: bool = False) -> None:
        _check(lr, "lr", "learning rate")
        _check(eps, "eps", "epsilon value")
        _check(momentum, "momentum", "momentum value")
        _check(weight_decay, "weight_decay", "weight_decay value")
        _check(alpha, "alpha", "alpha value")
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
                                      centered=centered, maximize=maximize,
                                      **_cpu_flags(foreach=foreach, capturable=capturable,
                                                   differentiable=differentiable)))

    def _update(self, p, grad, group):
        state = self.state[p]
        param = p._data
        f = param.dtype.type
        alpha = group["alpha"]
        if group["maximize"]:
            grad = -grad
        if not state:
            state["step"] = 0.0
            state["square_avg"] = np.zeros_like(param)
            if group["momentum"] > 0:
                state["momentum_buffer"] = np.zeros_like(param)
            if group["centered"]:
                state["grad_avg"] = np.zeros_like(param)
        state["step"] += 1
        if group["weight_decay"] != 0:
            grad = _axpy(group["weight_decay"], param, grad)
        sq = state["square_avg"] = _axpy(1 - alpha, grad * grad, state["square_avg"] * f(alpha))
        if group["centered"]:
            ga = state["grad_avg"] = _axpy(1 - alpha, grad - state["grad_avg"], state["grad_avg"])
            avg = np.sqrt(_axpy(-1, ga * ga, sq))
        else:
            avg = np.sqrt(sq)
        avg = avg + f(group["eps"])
        if group["momentum"] > 0:
            buf = state["momentum_buffer"] = state["momentum_buffer"] * f(group["momentum"]) + grad / avg
            _add_(p, -group["lr"], buf)
        else:
            _write(p, param + f(-group["lr"]) * grad / avg)


# --- learning-rate schedules (``torch.optim.lr_scheduler``) ------------------------------


class LRScheduler:
    """Base class: sets each group's ``initial_lr`` and recomputes ``lr`` on every ``step()``."""

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            group.setdefault("initial_lr", group["lr"])
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self.step()

    def get_lr(self) -> list[float]:
        """The learning rate of each parameter group for the current epoch; each scheduler defines its rule."""
        raise NotImplementedError

    def get_last_lr(self) -> list[float]:
        return self._last_lr

    def step(self) -> None:
        """Advance one epoch and write the new learning rates into the optimizer's parameter groups."""
        self.last_epoch += 1
        for group, lr in zip(self.optimizer.param_groups, self.get_lr()):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "optimizer"}


class StepLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` every ``step_size`` epochs."""

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1) -> None:
        self.step_size, self.gamma = step_size, gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """Multiply by gamma every ``step_size`` epochs (chainable form: from the current rate, as PyTorch)."""
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return [group["lr"] for group in self.optimizer.param_groups]
        return [group["lr"] * self.gamma for group in self.optimizer.param_groups]


class ExponentialLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` every epoch."""

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """Multiply by gamma every epoch (from the current rate, as PyTorch)."""
        if self.last_epoch == 0:
            return [group["lr"] for group in self.optimizer.param_groups]
        return [group["lr"] * self.gamma for group in self.optimizer.param_groups]


# ``optim.lr_scheduler.StepLR`` and ``from autograd_lite.optim.lr_scheduler import StepLR`` both work.
lr_scheduler = types.ModuleType(__name__ + ".lr_scheduler", "Learning-rate schedules (``torch.optim.lr_scheduler``).")
lr_scheduler.LRScheduler, lr_scheduler.StepLR, lr_scheduler.ExponentialLR = LRScheduler, StepLR, ExponentialLR
sys.modules[lr_scheduler.__name__] = lr_scheduler

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "lr_scheduler"]
