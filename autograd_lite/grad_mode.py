"""Grad mode: whether operations are recorded into the graph (per thread, as in PyTorch)."""
from __future__ import annotations

import functools
import inspect
import threading
from typing import Any, Callable


class _State(threading.local):
    enabled = True  # recording now (also off inside an op's forward and in backward)
    user = True     # the mode the user set (no_grad, enable_grad ...): views remember it (views.py)
    inference = False
    grad_layout_enforced = True  # see enforce_grad_layout_policy


_state = _State()


class _Anomaly:
    """Anomaly detection's switches (global, as in PyTorch); see autograd/anomaly_mode.py."""

    enabled = False
    check_nan = True


_anomaly = _Anomaly()


class _InferenceTensors:
    """Whether inference mode was ever entered: only then can an inference tensor exist."""

    seen = False


_inference_tensors = _InferenceTensors()


def is_grad_enabled() -> bool:
    """True when new operations are recorded for backward."""
    return _state.enabled


def is_inference_mode_enabled() -> bool:
    """Is ``inference_mode`` on in this thread (``torch.is_inference_mode_enabled``)?"""
    return _state.inference


class _GradModeContext:
    """Base of the context managers below; each also works as a decorator."""

    def __call__(self, fn: Callable) -> Callable:
        if inspect.isgeneratorfunction(fn):
            return self._wrap_generator(fn)

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self.clone():
                return fn(*args, **kwargs)

        return wrapper

    def _wrap_generator(self, fn: Callable) -> Callable:
        """The mode holds while the generator runs, not while its caller does (as PyTorch)."""

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            gen = fn(*args, **kwargs)
            step, value = gen.send, None
            while True:
                try:
                    with self.clone():
                        response = step(value)
                except StopIteration as stop:
                    return stop.value
                try:
                    value, step = (yield response), gen.send
                except GeneratorExit:
                    with self.clone():
                        gen.close()
                    raise
                except BaseException as e:  # thrown in by the caller: pass it on, in the mode
                    step, value = gen.throw, e

        return wrapper

    _args: tuple = ()

    def __exit__(self, *exc: object) -> None:
        _state.enabled = _state.user = self._prev

    def clone(self):
        return self.__class__(*self._args)


class no_grad(_GradModeContext):
    """Record nothing inside the block: results have ``requires_grad=False`` and no ``grad_fn``.

    >>> with no_grad():
    ...     y = x * 2          # y.requires_grad is False
    """

    def __init__(self, orig_func: Callable | None = None) -> None:
        self._orig = orig_func  # supports the bare ``@no_grad`` spelling too

    def __new__(cls, orig_func: Callable | None = None):
        self = super().__new__(cls)
        if callable(orig_func):
            self.__init__()
            return self(orig_func)
        return self

    def __enter__(self) -> None:
        self._prev = _state.enabled
        _state.enabled = _state.user = False


class enable_grad(no_grad):
    """Record operations again inside a ``no_grad`` block."""

    def __enter__(self) -> None:
        self._prev = _state.enabled
        _state.enabled = _state.user = True


class set_grad_enabled(_GradModeContext):
    """Switch recording on or off; takes effect at once, and as a context restores on exit."""

    def __init__(self, mode: bool) -> None:
        self._prev = _state.enabled
        self._args = (mode,)
        _state.enabled = _state.user = bool(mode)

    def __enter__(self) -> None:
        pass

    def __call__(self, fn: Callable) -> Callable:
        _state.enabled = _state.user = self._prev  # as a decorator it must not switch the mode now
        return super().__call__(fn)


class enforce_grad_layout_policy(_GradModeContext):
    """Off (``enable=False``): a fresh gradient nobody else holds becomes ``.grad`` as it is laid
    out, not copied into the parameter's strides (PyTorch's gradient layout contract); takes
    effect at once, like set_grad_enabled, and as a context restores on exit."""

    def __init__(self, enable: bool = True) -> None:
        self._prev = _state.grad_layout_enforced
        self._args = (enable,)
        _state.grad_layout_enforced = bool(enable)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        _state.grad_layout_enforced = self._prev

    def __call__(self, fn: Callable) -> Callable:
        _state.grad_layout_enforced = self._prev
        return super().__call__(fn)


class inference_mode(_GradModeContext):
    """Like ``no_grad``, and the tensors made inside are inference tensors (``is_inference()``):
    autograd may not save them for backward, nor change them in place outside the mode."""

    def __init__(self, mode: bool = True) -> None:
        self._args = (mode,)
        self.mode = mode

    def __new__(cls, mode: Any = True):
        self = super().__new__(cls)
        if callable(mode):
            self.__init__()
            return self(mode)
        return self

    def __enter__(self) -> None:
        self._prev, self._prev_inf = _state.enabled, _state.inference
        if self.mode:
            _state.enabled, _state.user, _state.inference = False, False, True
            _inference_tensors.seen = True

    def __exit__(self, *exc: object) -> None:
        _state.enabled, _state.inference = self._prev, self._prev_inf
        _state.user = self._prev
