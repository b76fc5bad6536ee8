"""Creation functions against PyTorch: dtype inference, values (exact), flags, devices and repr."""
from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import autograd_lite  # noqa: E402
from harness import assert_same_tensor, compare_error  # noqa: E402


def same(fn, exact=True):
    """``fn(lib)`` for both libraries: same dtype, shape, flags and repr, values equal bit for bit."""
    ours, theirs = fn(autograd_lite), fn(torch)
    assert_same_tensor(ours, theirs)
    if exact:
        np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy())
    return ours, theirs


TENSOR_DATA = [
    [1.0, 2.0], [1, 2, 3], [True, False], [[1.5, 2.0], [3.0, 4.0]], [[1, 2], [3, 4]], 2.5, 3, True, [],
    [1, 2.5], [True, 2], [[True], [False]], (1.0, 2.0), [[[1.0]], [[2.0]]], -0.0, 1e20, [1e-5, 1e5],
    [float("inf"), float("nan")], [3.14159265358979], [2 ** 40],
]


@pytest.mark.parametrize("data", TENSOR_DATA, ids=[repr(d) for d in TENSOR_DATA])
def test_tensor_inference(data):
    same(lambda L: L.tensor(data))


@pytest.mark.parametrize("arr", [np.array([1.5, 2.5]), np.array([1.5], np.float32), np.array([1, 2]),
                                 np.array([1, 2], np.int32), np.array([True]), np.array(2.5), np.arange(6.).reshape(2, 3).T],
                         ids=["f64", "f32", "i64", "i32", "bool", "0d", "transposed"])
def test_tensor_from_numpy_array(arr):
    same(lambda L: L.tensor(arr))
    same(lambda L: L.tensor(arr, dtype=L.float32))


def test_tensor_of_numpy_scalars_and_tensors():
    same(lambda L: L.tensor(np.float64(2.5)))
    same(lambda L: L.tensor([np.float32(1.5), np.float32(2.5)]))
    same(lambda L: L.tensor([L.tensor(1.0), L.tensor(2.0)]))


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "bool"])
@pytest.mark.parametrize("data", [[1.7, -2.2, 0.0], [[1, 0], [2, 3]]])
def test_tensor_dtype_argument(dtype, data):
    same(lambda L: L.tensor(data, dtype=getattr(L, dtype)))


@pytest.mark.parametrize("kw", [{"requires_grad": True}, {"device": "cpu"}, {"dtype": "float64", "requires_grad": True}])
def test_tensor_flags(kw):
    def make(L):
        k = dict(kw)
        if "dtype" in k:
            k["dtype"] = getattr(L, k["dtype"])
        return L.tensor([[1.0, 2.0], [3.0, 4.0]], **k)

    ours, theirs = same(make)
    assert ours.is_leaf and ours.grad_fn is None and ours.grad is None
    assert str(ours.device) == str(theirs.device) == "cpu"


def test_device_objects():
    same(lambda L: L.zeros(2, device=L.device("cpu")))
    same(lambda L: L.ones(2, 3, device="cpu", dtype=L.float64))
    assert repr(autograd_lite.device("cpu")) == repr(torch.device("cpu"))
    assert str(autograd_lite.device("cpu")) == str(torch.device("cpu"))
    assert autograd_lite.tensor([1.0]).device == autograd_lite.device("cpu")


@pytest.mark.parametrize("data", [[1.0, 2.0], [[1, 2], [3, 4]], [True, False]])
def test_legacy_constructor(data):
    same(lambda L: L.Tensor(data))


def test_legacy_constructor_sizes():
    ours, theirs = autograd_lite.Tensor(2, 3), torch.Tensor(2, 3)
    assert tuple(ours.shape) == tuple(theirs.shape) and str(ours.dtype) == str(theirs.dtype)


SHAPES = [(), (3,), (2, 3), (2, 1, 4), (0,), (2, 0)]


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", ["zeros", "ones", "empty"])
def test_fill_creators(name, shape):
    def make(L, *args, **kw):
        out = getattr(L, name)(*args, **kw)
        if name == "empty":  # uninitialised in PyTorch: compare everything but the values
            with L.no_grad():
                out.zero_()
        return out

    if shape:
        same(lambda L: make(L, *shape))
    same(lambda L: make(L, shape))
    same(lambda L: make(L, list(shape), dtype=L.float64))
    same(lambda L: make(L, shape, dtype=L.int64))
    same(lambda L: make(L, shape, dtype=L.bool))
    same(lambda L: make(L, shape, requires_grad=True))


@pytest.mark.parametrize("value", [2.5, 3, True, -0.5, 0])
def test_full(value):
    same(lambda L: L.full((2, 3), value))
    same(lambda L: L.full([3], value, dtype=L.float64))
    same(lambda L: L.full((2,), value, dtype=L.float32, requires_grad=True))


@pytest.mark.parametrize("args", [(3,), (2, 4), (4, 2), (0,), (1,)])
def test_eye(args):
    same(lambda L: L.eye(*args))
    same(lambda L: L.eye(*args, dtype=L.int64))
    same(lambda L: L.eye(*args, dtype=L.float64, requires_grad=True))


ARANGE = [(5,), (2, 7), (1, 10, 3), (0, 1, 0.1), (1.0, 2.5, 0.5), (5, 0, -1), (5.0, 0.0, -1.5), (-3, 3),
          (0.0,), (0, 0), (10, 1, -3), (0.5,), (1, 2.2, 0.3), (0, -1, -0.25)]


@pytest.mark.parametrize("args", ARANGE, ids=str)
def test_arange(args):
    same(lambda L: L.arange(*args))
    same(lambda L: L.arange(*args, dtype=L.float64))
    same(lambda L: L.arange(*args, dtype=L.float32, requires_grad=True))


LINSPACE = [(0, 1, 5), (-1, 1, 7), (0, 10, 11), (1.5, -2.5, 9), (0, 1, 1), (0, 1, 0), (3, 3, 4), (0.1, 0.9, 13),
            (-5, 100, 50), (0, 1, 100), (2, 1, 2), (0.3, 7.7, 1000), (-3.3, 1e4, 777)]


@pytest.mark.parametrize("args", LINSPACE, ids=str)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_linspace(args, dtype):
    same(lambda L: L.linspace(*args, dtype=getattr(L, dtype)))


@pytest.mark.parametrize("args", LINSPACE[:4], ids=str)
def test_linspace_default_dtype_and_int(args):
    same(lambda L: L.linspace(*args))
    same(lambda L: L.linspace(*args, dtype=L.int64))
    same(lambda L: L.linspace(*args, requires_grad=True))


@pytest.mark.parametrize("name", ["zeros_like", "ones_like", "empty_like"])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "bool"])
def test_like(name, dtype):
    def make(L, **kw):
        src = L.tensor([[1, 2, 3], [4, 5, 6]], dtype=getattr(L, dtype))
        out = getattr(L, name)(src, **kw)
        if name == "empty_like":
            with L.no_grad():
                out.zero_()
        return out

    same(make)
    same(lambda L: make(L, dtype=L.float64))
    same(lambda L: make(L, dtype=L.float32, requires_grad=True))


def test_full_like():
    same(lambda L: L.full_like(L.tensor([[1, 2], [3, 4]]), 7))
    same(lambda L: L.full_like(L.tensor([1.0, 2.0]), 2.5))
    same(lambda L: L.full_like(L.tensor([1.0, 2.0]), 2, dtype=L.float64, requires_grad=True))
    same(lambda L: L.full_like(L.tensor([1, 2]), 2.7))


def test_like_of_grad_tensor_does_not_require_grad():
    same(lambda L: L.zeros_like(L.ones(2, requires_grad=True) * 2))
    same(lambda L: L.ones_like(L.ones(2, requires_grad=True)))


def test_from_numpy_shares_memory():
    for lib in (autograd_lite, torch):
        a = np.array([1.0, 2.0, 3.0])
        t = lib.from_numpy(a)
        assert str(t.dtype).endswith("float64")
        a[0] = 10.0
        assert t.tolist() == [10.0, 2.0, 3.0]
        t[1] = 20.0
        assert a.tolist() == [10.0, 20.0, 3.0]
        assert t.numpy() is a or np.shares_memory(t.numpy(), a)
    same(lambda L: L.from_numpy(np.array([[1, 2], [3, 4]], np.int32)))
    same(lambda L: L.from_numpy(np.array([1.5], np.float32)))


@pytest.fixture
def default_float64():
    autograd_lite.set_default_dtype(autograd_lite.float64)
    torch.set_default_dtype(torch.float64)
    yield
    autograd_lite.set_default_dtype(autograd_lite.float32)
    torch.set_default_dtype(torch.float32)


@pytest.mark.parametrize("make", [
    lambda L: L.tensor([1.0, 2.0]), lambda L: L.tensor(2.5), lambda L: L.tensor([1, 2]), lambda L: L.zeros(2),
    lambda L: L.ones(2, 2), lambda L: L.full((2,), 1.5), lambda L: L.arange(0, 1, 0.25), lambda L: L.arange(3),
    lambda L: L.linspace(0, 1, 5), lambda L: L.eye(2), lambda L: L.Tensor([1.0]),
    lambda L: L.tensor([1, 2]) * 1.5, lambda L: L.tensor([1, 2]) / 2, lambda L: L.tensor([1, 2]).exp(),
    lambda L: L.tensor(np.array([1.0], np.float32)) + 1.5,
])
def test_set_default_dtype_float64(default_float64, make):
    assert str(autograd_lite.get_default_dtype()) == str(torch.get_default_dtype()) == "torch.float64"
    same(make, exact=False)


def test_default_dtype_restored():
    assert str(autograd_lite.get_default_dtype()) == str(torch.get_default_dtype()) == "torch.float32"
    compare_error(lambda L: L.set_default_dtype(L.int64))


CREATION_ERRORS = [
    ("zeros_negative", lambda L: L.zeros(2, -1), "full"),
    ("arange_zero_step", lambda L: L.arange(0, 1, 0), "full"),
    ("arange_wrong_sign", lambda L: L.arange(0, 5, -1), "full"),
    ("linspace_negative", lambda L: L.linspace(0, 1, -1), "full"),
    ("int_requires_grad", lambda L: L.tensor([1, 2], requires_grad=True), "full"),
    ("ones_int_requires_grad", lambda L: L.ones(2, dtype=L.int64, requires_grad=True), "full"),
    ("arange_int_requires_grad", lambda L: L.arange(3, requires_grad=True), "full"),
    ("ragged", lambda L: L.tensor([[1, 2], [3]]), "full"),
    ("bad_data", lambda L: L.tensor("abc"), "type"),
]


@pytest.mark.parametrize("case", CREATION_ERRORS, ids=[c[0] for c in CREATION_ERRORS])
def test_creation_errors(case):
    compare_error(case[1], match=case[2])


def test_large_nested_list_of_python_numbers():
    """The one-step path for nested Python numbers gives PyTorch's tensor (and is fast: issue 9)."""
    import time

    rows = np.random.default_rng(0).standard_normal((228_000, 3)).tolist()
    rows[5][1], rows[7][2] = 3, True  # ints and bools among the floats
    start = time.perf_counter()
    ours = autograd_lite.tensor(rows)
    elapsed = time.perf_counter() - start
    theirs = torch.tensor(rows)
    assert ours.dtype.name == "float32" and ours.shape == theirs.shape
    assert np.array_equal(ours.numpy(), theirs.numpy())
    assert elapsed < 1.5  # was 2.4 s element by element
    for data in ([[1, 2, True], [3, 4, 5]], [[True, False]], [[], []], [(1, 2.5)]):
        assert str(autograd_lite.tensor(data)) == str(torch.tensor(data))


@pytest.mark.parametrize("make", ["zeros_like", "ones_like", "empty_like", "rand_like", "randn_like"])
@pytest.mark.parametrize("shape,perm", [((3, 4), (1, 0)), ((2, 3, 4), (2, 0, 1)), ((5, 4), (1, 0))])
def test_like_preserves_layout(make, shape, perm):
    """``*_like`` lay out their result as ``empty_like`` does (``preserve_format``); random ones
    fill it in memory order, so the values match PyTorch's too."""
    import autograd_lite
    results = []
    for lib in (autograd_lite, torch):
        x = lib.zeros(shape).permute(perm)
        lib.manual_seed(0)
        r = getattr(lib, make)(x)
        values = r.numpy().tolist() if make != "empty_like" else None  # (PyTorch's are uninitialised)
        results.append((tuple(r.stride()), r.is_contiguous(), values))
    assert results[0] == results[1]


@pytest.mark.parametrize("call", [
    "L.zeros(2.5)", "L.zeros(2, 2.5)", "L.zeros((2, 2.5))", "L.zeros([2.5])", "L.ones(2.5)", "L.randn(2.5)",
    "L.randn(2, 'a')", "L.zeros('a')", "L.ones(2, 'a')", "L.rand(2, 'a')", "L.zeros((2, 'a'))",
    "L.empty(2, 'a')", "L.full((2.5,), 1.)", "L.zeros(2, None)", "L.zeros(None)", "L.zeros((2.5, 3))",
    "L.zeros([2, 2.5])", "L.zeros(2, 3, 2.5)", "L.zeros(True)", "L.zeros(2, True)"])
def test_factory_sizes_that_are_not_ints(call):
    """PyTorch's argument parser has three answers: a single non-int, a sequence not starting
    with an int (pos 0), and a later element that "fails to unpack" (counted from 1)."""
    from harness import same
    same(lambda L: eval(call, {"L": L}))


@pytest.mark.parametrize("data", ["'abc'", "[1, 'a']", "[[1], ['a']]", "['ab', 'c']", "b'a'", "None", "[None]",
                                  "object()", "{1: 2}"])
def test_tensor_of_what_is_not_a_number(data):
    """Strings are refused where a value is read (TypeError) or, down the first elements where
    the shape is measured, as endless dimensions (ValueError); other objects cannot give a dtype."""
    from harness import raises_same
    raises_same(lambda L: L.tensor(eval(data)))


@pytest.mark.parametrize("make", [
    "lib.FloatTensor([[1, 2.3, 3], [4, 5.1, 6.3]])", "lib.LongTensor([1.7, 2])", "lib.LongTensor(2, 3).shape",
    "lib.LongTensor()", "lib.DoubleTensor(np.array([1, 2]))", "lib.BoolTensor([1, 0])", "lib.ByteTensor([1, 2])",
    "lib.IntTensor([1, 2])", "lib.FloatTensor(lib.Size([2, 3])).shape", "lib.FloatTensor(lib.ones(2).double())",
    "lib.FloatTensor('a')", "lib.ones(2).type(lib.LongTensor)", "lib.ones(2).type('torch.DoubleTensor')",
    "(isinstance(lib.ones(2), lib.FloatTensor), isinstance(lib.ones(2), lib.LongTensor), lib.FloatTensor.dtype)",
    "(type(lib.FloatTensor([1])) is lib.Tensor, issubclass(lib.FloatTensor, lib.Tensor), lib.FloatTensor)",
])
def test_legacy_typed_constructors(make):
    """torch.FloatTensor & co: data converted to the type, integers as a shape, isinstance by dtype."""
    def run(lib):
        try:
            return repr(eval(make, {"lib": lib, "np": np}))
        except TypeError as e:
            return f"TypeError: {e}"

    assert run(autograd_lite) == run(torch)
