"""Datasets and the DataLoader (mirrors ``torch.utils.data``, single-process).

``DataLoader(dataset, batch_size=64, shuffle=True)`` yields the same batches, in the same order,
as PyTorch's after the same ``manual_seed``: the loader and its ``RandomSampler`` draw from the
global generator exactly as PyTorch's do (see ``RandomSampler.__iter__``).

>>> import autograd_lite as torch
>>> from autograd_lite.utils.data import DataLoader, TensorDataset
>>> ds = TensorDataset(torch.arange(6.), torch.arange(6))
>>> [y.tolist() for _, y in DataLoader(ds, batch_size=4)]
[[0, 1, 2, 3], [4, 5]]
"""
from __future__ import annotations

import bisect
import collections.abc
import math
import numbers
from typing import Any, Callable, Iterator, Sequence

import numpy as np

from .. import dtypes
from .. import random as _random
from ..creation import tensor as _tensor
from ..ops import stack as _stack
from ..tensor import Tensor, _make

__all__ = ["Dataset", "IterableDataset", "TensorDataset", "Subset", "ConcatDataset", "random_split",
           "Sampler", "SequentialSampler", "RandomSampler", "BatchSampler", "DataLoader", "default_collate"]


# --- datasets ----------------------------------------------------------------------------
class Dataset:
    """A map-style dataset: subclasses define ``__getitem__`` (and usually ``__len__``)."""

    def __getitem__(self, index):
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other: "Dataset") -> "ConcatDataset":
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """A dataset that is an iterable of samples (``__iter__``), with no indexing."""

    def __iter__(self):
        raise NotImplementedError


class TensorDataset(Dataset):
    """Samples ``(t[0][i], t[1][i], ...)``: tensors indexed along their first dimension."""

    def __init__(self, *tensors: Tensor) -> None:
        assert all(tensors[0].size(0) == t.size(0) for t in tensors), "Size mismatch between tensors"
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].size(0)


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``."""

    def __init__(self, dataset: Dataset, indices: Sequence[int]) -> None:
        self.dataset, self.indices = dataset, indices

    def __getitem__(self, idx):
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __len__(self) -> int:
        return len(self.indices)


class ConcatDataset(Dataset):
    """Several datasets one after another."""

    def __init__(self, datasets) -> None:
        self.datasets = list(datasets)
        assert len(self.datasets) > 0, "datasets should not be an empty iterable"
        self.cumulative_sizes = list(np.cumsum([len(d) for d in self.datasets]))

    def __len__(self) -> int:
        return int(self.cumulative_sizes[-1])

    def __getitem__(self, idx):
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx = len(self) + idx
        d = bisect.bisect_right(self.cumulative_sizes, idx)
        return self.datasets[d][idx - (self.cumulative_sizes[d - 1] if d else 0)]


def random_split(dataset: Dataset, lengths: Sequence[float], generator: Any = None) -> list[Subset]:
    """Split into non-overlapping subsets of the given lengths (or fractions), drawn from ``generator``
    (default: the global one) as ``torch.utils.data.random_split`` does (``randperm(n).tolist()``)."""
    n = len(dataset)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        lengths = [int(math.floor(n * f)) for f in lengths]
        for i in range(n - sum(lengths)):
            lengths[i % len(lengths)] += 1
    if sum(lengths) != n:
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    with _random.using(generator):
        perm = _random.randperm(sum(lengths)).tolist()
    out, start = [], 0
    for length in lengths:
        out.append(Subset(dataset, perm[start:start + length]))
        start += length
    return out


# --- samplers ----------------------------------------------------------------------------
class Sampler:
    """Yields dataset indices."""

    def __init__(self, data_source=None) -> None:
        pass


class SequentialSampler(Sampler):
    """``0, 1, ..., len(data_source) - 1``."""

    def __init__(self, data_source) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


def _draw_seed() -> int:
    """``torch.empty((), dtype=torch.int64).random_().item()``: one random64() word, modulo 2**63."""
    return int(_random._random64(1)[0] % np.uint64(2**63))


class RandomSampler(Sampler):
    """A fresh random permutation of the indices on each pass (mirrors ``RandomSampler`` without
    replacement): with no ``generator``, each pass draws a seed from the global stream and
    shuffles with a generator seeded by it, so seeded runs give PyTorch's order."""

    def __init__(self, data_source, replacement: bool = False, num_samples: int | None = None,
                 generator: Any = None) -> None:
        if replacement:
            raise NotImplementedError("autograd_lite's RandomSampler samples without replacement only")
        self.data_source, self.replacement, self._num_samples, self.generator = data_source, False, num_samples, generator
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={self.num_samples}")

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self) -> Iterator[int]:
        n = len(self.data_source)
        generator = self.generator
        if generator is None:  # a private generator, seeded from the global stream
            generator = _random.Generator().manual_seed(_draw_seed())
        for _ in range(self.num_samples // n):
            with generator.active():
                perm = _random.randperm(n).tolist()
            yield from perm
        with generator.active():
            perm = _random.randperm(n).tolist()
        yield from perm[:self.num_samples % n]

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Groups another sampler's indices into lists of ``batch_size`` (the last one shorter unless ``drop_last``)."""

    def __init__(self, sampler, batch_size: int, drop_last: bool) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size <= 0:
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size}")
        self.sampler, self.batch_size, self.drop_last = sampler, batch_size, drop_last

    def __iter__(self) -> Iterator[list[int]]:
        batch = []
        for idx in self.sampler:
            batch.append(idx)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else (n + self.batch_size - 1) // self.batch_size


# --- collation ---------------------------------------------------------------------------
def default_collate(batch: list) -> Any:
    """Stack a list of samples into a batch, as ``torch.utils.data.default_collate`` does: tensors
    are stacked, Python ints become an int64 tensor, floats a float64 tensor, tuples and dicts are
    collated field by field, strings are left as a list."""
    elem = batch[0]
    if isinstance(elem, Tensor):
        return _stack(batch, 0)
    if isinstance(elem, np.ndarray):
        return _stack([_make(np.asarray(b)) for b in batch], 0)
    if isinstance(elem, np.generic):
        return _make(np.array(batch))
    if isinstance(elem, bool):
        return _tensor(batch)
    if isinstance(elem, numbers.Integral):
        return _tensor(batch, dtype=dtypes.int64)
    if isinstance(elem, float):
        return _tensor(batch, dtype=dtypes.float64)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        return {k: default_collate([d[k] for d in batch]) for k in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):
        return type(elem)(*(default_collate(list(s)) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        if any(len(e) != len(elem) for e in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        cols = [default_collate(list(s)) for s in zip(*batch)]
        return cols if isinstance(elem, (tuple, list)) else type(elem)(cols)  # tuples become lists, as in PyTorch
    raise TypeError(f"default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
                    f"found {type(elem)}")


def default_convert(data: Any) -> Any:
    """What ``DataLoader(batch_size=None)`` does to each sample: numpy arrays become tensors."""
    if isinstance(data, np.ndarray):
        return _make(data)
    if isinstance(data, collections.abc.Mapping):
        return {k: default_convert(v) for k, v in data.items()}
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return [default_convert(d) for d in data]  # tuples become lists, as in PyTorch
    return data


# --- the loader --------------------------------------------------------------------------
class DataLoader:
    """Iterate over a dataset in batches (mirrors ``torch.utils.data.DataLoader`` with
    ``num_workers=0``; worker processes and pinned memory are accepted and ignored)."""

    def __init__(self, dataset: Dataset, batch_size: int | None = 1, shuffle: bool | None = None,
                 sampler=None, batch_sampler=None, num_workers: int = 0, collate_fn: Callable | None = None,
                 pin_memory: bool = False, drop_last: bool = False, timeout: float = 0,
                 worker_init_fn: Callable | None = None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor: int | None = None, persistent_workers: bool = False,
                 pin_memory_device: str = "", in_order: bool = True) -> None:
        self.dataset, self.num_workers, self.pin_memory, self.timeout = dataset, num_workers, pin_memory, timeout
        self.generator = generator
        if isinstance(dataset, IterableDataset):
            if shuffle not in (None, False) or sampler is not None or batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified shuffle option, "
                                 f"but got shuffle={shuffle}")
            self._iterable = True
        else:
            self._iterable = False
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, "
                                 "and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with drop_last")
        if sampler is None and not self._iterable:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None and not self._iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size, self.drop_last, self.sampler, self.batch_sampler = batch_size, drop_last, sampler, batch_sampler
        auto = batch_sampler is not None or (self._iterable and batch_size is not None)
        self.collate_fn = collate_fn or (default_collate if auto else default_convert)

    @property
    def _index_sampler(self):
        return self.batch_sampler if self.batch_sampler is not None else self.sampler

    def __iter__(self) -> Iterator:
        with _random.using(self.generator):
            _draw_seed()  # PyTorch's iterator draws a base seed for workers, even with num_workers=0
        if self._iterable:
            return self._iter_iterable()
        return (self.collate_fn([self.dataset[i] for i in idx]) if self.batch_sampler is not None
                else self.collate_fn(self.dataset[idx]) for idx in self._index_sampler)

    def _iter_iterable(self):
        if self.batch_size is None:
            yield from (self.collate_fn(x) for x in self.dataset)
            return
        batch = []
        for x in self.dataset:
            batch.append(x)
            if len(batch) == self.batch_size:
                yield self.collate_fn(batch)
                batch = []
        if batch and not self.drop_last:
            yield self.collate_fn(batch)

    def __len__(self) -> int:
        if self._iterable:
            n = len(self.dataset)
            if self.batch_size is not None:
                n = n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)
            return n
        return len(self._index_sampler)
