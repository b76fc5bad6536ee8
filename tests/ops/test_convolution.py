"""Convolutions (conv1d, conv2d, conv_transpose) and the pools (ops/convolution.py) against PyTorch: values,
gradients, grad_fn names, errors (the modules around them: tests/nn/test_conv.py)."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
import autograd_lite as al  # noqa: E402
from harness import compare, compare_error, compare_orders, raises_same, same  # noqa: E402

CONFIGS = [
    dict(x=(1, 1, 8, 8), w=(2, 1, 3, 3)),
    dict(x=(2, 3, 9, 7), w=(4, 3, 3, 2), stride=(2, 1), padding=(1, 2), dilation=(2, 1)),
    dict(x=(3, 2, 6, 10), w=(5, 2, 1, 4), stride=3, padding=0),
    dict(x=(2, 4, 7, 7), w=(3, 4, 5, 5), padding=2, bias=False),  # PyTorch's node keeps the bias's edge: (None, 0)
    dict(x=(4, 6, 5), w=(2, 4, 3, 2), padding=1, bias=False),  # unbatched
]


@pytest.mark.parametrize("cfg", CONFIGS, ids=range(len(CONFIGS)))
def test_conv2d_matches_torch(cfg):
    rng = np.random.default_rng(0)
    cfg = dict(cfg)
    x, w = rng.standard_normal(cfg.pop("x")), rng.standard_normal(cfg.pop("w"))
    use_bias = cfg.pop("bias", True)
    b = rng.standard_normal(w.shape[0])
    compare(lambda L, xs, ws, bs: L.nn.functional.conv2d(xs, ws, bs if use_bias else None, **cfg), x, w, b, rtol=1e-10)


@pytest.mark.parametrize("kernel,stride,padding,dilation", [(2, None, 0, 1), ((3, 2), (1, 2), 1, 1), (3, 2, 1, 2)])
def test_max_pool2d_matches_torch(kernel, stride, padding, dilation):
    x = np.random.default_rng(1).standard_normal((2, 3, 9, 8))
    x[0, 0, :2, :2] = 5.0  # a tie: the first maximum gets the gradient
    compare(lambda L, xs: L.nn.functional.max_pool2d(xs, kernel, stride, padding, dilation), x)


def test_conv2d_passes_gradcheck():
    rng = np.random.default_rng(2)
    x = al.tensor(rng.standard_normal((1, 2, 5, 6)), requires_grad=True)
    w = al.tensor(rng.standard_normal((3, 2, 2, 3)), requires_grad=True)
    assert al.autograd.gradcheck(lambda a, b: al.nn.functional.conv2d(a, b, stride=2, padding=1), (x, w))


def test_missing_bias_has_a_none_edge_and_gradient():
    """PyTorch's node has three inputs whatever the bias: a hook sees None for the missing one."""
    def hooked(lib):
        x, w = lib.ones(1, 2, 4, 4, requires_grad=True), lib.ones(3, 2, 2, 2, requires_grad=True)
        y = lib.nn.functional.conv2d(x, w)
        seen = []
        y.grad_fn.register_hook(lambda gi, go: seen.append([g is None for g in gi]))
        y.sum().backward()
        return seen, [nr for _, nr in y.grad_fn.next_functions], y.grad_fn.next_functions[2][0] is None

    same(hooked)


def test_channel_mismatch_message():
    raises_same(lambda lib: lib.nn.functional.conv2d(lib.randn(1, 2, 5, 5), lib.randn(3, 1, 3, 3)))


def test_double_backward_refuses_instead_of_being_wrong():
    x = al.randn(1, 1, 4, 4, requires_grad=True)
    w = al.randn(1, 1, 2, 2, requires_grad=True)
    with pytest.raises(NotImplementedError):
        al.autograd.grad(al.nn.functional.conv2d(x, w).sum(), w, create_graph=True)
    (g,) = al.autograd.grad(al.nn.functional.conv2d(x, w).sum(), w)  # a plain backward is fine
    assert g.shape == w.shape and not g.requires_grad


@pytest.mark.parametrize("call", [
    lambda lib, x: lib.nn.functional.avg_pool2d(x, 2),
    lambda lib, x: lib.nn.functional.avg_pool2d(x, 3, stride=2, padding=1),
    lambda lib, x: lib.nn.functional.adaptive_avg_pool2d(x, 1),
    lambda lib, x: lib.nn.functional.adaptive_avg_pool2d(x, (2, 4)),
    lambda lib, x: lib.nn.AvgPool2d((2, 4))(x),
])
def test_average_pooling_matches_torch(call):
    x = np.random.default_rng(3).standard_normal((2, 3, 8, 8))

    def pool(lib):
        xs = lib.tensor(x, requires_grad=True)
        y = call(lib, xs)
        (y * lib.arange(float(y.numel()), dtype=lib.float64).reshape(y.shape)).sum().backward()
        return y.detach(), xs.grad, y.grad_fn.name()

    same(pool, rtol=1e-12, atol=0)


CONV1D = [((2, 3, 10), (4, 3, 3), {}), ((2, 3, 11), (5, 3, 4), dict(stride=2, padding=2, dilation=2)),
          ((3, 9), (4, 3, 2), dict(padding=1)), ((2, 3, 10), (4, 3, 4), dict(padding="same")),
          ((2, 3, 10), (4, 3, 3), dict(padding="same", dilation=2)), ((2, 3, 10), (4, 3, 3), dict(padding="valid")),
          ((2, 3, 10), (4, 3, 3), dict(padding=(1,), stride=[3]))]


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("x,w,kw", CONV1D, ids=range(len(CONV1D)))
@pytest.mark.filterwarnings("ignore:Using padding='same'")
def test_conv1d_matches_torch(x, w, kw, bias):
    rng = np.random.default_rng(4)
    x, w, b = rng.standard_normal(x), rng.standard_normal(w), rng.standard_normal(w[0])
    compare(lambda L, xs, ws, bs: L.nn.functional.conv1d(xs, ws, bs if bias else None, **kw), x, w, b, depth=4)


@pytest.mark.parametrize("x,w,kw", [((2, 3, 6, 7), (4, 3, 2, 3), {}), ((2, 3, 6, 7), (4, 3, 3, 3), {}),
                                    ((3, 6, 7), (4, 3, 2, 2), dict(dilation=(1, 2)))], ids=range(3))
@pytest.mark.filterwarnings("ignore:Using padding='same'")
def test_conv2d_same_padding_pads_the_right_when_odd(x, w, kw):
    """An even kernel: PyTorch pads the input (ConstantPadNdBackward0) by one more on the right."""
    rng = np.random.default_rng(5)
    x, w = rng.standard_normal(x), rng.standard_normal(w)
    compare(lambda L, xs, ws: L.nn.functional.conv2d(xs, ws, padding="same", **kw), x, w, depth=4)


def test_same_padding_with_an_even_kernel_warns_as_torch():
    """PyTorch's wording (PyTorch warns once per process, so an earlier test may have used it up)."""
    with pytest.warns(UserWarning, match="Using padding='same' with even kernel lengths and odd dilation may "
                                         "require a zero-padded copy of the input be created"):
        al.nn.functional.conv1d(al.ones(1, 1, 5), al.ones(1, 1, 2), padding="same")


@pytest.mark.parametrize("call", [
    lambda F, x, w: F.conv1d(x[:, :, :2], w), lambda F, x, w: F.conv2d(x[None, :, :, :2], w[..., None]),
    lambda F, x, w: F.conv1d(x, w, padding="same", stride=2), lambda F, x, w: F.conv1d(x, w, padding="foo"),
    lambda F, x, w: F.conv1d(x[0, 0], w), lambda F, x, w: F.conv1d(x, w[:, :2]), lambda F, x, w: F.conv1d(x, w, padding=(1, 1)),
], ids=["too-short", "too-short-2d", "same-strided", "padding-string", "1-d-input", "channels", "padding-length"])
def test_conv1d_misuse_raises_as_torch(call):
    rng = np.random.default_rng(6)
    compare_error(lambda L, xs, ws: call(L.nn.functional, xs, ws), rng.standard_normal((2, 3, 10)),
                  rng.standard_normal((4, 3, 3)))


POOLS = {
    "max1d": lambda F, x: F.max_pool1d(x, 2), "max1d-stride-pad": lambda F, x: F.max_pool1d(x, 3, 2, 1),
    "max1d-unbatched": lambda F, x: F.max_pool1d(x[0], 3, dilation=2), "avg1d": lambda F, x: F.avg_pool1d(x, 2),
    "avg1d-stride-pad": lambda F, x: F.avg_pool1d(x, 3, 2, 1), "avg1d-unbatched": lambda F, x: F.avg_pool1d(x[0], (4,)),
    "adaptive1d": lambda F, x: F.adaptive_avg_pool1d(x, 4), "adaptive1d-to-1": lambda F, x: F.adaptive_avg_pool1d(x, 1),
    "adaptive1d-unbatched": lambda F, x: F.adaptive_avg_pool1d(x[0], 3),
    "max2d-unbatched": lambda F, x: F.max_pool2d(x, 2), "avg2d-unbatched": lambda F, x: F.avg_pool2d(x, (1, 3)),
    "adaptive2d-unbatched": lambda F, x: F.adaptive_avg_pool2d(x, (1, 4)),
}


@pytest.mark.parametrize("name", list(POOLS))
def test_1d_and_unbatched_pools_record_torch_nodes(name):
    """1-D pools are 2-D pools of height 1 between Unsqueeze and Squeeze; unbatched 2-D pools record one node."""
    x = np.random.default_rng(7).standard_normal((2, 3, 12))
    compare(lambda L, xs: POOLS[name](L.nn.functional, xs), x, depth=5)


CONV_T = [((2, 3, 4, 5), (3, 2, 3, 3), {}), ((2, 3, 4, 5), (3, 2, 3, 3), dict(stride=2, padding=1, output_padding=1)),
          ((2, 3, 4, 5), (3, 4, 4, 4), dict(stride=2, padding=1)), ((3, 4, 5), (3, 2, 2, 3), dict(stride=(1, 2), dilation=2)),
          ((2, 3, 6), (3, 5, 3), dict(stride=2, padding=1, output_padding=1)), ((3, 6), (3, 5, 4), {}),
          ((2, 3, 4, 5), (3, 2, 3, 3), dict(dilation=2, output_padding=1))]


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("x,w,kw", CONV_T, ids=range(len(CONV_T)))
def test_conv_transpose_matches_torch(x, w, kw, bias):
    rng = np.random.default_rng(8)
    x, w, b = rng.standard_normal(x), rng.standard_normal(w), rng.standard_normal(w[1])
    fn = "conv_transpose1d" if w.ndim == 3 else "conv_transpose2d"
    compare(lambda L, xs, ws, bs: getattr(L.nn.functional, fn)(xs, ws, bs if bias else None, **kw), x, w, b, depth=4)


@pytest.mark.parametrize("call", [
    lambda F, x, w: F.conv_transpose2d(x, w, output_padding=1), lambda F, x, w: F.conv_transpose2d(x, w[:2]),
    lambda F, x, w: F.conv_transpose2d(x[0, 0], w), lambda F, x, w: F.conv_transpose1d(x[0], w[..., 0], output_padding=1),
], ids=["output-padding", "channels", "2-d-input", "output-padding-1d"])
def test_conv_transpose_misuse_raises_as_torch(call):
    rng = np.random.default_rng(9)
    compare_error(lambda L, xs, ws: call(L.nn.functional, xs, ws), rng.standard_normal((2, 3, 4, 5)),
                  rng.standard_normal((3, 2, 3, 3)))


MAX_POOL_OPTIONS = [dict(kernel_size=2, ceil_mode=True), dict(kernel_size=3, stride=2, ceil_mode=True),
                    dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
                    dict(kernel_size=(3, 2), stride=(2, 3), ceil_mode=True, dilation=(1, 2)),
                    dict(kernel_size=2, return_indices=True),
                    dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, return_indices=True),
                    dict(kernel_size=3, stride=2, padding=1, dilation=2, return_indices=True)]


@pytest.mark.parametrize("fn", ["max_pool2d", "max_pool1d"])
@pytest.mark.parametrize("kw", MAX_POOL_OPTIONS, ids=range(len(MAX_POOL_OPTIONS)))
def test_max_pool_ceil_mode_and_indices_match_torch(fn, kw):
    """A last partial window (ceil_mode) reads only the input; indices are flat in each input plane."""
    x = np.random.default_rng(1).standard_normal((2, 3, 9, 8))
    x[0, 0, :2, :2] = 5.0  # a tie: the first maximum wins, its index too
    if fn == "max_pool1d":
        kw = {k: (v[0] if isinstance(v, tuple) else v) for k, v in kw.items()}
    compare(lambda L, a: getattr(L.nn.functional, fn)(a if fn == "max_pool2d" else a[:, :, 0], **kw), x)


@pytest.mark.parametrize("call", [lambda F, a: F.max_pool2d(a, 3, padding=2), lambda F, a: F.max_pool2d(a[..., :2, :2], 3),
                                  lambda F, a: F.max_pool2d(a[0, ..., :2, :2], 3)], ids=["padding", "too-small", "too-small-3d"])
def test_max_pool_misuse_raises_as_torch(call):
    compare_error(lambda L, a: call(L.nn.functional, a), np.zeros((2, 3, 9, 8)))


ADAPTIVE = {"4x3": (4, 3), "7": 7, "3x4": (3, 4), "keep-rows": (None, 5), "unbatched": (5, 5), "1d": 5, "larger": (12, 10)}


@pytest.mark.parametrize("name", list(ADAPTIVE))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_adaptive_avg_pool_any_size_matches_torch(name, dtype):
    """Windows [floor(i n / o), ceil((i + 1) n / o)): overlapping when o does not divide n (and o > n)."""
    x = np.random.default_rng(1).standard_normal((2, 3, 9, 8)).astype(dtype)
    size = ADAPTIVE[name]
    if name == "1d":
        call = lambda L, a: L.nn.functional.adaptive_avg_pool1d(a[:, :, 0], size)  # noqa: E731
    else:
        call = lambda L, a: L.nn.functional.adaptive_avg_pool2d(a[0] if name == "unbatched" else a, size)  # noqa: E731
    compare(call, x)


ADAPTIVE_MAX = {"4x3": lambda F, a: F.adaptive_max_pool2d(a, (4, 3)), "7-indices": lambda F, a: F.adaptive_max_pool2d(a, 7, True),
                "keep-rows": lambda F, a: F.adaptive_max_pool2d(a, (None, 5), return_indices=True),
                "unbatched": lambda F, a: F.adaptive_max_pool2d(a[0], (5, 5)),
                "1d": lambda F, a: F.adaptive_max_pool1d(a[:, :, 0], 5, True),
                "larger": lambda F, a: F.adaptive_max_pool2d(a, (12, 10), True), "to-1": lambda F, a: F.adaptive_max_pool2d(a, 1)}


@pytest.mark.parametrize("name", list(ADAPTIVE_MAX))
def test_adaptive_max_pool_matches_torch(name):
    """Values, indices (flat in each plane; the first maximum on ties), gradients, AdaptiveMaxPool2DBackward0."""
    x = np.random.default_rng(1).standard_normal((2, 3, 9, 8))
    x[0, 0, :3, :3] = 4.0
    compare(lambda L, a: ADAPTIVE_MAX[name](L.nn.functional, a), x, depth=3)
