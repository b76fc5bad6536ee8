"""autograd_lite.nn against PyTorch: initialisation, forward/backward, losses, module API."""
import math
import warnings
from collections import OrderedDict

import numpy as np
import pytest

torch = pytest.importorskip("torch")
import autograd_lite as al  # noqa: E402

LIBS = (al, torch)


def arr(t):
    return t.detach().numpy()


def pair(data, requires_grad=False, dtype=np.float32):
    data = np.asarray(data, dtype=dtype)
    return (al.tensor(data.copy(), requires_grad=requires_grad),
            torch.tensor(data.copy(), requires_grad=requires_grad))


def close(a, b, rtol=1e-5, atol=1e-6):
    np.testing.assert_allclose(arr(a), arr(b), rtol=rtol, atol=atol)


# --- initialisation -------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(3, 2), (7, 5), (1, 1), (64, 10)])
def test_linear_init_bit_for_bit(shape):
    out = []
    for lib in LIBS:
        lib.manual_seed(0)
        m = lib.nn.Linear(*shape)
        after = lib.rand(3)  # the generator must be left where PyTorch leaves it
        out.append((arr(m.weight), arr(m.bias), arr(after)))
    for a, b in zip(*out):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)


def test_linear_init_float64_and_no_bias():
    for dtype in ("float64",):
        out = []
        for lib in LIBS:
            lib.manual_seed(3)
            m = lib.nn.Linear(4, 3, bias=False, dtype=getattr(lib, dtype))
            out.append((arr(m.weight), m.bias))
        np.testing.assert_array_equal(out[0][0], out[1][0])
        assert out[0][1] is None and out[1][1] is None


def test_parameter_repr_and_flags():
    for lib in LIBS:
        p = lib.nn.Parameter(lib.tensor([1.0, 2.0]))
        assert p.requires_grad and p.is_leaf and p.grad_fn is None
    assert repr(al.nn.Parameter(al.tensor([1.0, 2.0]))) == repr(torch.nn.Parameter(torch.tensor([1.0, 2.0])))
    assert repr(al.nn.Parameter(al.ones(2), requires_grad=False)) == \
        repr(torch.nn.Parameter(torch.ones(2), requires_grad=False))
    assert repr(al.nn.Parameter(al.ones(2)) * 2) == repr(torch.nn.Parameter(torch.ones(2)) * 2)
    assert type(al.nn.Parameter(al.ones(2)) * 2) is al.Tensor


# --- module API --------------------------------------------------------------------------


def build_mlp(lib):
    class MLP(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = lib.nn.Linear(4, 5)
            self.act = lib.nn.Tanh()
            self.fc2 = lib.nn.Linear(5, 3, bias=False)
            self.register_buffer("running", lib.zeros(3))

        def forward(self, x):
            return self.fc2(self.act(self.fc1(x)))

    return MLP()


def test_reprs_match_torch():
    for make in (
        lambda nn: nn.Sequential(nn.Linear(3, 1), nn.Flatten(0, 1)),
        lambda nn: nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Sigmoid(), nn.Tanh(), nn.Identity(),
                                 nn.Softmax(dim=1), nn.LogSoftmax(1), nn.Flatten()),
        lambda nn: nn.Sequential(nn.Sequential(nn.Linear(2, 2, bias=False)), nn.ReLU(inplace=True)),
        lambda nn: nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2), nn.Linear(2, 2), nn.ReLU()]),
        lambda nn: nn.ModuleList(),
        lambda nn: nn.MSELoss(), lambda nn: nn.CrossEntropyLoss(), lambda nn: nn.Module(),
    ):
        assert repr(make(al.nn)) == repr(make(torch.nn))
    assert repr(build_mlp(al)) == repr(build_mlp(torch))
    assert repr(build_mlp(al)) == ("MLP(\n  (fc1): Linear(in_features=4, out_features=5, bias=True)\n  (act): Tanh()\n"
                                   "  (fc2): Linear(in_features=5, out_features=3, bias=False)\n)")


def test_named_parameters_modules_children():
    for lib in LIBS:
        lib.manual_seed(0)
    a, t = build_mlp(al), build_mlp(torch)
    assert [n for n, _ in a.named_parameters()] == [n for n, _ in t.named_parameters()] == \
        ["fc1.weight", "fc1.bias", "fc2.weight"]
    seq = [lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.ReLU(), lib.nn.Linear(3, 1)) for lib in LIBS]
    assert [n for n, _ in seq[0].named_parameters()] == [n for n, _ in seq[1].named_parameters()]
    assert [n for n, _ in seq[0].named_modules()] == [n for n, _ in seq[1].named_modules()] == ["", "0", "1", "2"]
    assert [type(m).__name__ for m in seq[0].children()] == ["Linear", "ReLU", "Linear"]
    assert [n for n, _ in a.named_buffers()] == ["running"]
    # a shared layer is listed once
    for lib in LIBS:
        shared = lib.nn.Linear(2, 2)
        assert len(list(lib.nn.Sequential(shared, shared).parameters())) == 2


def test_sequential_indexing():
    seq = al.nn.Sequential(al.nn.Linear(2, 3), al.nn.ReLU(), al.nn.Linear(3, 1))
    assert isinstance(seq[0], al.nn.Linear) and isinstance(seq[-1], al.nn.Linear) and len(seq) == 3
    tseq = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
    assert repr(seq[1:]) == repr(tseq[1:])  # a slice keeps the original names (1), (2)
    assert [type(m).__name__ for m in seq] == ["Linear", "ReLU", "Linear"]
    with pytest.raises(IndexError, match="index 3 is out of range"):
        seq[3]
    ml = al.nn.ModuleList([al.nn.ReLU()])
    ml.append(al.nn.Linear(1, 1))
    assert len(ml) == 2 and len(list(ml.parameters())) == 2


def test_setattr_getattr_delattr():
    m = al.nn.Linear(2, 2)
    assert m.weight is m._parameters["weight"]
    with pytest.raises(TypeError, match=r"cannot assign 'torch.FloatTensor' as parameter 'weight' "
                                        r"\(torch.nn.Parameter or None expected\)"):
        m.weight = al.ones(2, 2)
    with pytest.raises(AttributeError, match="'Linear' object has no attribute 'nope'"):
        m.nope
    del m.bias
    assert [n for n, _ in m.named_parameters()] == ["weight"]
    m.extra = al.nn.Parameter(al.zeros(1))
    assert [n for n, _ in m.named_parameters()] == ["weight", "extra"]


def test_train_eval_apply_requires_grad():
    m = build_mlp(al)
    assert m.training and m.fc1.training
    m.eval()
    assert not m.training and not m.fc1.training
    m.train()
    assert m.fc2.training
    seen = []
    m.apply(lambda mod: seen.append(type(mod).__name__))
    assert seen == ["Linear", "Tanh", "Linear", "MLP"]
    m.requires_grad_(False)
    assert not any(p.requires_grad for p in m.parameters())


def test_to_double_float():
    for lib in LIBS:
        m = lib.nn.Linear(2, 3)
        w = m.weight
        m.double()
        assert m.weight is w and m.weight.dtype == lib.float64 and m.bias.dtype == lib.float64
        m.to(lib.float32)
        assert m.weight.dtype == lib.float32 and m.weight.requires_grad


def test_zero_grad_set_to_none():
    m = al.nn.Linear(3, 2)
    m(al.ones(4, 3)).sum().backward()
    assert m.weight.grad is not None
    g = m.weight.grad
    m.zero_grad(set_to_none=False)
    assert m.weight.grad is g and not g.any()
    m.zero_grad()
    assert m.weight.grad is None and m.bias.grad is None


def test_state_dict_round_trip():
    al.manual_seed(1)
    a = build_mlp(al)
    sd = a.state_dict()
    assert isinstance(sd, OrderedDict)
    assert list(sd) == list(build_mlp(torch).state_dict()) == ["running", "fc1.weight", "fc1.bias", "fc2.weight"]
    assert all(not v.requires_grad for v in sd.values())
    al.manual_seed(2)
    b = build_mlp(al)
    assert not np.array_equal(arr(b.fc1.weight), arr(a.fc1.weight))
    result = b.load_state_dict(sd)
    assert repr(result) == "<All keys matched successfully>"
    for (na, pa), (nb, pb) in zip(a.named_parameters(), b.named_parameters()):
        np.testing.assert_array_equal(arr(pa), arr(pb))
    assert b.fc1.weight.requires_grad and b.fc1.weight.is_leaf


def _error(lib, fn):
    with pytest.raises(Exception) as info:
        fn(lib)
    return type(info.value), str(info.value)


def test_load_state_dict_errors():
    def missing_unexpected(lib):
        m = lib.nn.Sequential(lib.nn.Linear(2, 2))
        sd = m.state_dict()
        del sd["0.bias"]
        sd["0.extra"] = lib.zeros(1)
        sd["1.weight"] = lib.zeros(1)
        m.load_state_dict(sd)

    def size_mismatch(lib):
        m = lib.nn.Linear(2, 3)
        m.load_state_dict({"weight": lib.zeros(3, 4), "bias": lib.zeros(3)})

    for fn in (missing_unexpected, size_mismatch):
        assert _error(al, fn) == _error(torch, fn)
    for lib in LIBS:
        m = lib.nn.Linear(2, 2)
        res = m.load_state_dict({"weight": lib.ones(2, 2), "x": lib.zeros(1)}, strict=False)
        assert res.missing_keys == ["bias"] and res.unexpected_keys == ["x"]
        assert m.weight.sum().item() == 4.0


# --- forward and backward ----------------------------------------------------------------


def copy_weights(src, dst):
    """torch module -> autograd_lite module with the same parameter names."""
    src_p = dict(src.named_parameters())
    for name, p in dst.named_parameters():
        p.data = al.tensor(src_p[name].detach().numpy().copy())


@pytest.mark.parametrize("act", ["ReLU", "Tanh", "Sigmoid"])
def test_mlp_forward_backward(act):
    torch.manual_seed(0)
    tm = torch.nn.Sequential(torch.nn.Linear(6, 5), getattr(torch.nn, act)(), torch.nn.Linear(5, 3))
    am = al.nn.Sequential(al.nn.Linear(6, 5), getattr(al.nn, act)(), al.nn.Linear(5, 3))
    copy_weights(tm, am)
    x = np.random.default_rng(0).standard_normal((7, 6)).astype(np.float32)
    xa, xt = pair(x, requires_grad=True)
    ya, yt = am(xa), tm(xt)
    close(ya, yt)
    assert ya.grad_fn.name() == yt.grad_fn.name() == "AddmmBackward0"
    (ya ** 2).sum().backward()
    (yt ** 2).sum().backward()
    for (n, pa), (_, pt) in zip(am.named_parameters(), tm.named_parameters()):
        close(pa.grad, pt.grad, rtol=1e-4, atol=1e-5)
    close(xa.grad, xt.grad, rtol=1e-4, atol=1e-5)


def graph(t, depth=3):
    """The grad_fn names down to ``depth`` levels, for comparing graphs."""
    if t is None or depth == 0:
        return None
    return (t.name(), tuple(graph(n, depth - 1) for n, _ in t.next_functions))


@pytest.mark.parametrize("shape", [(3,), (2, 3), (5, 2, 3)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_graph_names_and_values(shape, bias):
    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    w = np.random.default_rng(2).standard_normal((4, 3)).astype(np.float32)
    b = np.random.default_rng(3).standard_normal(4).astype(np.float32)
    out = []
    for lib, (xx, ww, bb) in ((al, [pair(v, True)[0] for v in (x, w, b)]), (torch, [pair(v, True)[1] for v in (x, w, b)])):
        y = lib.nn.functional.linear(xx, ww, bb if bias else None)
        y.backward(lib.ones(y.shape) * 0.5)
        out.append((y, graph(y.grad_fn), xx.grad, ww.grad))
    (ya, ga, gxa, gwa), (yt, gt, gxt, gwt) = out
    assert ga == gt
    assert ya.shape == yt.shape
    close(ya, yt)
    close(gxa, gxt)
    close(gwa, gwt)


def test_flatten_identity():
    for lib in LIBS:
        x = lib.ones(2, 3, 4, requires_grad=True)
        y = lib.nn.Flatten()(x)
        assert tuple(y.shape) == (2, 12) and y.grad_fn.name() == "ViewBackward0"
        assert lib.nn.Identity()(x) is x
        assert tuple(lib.nn.Flatten(0, 1)(x).shape) == (6, 4)


# --- losses ------------------------------------------------------------------------------

REDUCTIONS = ["mean", "sum", "none"]


def loss_case(name, reduction, rng):
    """Inputs for each loss: (args for autograd_lite, args for torch, kwargs)."""
    x = rng.standard_normal((5, 4)).astype(np.float32)
    if name in ("mse_loss", "l1_loss"):
        y = rng.standard_normal((5, 4)).astype(np.float32)
        return [x, y], {}
    if name in ("cross_entropy", "nll_loss"):
        t = np.array([3, 0, 1, 3, 2])
        return [x, t], {}
    if name == "binary_cross_entropy_with_logits":
        return [x * 4, rng.random((5, 4)).astype(np.float32)], {}
    if name == "binary_cross_entropy":
        return [1 / (1 + np.exp(-x)), rng.random((5, 4)).astype(np.float32)], {}
    raise AssertionError(name)


LOSSES = ["mse_loss", "l1_loss", "cross_entropy", "nll_loss", "binary_cross_entropy_with_logits",
          "binary_cross_entropy"]


@pytest.mark.parametrize("name", LOSSES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_loss_values_grads_and_names(name, reduction):
    data, kw = loss_case(name, reduction, np.random.default_rng(7))
    results = []
    for lib in LIBS:
        x = lib.tensor(data[0], requires_grad=True)
        float_target = data[1].dtype.kind == "f"
        y = lib.tensor(data[1], requires_grad=float_target)
        loss = getattr(lib.nn.functional, name)(x, y, reduction=reduction, **kw)
        loss.backward(lib.ones(loss.shape) * 1.5 if loss.dim() else None)
        results.append((loss, loss.grad_fn.name(), x.grad, y.grad))
    (la, na, gxa, gya), (lt, nt, gxt, gyt) = results
    assert na == nt
    assert la.shape == lt.shape and la.dtype == al.float32
    close(la, lt)
    close(gxa, gxt)
    if gyt is not None:
        close(gya, gyt)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_weight_ignore_index(reduction):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((6, 4)).astype(np.float32)
    t = np.array([3, -100, 1, 0, 2, 1])
    w = np.array([0.5, 2.0, 1.0, 3.0], dtype=np.float32)
    res = []
    for lib in LIBS:
        xx = lib.tensor(x, requires_grad=True)
        loss = lib.nn.CrossEntropyLoss(weight=lib.tensor(w), reduction=reduction)(xx, lib.tensor(t))
        loss.backward(lib.ones(loss.shape) if loss.dim() else None)
        res.append((loss, xx.grad))
    close(res[0][0], res[1][0])
    close(res[0][1], res[1][1])


def test_cross_entropy_graph_and_shapes():
    graphs = []
    for lib in LIBS:
        x = lib.randn(3, 5, requires_grad=True)
        graphs.append(graph(lib.nn.functional.cross_entropy(x, lib.tensor([1, 0, 4])).grad_fn, 3))
    assert graphs[0] == graphs[1] == (
        "NllLossBackward0", (("LogSoftmaxBackward0", (("torch::autograd::AccumulateGrad", ()),)),))
    # (N, C, d) inputs and a single (C,) prediction
    rng = np.random.default_rng(5)
    x3 = rng.standard_normal((2, 4, 3)).astype(np.float32)
    t3 = np.array([[0, 3, 1], [2, 2, 0]])
    x1 = rng.standard_normal(4).astype(np.float32)
    for x, t in ((x3, t3), (x1, np.array(2))):
        for reduction in REDUCTIONS:
            res = []
            for lib in LIBS:
                xx = lib.tensor(x, requires_grad=True)
                loss = lib.nn.functional.cross_entropy(xx, lib.tensor(t), reduction=reduction)
                loss.sum().backward()
                res.append((loss, xx.grad))
            assert res[0][0].shape == res[1][0].shape
            close(res[0][0], res[1][0])
            close(res[0][1], res[1][1])


def test_cross_entropy_soft_targets():
    rng = np.random.default_rng(9)
    x = rng.standard_normal((3, 4)).astype(np.float32)
    p = rng.random((3, 4)).astype(np.float32)
    p /= p.sum(1, keepdims=True)
    res = []
    for lib in LIBS:
        xx = lib.tensor(x, requires_grad=True)
        loss = lib.nn.functional.cross_entropy(xx, lib.tensor(p))
        loss.backward()
        res.append((loss, xx.grad))
    close(res[0][0], res[1][0])
    close(res[0][1], res[1][1])


def test_losses_stable_for_large_logits():
    for lib in LIBS:
        x = lib.tensor([[1000.0, -1000.0, 0.0]], requires_grad=True)
        assert math.isfinite(lib.nn.functional.cross_entropy(x, lib.tensor([1])).item())
        z = lib.tensor([100.0, -100.0, 0.0])
        v = lib.nn.functional.binary_cross_entropy_with_logits(z, lib.tensor([0.0, 1.0, 1.0]), reduction="none")
        np.testing.assert_allclose(arr(v), [100.0, 100.0, math.log(2)], rtol=1e-6)


@pytest.mark.parametrize("name", ["mse_loss", "cross_entropy", "binary_cross_entropy_with_logits", "nll_loss"])
def test_double_backward(name):
    data, _ = loss_case(name, "mean", np.random.default_rng(11))
    if name == "nll_loss":
        data[0] = np.log(np.exp(data[0]) / np.exp(data[0]).sum(1, keepdims=True))
    res = []
    for lib in LIBS:
        x = lib.tensor(data[0], requires_grad=True)
        y = lib.tensor(data[1])
        loss = getattr(lib.nn.functional, name)(x * x if name == "nll_loss" else x, y)
        g, = lib.autograd.grad(loss, x, create_graph=True)
        assert g.requires_grad
        (g * g).sum().backward()
        res.append((g, x.grad))
    close(res[0][0], res[1][0])
    close(res[0][1], res[1][1], rtol=1e-4, atol=1e-6)


def test_loss_errors_match_torch():
    cases = [
        lambda lib: lib.nn.functional.cross_entropy(lib.zeros(3, 5), lib.tensor([1, 0, 5])),
        lambda lib: lib.nn.functional.cross_entropy(lib.zeros(3, 5), lib.tensor([1, 0, -3])),
        lambda lib: lib.nn.functional.cross_entropy(lib.zeros(3, 5), lib.tensor([1.0, 0.0])),
        lambda lib: lib.nn.functional.cross_entropy(lib.zeros(3, 5), lib.tensor([1, 0])),
        lambda lib: lib.nn.functional.cross_entropy(lib.zeros(3, 5), lib.zeros(3, 4, dtype=lib.long)),
        lambda lib: lib.nn.functional.cross_entropy(lib.zeros(3, 5), lib.tensor([1.0, 0.0, 2.0])),
        lambda lib: lib.nn.functional.binary_cross_entropy_with_logits(lib.zeros(3, 5), lib.zeros(3)),
        lambda lib: lib.nn.functional.binary_cross_entropy(lib.zeros(3, 5), lib.zeros(3)),
        lambda lib: lib.nn.functional.binary_cross_entropy(lib.ones(2) * 2, lib.zeros(2)),
        lambda lib: lib.nn.functional.mse_loss(lib.zeros(2), lib.zeros(2), reduction="avg"),
        lambda lib: lib.nn.Linear(3, 2)(lib.zeros(4, 5)),
    ]
    for case in cases:
        assert _error(al, case) == _error(torch, case)


def test_mse_size_mismatch_warning():
    messages = []
    for lib in LIBS:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            loss = lib.nn.functional.mse_loss(lib.zeros(3, 1), lib.ones(3))
        messages.append([str(x.message) for x in w])
        assert loss.item() == 1.0
    assert messages[0] == messages[1] and len(messages[0]) == 1


def test_loss_modules():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((4, 3)).astype(np.float32)
    for make in (lambda nn: nn.MSELoss(reduction="sum"), lambda nn: nn.L1Loss(), lambda nn: nn.BCEWithLogitsLoss(),
                 lambda nn: nn.BCELoss()):
        target = rng.random((4, 3)).astype(np.float32)
        inp = 1 / (1 + np.exp(-x))
        vals = [make(lib.nn)(lib.tensor(inp), lib.tensor(target)).item() for lib in LIBS]
        assert vals[0] == pytest.approx(vals[1], rel=1e-6)
    t = np.array([0, 2, 1, 1])
    vals = [lib.nn.NLLLoss()(lib.tensor(x), lib.tensor(t)).item() for lib in LIBS]
    assert vals[0] == pytest.approx(vals[1], rel=1e-6)


def test_softmax_modules_and_functions():
    x = np.random.default_rng(4).standard_normal((2, 3)).astype(np.float32)
    for name, dim in (("softmax", 1), ("log_softmax", 0)):
        a = getattr(al.nn.functional, name)(al.tensor(x), dim=dim)
        t = getattr(torch.nn.functional, name)(torch.tensor(x), dim=dim)
        close(a, t)
    close(al.nn.Softmax(dim=1)(al.tensor(x)), torch.nn.Softmax(dim=1)(torch.tensor(x)))


def test_clip_grad_norm():
    res = []
    for lib in LIBS:
        lib.manual_seed(0)
        m = lib.nn.Linear(5, 3)
        m(lib.ones(2, 5) * 3).sum().backward()
        total = lib.nn.utils.clip_grad_norm_(m.parameters(), 0.5)
        res.append((total, m.weight.grad, m.bias.grad))
    for a, b in zip(*res):
        close(a, b)


# --- a short training run ------------------------------------------------------------------


def synthetic_data(n=256):
    rng = np.random.default_rng(2024)
    x = rng.standard_normal((n, 64)).astype(np.float32)
    w = rng.standard_normal((64, 10)).astype(np.float32)
    y = np.argmax(x @ w + 0.5 * rng.standard_normal((n, 10)), axis=1).astype(np.int64)
    return x, y


def train(lib, optimizer, epochs=3, batch=32):
    x, y = synthetic_data()
    lib.manual_seed(0)
    model = lib.nn.Sequential(lib.nn.Linear(64, 32), lib.nn.ReLU(), lib.nn.Linear(32, 10))
    opt = optimizer(lib, model.parameters())
    loss_fn = lib.nn.CrossEntropyLoss()
    losses = []
    for _ in range(epochs):
        for i in range(0, len(x), batch):
            xb, yb = lib.tensor(x[i:i + batch]), lib.tensor(y[i:i + batch])
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            losses.append(loss.item())
    return np.array(losses)


@pytest.mark.parametrize("optimizer", [
    lambda lib, p: lib.optim.SGD(p, lr=0.1, momentum=0.9),
    lambda lib, p: lib.optim.Adam(p, lr=1e-3),
])
def test_training_run_matches_torch(optimizer):
    a, t = train(al, optimizer), train(torch, optimizer)
    assert len(a) == 24
    assert t[-1] < t[0]  # it learns
    np.testing.assert_allclose(a, t, rtol=2e-6)
