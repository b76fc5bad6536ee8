"""``torch.autograd.profiler``: which operations ran, how often, and for how long.

While a ``profile`` block is open, every Function call (forward, named ``aten::mul`` as
PyTorch names its operators) and every backward node the engine runs (``MulBackward0``)
is timed. ``prof.key_averages().table()`` prints them in PyTorch's layout. The times are
this engine's own; the operator names follow PyTorch's for the operations recorded here
(PyTorch also lists its internal helpers: ``aten::empty``, ``aten::to`` ...).
"""
from __future__ import annotations

import re
import time
from contextlib import contextmanager
from typing import Any, Iterator

from ..function import profiling

__all__ = ["profile", "record_function"]


# PyTorch's operator names that the node names do not spell out (private ops, digits)
_OP_NAMES = {"Log1P": "log1p", "LogSoftmaxBackwardData": "_log_softmax_backward_data",
             "SoftmaxBackwardData": "_softmax_backward_data", "UnsafeView": "_unsafe_view", "ToCopy": "_to_copy",
             "CopySlices": "copy_", "CopyBackwards": "copy_", "NotImplemented": "not_implemented"}


def op_name(node_name: str) -> str:
    """``LogSoftmaxBackward0`` -> ``aten::log_softmax``: the operator a node's forward ran."""
    base = re.sub(r"Backward\d*$", "", node_name)
    return "aten::" + _OP_NAMES.get(base, re.sub(r"(?<!^)(?=[A-Z])", "_", base).lower())


class FunctionEventAvg:
    """One row of ``key_averages()``: all the events with one name."""

    def __init__(self, key: str) -> None:
        self.key, self.count, self.cpu_time_total, self.self_cpu_time_total = key, 0, 0.0, 0.0

    @property
    def cpu_time(self) -> float:
        return self.cpu_time_total / self.count if self.count else 0.0


class EventList(list):
    def table(self, sort_by: str | None = None, row_limit: int = 100, **_ignored: Any) -> str:
        rows = list(self)
        if sort_by:
            key = sort_by.replace("cpu_time", "cpu_time_total") if sort_by == "cpu_time" else sort_by
            rows.sort(key=lambda r: getattr(r, key, 0.0), reverse=True)
        rows = rows[:row_limit] if row_limit and row_limit > 0 else rows
        total = sum(r.self_cpu_time_total for r in self) or 1.0
        width = max([len(r.key) for r in rows] + [4]) + 2
        line = "-" * width + "  " + "  ".join(["-" * 12] * 6) + "  "
        head = ["Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg", "# of Calls"]
        out = [line, "Name".rjust(width) + "  " + "  ".join(h.rjust(12) for h in head) + "  ", line]
        for r in rows:
            cells = [f"{100 * r.self_cpu_time_total / total:.2f}%", _us(r.self_cpu_time_total),
                     f"{100 * r.cpu_time_total / total:.2f}%", _us(r.cpu_time_total), _us(r.cpu_time), str(r.count)]
            out.append(r.key.rjust(width) + "  " + "  ".join(c.rjust(12) for c in cells) + "  ")
        out += [line, f"Self CPU time total: {_us(sum(r.self_cpu_time_total for r in self))}", ""]
        return "\n".join(out)

    def __str__(self) -> str:
        return self.table()


def _us(seconds_us: float) -> str:
    return f"{seconds_us / 1000:.3f}ms" if seconds_us >= 1000 else f"{seconds_us:.3f}us"


class profile:
    """``with profile() as prof: ...`` then ``prof.key_averages().table()``."""

    def __init__(self, enabled: bool = True, *, use_cuda: bool = False, use_device: Any = None,
                 record_shapes: bool = False, with_flops: bool = False, profile_memory: bool = False,
                 with_stack: bool = False, with_modules: bool = False, use_kineto: bool = True,
                 use_cpu: bool = True, **_ignored: Any) -> None:
        self.enabled = enabled
        self.events: list = []  # (name, total microseconds, self microseconds)

    def __enter__(self) -> "profile":
        if self.enabled:
            self._outer = profiling.events
            profiling.events = self.events
        return self

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            profiling.events = self._outer

    @property
    def function_events(self) -> EventList:
        return self.key_averages()

    def key_averages(self, group_by_input_shape: bool = False, group_by_stack_n: int = 0) -> EventList:
        rows: dict[str, FunctionEventAvg] = {}
        for name, total, self_time in self.events:
            row = rows.setdefault(name, FunctionEventAvg(name))
            row.count += 1
            row.cpu_time_total += total
            row.self_cpu_time_total += self_time
        return EventList(rows.values())

    def table(self, **kwargs: Any) -> str:
        return self.key_averages().table(**kwargs)


@contextmanager
def _timed(name: str) -> Iterator[None]:
    """Record one event; time spent in events recorded inside it is not its self time."""
    events = profiling.events
    if events is None:
        yield
        return
    start, inner_before = time.perf_counter(), profiling.inner
    profiling.inner = 0.0
    try:
        yield
    finally:
        total = (time.perf_counter() - start) * 1e6
        events.append((name, total, total - profiling.inner))
        profiling.inner = inner_before + total


class record_function:
    """A user-named range in the profile: ``with record_function("my_block"): ...``."""

    def __init__(self, name: str, args: str | None = None) -> None:
        self.name = name

    def __enter__(self) -> "record_function":
        self._cm = _timed(self.name)
        self._cm.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._cm.__exit__(None, None, None)


profiling.timed, profiling.op_name = _timed, op_name  # the core calls them through these slots
