"""F.pad (ops/padding.py) against PyTorch: constant, reflect and replicate padding, values, gradients,
nodes to the second order, errors (the padding layers: tests/nn/test_padding.py)."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
from harness import compare, compare_error, compare_orders  # noqa: E402

PADS = [((1, 2), "constant", 3), ((1, -1, 2, 0), "constant", 4), ((-2, -2), "constant", 3), ((1, 2, 0, 1, 1, 1), "constant", 4),
        ((1, 2), "reflect", 3), ((1, 2, 2, 0), "reflect", 4), ((1, 1, 1, 1, 1, 1), "reflect", 5), ((-1, 2), "reflect", 2),
        ((1, 3), "replicate", 2), ((2, 1, 0, 3), "replicate", 3), ((1, 1, 2, 1, 1, 1), "replicate", 5),
        ((-1, 2, 1, -2), "replicate", 4)]


@pytest.mark.parametrize("pad,mode,ndim", PADS, ids=[f"{m}{p}-{n}d" for p, m, n in PADS])
def test_pad_matches_torch_to_the_second_order(pad, mode, ndim):
    """Values, gradients, grad_fn names (ConstantPadNd, ReflectionPad2D, ...) and the double backward's graph."""
    x = np.random.default_rng(1).standard_normal((2, 3, 4, 5, 6)[5 - ndim:])
    compare(lambda L, xs: L.nn.functional.pad(xs, pad, mode), x)
    compare_orders(lambda L, xs: L.nn.functional.pad(xs, pad, mode) ** 2, x)


def test_pad_value_is_cast_to_the_input_dtype():
    x = np.random.default_rng(2).standard_normal((2, 3))
    compare(lambda L, xs: L.nn.functional.pad(xs, (1, 1), value=2.5), x)
    compare(lambda L, xs: [L.nn.functional.pad(xs.long(), (1, 1), value=2.5),
                           L.nn.functional.pad(xs > 0, (0, 1, 1, 0), value=1)], x, grad=False)


@pytest.mark.parametrize("call", [
    lambda F, x: F.pad(x, (1,)), lambda F, x: F.pad(x, (1, 1) * 4), lambda F, x: F.pad(x, (1.5, 1)),
    lambda F, x: F.pad(x, (4, 1), mode="reflect"), lambda F, x: F.pad(x, (1, 1, 3, 1), mode="reflect"),
    lambda F, x: F.pad(x, (1, 1) * 3, mode="reflect"), lambda F, x: F.pad(x[0, 0], (1, 1), mode="replicate"),
    lambda F, x: F.pad(x, (1, 1), mode="reflect", value=2.0), lambda F, x: F.pad(x, (1, 1), mode="foo"),
    lambda F, x: F.pad(x, (-5, 1)), lambda F, x: F.pad(x, (-3, -2), mode="replicate"),
    lambda F, x: F.pad(x, (-2, -2), mode="replicate"), lambda F, x: F.pad(x[None], (-3, -2, 0, 0), mode="replicate"),
], ids=["odd", "too-long", "float", "reflect-too-wide", "reflect-too-high", "reflect-3d-of-3d", "replicate-1d",
        "reflect-value", "mode", "crop-too-much", "replicate-negative", "replicate-empty", "replicate-2d-negative"])
def test_pad_misuse_raises_as_torch(call):
    x = np.random.default_rng(3).standard_normal((2, 3, 4))
    compare_error(lambda L, xs: call(L.nn.functional, xs), x)

