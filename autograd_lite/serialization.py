"""Saving and loading objects (mirrors ``torch.save`` / ``torch.load``).

Both use Python's pickle, as PyTorch does underneath; tensors and parameters pickle as their
numpy data plus ``requires_grad``. ``torch.load`` is ``weights_only=True`` by default (PyTorch 2.6+):
it then rebuilds only tensors, parameters, numbers, strings and containers (a ``state_dict``), and
refuses other classes; pass ``weights_only=False`` to load a whole pickled model. The files are
autograd_lite's own (a pickle, not PyTorch's zip archive): each library reads what it wrote.

>>> import io, autograd_lite as torch
>>> buf = io.BytesIO(); torch.save({"w": torch.ones(2)}, buf); _ = buf.seek(0)
>>> torch.load(buf)
{'w': tensor([1., 1.])}
"""
from __future__ import annotations

import os
import pickle
from typing import Any, BinaryIO

from . import dtypes

DEFAULT_PROTOCOL = 2

# What a weights-only load may rebuild: (module, name) pairs, as torch.serialization's allow-list.
_SAFE = {
    ("autograd_lite.tensor", "_rebuild"), ("autograd_lite.nn.parameter", "_rebuild_parameter"),
    ("collections", "OrderedDict"), ("builtins", "set"), ("builtins", "frozenset"), ("builtins", "slice"),
    ("builtins", "complex"), ("_codecs", "encode"), ("numpy", "dtype"), ("numpy", "ndarray"),
    ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar"),
}
_SAFE_MODULE_PREFIXES = ("numpy.dtypes",)


class _WeightsOnlyUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) in _SAFE or module.startswith(_SAFE_MODULE_PREFIXES):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(
            "Weights only load failed. This file can still be loaded, to do so you have two options, \x1b[1mdo "
            "those steps only if you trust the source of the checkpoint\x1b[0m. \n\t(1) In PyTorch 2.6, we changed "
            "the default value of the `weights_only` argument in `torch.load` from `False` to `True`. Re-running "
            "`torch.load` with `weights_only` set to `False` will likely succeed, but it can result in arbitrary code "
            "execution. Do it only if you got the file from a trusted source.\n\t(2) Alternatively, to load with "
            "`weights_only=True` please check the recommended steps in the following error message.\n\t"
            f"WeightsUnpickler error: Unsupported global: GLOBAL {module}.{name} was not an allowed global by "
            "default.\n\nCheck the documentation of torch.load to learn more about types accepted by default with "
            "weights_only https://pytorch.org/docs/stable/generated/torch.load.html.")


def save(obj: Any, f: str | os.PathLike | BinaryIO, pickle_module: Any = pickle,
         pickle_protocol: int = DEFAULT_PROTOCOL, _use_new_zipfile_serialization: bool = True) -> None:
    """Write ``obj`` (a tensor, a ``state_dict``, a whole module, ...) to a path or binary file."""
    if isinstance(f, (str, os.PathLike)):
        with open(f, "wb") as fh:
            pickle_module.dump(obj, fh, protocol=pickle_protocol)
    else:
        pickle_module.dump(obj, f, protocol=pickle_protocol)


def load(f: str | os.PathLike | BinaryIO, map_location: Any = None, pickle_module: Any = None, *,
         weights_only: bool | None = None, mmap: bool | None = None, **pickle_load_args: Any) -> Any:
    """Read back what ``save`` wrote. ``weights_only`` (default True) allows only tensors and plain
    containers; ``map_location`` may name the CPU (or be a callable / dict, accepted as-is)."""
    if isinstance(map_location, (str, dtypes.device)):
        dtypes.check_available(map_location)
    if weights_only is None:
        weights_only = pickle_module is None
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as fh:
            return _load(fh, weights_only, pickle_module)
    return _load(f, weights_only, pickle_module)


def _load(fh: BinaryIO, weights_only: bool, pickle_module: Any) -> Any:
    if weights_only:
        return _WeightsOnlyUnpickler(fh).load()
    return (pickle_module or pickle).load(fh)
