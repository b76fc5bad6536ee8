"""ops/upsampling.py (F.interpolate) against PyTorch: nearest and (bi/tri)linear values to the
float32 rounding, gradients, PyTorch's nodes to the second order, errors."""
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")
from harness import compare, compare_orders, raises_same  # noqa: E402

_r = np.random.default_rng(0)
X4, X3, X5 = _r.standard_normal((2, 3, 4, 5)), _r.standard_normal((2, 3, 7)), _r.standard_normal((1, 2, 3, 4, 2))
CASES = {
    "nearest-x2": (X4, dict(scale_factor=2)), "nearest-size": (X4, dict(size=(5, 7))),
    "nearest-tuple": (X4, dict(scale_factor=(2, 3))), "nearest-down": (X4, dict(scale_factor=0.5)),
    "nearest-x1.7": (X4, dict(scale_factor=1.7)), "nearest-1d": (X3, dict(scale_factor=2)),
    "nearest-1d-size": (X3, dict(size=10)), "nearest-3d": (X5, dict(scale_factor=2)),
    "bilinear": (X4, dict(scale_factor=2, mode="bilinear")),
    "bilinear-corners": (X4, dict(scale_factor=2, mode="bilinear", align_corners=True)),
    "bilinear-size": (X4, dict(size=(7, 3), mode="bilinear")), "bilinear-x1.5": (X4, dict(scale_factor=1.5, mode="bilinear")),
    "linear": (X3, dict(size=11, mode="linear")), "linear-corners": (X3, dict(scale_factor=3, mode="linear", align_corners=True)),
    "trilinear": (X5, dict(scale_factor=2, mode="trilinear")),
}


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_interpolate_matches_torch(name, dtype):
    x, kw = CASES[name]
    compare(lambda L, a: L.nn.functional.interpolate(a, **kw), x.astype(dtype), depth=2)


@pytest.mark.parametrize("name", list(CASES))
def test_interpolate_second_order_graph(name):
    """The backward is an op of its own (UpsampleNearest2DBackwardBackward0 ...) whose gradient resizes again."""
    x, kw = CASES[name]
    compare_orders(lambda L, a: L.nn.functional.interpolate(a, **kw), x, order=2)


@pytest.mark.parametrize("call", [
    lambda F, L: F.interpolate(L.ones(1, 1, 2, 2)), lambda F, L: F.interpolate(L.ones(1, 1, 2, 2), size=3, scale_factor=2),
    lambda F, L: F.interpolate(L.ones(1, 1, 2, 2), scale_factor=2, align_corners=True),
    lambda F, L: F.interpolate(L.ones(1, 1, 2, 2), size=(3, 3, 3)), lambda F, L: F.interpolate(L.ones(1, 1, 2, 2), scale_factor=(2, 2, 2)),
    lambda F, L: F.interpolate(L.ones(1, 1, 2, 2), size=3, mode="linear"), lambda F, L: F.interpolate(L.ones(1, 2), scale_factor=2),
    lambda F, L: F.interpolate(L.ones(1, 1, 2), scale_factor=2, mode="bilinear"),
], ids=["no-size", "both", "corners-nearest", "size-length", "scale-length", "linear-4d", "2d-input", "bilinear-3d"])
def test_interpolate_misuse_raises_as_torch(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raises_same(lambda lib: call(lib.nn.functional, lib))
