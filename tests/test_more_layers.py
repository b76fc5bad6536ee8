"""LayerNorm, Embedding and Dropout against PyTorch (Dropout's mask is ours, not MKL's: only its law is checked)."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
import autograd_lite as al  # noqa: E402


def _layers(lib, x):
    lib.manual_seed(0)
    ln = lib.nn.LayerNorm(5).double()
    xs = lib.tensor(x, requires_grad=True)
    y = ln(xs)
    g = lib.tensor(np.arange(60.0).reshape(3, 4, 5) / 60)
    (g1,) = lib.autograd.grad((y * g).sum(), xs, create_graph=True)
    (g2,) = lib.autograd.grad((g1 * g1).sum(), xs)
    y.backward(g)
    emb = lib.nn.Embedding(6, 3, padding_idx=1)
    e = emb(lib.tensor([[1, 2, 4], [4, 3, 1]]))
    (e * e).sum().backward()
    return [y, xs.grad, ln.weight.grad, ln.bias.grad, g2, y.grad_fn.name(), repr(ln), e, emb.weight.grad,
            e.grad_fn.name(), repr(emb), repr(lib.nn.Dropout(0.3)), lib.nn.functional.dropout(xs, 0.5, training=False) is xs]


def test_layer_norm_and_embedding_match_torch():
    x = np.random.default_rng(0).standard_normal((3, 4, 5))
    for ours, theirs in zip(_layers(al, x), _layers(torch, x)):
        if isinstance(theirs, torch.Tensor):
            np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-9, atol=1e-12)
        else:
            assert ours == theirs


def test_dropout_keeps_about_one_minus_p_and_rescales():
    al.manual_seed(0)
    x = al.ones(100_000, requires_grad=True)
    y = al.nn.Dropout(0.3)(x)
    kept = (y.detach().numpy() != 0).mean()
    assert abs(kept - 0.7) < 0.01
    assert np.allclose(np.unique(y.detach().numpy()), [0.0, 1 / 0.7])
    y.sum().backward()
    assert np.array_equal(x.grad.numpy(), y.detach().numpy())
    assert y.grad_fn.name() == "MulBackward0"
    model = al.nn.Dropout(0.3).eval()
    assert model(x) is x


def test_embedding_index_errors_match_torch():
    messages = []
    for lib in (torch, al):
        with pytest.raises(IndexError) as e:
            lib.nn.Embedding(3, 2)(lib.tensor([5]))
        messages.append(str(e.value))
    assert messages[0] == messages[1]


def _batch_norm(lib, x):
    bn = lib.nn.BatchNorm2d(3).double()
    xs = lib.tensor(x, requires_grad=True)
    g = lib.tensor(np.arange(120.0).reshape(4, 3, 2, 5) / 100)
    y = bn(xs)
    (g1,) = lib.autograd.grad((y * g).sum(), xs, create_graph=True)
    (g2,) = lib.autograd.grad((g1 * g1).sum(), xs)
    y.backward(g)
    bn(xs * 2)
    bn.eval()
    xs.grad = bn.weight.grad = None
    y3 = bn(xs)
    y3.backward(g)
    bn1 = lib.nn.BatchNorm1d(3).double()
    z = bn1(lib.tensor(x[:, :, 0, 0]))
    return [y, g2, bn.running_mean, bn.running_var, bn.num_batches_tracked.item(), y3, xs.grad, bn.weight.grad,
            bn.bias.grad, y.grad_fn.name(), [n.name() if n else None for n, _ in y.grad_fn.next_functions], repr(bn),
            repr(bn1), list(bn.state_dict().keys()), z]


def test_batch_norm_matches_torch_in_training_and_eval():
    x = np.random.default_rng(0).standard_normal((4, 3, 2, 5))
    for ours, theirs in zip(_batch_norm(al, x), _batch_norm(torch, x)):
        if isinstance(theirs, torch.Tensor):
            np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-9, atol=1e-12)
        else:
            assert ours == theirs
