"""Tensor printing: a faithful port of PyTorch's ``torch/_tensor_str.py`` for numpy data.

``tensor_repr(t)`` produces exactly the text PyTorch prints for a CPU tensor with the same
values, dtype and autograd state: the same number formatting (int mode, scientific mode,
``precision`` digits), alignment, line wrapping, summarization with ``...`` and suffixes.
All numbers are formatted as Python floats/ints (via ``ndarray.tolist``), just as PyTorch
formats ``Tensor.item()`` values, so no numpy scalar repr can leak into the output.
"""
from __future__ import annotations

import contextlib
import dataclasses
import math
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from . import dtypes


@dataclasses.dataclass
class _PrintOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


PRINT_OPTS = _PrintOptions()

_PROFILES = {
    "default": dict(precision=4, threshold=1000, edgeitems=3, linewidth=80),
    "short": dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
    "full": dict(precision=4, threshold=math.inf, edgeitems=3, linewidth=80),
}


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """Set printing options, as ``torch.set_printoptions``.

    ``profile`` ("default", "short" or "full") resets the first four options before the
    explicit ones apply; ``sci_mode`` is always assigned (``None`` means automatic).
    """
    if profile is not None and profile in _PROFILES:
        for name, value in _PROFILES[profile].items():
            setattr(PRINT_OPTS, name, value)
    for name, value in (("precision", precision), ("threshold", threshold),
                        ("edgeitems", edgeitems), ("linewidth", linewidth)):
        if value is not None:
            setattr(PRINT_OPTS, name, value)
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    """The current options, as keyword arguments for ``set_printoptions``."""
    return dataclasses.asdict(PRINT_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs: Any) -> Iterator[None]:
    """Temporarily change the print options (arguments as ``set_printoptions``)."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


class _Formatter:
    """Chooses one number format and column width for all elements of a tensor."""

    def __init__(self, data: np.ndarray) -> None:
        self.floating = data.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        values = data.reshape(-1)
        if not self.floating:
            if values.size:
                # str(int) is widest at one of the extremes; bools at False.
                for v in (values.min().item(), values.max().item()):
                    self.max_width = max(self.max_width, len(f"{v}"))
            return

        finite = values[np.isfinite(values) & (values != 0)]
        if finite.size == 0:
            return
        absolute = np.abs(finite).astype(np.float64)
        lo, hi = absolute.min().item(), absolute.max().item()
        self.int_mode = bool(np.all(np.ceil(finite) == finite))
        if PRINT_OPTS.sci_mode is None:
            self.sci_mode = hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4
        else:
            self.sci_mode = PRINT_OPTS.sci_mode

        # Formatted length grows with |v| (and, for "e", with |exponent|), so the widest
        # string comes from the smallest or largest value of either sign.
        pos, neg = finite[finite > 0], finite[finite < 0]
        extremes = [x.item() for part in (pos, neg) if part.size for x in (part.min(), part.max())]
        p = PRINT_OPTS.precision
        for v in extremes:
            if self.sci_mode:
                width = len(f"{v:.{p}e}")
            elif self.int_mode:
                width = len(f"{v:.0f}") + 1  # room for the trailing "."
            else:
                width = len(f"{v:.{p}f}")
            self.max_width = max(self.max_width, width)

    def format(self, value: float | int | bool) -> str:
        """One element, right-aligned to the common width."""
        if self.floating:
            p = PRINT_OPTS.precision
            if self.sci_mode:
                text = f"{value:{self.max_width}.{p}e}"
            elif self.int_mode:
                text = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    text += "."
            else:
                text = f"{value:.{p}f}"
        else:
            text = f"{value}"
        return (self.max_width - len(text)) * " " + text


def _summarized(data: np.ndarray) -> np.ndarray:
    """The elements that remain visible after summarization (for choosing the format)."""
    e = PRINT_OPTS.edgeitems
    if data.ndim == 0:
        return data
    if data.ndim == 1:
        return np.concatenate((data[:e], data[-e:])) if data.shape[0] > 2 * e else data
    if not e:
        return np.empty((0,) * data.ndim, dtype=data.dtype)
    rows = list(range(e)) + list(range(len(data) - e, len(data))) if len(data) > 2 * e else range(len(data))
    return np.stack([_summarized(data[i]) for i in rows])


def _vector_str(data: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    e = PRINT_OPTS.edgeitems
    per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / (fmt.max_width + 2)))
    if summarize and not e:
        items = ["..."]
    elif summarize and data.shape[0] > 2 * e:
        items = [fmt.format(v) for v in data[:e].tolist()] + [" ..."]
        items += [fmt.format(v) for v in data[-e:].tolist()]
    else:
        items = [fmt.format(v) for v in data.tolist()]
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested_str(data: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    if data.ndim == 0:
        return fmt.format(data.item())
    if data.ndim == 1:
        return _vector_str(data, indent, summarize, fmt)
    e, n = PRINT_OPTS.edgeitems, data.shape[0]
    if summarize and n > 2 * e:
        slices = [_nested_str(data[i], indent + 1, summarize, fmt) for i in range(e)] + ["..."]
        slices += [_nested_str(data[i], indent + 1, summarize, fmt) for i in range(n - e, n)]
    else:
        slices = [_nested_str(data[i], indent + 1, summarize, fmt) for i in range(n)]
    return "[" + ("," + "\n" * (data.ndim - 1) + " " * (indent + 1)).join(slices) + "]"


def tensor_body(data: np.ndarray, indent: int) -> str:
    """The bracketed element text of ``data``; continuation lines start after ``indent``."""
    if data.size == 0:
        return "[]"
    summarize = data.size > PRINT_OPTS.threshold
    fmt = _Formatter(_summarized(data) if summarize else data)
    return _nested_str(data, indent, summarize, fmt)


def _add_suffixes(text: str, suffixes: Sequence[str], indent: int) -> str:
    parts = [text]
    last_line_len = len(text) - text.rfind("\n") + 1  # PyTorch's arithmetic, kept as is
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    return "".join(parts) + ")"


def format_tensor(
    data: np.ndarray,
    dtype_name: str,
    suffixes: Sequence[str] = (),
    prefix: str = "tensor(",
) -> str:
    """The full repr of a tensor holding ``data`` with dtype ``dtype_name``.

    The size and dtype suffixes are derived here; ``suffixes`` (e.g. ``grad_fn=<...>``)
    follow them.
    """
    indent = len(prefix)
    default = dtypes.get_default_dtype().name
    shape_suffix = "size=" + str(tuple(int(s) for s in data.shape))
    dtype_suffix = f"dtype=torch.{dtype_name}"
    found: list[str] = []
    if data.size == 0:
        if data.ndim != 1:
            found.append(shape_suffix)
        if dtype_name != default:
            found.append(dtype_suffix)
        body = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            found.append(shape_suffix)
        if dtype_name not in (default, "int64", "bool"):
            found.append(dtype_suffix)
        body = tensor_body(data, indent)
    return _add_suffixes(prefix + body, found + list(suffixes), indent)


def tensor_repr(t: Any) -> str:
    """``repr(t)`` as PyTorch prints it: ``tensor([...], dtype=..., grad_fn=<...>)``."""
    suffixes = []
    if getattr(t, "_custom_view_of", None) and t._view_version != t._vc[0]:  # its grad_fn is gone: access raises
        suffixes.append("grad_fn=<Invalid>")
    elif t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{type(t.grad_fn).__name__}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    if getattr(t, "_fw_tangent", None) is not None:  # a dual tensor of forward-mode AD
        suffixes.append(f"tangent={t._fw_tangent}")
    return format_tensor(t._data, t.dtype.name, suffixes)
