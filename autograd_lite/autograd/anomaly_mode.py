"""Anomaly detection (mirrors ``torch.autograd.detect_anomaly``): find the forward line behind
a failing backward node, and stop at the first node that returns NaN gradients.

While it is on, every recorded node keeps the stack of the forward call that made it
(slow: for hunting a bug only); when that node's backward raises, the stack is shown as
a warning, and with ``check_nan`` a node returning NaN raises at once.
"""
from __future__ import annotations

from typing import Any

from .. import errors
from ..grad_mode import _anomaly


def is_anomaly_enabled() -> bool:
    """Is anomaly mode on (``set_detect_anomaly`` / ``detect_anomaly``)? The engine checks it per node."""
    return _anomaly.enabled


def is_anomaly_check_nan_enabled() -> bool:
    """Does anomaly mode also raise when a backward returns NaN (``check_nan``, on by default)?"""
    return _anomaly.check_nan


class set_detect_anomaly:
    """Switch anomaly detection on or off; takes effect at once, and as a context restores on exit."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.prev = (_anomaly.enabled, _anomaly.check_nan)
        _anomaly.enabled, _anomaly.check_nan = bool(mode), bool(check_nan)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: Any) -> None:
        _anomaly.enabled, _anomaly.check_nan = self.prev


class detect_anomaly(set_detect_anomaly):
    """A context manager that turns anomaly detection on inside its block."""

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan
        errors.warn(errors.ANOMALY_ENABLED)

    def __enter__(self) -> None:
        self.prev = (_anomaly.enabled, _anomaly.check_nan)
        _anomaly.enabled, _anomaly.check_nan = True, self.check_nan
