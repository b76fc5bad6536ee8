"""autograd_lite.printing must print exactly what PyTorch prints for the same tensor."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd_lite import dtypes, printing
from autograd_lite.printing import tensor_repr


def _GradFn(name: str) -> object:
    """A node whose class is called ``name`` (PyTorch prints ``grad_fn=<ClassName>``)."""
    return type(name, (), {"name": lambda self: name})()


class StandIn:
    """The attributes of an autograd_lite Tensor that printing uses."""

    def __init__(self, data: np.ndarray, requires_grad: bool = False, grad_fn: str | None = None):
        self._data = data
        self.dtype = dtypes.from_numpy_dtype(data.dtype)
        self.requires_grad = requires_grad or grad_fn is not None
        self.grad_fn = _GradFn(grad_fn) if grad_fn else None
        self.is_leaf = grad_fn is None


def check(arr: np.ndarray, requires_grad: bool = False) -> None:
    arr = np.asarray(arr)
    expected_t = torch.from_numpy(arr.copy())
    if requires_grad:
        expected_t.requires_grad_()
    assert tensor_repr(StandIn(arr, requires_grad)) == repr(expected_t)


@pytest.fixture(autouse=True)
def _restore_options():
    yield
    printing.set_printoptions(profile="default")
    torch.set_printoptions(profile="default")
    dtypes.set_default_dtype(dtypes.float32)
    torch.set_default_dtype(torch.float32)


rng = np.random.default_rng(0)

CASES = {
    "scalar_f": np.array(3.5, np.float32),
    "scalar_int_valued": np.array(2.0, np.float32),
    "scalar_i": np.array(-7),
    "scalar_bool": np.array(True),
    "scalar_f64": np.array(1e-10),
    "scalar_nan": np.array(np.nan, np.float32),
    "scalar_negzero": np.array(-0.0, np.float32),
    "vec_f": np.array([1.5, -2.25, 3.0], np.float32),
    "vec_int_valued": np.array([1.0, -2.0, 300.0], np.float32),
    "vec_i64": np.array([1, -20, 300]),
    "vec_i32": np.array([1, -20, 300], np.int32),
    "vec_i16": np.array([5, -6], np.int16),
    "vec_i8": np.array([5, -6], np.int8),
    "vec_u8": np.array([0, 255], np.uint8),
    "vec_f16": np.array([0.1, 2.5, -3], np.float16),
    "vec_bool": np.array([True, False, True]),
    "vec_bool_true": np.array([True, True]),
    "large": np.array([1e10, 2.0, 3.0], np.float32),
    "large_int_valued": np.array([1e10, 2e10]),
    "tiny": np.array([1e-10, 2e-10], np.float32),
    "ratio_sci": np.array([0.001, 10.0], np.float32),
    "ratio_not_sci": np.array([0.01, 10.0], np.float32),
    "ratio_boundary": np.array([1.0, 1000.0]),
    "ratio_just_over": np.array([1.0, 1000.5]),
    "max_boundary": np.array([1e8, 1.0e8]),
    "max_just_over": np.array([1e8 + 2.0, 1.0e8]),
    "min_boundary": np.array([1e-4, 0.0]),
    "min_just_under": np.array([0.99e-4, 0.0]),
    "nan_inf": np.array([np.nan, np.inf, -np.inf, 1.5], np.float32),
    "nan_inf_int": np.array([np.nan, np.inf, -np.inf, 1.0], np.float32),
    "only_nonfinite": np.array([np.nan, np.inf], np.float32),
    "negzero": np.array([-0.0, 0.0, 1.0], np.float32),
    "negzero_frac": np.array([-0.0, 0.5], np.float32),
    "zeros": np.zeros(4, np.float32),
    "rounding_up": np.array([9.99996, 0.5], np.float32),
    "sci_rounding": np.array([9.99996e9, 1.0], np.float64),
    "huge_exponent": np.array([1e200, 1e-200, -3.0]),
    "ints_negative_2d": np.arange(-6, 6).reshape(3, 4),
    "empty_1d": np.zeros((0,), np.float32),
    "empty_2x0": np.zeros((2, 0), np.float32),
    "empty_0x3": np.zeros((0, 3), np.float32),
    "empty_i64": np.zeros((0,), np.int64),
    "empty_bool": np.zeros((0, 2), bool),
    "empty_f64": np.zeros((0,), np.float64),
    "mat_2d": rng.standard_normal((3, 4)).astype(np.float32),
    "mat_3d": rng.standard_normal((2, 3, 4)).astype(np.float32),
    "mat_4d": rng.standard_normal((2, 2, 2, 3)).astype(np.float32),
    "wrap_row": np.full((1, 30), 123.456, np.float32),
    "wrap_vec": np.full(30, 123.456, np.float32),
    "wrap_3d": rng.uniform(-1000, 1000, (2, 2, 25)),
    "wrap_ints": np.arange(-50, 50),
    "summ_1d": np.arange(2000, dtype=np.float32) / 7,
    "summ_2d": rng.standard_normal((50, 50)).astype(np.float32),
    "summ_3d": rng.standard_normal((10, 10, 20)).astype(np.float32),
    "summ_ints": np.arange(5000).reshape(50, 100),
    "summ_bool": rng.random((40, 40)) > 0.5,
    "summ_narrow": rng.standard_normal((1001, 1)).astype(np.float32),
    "summ_hidden_outlier": np.concatenate([np.ones(500), [1e12], np.ones(1000)]),
    "strided": np.arange(24, dtype=np.float64).reshape(4, 6)[::2, ::-3].T,
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_torch(name: str) -> None:
    check(CASES[name])


@pytest.mark.parametrize("name", ["vec_f", "mat_3d", "summ_2d", "scalar_f", "wrap_row", "empty_0x3"])
def test_requires_grad_suffix(name: str) -> None:
    check(CASES[name], requires_grad=True)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(3,), (2, 30), ()])
def test_grad_fn_suffix(dtype, shape) -> None:
    a = rng.standard_normal(shape).astype(dtype)
    expected = repr(torch.from_numpy(a.copy()).requires_grad_() * 2)
    assert tensor_repr(StandIn(a * 2, grad_fn="MulBackward0")) == expected
    assert "grad_fn=<MulBackward0>" in expected


def test_float64_requires_grad() -> None:
    a = np.array([1.25, 2.5])
    check(a, requires_grad=True)
    assert tensor_repr(StandIn(a, True)) == "tensor([1.2500, 2.5000], dtype=torch.float64, requires_grad=True)"


def test_suffix_moves_to_next_line() -> None:
    # the last line is long enough that the suffix must wrap
    check(np.full(9, 1234.5678, np.float64), requires_grad=True)
    check(np.full(10, -1234.5678, np.float64), requires_grad=True)


@pytest.mark.parametrize("name", ["vec_f", "empty_1d", "empty_f64", "scalar_f64", "mat_2d", "vec_f16", "vec_i64"])
def test_default_dtype_float64(name: str) -> None:
    dtypes.set_default_dtype(dtypes.float64)
    torch.set_default_dtype(torch.float64)
    check(CASES[name])
    check(CASES[name].astype(np.float64))


@pytest.mark.parametrize(
    "options",
    [
        dict(precision=2),
        dict(precision=0),
        dict(precision=7),
        dict(threshold=5),
        dict(edgeitems=1, threshold=10),
        dict(edgeitems=0, threshold=10),
        dict(linewidth=40),
        dict(sci_mode=True),
        dict(sci_mode=False),
        dict(profile="short"),
        dict(profile="full"),
    ],
)
@pytest.mark.parametrize("name", ["vec_f", "mat_3d", "summ_2d", "large", "tiny", "wrap_ints", "summ_1d", "zeros"])
def test_printoptions(options, name: str) -> None:
    printing.set_printoptions(**options)
    torch.set_printoptions(**options)
    check(CASES[name])


def test_printoptions_context_manager() -> None:
    with printing.printoptions(precision=1):
        assert tensor_repr(StandIn(np.array([1.25], np.float32))) == "tensor([1.2])"
    assert tensor_repr(StandIn(np.array([1.25], np.float32))) == "tensor([1.2500])"


def test_known_outputs() -> None:
    # spot checks of the expected text itself, independent of torch
    assert tensor_repr(StandIn(np.array([1.0, 2.0], np.float32))) == "tensor([1., 2.])"
    assert tensor_repr(StandIn(np.zeros((0, 3), np.float32))) == "tensor([], size=(0, 3))"
    assert tensor_repr(StandIn(np.array([1e-10, 1.0]))) == "tensor([1.0000e-10, 1.0000e+00], dtype=torch.float64)"
    assert "np." not in tensor_repr(StandIn(np.array(0.5)))


# ---------------------------------------------------------------- property-based

_shapes = hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=7)

_FLOAT_REGIMES = [
    st.floats(-10, 10),
    st.floats(-1e12, 1e12),
    st.floats(-1e-3, 1e-3),
    st.integers(-2000, 2000).map(float),
    st.sampled_from([0.0, -0.0, np.nan, np.inf, -np.inf, 1e-5, 9.99995, 99999.5, 1e8, 123.456]),
    st.floats(width=32, allow_nan=True, allow_infinity=True),
]


@st.composite
def _float_arrays(draw):
    dtype = draw(st.sampled_from([np.float32, np.float64, np.float16]))
    shape = draw(_shapes)
    # draw one "regime" per array so the formatter modes (int/sci/fixed) all get exercised
    elements = draw(st.sampled_from(_FLOAT_REGIMES))
    arr = draw(hnp.arrays(np.float64, shape, elements=elements))
    with np.errstate(over="ignore"):
        return arr.astype(dtype)


@settings(deadline=None, max_examples=400)
@given(_float_arrays(), st.booleans())
def test_hypothesis_floats(arr: np.ndarray, requires_grad: bool) -> None:
    check(arr, requires_grad)


@settings(deadline=None, max_examples=200)
@given(
    st.sampled_from([np.int64, np.int32, np.int16, np.int8, np.uint8, np.bool_]).flatmap(
        lambda dt: hnp.arrays(dt, _shapes)
    )
)
def test_hypothesis_ints_and_bools(arr: np.ndarray) -> None:
    check(arr)


@settings(deadline=None, max_examples=60)
@given(
    hnp.arrays(np.float32, hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=40),
               elements=st.floats(-1e4, 1e4, width=32)),
    st.integers(0, 6),
    st.integers(1, 60),
)
def test_hypothesis_summarization(arr: np.ndarray, edgeitems: int, threshold: int) -> None:
    printing.set_printoptions(edgeitems=edgeitems, threshold=threshold)
    torch.set_printoptions(edgeitems=edgeitems, threshold=threshold)
    check(arr)
