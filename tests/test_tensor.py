"""Tensor conversions: item, tolist, numpy, float/double/long (tensor.py) against PyTorch.

Each case is ``fn(lib, *tensors)`` run once with ``lib = autograd_lite`` and once with
``lib = torch`` on tensors built from the same numpy arrays (see ``harness.compare``).
"""
from __future__ import annotations

import warnings

import numpy as np  # noqa: F401
import pytest

torch = pytest.importorskip("torch")

import autograd_lite  # noqa: E402,F401
from harness import P, arrays, assert_same_tensor, case_tests, compare, compare_error, leaves, raises_same, rng, same, setitem, ties  # noqa: E402,F401,E501


@pytest.mark.parametrize("data", [[[1.5, 2.0], [3.0, -4.0]], [1, 2, 3], [True, False], 2.5, 7, True])
def test_item_tolist_numpy(data):
    ours, theirs = autograd_lite.tensor(data), torch.tensor(data)
    assert ours.tolist() == theirs.tolist()
    assert type(ours.tolist()) is type(theirs.tolist())
    n, m = ours.numpy(), theirs.numpy()
    assert n.dtype == m.dtype and n.shape == m.shape
    np.testing.assert_array_equal(n, m)
    if theirs.numel() == 1:
        assert ours.item() == theirs.item() and type(ours.item()) is type(theirs.item())
    flat = ours.reshape(-1)[:1]
    assert flat.item() == theirs.reshape(-1)[:1].item()


def test_numpy_shares_memory_and_item_of_grad_tensor():
    x = autograd_lite.tensor([1.0, 2.0])
    x.numpy()[0] = 5.0
    assert x.tolist() == [5.0, 2.0]
    y = autograd_lite.tensor([1.5], requires_grad=True)
    t = torch.tensor([1.5], requires_grad=True)
    assert (y * 2).item() == (t * 2).item()
    assert (y * 2).tolist() == (t * 2).tolist()
    assert y.detach().numpy().tolist() == t.detach().numpy().tolist()


def test_float_double_long_to_identity():
    """Converting to the dtype a tensor already has returns the tensor itself, as in PyTorch."""
    for lib in (autograd_lite, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        assert x.float() is x and x.to(lib.float32) is x
        d = lib.tensor([1.0], dtype=lib.float64)
        assert d.double() is d
        i = lib.tensor([1, 2])
        assert i.long() is i
    a, t = autograd_lite.tensor([1.0]), torch.tensor([1.0])
    assert str(a.to("cpu", autograd_lite.float64).dtype) == str(t.to("cpu", torch.float64).dtype)
    assert str(a.to(dtype=autograd_lite.int64).dtype) == str(t.to(dtype=torch.int64).dtype)


OPERAND_MISUSES = [lambda L: L.ones(2) - None, lambda L: L.ones(2) + [1.0, 2.0], lambda L: L.ones(2) @ None,
                   lambda L: L.ones(2) ** "a", lambda L: L.ones(2) % None, lambda L: None * L.ones(2)]


@pytest.mark.parametrize("case", range(len(OPERAND_MISUSES)))
def test_operator_with_a_non_tensor_gives_pythons_type_error(case):
    """The operators give way to Python (NotImplemented): its message names the operator, as with PyTorch."""
    raises_same(OPERAND_MISUSES[case])


COMPARED_WITH_NON_TENSORS = [lambda L: L.ones(2) == None, lambda L: L.ones(2) != None,  # noqa: E711
                             lambda L: L.ones(2) == [1.0, 1.0], lambda L: None == L.ones(2),  # noqa: E711
                             lambda L: L.ones(2) == "a", lambda L: L.ones(2) < None, lambda L: L.ones(2) >= None,
                             lambda L: 1 < L.ones(2), lambda L: L.ones(2) == 1]


@pytest.mark.parametrize("case", range(len(COMPARED_WITH_NON_TENSORS)))
def test_comparison_with_a_non_tensor_gives_way_to_python(case):
    """``x == None`` is False and ``x < None`` Python's TypeError, as in PyTorch (the comparison
    operators return NotImplemented for what is not a tensor, a number or an array)."""
    same(COMPARED_WITH_NON_TENSORS[case])


@pytest.mark.parametrize("convert", [float, int])
def test_python_scalar_of_many_elements(convert):
    raises_same(lambda L: convert(L.ones(3)))


def test_float_of_a_tensor_requiring_grad_warns():
    def fn(L):
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            value = float(L.ones(1, requires_grad=True)), int(L.ones(1, requires_grad=True))
        return value, [str(w.message).split(" (Triggered internally")[0] for w in seen]
    same(fn)
