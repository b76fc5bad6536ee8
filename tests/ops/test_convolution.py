"""conv2d and max_pool2d against PyTorch: values, gradients, grad_fn names, errors."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
import autograd_lite as al  # noqa: E402

CONFIGS = [
    dict(x=(1, 1, 8, 8), w=(2, 1, 3, 3)),
    dict(x=(2, 3, 9, 7), w=(4, 3, 3, 2), stride=(2, 1), padding=(1, 2), dilation=(2, 1)),
    dict(x=(3, 2, 6, 10), w=(5, 2, 1, 4), stride=3, padding=0),
    dict(x=(2, 4, 7, 7), w=(3, 4, 5, 5), padding=2, bias=False),
]


@pytest.mark.parametrize("cfg", CONFIGS, ids=range(len(CONFIGS)))
def test_conv2d_matches_torch(cfg):
    rng = np.random.default_rng(0)
    cfg = dict(cfg)
    x, w = rng.standard_normal(cfg.pop("x")), rng.standard_normal(cfg.pop("w"))
    use_bias = cfg.pop("bias", True)
    b = rng.standard_normal(w.shape[0])
    results = []
    for lib in (torch, al):
        xs, ws, bs = (lib.tensor(a, requires_grad=True) for a in (x, w, b))
        out = lib.nn.functional.conv2d(xs, ws, bs if use_bias else None, **cfg)
        g = rng.standard_normal(tuple(out.shape)) if lib is torch else g_torch
        g_torch = g
        out.backward(lib.tensor(g))
        results.append([out.detach().numpy(), xs.grad.numpy(), ws.grad.numpy(),
                        bs.grad.numpy() if use_bias else None, out.grad_fn.name()])
    for ours, theirs in zip(results[1], results[0]):
        if isinstance(theirs, np.ndarray):
            np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)
        else:
            assert ours == theirs


@pytest.mark.parametrize("kernel,stride,padding,dilation", [(2, None, 0, 1), ((3, 2), (1, 2), 1, 1), (3, 2, 1, 2)])
def test_max_pool2d_matches_torch(kernel, stride, padding, dilation):
    x = np.random.default_rng(1).standard_normal((2, 3, 9, 8))
    x[0, 0, :2, :2] = 5.0  # a tie: the first maximum gets the gradient
    outs = []
    for lib in (torch, al):
        xs = lib.tensor(x, requires_grad=True)
        y = lib.nn.functional.max_pool2d(xs, kernel, stride, padding, dilation)
        (y * lib.arange(float(y.numel()), dtype=lib.float64).reshape(y.shape)).sum().backward()
        outs.append((y.detach().numpy(), xs.grad.numpy(), y.grad_fn.name()))
    np.testing.assert_allclose(outs[1][0], outs[0][0])
    np.testing.assert_allclose(outs[1][1], outs[0][1])
    assert outs[1][2] == outs[0][2]


def test_conv2d_passes_gradcheck():
    rng = np.random.default_rng(2)
    x = al.tensor(rng.standard_normal((1, 2, 5, 6)), requires_grad=True)
    w = al.tensor(rng.standard_normal((3, 2, 2, 3)), requires_grad=True)
    assert al.autograd.gradcheck(lambda a, b: al.nn.functional.conv2d(a, b, stride=2, padding=1), (x, w))


def test_layers_match_torch_init_and_repr():
    al.manual_seed(0)
    torch.manual_seed(0)
    ours, theirs = al.nn.Conv2d(3, 8, (3, 5), stride=2, padding=1), torch.nn.Conv2d(3, 8, (3, 5), stride=2, padding=1)
    assert repr(ours) == repr(theirs)
    assert np.array_equal(ours.weight.detach().numpy(), theirs.weight.detach().numpy())
    assert np.array_equal(ours.bias.detach().numpy(), theirs.bias.detach().numpy())
    assert repr(al.nn.MaxPool2d(3, stride=2)) == repr(torch.nn.MaxPool2d(3, stride=2))


def test_channel_mismatch_message():
    messages = []
    for lib in (torch, al):
        with pytest.raises(RuntimeError) as e:
            lib.nn.functional.conv2d(lib.randn(1, 2, 5, 5), lib.randn(3, 1, 3, 3))
        messages.append(str(e.value))
    assert messages[0] == messages[1]


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
    outs = []
    for lib in (torch, al):
        xs = lib.tensor(x, requires_grad=True)
        y = call(lib, xs)
        (y * lib.arange(float(y.numel()), dtype=lib.float64).reshape(y.shape)).sum().backward()
        outs.append((y.detach().numpy(), xs.grad.numpy(), y.grad_fn.name()))
    np.testing.assert_allclose(outs[1][0], outs[0][0], rtol=1e-12)
    np.testing.assert_allclose(outs[1][1], outs[0][1], rtol=1e-12)
    assert outs[1][2] == outs[0][2]


def test_pooling_reprs():
    for make in (lambda lib: lib.nn.AvgPool2d(2), lambda lib: lib.nn.AdaptiveAvgPool2d(1),
                 lambda lib: lib.nn.AdaptiveAvgPool2d((2, 4))):
        assert repr(make(al)) == repr(make(torch))
