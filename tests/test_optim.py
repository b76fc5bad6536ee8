"""autograd_lite/optim.py against PyTorch: every optimizer's trajectory (bit for bit, given
PyTorch's square root), state and state_dict, load_state_dict round trips, param groups,
hooks, zero_grad, reprs, constructor errors, LBFGS and a short training run."""
import copy
import importlib
import itertools
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")
import autograd_lite as al  # noqa: E402
import autograd_lite.optim as al_optim  # noqa: E402
from harness import LIBS, raises_same, same  # noqa: E402

SHAPES = [(13, 7), (), (5,), (3, 4)]  # the first is a transposed leaf; the last never gets a gradient


def make_params(lib, seed=0, dtype=np.float32):
    rng = np.random.default_rng(seed)
    params = [lib.tensor(rng.standard_normal(s).astype(dtype), requires_grad=True) for s in SHAPES]
    params[0] = params[0].detach().t().contiguous().t().requires_grad_()  # (state buffers keep its layout)
    return params


def set_grads(lib, params, k):
    """Gradients that depend on the parameters (so the trajectory feeds back), the same in both libraries."""
    for p, f in zip(params[:3], (np.sin, np.cos, np.tanh)):
        x = p.detach().numpy()
        p.grad = lib.tensor((f(3 * x) + x.dtype.type(0.3 + 0.1 * k) * x).astype(x.dtype))


def trajectory(lib, name, kwargs, steps=25, dtype=np.float32):
    """The parameters after each step (one flat vector per step), and the optimizer."""
    params = make_params(lib, dtype=dtype)
    opt = getattr(lib.optim, name)(params, **kwargs)
    out = []
    for k in range(steps):
        opt.zero_grad()
        set_grads(lib, params, k)
        opt.step()
        out.append(np.concatenate([p.detach().numpy().ravel() for p in params]))
    return np.array(out), opt


CASES = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.8, dampening=0.3, maximize=True)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, betas=(0.3, 0.99), weight_decay=0.1, amsgrad=True)),
    ("Adam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.01, amsgrad=True, weight_decay=0.5)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, momentum=0.9, centered=True, weight_decay=0.1, maximize=True)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.1, maximize=True)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.8, weight_decay=0.1, maximize=True)),
    ("Adamax", dict()),
    ("Adamax", dict(lr=0.01, betas=(0.7, 0.9), weight_decay=0.1, maximize=True)),
    ("NAdam", dict()),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, momentum_decay=0.01)),
    ("NAdam", dict(weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("RAdam", dict()),
    ("RAdam", dict(lr=0.01, betas=(0.9, 0.9), weight_decay=0.1)),  # (β2 = 0.9: the rectified branch from step 6)
    ("RAdam", dict(weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("ASGD", dict()),
    ("ASGD", dict(lr=0.05, t0=5, lambd=0.01, alpha=0.5, weight_decay=0.1, maximize=True)),
    ("Rprop", dict()),
    ("Rprop", dict(lr=0.05, etas=(0.3, 1.5), step_sizes=(1e-3, 0.2), maximize=True)),
]
IDS = [f"{name}-{'-'.join(kwargs) or 'defaults'}" for name, kwargs in CASES]


def torch_sqrt(x):
    """PyTorch's float32 square root (its vectorized kernel is not always correctly rounded)."""
    return torch.from_numpy(np.ascontiguousarray(x)).sqrt().numpy().reshape(np.shape(x))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name,kwargs", CASES, ids=IDS)
def test_trajectory_bit_for_bit(name, kwargs, dtype, monkeypatch):
    """Every step in PyTorch's order of floating-point operations: with PyTorch's square root
    swapped in, the same bits after every step; the parameter without a gradient never moves."""
    monkeypatch.setattr(al_optim, "_sqrt", torch_sqrt)
    a, _ = trajectory(al, name, kwargs, dtype=dtype)
    t, _ = trajectory(torch, name, kwargs, dtype=dtype)
    assert not np.array_equal(t[0], t[-1])  # the parameters moved
    np.testing.assert_array_equal(a, t)
    still = -int(np.prod(SHAPES[-1]))
    start = make_params(torch, dtype=dtype)[-1].detach().numpy().ravel()
    np.testing.assert_array_equal(a[:, still:], np.broadcast_to(start, a[:, still:].shape))


@pytest.mark.parametrize("name,kwargs", CASES, ids=IDS)
def test_trajectory_and_state(name, kwargs):
    """As it runs (numpy's correctly rounded square root): within a few float32 ulps of PyTorch;
    the state_dict holds the same entries (names, order, 0-d float ``step`` tensors) and values."""
    a, opt_a = trajectory(al, name, kwargs)
    t, opt_t = trajectory(torch, name, kwargs)
    np.testing.assert_allclose(a, t, rtol=2e-6, atol=1e-7)
    sa, st = opt_a.state_dict(), opt_t.state_dict()
    assert sa["param_groups"] == st["param_groups"]
    assert list(sa["state"]) == list(st["state"])
    for i in st["state"]:
        assert list(sa["state"][i]) == list(st["state"][i]), i
        for key, theirs in st["state"][i].items():
            ours = sa["state"][i][key]
            assert isinstance(ours, al.Tensor) and str(ours.dtype) == str(theirs.dtype), key
            assert tuple(ours.shape) == tuple(theirs.shape) and ours.stride() == theirs.stride(), key
            np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-5, atol=1e-7, err_msg=key)


@pytest.mark.parametrize("name,kwargs", [CASES[2], CASES[5], CASES[10], CASES[12], CASES[18], CASES[24], CASES[26]],
                         ids=["SGD", "Adam", "RMSprop", "Adagrad", "NAdam", "ASGD", "Rprop"])
def test_state_dict_round_trip(name, kwargs, monkeypatch):
    """Save after 6 steps, load into a fresh optimizer over fresh copies of the parameters, go on
    for 6 more: the same bits as the optimizer that never stopped, in both libraries; the loaded
    groups are the saved ones (keys added since, like ``initial_lr``, are gone, as in PyTorch)."""
    monkeypatch.setattr(al_optim, "_sqrt", torch_sqrt)

    def run(lib):
        params = make_params(lib)
        opt = getattr(lib.optim, name)(params, **kwargs)
        for k in range(6):
            set_grads(lib, params, k)
            opt.step()
        saved = copy.deepcopy(opt.state_dict())
        params2 = [p.detach().clone().requires_grad_() for p in params]
        opt2 = getattr(lib.optim, name)(params2, lr=0.123)
        opt2.param_groups[0]["initial_lr"] = 0.5
        opt2.load_state_dict(saved)
        keys = sorted(opt2.param_groups[0])
        for k in range(6, 12):
            for ps, o in ((params, opt), (params2, opt2)):
                set_grads(lib, ps, k)
                o.step()
        return ([p.detach().numpy().copy() for p in params], [p.detach().numpy().copy() for p in params2], keys,
                opt2.param_groups[0]["lr"])

    ours, theirs = run(al), run(torch)
    assert ours[2:] == theirs[2:]
    for a, b, c in zip(ours[0], ours[1], theirs[1]):
        np.testing.assert_array_equal(a, b)  # resumed = never stopped
        np.testing.assert_array_equal(b, c)  # = PyTorch


def test_state_dict_shares_state_and_load_casts():
    """``state_dict()["state"]`` is the optimizer's own state (a later step shows in it); loading
    into float64 parameters casts the buffers but keeps ``step`` a float32 tensor."""
    def fn(lib):
        w = lib.ones(3, requires_grad=True)
        opt = lib.optim.SGD([w], lr=0.1, momentum=0.9)
        (w * w).sum().backward()
        opt.step()
        sd = opt.state_dict()
        buf = sd["state"][0]["momentum_buffer"]
        opt.step()
        adam = lib.optim.Adam([w], lr=0.1)
        adam.step()
        w64 = lib.ones(3, dtype=lib.float64, requires_grad=True)
        adam64 = lib.optim.Adam([w64])
        adam64.load_state_dict(adam.state_dict())
        loaded = adam64.state[w64]
        return (buf, sd["state"][0]["momentum_buffer"] is opt.state[w]["momentum_buffer"], loaded["exp_avg"],
                loaded["step"], adam64.param_groups[0]["lr"])
    same(fn)


@pytest.mark.parametrize("make", [
    lambda lib, ps: lib.optim.Adam(ps).load_state_dict({"state": {}, "param_groups": []}),
    lambda lib, ps: lib.optim.Adam(ps).load_state_dict(
        {"state": {}, "param_groups": [{**lib.optim.Adam(ps).defaults, "params": [0]}]}),
], ids=["group count", "group size"])
def test_load_state_dict_errors(make):
    raises_same(lambda lib: make(lib, make_params(lib)[:2]))


def test_adagrad_state_made_at_construction():
    """Adagrad fills ``sum`` (with ``initial_accumulator_value``) and ``step`` for every parameter
    before any step; a parameter added later gets its state on its first step."""
    def fn(lib):
        params = make_params(lib)
        opt = lib.optim.Adagrad(params[:2], initial_accumulator_value=0.25)
        before = {k: dict(v) for k, v in opt.state_dict()["state"].items()}
        opt.add_param_group({"params": params[2:3], "lr": 0.5})
        set_grads(lib, params, 0)
        opt.step()
        return before, opt.state_dict()["state"], params[2]
    same(fn)


def test_updates_bump_version_and_keep_leaf():
    for name, kwargs in CASES:
        w = al.ones(3, requires_grad=True)
        opt = getattr(al.optim, name)([w], **kwargs)
        w.grad = al.tensor([0.5, -1.0, 2.0])
        v = w._version
        opt.step()
        assert w._version > v and w.is_leaf and w.requires_grad and w.grad_fn is None, name


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
        return len(opt.state), opt.state_dict()["state"]
    same(fn)


def test_zero_grad():
    """set_to_none=True (the default) drops the gradient; False zeroes it in place, detached."""
    def fn(lib):
        w = lib.ones(2, requires_grad=True)
        opt = lib.optim.SGD([w], lr=0.1)
        (w * 3).sum().backward()
        g = w.grad
        opt.zero_grad(set_to_none=False)
        kept = w.grad is g
        zeros = w.grad.clone()
        w.grad = (w * 2).detach().requires_grad_()
        opt.zero_grad(False)
        flag = w.grad.requires_grad
        opt.zero_grad()
        return kept, zeros, flag, w.grad
    same(fn)


def test_param_groups_and_add_param_group():
    def groups(lib):
        a, b = lib.ones(2, requires_grad=True), lib.ones(2, requires_grad=True)
        opt = lib.optim.SGD([{"params": [a]}, {"params": b, "lr": 0.5}], lr=0.1, momentum=0.9)
        for _ in range(3):
            opt.zero_grad()
            (a * a + b * b * b).sum().backward()
            opt.step()
        c = lib.ones(1, requires_grad=True)
        opt.add_param_group({"params": c, "lr": 2.0})
        return ([list(g) for g in opt.param_groups], opt.param_groups[1]["momentum"], a, b,
                opt.param_groups[2]["params"][0] is c, opt.state_dict()["param_groups"])
    same(groups)


def test_named_parameters():
    """``named_parameters()`` pairs: the names are kept in ``param_names`` (and in the state dict)."""
    def fn(lib):
        lib.manual_seed(0)
        model = lib.nn.Linear(3, 2)
        opt = lib.optim.Adam(model.named_parameters(), lr=0.1)
        return opt.param_groups[0]["param_names"], opt.state_dict()["param_groups"], repr(opt)
    same(fn)


@pytest.mark.parametrize("make", [
    lambda lib, p, q: lib.optim.SGD([{"params": [p]}, {"params": [p]}], lr=0.1),
    lambda lib, p, q: lib.optim.SGD({p, q}, lr=0.1).add_param_group({"params": {q}}),
    lambda lib, p, q: lib.optim.SGD([p], lr=0.1).add_param_group([q]),
    lambda lib, p, q: lib.optim.SGD([p], lr=0.1).add_param_group({"params": [("q", q)]}),
    lambda lib, p, q: lib.optim.SGD([p, 3], lr=0.1),
    lambda lib, p, q: lib.optim.SGD([p * 2], lr=0.1),
    lambda lib, p, q: lib.optim.SGD([("p", p), q], lr=0.1),
], ids=["two groups", "set", "not a dict", "names mixed", "not a tensor", "non-leaf", "names missing"])
def test_param_group_errors(make):
    raises_same(lambda lib: make(lib, lib.ones(2, requires_grad=True), lib.ones(1, requires_grad=True)))


def test_duplicate_parameters_warn():
    messages = []
    for lib in LIBS:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            p = lib.ones(2, requires_grad=True)
            lib.optim.Adam([p, p], lr=0.1)
        messages.append([(w.category, str(w.message)) for w in caught])
    assert messages[0] == messages[1] and len(messages[0]) == 1


def test_step_hooks():
    """Pre-hooks run before the step (and may replace its arguments), post-hooks after; both get
    (optimizer, args, kwargs); ``remove()`` unregisters; a user subclass's own step is hooked too."""
    def fn(lib):
        seen = []
        w = lib.ones(2, requires_grad=True)
        opt = lib.optim.SGD([w], lr=0.5)
        w.grad = lib.ones(2)
        h1 = opt.register_step_pre_hook(lambda o, args, kwargs: seen.append(("pre", o is opt, len(args), w.tolist())))
        opt.register_step_post_hook(lambda o, args, kwargs: seen.append(("post", o is opt, w.tolist())))
        opt.step()
        h1.remove()
        opt.register_step_pre_hook(lambda o, args, kwargs: ((o, lambda: seen.append("closure")), kwargs))
        opt.step()

        class Halve(lib.optim.Optimizer):
            def __init__(self, params):
                super().__init__(params, {})

            def step(self, closure=None):
                for p in self.param_groups[0]["params"]:
                    p.data.mul_(0.5)

        h = Halve([w])
        h.register_step_post_hook(lambda o, args, kwargs: seen.append(("halved", w.tolist())))
        h.step()
        return seen
    same(fn)


def test_global_step_hooks():
    """``optim.optimizer.register_optimizer_step_{pre,post}_hook``: every optimizer, around its own hooks."""
    def fn(lib):
        seen = []
        w = lib.ones(2, requires_grad=True)
        w.grad = lib.ones(2)
        opt = lib.optim.Adam([w])
        opt.register_step_pre_hook(lambda o, a, k: seen.append("own pre"))
        opt.register_step_post_hook(lambda o, a, k: seen.append("own post"))
        module = importlib.import_module(lib.__name__ + ".optim.optimizer")
        handles = [module.register_optimizer_step_pre_hook(lambda o, a, k: seen.append(type(o).__name__)),
                   module.register_optimizer_step_post_hook(lambda o, a, k: seen.append("global post"))]
        try:
            opt.step()
            lib.optim.SGD([w], lr=0.1).step()
        finally:
            for h in handles:
                h.remove()
        opt.step()
        return seen
    same(fn)


def test_state_dict_and_load_hooks():
    def fn(lib):
        seen = []
        w = lib.ones(2, requires_grad=True)
        opt = lib.optim.SGD([w], lr=0.5)
        opt.register_state_dict_pre_hook(lambda o: seen.append("pre"))
        opt.register_state_dict_pre_hook(lambda o: seen.append("pre, prepended"), prepend=True)
        opt.register_state_dict_post_hook(lambda o, sd: {**sd, "extra": 1})
        opt.register_state_dict_post_hook(lambda o, sd: seen.append(sorted(sd)), prepend=False)
        sd = opt.state_dict()
        opt.register_load_state_dict_pre_hook(lambda o, sd: seen.append(("load pre", sorted(sd))))
        opt.register_load_state_dict_post_hook(lambda o: seen.append(("load post", o.param_groups[0]["lr"])))
        sd["param_groups"][0]["lr"] = 0.25
        opt.load_state_dict(sd)
        return seen
    same(fn)


NAMES = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam", "ASGD", "Rprop",
         "LBFGS"]


@pytest.mark.parametrize("name", NAMES)
def test_repr_and_defaults_match_torch(name):
    def show(lib):
        lib.manual_seed(0)
        opt = getattr(lib.optim, name)(lib.nn.Linear(3, 2).parameters(), lr=0.1)
        return repr(opt), list(opt.defaults.items()), list(opt.param_groups[0])
    same(show)


BAD = [
    ("SGD", dict(lr=-1)), ("SGD", dict(lr=0.1, momentum=-0.5)), ("SGD", dict(lr=0.1, weight_decay=-1e-3)),
    ("SGD", dict(lr=0.1, nesterov=True)), ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True)),
    ("Adam", dict(lr=-0.1)), ("Adam", dict(eps=-1.0)), ("Adam", dict(betas=(1.0, 0.9))),
    ("Adam", dict(betas=(0.9, -0.1))), ("Adam", dict(weight_decay=-1)), ("Adam", dict(lr=float("nan"))),
    ("AdamW", dict(betas=(0.9, 1.5))), ("RMSprop", dict(alpha=-0.5)), ("RMSprop", dict(momentum=-1)),
    ("Adagrad", dict(lr_decay=-1)), ("Adagrad", dict(initial_accumulator_value=-1)), ("Adagrad", dict(eps=-1)),
    ("Adadelta", dict(rho=1.5)), ("Adamax", dict(betas=(0.9, 1.0))), ("NAdam", dict(momentum_decay=-1)),
    ("RAdam", dict(weight_decay=-2)), ("ASGD", dict(lr=-2)), ("Rprop", dict(etas=(1.5, 1.2))),
    ("Rprop", dict(etas=(0.5, 0.9))), ("LBFGS", dict(lr=-1)),
]


@pytest.mark.parametrize("name,kwargs", BAD, ids=[f"{n}-{k}" for n, k in BAD])
def test_constructor_errors_match_torch(name, kwargs):
    raises_same(lambda lib: getattr(lib.optim, name)([lib.ones(1, requires_grad=True)], **kwargs))


@pytest.mark.parametrize("make", [
    lambda lib: lib.optim.SGD([], lr=0.1),
    lambda lib: lib.optim.SGD(lib.ones(1, requires_grad=True), lr=0.1),
    lambda lib: lib.optim.LBFGS([{"params": [lib.ones(1, requires_grad=True)]},
                                 {"params": [lib.ones(1, requires_grad=True)]}]),
], ids=["empty", "tensor_not_iterable", "lbfgs groups"])
def test_param_list_errors_match_torch(make):
    raises_same(make)


def test_sgd_nan_lr_accepted_as_in_torch():
    """SGD tests ``lr < 0`` (NaN passes); the others test ``not 0 <= lr``."""
    same(lambda lib: lib.optim.SGD([lib.ones(1, requires_grad=True)], lr=float("nan")).defaults["lr"] != 0)


def lbfgs_run(lib, line_search_fn, history_size, steps=3):
    """float64 least squares with a quartic penalty (convex, so both libraries follow the same path):
    losses returned and evaluated, end point, and the optimizer's counters."""
    rng = np.random.default_rng(3)
    X, target = lib.tensor(rng.standard_normal((20, 6))), lib.tensor(rng.standard_normal(20))
    w = lib.zeros(6, dtype=lib.float64, requires_grad=True)
    b = lib.tensor(0.5, dtype=lib.float64, requires_grad=True)
    unused = lib.ones(2, dtype=lib.float64, requires_grad=True)
    opt = lib.optim.LBFGS([w, b, unused], lr=0.8, history_size=history_size, max_iter=8,
                          line_search_fn=line_search_fn)
    calls = []

    def closure():
        opt.zero_grad()
        loss = ((X @ w + b - target) ** 2).mean() + 0.1 * (w ** 4).sum()
        loss.backward()
        calls.append(loss.detach().item())
        return loss

    returned = [opt.step(closure).item() for _ in range(steps)]
    state = opt.state[w]
    return (returned, calls, w.detach().clone(), b.detach().clone(), unused.detach().clone(),
            state["func_evals"], state["n_iter"], sorted(state), len(state["old_dirs"]))


@pytest.mark.parametrize("line_search_fn,history_size", [(None, 100), ("strong_wolfe", 100), ("strong_wolfe", 3)])
def test_lbfgs_matches_torch(line_search_fn, history_size):
    """The same losses, evaluations, iterations, state keys and end point (dot products may sum
    in another order: compared to 1e-10)."""
    ours, theirs = (lbfgs_run(lib, line_search_fn, history_size) for lib in (al, torch))
    assert ours[5:] == theirs[5:]
    assert len(ours[1]) == len(theirs[1])
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-10)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-10)
    for a, b in zip(ours[2:5], theirs[2:5]):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-10, atol=1e-12)
    assert theirs[1][-1] < 0.6 * theirs[1][0]  # it minimizes


def test_lbfgs_unknown_line_search():
    def fn(lib):
        x = lib.ones(2, requires_grad=True)
        opt = lib.optim.LBFGS([x], line_search_fn="armijo")

        def closure():
            opt.zero_grad()
            loss = (x * x).sum()
            loss.backward()
            return loss
        opt.step(closure)
    raises_same(fn)


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
            losses.append(loss.detach().item())
    return np.array(losses)


@pytest.mark.parametrize("optimizer", [
    lambda lib, p: lib.optim.SGD(p, lr=0.1, momentum=0.9),
    lambda lib, p: lib.optim.Adam(p, lr=1e-3),
    lambda lib, p: lib.optim.NAdam(p),
    lambda lib, p: lib.optim.Adagrad(p, lr=0.05),
], ids=["SGD", "Adam", "NAdam", "Adagrad"])
def test_training_run_matches_torch(optimizer):
    a, t = train(al, optimizer), train(torch, optimizer)
    assert len(a) == 24
    assert t[-1] < t[0]  # it learns
    np.testing.assert_allclose(a, t, rtol=2e-6)


@pytest.mark.parametrize("averaging", ["swa", "ema multi", "ema", "swa multi", "buffers"])
def test_averaged_model(averaging, monkeypatch):
    """optim.swa_utils.AveragedModel over five updates (with SWALR stepping): the averaged
    parameters and buffers bit for bit, ``n_averaged``, state_dict keys, repr and rates as PyTorch's."""
    def run(lib):
        u = lib.optim.swa_utils
        kwargs = {"swa": {}, "ema multi": {"multi_avg_fn": u.get_ema_multi_avg_fn(0.9)},
                  "ema": {"avg_fn": u.get_ema_avg_fn(0.8)}, "swa multi": {"multi_avg_fn": u.get_swa_multi_avg_fn()},
                  "buffers": {"use_buffers": True, "multi_avg_fn": u.get_ema_multi_avg_fn(0.5)}}[averaging]
        lib.manual_seed(0)
        model = lib.nn.Sequential(lib.nn.Linear(4, 3), lib.nn.BatchNorm1d(3), lib.nn.Linear(3, 1))
        averaged = u.AveragedModel(model, **kwargs)
        opt = lib.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        sched = u.SWALR(opt, swa_lr=0.05, anneal_epochs=3)
        x = lib.tensor(np.linspace(-1, 1, 24, dtype=np.float32).reshape(6, 4))
        lrs = []
        for k in range(5):
            model(x)  # (training mode: BatchNorm's running statistics move)
            with lib.no_grad():  # (new values, the same in both libraries: the averaging alone is compared)
                for p in itertools.chain(model.parameters(), model.buffers()):
                    if p.is_floating_point():
                        p.copy_(lib.tensor(np.cos(np.arange(p.numel()) * 0.7 + k).astype(np.float32)).reshape(p.shape))
            opt.step()
            averaged.update_parameters(model)
            sched.step()
            lrs.append(sched.get_last_lr())
        return ([p.detach().numpy().copy() for p in averaged.parameters()],
                [b.detach().numpy().copy() for b in averaged.buffers()], averaged.n_averaged.item(),
                list(averaged.state_dict()), repr(averaged), lrs, averaged(x).detach().numpy())
    ours, theirs = run(al), run(torch)
    for a, b in zip(ours[0] + ours[1], theirs[0] + theirs[1]):
        np.testing.assert_array_equal(a, b)
    assert ours[2:6] == theirs[2:6]
    np.testing.assert_allclose(ours[6], theirs[6], rtol=1e-5, atol=1e-6)  # (its forward: the same model)


@pytest.mark.parametrize("make", [
    lambda lib, o: lib.optim.swa_utils.SWALR(o, swa_lr=0.1, anneal_strategy="exp"),
    lambda lib, o: lib.optim.swa_utils.SWALR(o, swa_lr=0.1, anneal_epochs=-1),
    lambda lib, o: lib.optim.swa_utils.SWALR(o, swa_lr=[0.1, 0.2]),
    lambda lib, o: lib.optim.swa_utils.get_ema_multi_avg_fn(1.5),
    lambda lib, o: lib.optim.swa_utils.AveragedModel(lib.nn.Linear(1, 1), avg_fn=print, multi_avg_fn=print),
], ids=["strategy", "epochs", "swa_lrs", "decay", "two fns"])
def test_swa_errors(make):
    raises_same(lambda lib: make(lib, lib.optim.SGD([lib.ones(1, requires_grad=True)], lr=0.5)))


def test_swalr_linear_state_dict_round_trip():
    def run(lib):
        opt = lib.optim.SGD([lib.ones(1, requires_grad=True)], lr=0.5)
        s = lib.optim.swa_utils.SWALR(opt, swa_lr=0.01, anneal_epochs=4, anneal_strategy="linear")
        rates = []
        for _ in range(3):
            opt.step()
            s.step()
            rates.append(s.get_last_lr())
        state = s.state_dict()
        s2 = lib.optim.swa_utils.SWALR(opt, swa_lr=0.2)
        s2.load_state_dict(state)
        for _ in range(4):
            opt.step()
            s2.step()
            rates.append(s2.get_last_lr())
        return rates, sorted(state)
    assert run(al) == run(torch)


def test_lbfgs_step_warns_as_torch():
    """No "Converting a tensor with requires_grad=True to a scalar" warning from LBFGS's own
    ``float(loss)``: it runs under no_grad, where PyTorch is silent. (The warning itself, with grad
    on, is PyTorch's warn-once: comparing it here would depend on the tests run before.)"""
    def fn(lib):
        x = lib.ones(2, requires_grad=True)
        opt = lib.optim.LBFGS([x], max_iter=3, line_search_fn="strong_wolfe")

        def closure():
            opt.zero_grad()
            loss = ((x - 3) ** 2).sum()
            loss.backward()
            return loss
        opt.step(closure)
    for lib in (al, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fn(lib)
        assert [str(w.message) for w in caught] == [], lib.__name__
