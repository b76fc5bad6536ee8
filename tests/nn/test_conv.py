"""autograd_lite/nn/conv.py against PyTorch: the convolution and pooling modules' initial weights and reprs
(the ops behind them: tests/ops/test_convolution.py)."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
from harness import LIBS, raises_same, same  # noqa: E402


def test_layers_match_torch_init_and_repr():
    def conv(lib):
        lib.manual_seed(0)
        m = lib.nn.Conv2d(3, 8, (3, 5), stride=2, padding=1)
        return repr(m), m.weight.detach().numpy(), m.bias.detach().numpy(), repr(lib.nn.MaxPool2d(3, stride=2))

    theirs, ours = (conv(lib) for lib in LIBS)
    assert ours[0] == theirs[0] and ours[3] == theirs[3]
    np.testing.assert_array_equal(ours[1], theirs[1])
    np.testing.assert_array_equal(ours[2], theirs[2])


def test_pooling_reprs():
    same(lambda lib: [repr(lib.nn.AvgPool2d(2)), repr(lib.nn.AdaptiveAvgPool2d(1)),
                      repr(lib.nn.AdaptiveAvgPool2d((2, 4)))])


def test_conv1d_and_padding_modes_match_torch():
    """Initial weights (drawn as PyTorch draws them), reprs, outputs and gradients; padding modes
    other than zeros pad the input with F.pad first, as PyTorch does."""
    def run(lib):
        lib.manual_seed(0)
        nn = lib.nn
        ms = [nn.Conv1d(3, 4, 3), nn.Conv1d(3, 5, 4, stride=2, padding=1, dilation=2, bias=False),
              nn.Conv1d(3, 2, 4, padding="same", padding_mode="reflect"), nn.Conv1d(3, 2, 3, padding=2, padding_mode="replicate"),
              nn.Conv2d(3, 2, (2, 3), padding="same", padding_mode="reflect"), nn.Conv2d(3, 2, 3, padding="valid"),
              nn.Conv2d(3, 2, 3, padding=(1, 2), padding_mode="replicate")]
        x1, x2 = lib.randn(2, 3, 9, requires_grad=True), lib.randn(2, 3, 6, 7, requires_grad=True)
        outs = [m(x1) for m in ms[:4]] + [m(x2) for m in ms[4:]]
        sum((o * o).sum() for o in outs).backward()
        params = [p for m in ms for p in m.parameters()]
        return ([repr(m) for m in ms] + [p.detach() for p in params] + outs + [o.grad_fn.name() for o in outs]
                + [x1.grad, x2.grad] + [p.grad for p in params])

    same(run, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("make", [
    lambda nn, lib: nn.Conv1d(3, 4, 3, padding="same", stride=2), lambda nn, lib: nn.Conv1d(3, 4, 3, padding="foo"),
    lambda nn, lib: nn.Conv1d(3, 4, 3)(lib.randn(2, 4, 5)), lambda nn, lib: nn.Conv1d(3, 4, 5)(lib.randn(2, 3, 4)),
    lambda nn, lib: nn.Conv1d(3, 4, 3)(lib.randn(3)),
], ids=["same-strided", "padding-string", "channels", "too-short", "1-d-input"])
def test_conv_layer_misuse_raises_as_torch(make):
    raises_same(lambda lib: make(lib.nn, lib))


def test_unknown_padding_mode_is_refused():
    """The message prints a Python set, whose order varies between processes: the start is compared."""
    errors = []
    for lib in LIBS:
        with pytest.raises(ValueError) as e:
            lib.nn.Conv1d(3, 4, 3, padding_mode="foo")
        errors.append(str(e.value))
    assert errors[1].startswith("padding_mode must be one of {") and errors[1].endswith("but got padding_mode='foo'")
    assert sorted(errors[0]) == sorted(errors[1])


def test_1d_pooling_layers_match_torch():
    x = np.random.default_rng(9).standard_normal((2, 3, 12))

    def run(lib):
        nn = lib.nn
        ms = [nn.MaxPool1d(2), nn.MaxPool1d(3, stride=2, padding=1), nn.AvgPool1d(3, 2), nn.AvgPool1d(2, padding=1),
              nn.AdaptiveAvgPool1d(4), nn.AdaptiveAvgPool1d(1)]
        xs = lib.tensor(x, requires_grad=True)
        outs = [m(xs) for m in ms] + [ms[0](xs[0])]
        sum((o * o).sum() for o in outs).backward()
        return [repr(m) for m in ms] + outs + [o.grad_fn.name() for o in outs] + [xs.grad]

    same(run)


def test_conv_transpose_layers_match_torch():
    """A DCGAN-style generator block: initial weights drawn as PyTorch's, reprs, outputs, gradients."""
    def run(lib):
        lib.manual_seed(0)
        nn = lib.nn
        ms = [nn.ConvTranspose2d(3, 4, 4, 2, 1, bias=False), nn.ConvTranspose2d(3, 2, 3, stride=2, output_padding=1),
              nn.ConvTranspose1d(3, 5, 3, stride=2, padding=1, dilation=2), nn.ConvTranspose2d(3, 2, (2, 3))]
        x2, x1 = lib.randn(2, 3, 4, 5, requires_grad=True), lib.randn(2, 3, 6, requires_grad=True)
        outs = [ms[0](x2), ms[1](x2), ms[2](x1), ms[3](x2[0])]
        sum((o * o).sum() for o in outs).backward()
        params = [p for m in ms for p in m.parameters()]
        return ([repr(m) for m in ms] + [p.detach() for p in params] + outs + [o.grad_fn.name() for o in outs]
                + [x2.grad, x1.grad] + [p.grad for p in params])

    same(run, rtol=1e-4, atol=1e-5)
    raises_same(lambda lib: lib.nn.ConvTranspose2d(3, 4, 3, padding_mode="reflect"))


def test_max_pool_layers_with_indices_and_ceil_mode():
    x = np.random.default_rng(10).standard_normal((2, 3, 7, 7))

    def run(lib):
        ms = [lib.nn.MaxPool2d(2, return_indices=True, ceil_mode=True), lib.nn.MaxPool1d(3, 2, return_indices=True)]
        xs = lib.tensor(x, requires_grad=True)
        (y, i), (z, j) = ms[0](xs), ms[1](xs[:, :, 0])
        (y.sum() + z.sum()).backward()
        return [repr(m) for m in ms] + [y, i, z, j, xs.grad]

    same(run)


def test_adaptive_max_pool_layers():
    x = np.random.default_rng(11).standard_normal((2, 3, 9, 8))

    def run(lib):
        ms = [lib.nn.AdaptiveMaxPool2d((2, 3)), lib.nn.AdaptiveMaxPool2d(2, return_indices=True), lib.nn.AdaptiveMaxPool1d(3)]
        xs = lib.tensor(x, requires_grad=True)
        return [repr(m) for m in ms] + [ms[0](xs), ms[1](xs), ms[2](xs[:, :, 0])]

    same(run)
