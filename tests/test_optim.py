"""autograd_lite/optim.py against PyTorch: 20-step trajectories, a short training run, zero_grad, param groups,
schedulers, reprs and constructor errors."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
import autograd_lite as al  # noqa: E402
from harness import LIBS, raises_same, same  # noqa: E402


def trajectory(lib, name, kwargs, steps=20, grads="fixed"):
    """Parameters after each step. ``grads="fixed"``: the same numpy gradient function for both
    libraries (isolates the optimizer); ``"model"``: gradients of a least-squares loss."""
    rng = np.random.default_rng(0)
    w = lib.tensor(rng.standard_normal((13, 7)).astype(np.float32), requires_grad=True)
    b = lib.tensor(rng.standard_normal(13).astype(np.float32), requires_grad=True)
    x = lib.tensor(rng.standard_normal((9, 7)).astype(np.float32))
    y = lib.tensor(rng.standard_normal((9, 13)).astype(np.float32))
    target = rng.standard_normal((13, 7)).astype(np.float32)
    opt = getattr(lib.optim, name)([w, b], **kwargs)
    out = []
    for _ in range(steps):
        opt.zero_grad()
        if grads == "fixed":
            p = w.detach().numpy()
            w.grad = lib.tensor((np.float32(2) * (p - target) + np.sin(np.float32(3) * p)).astype(np.float32))
            b.grad = lib.tensor(np.cos(b.detach().numpy()).astype(np.float32))
        else:
            ((x @ w.T + b - y) ** 2).mean().backward()
        opt.step()
        out.append(np.concatenate([w.detach().numpy().ravel(), b.detach().numpy().ravel()]))
    return np.array(out)


CASES = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.8, dampening=0.3, maximize=True)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.1)),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("AdamW", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, momentum=0.9, centered=True, weight_decay=0.1)),
]


def rel_err(a, b):
    """Relative error of each step's parameter vector."""
    return np.linalg.norm(a - b, axis=1) / np.linalg.norm(b, axis=1)


@pytest.mark.parametrize("name,kwargs", CASES)
def test_trajectory_same_gradients(name, kwargs):
    a, t = trajectory(al, name, kwargs), trajectory(torch, name, kwargs)
    assert not np.allclose(t[0], t[-1])  # the parameters moved
    assert rel_err(a, t).max() < 1e-6
    if name == "SGD":  # a + alpha * b is one fused multiply-add in both: bit for bit
        np.testing.assert_array_equal(a, t)


@pytest.mark.parametrize("name,kwargs", CASES)
def test_trajectory_through_autograd(name, kwargs):
    a, t = trajectory(al, name, kwargs, grads="model"), trajectory(torch, name, kwargs, grads="model")
    assert rel_err(a, t).max() < 1e-6


def test_updates_bump_version_and_keep_leaf():
    w = al.ones(3, requires_grad=True)
    opt = al.optim.SGD([w], lr=0.5)
    (w * w).sum().backward()
    v = w._version
    opt.step()
    assert w._version == v + 1 and w.is_leaf and w.requires_grad and w.grad_fn is None
    np.testing.assert_array_equal(w.detach().numpy(), [0.0, 0.0, 0.0])


@pytest.mark.parametrize("kwargs", [dict(lr=0.1), dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)])
def test_sgd_large_and_strided_parameters_bit_for_bit(kwargs):
    """Parameters big enough for the fused kernel, written in place (one C-contiguous, one a
    transposed leaf), and a small one updated after the kernel is loaded: the same bits and
    the same versions as PyTorch."""
    def run(lib):
        rng = np.random.default_rng(1)
        w = lib.tensor(rng.standard_normal((40, 30)).astype(np.float32), requires_grad=True)
        v = lib.tensor(rng.standard_normal((30, 40)).astype(np.float32)).t().requires_grad_()
        b = lib.tensor(rng.standard_normal(7).astype(np.float32), requires_grad=True)
        opt = lib.optim.SGD([w, v, b], **kwargs)
        for k in range(3):
            for p, f in ((w, np.sin), (v, np.cos), (b, np.tanh)):
                p.grad = lib.tensor(f(np.float32(k + 1) * p.detach().numpy()))
            opt.step()
        return [p.detach().numpy().copy() for p in (w, v, b)], [p._version for p in (w, v, b)], v.stride()
    a, t = run(al), run(torch)
    for x, y in zip(a[0], t[0]):
        np.testing.assert_array_equal(x, y)
    assert a[1:] == t[1:]


@pytest.mark.parametrize("kwargs", [dict(lr=0.1), dict(lr=0.1, momentum=0.9)])
def test_sgd_state_only_with_momentum(kwargs):
    """Plain SGD keeps no per-parameter state; with momentum, a buffer per parameter that had a gradient."""
    def fn(lib):
        w, b = lib.ones(3, requires_grad=True), lib.ones(2, requires_grad=True)
        opt = lib.optim.SGD([w, b], **kwargs)
        (w.sum() * 2).backward()
        opt.step()
        return len(opt.state), {k: sorted(v) for k, v in opt.state_dict()["state"].items()}
    same(fn)


def test_param_without_grad_is_skipped():
    for lib in LIBS:
        a, b = lib.ones(2, requires_grad=True), lib.ones(2, requires_grad=True)
        opt = lib.optim.Adam([a, b], lr=0.1)
        (a * 2).sum().backward()
        opt.step()
        assert b.tolist() == [1.0, 1.0] and a.tolist() != [1.0, 1.0]
        assert len(opt.state) == 1


def test_zero_grad():
    for lib in LIBS:
        w = lib.ones(2, requires_grad=True)
        opt = lib.optim.SGD([w], lr=0.1)
        (w * 3).sum().backward()
        g = w.grad
        opt.zero_grad(set_to_none=False)
        assert w.grad is g and w.grad.tolist() == [0.0, 0.0]
        opt.zero_grad()
        assert w.grad is None


def test_param_groups():
    def groups(lib):
        a, b = lib.ones(2, requires_grad=True), lib.ones(2, requires_grad=True)
        opt = lib.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1, momentum=0.9)
        lrs = [g["lr"] for g in opt.param_groups]
        for _ in range(3):
            opt.zero_grad()
            (a * a + b * b * b).sum().backward()
            opt.step()
        c = lib.ones(1, requires_grad=True)
        opt.add_param_group({"params": c, "lr": 2.0})
        return (lrs, opt.param_groups[1]["momentum"], a, b, opt.param_groups[2]["params"][0] is c,
                opt.state_dict()["param_groups"][2]["params"])

    same(groups)


@pytest.mark.parametrize("make", [
    lambda lib: lib.optim.SGD([], lr=0.1), lambda lib: lib.optim.SGD([lib.ones(1)], lr=-1),
    lambda lib: lib.optim.Adam([lib.ones(1)], betas=(1.0, 0.9)),
    lambda lib: lib.optim.SGD(lib.ones(1, requires_grad=True), lr=0.1),
], ids=["empty", "negative_lr", "beta_1", "tensor_not_iterable"])
def test_constructor_errors_match_torch(make):
    raises_same(make)


def test_step_lr():
    def schedule(lib):
        opt = lib.optim.SGD([lib.ones(1, requires_grad=True)], lr=1.0)
        sched = lib.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
        seen = []
        for _ in range(6):
            opt.step()
            sched.step()
            seen.append(opt.param_groups[0]["lr"])
        return seen, sched.get_last_lr()

    same(schedule)


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop"])
def test_optimizer_repr_matches_torch(name):
    def show(lib):
        lib.manual_seed(0)
        return repr(getattr(lib.optim, name)(lib.nn.Linear(3, 2).parameters(), lr=0.1))

    same(show)


def test_state_dict_round_trip():
    w = al.ones(3, requires_grad=True)
    opt = al.optim.Adam([w], lr=0.1)
    (w * w).sum().backward()
    opt.step()
    sd = opt.state_dict()
    assert sd["param_groups"][0]["params"] == [0] and sd["state"][0]["step"] == 1
    w2 = al.ones(3, requires_grad=True)
    opt2 = al.optim.Adam([w2], lr=0.5)
    opt2.load_state_dict(sd)
    assert opt2.param_groups[0]["lr"] == 0.1
    np.testing.assert_array_equal(opt2.state[w2]["exp_avg"], opt.state[w]["exp_avg"])


def synthetic_data(n=256):
    r = np.random.default_rng(2024)
    x = r.standard_normal((n, 64)).astype(np.float32)
    w = r.standard_normal((64, 10)).astype(np.float32)
    y = np.argmax(x @ w + 0.5 * r.standard_normal((n, 10)), axis=1).astype(np.int64)
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
