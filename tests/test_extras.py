"""Ops beyond API.md that tutorials use: norm; and cross_entropy's probability-target check."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
import autograd_lite as al  # noqa: E402

A = np.array([[3.0, -4.0, 0.0], [1.0, 2.0, -2.0], [0.0, 0.0, 0.0]])


@pytest.mark.parametrize("args", [(), (2,), (1,), (float("inf"),), (2, 1), (3, 0, True), (2, (0, 1))])
def test_norm_matches_torch(args):
    xa, xt = al.tensor(A, requires_grad=True), torch.tensor(A, requires_grad=True)
    ra, rt = xa.norm(*args), xt.norm(*args)
    g = np.random.default_rng(0).standard_normal(tuple(rt.shape))
    ra.backward(al.tensor(g)), rt.backward(torch.tensor(g))
    np.testing.assert_allclose(ra.detach().numpy(), rt.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(xa.grad.numpy(), xt.grad.numpy(), rtol=1e-10, atol=1e-12)
    assert ra.grad_fn.name() == rt.grad_fn.name()


def test_cross_entropy_long_target_of_input_shape():
    messages = []
    for lib in (torch, al):
        with pytest.raises(RuntimeError) as e:
            lib.nn.functional.cross_entropy(lib.tensor([2.0, 0.0, 1.0]), lib.tensor([0, 1, 2]))
        messages.append(str(e.value))
    assert messages[0] == messages[1]


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop"])
def test_optimizer_repr_matches_torch(name):
    reprs = []
    for lib in (torch, al):
        lib.manual_seed(0)
        reprs.append(repr(getattr(lib.optim, name)(lib.nn.Linear(3, 2).parameters(), lr=0.1)))
    assert reprs[0] == reprs[1]


def test_instantiating_a_function_is_refused_like_pytorch():
    messages = []
    for lib in (torch, al):
        class Double(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g * 2

        with pytest.warns(DeprecationWarning):
            f = Double()
        with pytest.raises(RuntimeError) as e:
            f(lib.ones(2))
        messages.append(str(e.value))
    assert messages[0] == messages[1]


def _gather_scatter(lib):
    lib.manual_seed(0)
    x = lib.rand(3, 4, requires_grad=True)
    i = lib.tensor([[0, 1], [2, 3], [1, 1]])
    g = lib.gather(x, 1, i)
    (g * lib.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])).sum().backward()
    out = [g, x.grad, g.grad_fn.name()]
    x.grad = None
    s = lib.rand(3, 2, requires_grad=True)
    y = x * 1
    y.scatter_(1, i, s)
    (y * lib.arange(12.0).reshape(3, 4)).sum().backward()
    out += [y, x.grad, s.grad, y.grad_fn.name(), [n.name() if n else None for n, _ in y.grad_fn.next_functions]]
    y2 = x * 1
    y2.scatter_(1, i, 5.0)
    out += [y2.grad_fn.name(), len(y2.grad_fn.next_functions)]
    out += [lib.zeros(10, dtype=lib.float).scatter_(0, lib.tensor(3), value=1)]
    (gg,) = lib.autograd.grad(lib.gather(x, 1, i).pow(2).sum(), x, create_graph=True)
    out += [lib.autograd.grad(gg.sum(), x)[0]]
    return out


def test_gather_and_scatter_match_torch():
    for ours, theirs in zip(_gather_scatter(al), _gather_scatter(torch)):
        if isinstance(theirs, torch.Tensor):
            np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-6)
        else:
            assert ours == theirs


def test_gather_index_out_of_range_message():
    messages = []
    for lib in (torch, al):
        with pytest.raises(RuntimeError) as e:
            lib.gather(lib.rand(3, 4), 1, lib.tensor([[9]]))
        messages.append(str(e.value))
    assert messages[0] == messages[1]


def _nan_backward(lib):
    import warnings

    lib.autograd.set_detect_anomaly(True)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with pytest.raises(RuntimeError) as e:
                (lib.tensor([0.0], requires_grad=True).sqrt() * 0).sum().backward()
        first_line = str(caught[0].message).splitlines()[0]
        return str(e.value), first_line, lib.is_anomaly_enabled()
    finally:
        lib.autograd.set_detect_anomaly(False)


def test_anomaly_detection_names_the_node_that_returned_nan():
    assert _nan_backward(al) == _nan_backward(torch)
    assert not al.is_anomaly_enabled()
    with al.autograd.detect_anomaly():
        assert al.is_anomaly_enabled()
    assert not al.is_anomaly_enabled()
