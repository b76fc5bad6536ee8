"""autograd_lite/nn/layers.py against PyTorch: Linear, activations, Flatten, Softmax, LayerNorm, Embedding,
BatchNorm and Dropout (Dropout's mask is ours, not MKL's: only its law is checked)."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
import autograd_lite as al  # noqa: E402
from harness import raises_same, same  # noqa: E402


@pytest.mark.parametrize("act", ["ReLU", "Tanh", "Sigmoid"])
def test_mlp_forward_backward(act):
    torch.manual_seed(0)
    weights = [p.detach().numpy().copy() for p in torch.nn.Sequential(
        torch.nn.Linear(6, 5), torch.nn.Identity(), torch.nn.Linear(5, 3)).parameters()]
    x = np.random.default_rng(0).standard_normal((7, 6)).astype(np.float32)

    def mlp(lib):
        model = lib.nn.Sequential(lib.nn.Linear(6, 5), getattr(lib.nn, act)(), lib.nn.Linear(5, 3))
        with lib.no_grad():
            for p, w in zip(model.parameters(), weights):
                p.copy_(lib.tensor(w))
        xs = lib.tensor(x, requires_grad=True)
        y = model(xs)
        (y ** 2).sum().backward()
        return [y, y.grad_fn.name(), xs.grad] + [p.grad for p in model.parameters()]

    assert same(mlp, rtol=1e-4, atol=1e-5)[1][1][1] == "AddmmBackward0"


def test_flatten_identity():
    def flatten(lib):
        x = lib.ones(2, 3, 4, requires_grad=True)
        y = lib.nn.Flatten()(x)
        return y, y.grad_fn.name(), lib.nn.Identity()(x) is x, tuple(lib.nn.Flatten(0, 1)(x).shape)

    same(flatten)


def test_softmax_modules():
    x = np.random.default_rng(4).standard_normal((2, 3)).astype(np.float32)
    same(lambda lib: [lib.nn.Softmax(dim=1)(lib.tensor(x)), lib.nn.LogSoftmax(0)(lib.tensor(x))])


def test_linear_refuses_a_wrong_input_width():
    raises_same(lambda lib: lib.nn.Linear(3, 2)(lib.zeros(4, 5)))


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
    same(lambda lib: _layers(lib, x), rtol=1e-9, atol=1e-12)


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
    raises_same(lambda lib: lib.nn.Embedding(3, 2)(lib.tensor([5])))


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
    same(lambda lib: _batch_norm(lib, x), rtol=1e-9, atol=1e-12)


def test_unflatten_cosine_and_pairwise_modules():
    x, y = np.random.default_rng(8).standard_normal((2, 4, 6))

    def run(lib):
        nn = lib.nn
        xs, ys = lib.tensor(x, requires_grad=True), lib.tensor(y, requires_grad=True)
        mods = [nn.Unflatten(1, (3, 2)), nn.Unflatten(-1, [-1, 2]), nn.CosineSimilarity(), nn.CosineSimilarity(dim=0, eps=0.1),
                nn.PairwiseDistance(), nn.PairwiseDistance(p=1.0, keepdim=True)]
        outs = [mods[0](xs), mods[1](xs)] + [m(xs, ys) for m in mods[2:]]
        sum((o * o).sum() for o in outs).backward()
        return [repr(m) for m in mods] + outs + [xs.grad, ys.grad]

    same(run)


@pytest.mark.parametrize("size", [4, (2, 2.0), (2, 2), (-1, 4), (), (-1, 0)],
                         ids=["int", "float-element", "product", "product-inferred", "empty", "zero"])
def test_unflatten_refuses_what_torch_refuses(size):
    raises_same(lambda lib: lib.nn.Unflatten(1, size)(lib.zeros(4, 6)))


@pytest.mark.parametrize("name,shape,lead", [("dropout1d", (400, 5, 7), 2), ("dropout1d", (400, 7), 1),
                                             ("dropout2d", (80, 25, 3, 4), 2), ("dropout2d", (400, 5, 7), 2),
                                             ("dropout3d", (80, 25, 2, 3, 2), 2), ("dropout3d", (400, 2, 3, 2), 1)])
@pytest.mark.filterwarnings("ignore:dropout2d. Received a 3D input")
def test_channel_dropout_zeroes_whole_channels(name, shape, lead):
    """One value per (sample, channel), kept with probability 1 - p and scaled, the node; the gradient is the mask."""
    al.manual_seed(0)
    x = al.ones(*shape, requires_grad=True)
    y = getattr(al.nn.functional, name)(x, 0.3)
    v = y.detach().numpy()
    channels = v.reshape(v.shape[:lead] + (-1,))  # one row per channel (``lead`` dimensions name one)
    assert np.all(channels.min(-1) == channels.max(-1))  # a channel is kept or dropped whole
    assert abs((channels[..., 0] != 0).mean() - 0.7) < 0.05
    assert np.allclose(np.unique(v), [0.0, 1 / 0.7])
    assert y.grad_fn.name() in ("MulBackward0", "SqueezeBackward1")
    y.sum().backward()
    assert np.array_equal(x.grad.numpy(), v)


@pytest.mark.parametrize("call", [lambda F, L: F.dropout1d(L.ones(6, 5, 3, requires_grad=True), 0.3),
                                  lambda F, L: F.dropout1d(L.ones(5, 3, requires_grad=True), 0.6),
                                  lambda F, L: F.dropout2d(L.ones(4, 5, 2, 2, dtype=L.float64, requires_grad=True), 0.5),
                                  lambda F, L: F.dropout3d(L.ones(5, 2, 2, 2, requires_grad=True), 0.2),
                                  lambda F, L: F.dropout2d(L.ones(4, 5, 2, 2), 1.0)],
                         ids=["1d", "1d-unbatched", "2d-float64", "3d-unbatched", "p=1"])
def test_channel_dropout_masks_are_torch_s(call):
    """The masks are drawn as PyTorch's serial CPU kernel draws them: the same seed, the same channels."""
    def run(lib):
        lib.manual_seed(0)
        y = call(lib.nn.functional, lib)
        if y.requires_grad:
            y.sum().backward()
        return y, y.grad_fn.name() if y.grad_fn else None

    same(run)


def test_channel_dropout_modules_match_torch_outside_the_mask():
    def run(lib):
        nn = lib.nn
        ms = [nn.Dropout1d(), nn.Dropout2d(0.25), nn.Dropout3d(0.1, inplace=True)]
        x = lib.ones(2, 3, 4, 5)
        return [repr(m) for m in ms] + [m.eval()(x) is x for m in ms] + [
            lib.nn.functional.dropout2d(x, 0.0) is x, lib.nn.functional.dropout2d(x, 1.0), lib.nn.functional.dropout2d(x, 0.5, False) is x]

    same(run)


@pytest.mark.parametrize("call", [lambda F, L: F.dropout1d(L.ones(2, 3, 4, 5)), lambda F, L: F.dropout2d(L.ones(2), 1.5),
                                  lambda F, L: F.dropout3d(L.ones(2), -0.1)], ids=["1d-rank", "2d-p", "3d-p"])
def test_channel_dropout_misuse_raises_as_torch(call):
    raises_same(lambda lib: call(lib.nn.functional, lib))


@pytest.mark.parametrize("call,message", [
    (lambda F, L: F.dropout2d(L.ones(2, 3), training=False), "dropout2d: Received a 2-D input to dropout2d"),
    (lambda F, L: F.dropout2d(L.ones(2, 3, 4), training=False), "dropout2d: Received a 3D input to dropout2d"),
    (lambda F, L: F.dropout3d(L.ones(2, 3, 4), training=False), "dropout3d: Received a 3-D input to dropout3d"),
], ids=["2d-of-2d", "2d-of-3d", "3d-of-3d"])
def test_channel_dropout_warns_as_torch(call, message):
    texts = []
    for lib in (torch, al):
        with pytest.warns(UserWarning, match=message) as record:
            call(lib.nn.functional, lib)
        texts.append([str(w.message) for w in record])
    assert texts[0] == texts[1]


def test_embedding_from_pretrained_shares_and_freezes():
    def run(lib):
        table = lib.tensor([[1.0, 2.3, 3.0], [4.0, 5.1, 6.3], [0.5, 0.5, 0.5]])
        frozen = lib.nn.Embedding.from_pretrained(table)
        tuned = lib.nn.Embedding.from_pretrained(table, freeze=False, padding_idx=-1)
        out = tuned(lib.tensor([[2, 0], [1, 2]]))
        out.sum().backward()
        with lib.no_grad():
            table[0, 0] = 9.0
        return [frozen(lib.tensor([1])), frozen.weight.requires_grad, repr(tuned), tuned.padding_idx, out,
                tuned.weight.grad, frozen.weight[0, 0]]

    same(run)


@pytest.mark.parametrize("make", [lambda lib: lib.nn.Embedding.from_pretrained(lib.ones(3)),
                                  lambda lib: lib.nn.Embedding(3, 2, padding_idx=3),
                                  lambda lib: lib.nn.Embedding(3, 2, padding_idx=-4),
                                  lambda lib: lib.nn.Embedding(3, 2, _weight=lib.ones(2, 2))],
                         ids=["1-d", "padding-high", "padding-low", "weight-shape"])
def test_embedding_refuses_what_torch_refuses(make):
    raises_same(make)


def test_group_norm_module_matches_torch():
    x = np.random.default_rng(6).standard_normal((2, 4, 3)).astype(np.float32)

    def run(lib):
        ms = [lib.nn.GroupNorm(2, 4), lib.nn.GroupNorm(4, 4, eps=1e-3, affine=False), lib.nn.GroupNorm(1, 4, bias=False)]
        xs = lib.tensor(x, requires_grad=True)
        outs = [m(xs) for m in ms]
        sum((o * o.detach().cos()).sum() for o in outs).backward()
        return ([repr(m) for m in ms] + [[n for n, _ in m.named_parameters()] for m in ms] + outs + [xs.grad]
                + [p.grad for m in ms for p in m.parameters()])

    same(run, rtol=1e-4, atol=1e-6)  # (float32: our backward's ops round apart from PyTorch's kernel)
    raises_same(lambda lib: lib.nn.GroupNorm(3, 4))


def test_batch_norm_3d_and_softmax_2d_match_torch():
    x = np.random.default_rng(7).standard_normal((2, 3, 2, 2, 2)).astype(np.float32)

    def run(lib):
        bn, sm = lib.nn.BatchNorm3d(3), lib.nn.Softmax2d()
        xs = lib.tensor(x, requires_grad=True)
        y, z, z3 = bn(xs), sm(xs[:, :, 0]), sm(xs[0, :, 0])
        (y.sum() + (z * z).sum() + (z3 * z3).sum()).backward()
        return [repr(bn), repr(sm), y, z, z3, z.grad_fn.name(), xs.grad, bn.running_mean, bn.running_var]

    same(run, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("call", [lambda lib: lib.nn.BatchNorm3d(3)(lib.ones(2, 3, 4)), lambda lib: lib.nn.Softmax2d()(lib.ones(2, 3))],
                         ids=["batchnorm3d", "softmax2d"])
def test_batch_norm_3d_and_softmax_2d_refuse_other_ranks(call):
    raises_same(call)
