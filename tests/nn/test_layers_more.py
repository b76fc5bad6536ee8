"""nn/layers_more.py's normalisation layers and ops/normalization_more.py against PyTorch: values,
graphs, gradients (second order where the graph is PyTorch's), running statistics, reprs and errors;
and the nn.init functions added with them, draw for draw after the same seed."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import autograd_lite  # noqa: E402
from harness import compare, compare_error, compare_orders, rng, same  # noqa: E402


def _xwb(dtype=np.float64, shape=(2, 4, 3, 3)):
    r = rng(0)
    return [r.standard_normal(shape).astype(dtype) * 2 + 1, r.standard_normal(shape[1]).astype(dtype),
            r.standard_normal(shape[1]).astype(dtype)]


NORMS = {
    "group_norm": lambda L, x, w, b: L.nn.functional.group_norm(x, 2, w, b),
    "group_norm_plain": lambda L, x, w, b: L.nn.functional.group_norm(x, 4),
    "group_norm_one_group": lambda L, x, w, b: L.nn.functional.group_norm(x, 1, w, None, eps=1e-3),
    "group_norm_2d": lambda L, x, w, b: L.nn.functional.group_norm(x.flatten(2), 2, w, None),
    "instance_norm": lambda L, x, w, b: L.nn.functional.instance_norm(x),
    "instance_norm_affine": lambda L, x, w, b: L.nn.functional.instance_norm(x, weight=w, bias=b, eps=1e-3),
    "instance_norm_1d": lambda L, x, w, b: L.nn.functional.instance_norm(x.flatten(2), weight=w, bias=b),
    "rms_norm": lambda L, x, w, b: L.nn.functional.rms_norm(x, (3,)),
    "rms_norm_weight": lambda L, x, w, b: L.nn.functional.rms_norm(x, [3, 3], w[:3, None] * b[:3], eps=1e-3),
    "local_response_norm": lambda L, x, w, b: L.nn.functional.local_response_norm(x, 2),
    "local_response_norm_3d": lambda L, x, w, b: L.nn.functional.local_response_norm(x.flatten(2), 3, 0.1, 0.5, 2.0),
    "local_response_norm_5d": lambda L, x, w, b: L.nn.functional.local_response_norm(x.unsqueeze(-1), 4, alpha=1.0),
    "torch_group_norm": lambda L, x, w, b: L.group_norm(x, 2, w, b),
    "torch_rms_norm": lambda L, x, w, b: L.rms_norm(x, [3]),
}


@pytest.mark.parametrize("name", list(NORMS))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_norm(name, dtype):
    compare(NORMS[name], *_xwb(dtype), check_repr=False, rtol=1e-4 if dtype == np.float32 else None)


# group_norm's second order: PyTorch records NativeGroupNormBackwardBackward0, here the ops of its formula;
# rms_norm's second order records the same nodes in another order (values agree at both orders);
# local_response_norm's window mean is not PyTorch's avg_pool (test_norm checks its last nodes)
@pytest.mark.parametrize("name", [n for n in NORMS if "group_norm" not in n and "local" not in n])
def test_norm_higher_orders(name):
    compare_orders(NORMS[name], *_xwb(), order=1 if "rms_norm" in name else 2)


@pytest.mark.parametrize("name", [n for n in NORMS if "norm" in n])
def test_second_order_values(name):
    """Every norm's second derivatives (values only, where the graph differs)."""
    def second(L, x, w, b):
        out = NORMS[name](L, x, w, b)
        g, = L.autograd.grad((out * out.detach().cos()).sum(), x, create_graph=True)
        return g
    compare(second, *_xwb(), check_repr=False, depth=0)


def test_instance_norm_running_stats():
    """use_input_stats with running buffers: updated in place to the batch average, as PyTorch's."""
    def fn(L):
        x = L.tensor(_xwb()[0])
        rm, rv = L.zeros(4, dtype=L.float64), L.ones(4, dtype=L.float64)
        out = L.nn.functional.instance_norm(x, rm, rv, use_input_stats=True, momentum=0.3)
        ev = L.nn.functional.instance_norm(x, rm, rv, use_input_stats=False)
        return out, rm, rv, ev
    same(fn)


MODULES = {
    "GroupNorm": (lambda nn: nn.GroupNorm(2, 4), (2, 4, 3, 3)),
    "GroupNorm_noaffine": (lambda nn: nn.GroupNorm(4, 4, eps=1e-3, affine=False), (2, 4, 5)),
    "InstanceNorm1d": (lambda nn: nn.InstanceNorm1d(4), (2, 4, 5)),
    "InstanceNorm1d_unbatched": (lambda nn: nn.InstanceNorm1d(4, affine=True), (4, 5)),
    "InstanceNorm2d": (lambda nn: nn.InstanceNorm2d(4, affine=True), (2, 4, 3, 3)),
    "InstanceNorm2d_tracked": (lambda nn: nn.InstanceNorm2d(4, affine=True, track_running_stats=True), (2, 4, 3, 3)),
    "InstanceNorm3d": (lambda nn: nn.InstanceNorm3d(4, momentum=0.5, track_running_stats=True), (2, 4, 2, 2, 2)),
    "RMSNorm": (lambda nn: nn.RMSNorm(3), (2, 4, 3)),
    "RMSNorm_shape": (lambda nn: nn.RMSNorm([4, 3], eps=1e-5, elementwise_affine=False), (2, 4, 3)),
    "LocalResponseNorm": (lambda nn: nn.LocalResponseNorm(3, alpha=1e-2), (2, 4, 3, 3)),
}


@pytest.mark.parametrize("name", list(MODULES))
def test_module(name):
    """repr, parameters, buffers after a training step and an eval step, outputs and gradients."""
    make, shape = MODULES[name]
    x = rng(1).standard_normal(shape).astype(np.float32) * 3

    def fn(L):
        m = make(L.nn)
        a = L.tensor(x, requires_grad=True)
        out = m(a)
        (out * L.tensor(np.cos(np.arange(out.numel())).reshape(tuple(out.shape)).astype(np.float32))).sum().backward()
        m.eval()
        ev = m(a)
        return (repr(m), [(n, p, p.grad) for n, p in m.named_parameters()], list(m.named_buffers()), out, ev,
                a.grad, list(m.state_dict()))
    same(fn)


def test_instance_norm_feature_mismatch_warns():
    for L in (torch, autograd_lite):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            L.nn.InstanceNorm1d(3)(L.ones(2, 4, 5))
        assert [str(x.message) for x in w] == [
            "input's size at dim=1 does not match num_features. You can silence this warning by not passing in "
            "num_features, which is not used because affine=False"]
        assert w[0].filename.endswith("module.py")  # (stacklevel 2: the Module's __call__, as PyTorch's)


ERRORS = {
    "group_norm_1d": lambda L, x: L.nn.functional.group_norm(x[0, 0, 0], 1),
    "group_norm_groups": lambda L, x: L.nn.functional.group_norm(x, 3),
    "group_norm_one_value": lambda L, x: L.nn.functional.group_norm(x[:1, :, :1, :1], 4),
    "group_norm_module": lambda L, x: L.nn.GroupNorm(3, 4),
    "instance_norm_spatial": lambda L, x: L.nn.functional.instance_norm(x[:, :, :1, :1]),
    "instance_module_dims": lambda L, x: L.nn.InstanceNorm2d(4)(x[0, 0]),
    "instance_module_affine": lambda L, x: L.nn.InstanceNorm2d(3, affine=True)(x),
    "rms_norm_shape": lambda L, x: L.nn.functional.rms_norm(x, (4,)),
    "local_response_norm_2d": lambda L, x: L.nn.functional.local_response_norm(x[0, 0], 2),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors(name):
    compare_error(ERRORS[name], _xwb(np.float32)[0])


# --- nn.init and nn.utils additions ----------------------------------------------------------------

INITS = {
    "trunc_normal": lambda L, t: L.nn.init.trunc_normal_(t),
    "trunc_normal_std": lambda L, t: L.nn.init.trunc_normal_(t, mean=0.5, std=0.02, a=0.47, b=0.55),
    "trunc_normal_narrow": lambda L, t: L.nn.init.trunc_normal_(t, 0.0, 1.0, 1.0, 1.5),  # (p < 0.3: the other sampler)
    "trunc_normal_tail": lambda L, t: L.nn.init.trunc_normal_(t, 0.0, 1.0, -0.2, 0.2),
    "orthogonal": lambda L, t: L.nn.init.orthogonal_(t),
    "orthogonal_wide": lambda L, t: L.nn.init.orthogonal_(t.t(), gain=2.0),
    "orthogonal_conv": lambda L, t: L.nn.init.orthogonal_(t.view(4, 2, 3)),
    "eye": lambda L, t: L.nn.init.eye_(t),
    "eye_wide": lambda L, t: L.nn.init.eye_(t.t()),
    "dirac3": lambda L, t: L.nn.init.dirac_(t.view(4, 2, 3)),
    "dirac4": lambda L, t: L.nn.init.dirac_(t.view(6, 2, 2, 1), groups=2),
    "dirac5": lambda L, t: L.nn.init.dirac_(t.view(2, 3, 2, 2, 1)),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", list(INITS))
def test_init(name, dtype):
    """After the same seed, the same numbers (draw for draw), the same tensor returned, no graph."""
    def fn(L):
        L.manual_seed(7)
        t = L.nn.Parameter(L.empty(6, 4, dtype=getattr(L, dtype)))
        out = INITS[name](L, t)
        follow = L.rand(3)  # (the generator advanced by as many draws)
        return t, out.requires_grad, follow
    same(fn, rtol=1e-6 if name.startswith("orthogonal") else 1e-7, atol=1e-7 if dtype == "float32" else 1e-12)


def test_trunc_normal_large_and_generator():
    def fn(L):
        g = L.Generator().manual_seed(3)
        t = L.nn.init.trunc_normal_(L.empty(300, 40), std=0.5, a=-0.6, b=0.6, generator=g)
        return t, L.nn.init.trunc_normal_(L.empty(50), a=0.0, b=0.3, generator=g)
    same(fn, rtol=0, atol=0)


def test_trunc_normal_far_mean_warns():
    for L in (torch, autograd_lite):
        with pytest.warns(UserWarning, match="mean is more than 2 std from"):
            L.nn.init.trunc_normal_(L.empty(3), mean=10.0)


INIT_ERRORS = {
    "orthogonal_1d": lambda L: L.nn.init.orthogonal_(L.empty(3)),
    "eye_3d": lambda L: L.nn.init.eye_(L.empty(2, 2, 2)),
    "dirac_2d": lambda L: L.nn.init.dirac_(L.empty(2, 2)),
    "dirac_groups": lambda L: L.nn.init.dirac_(L.empty(3, 2, 2), groups=2),
    "vector_type": lambda L: L.nn.utils.vector_to_parameters([1.0], []),
}


@pytest.mark.parametrize("name", list(INIT_ERRORS))
def test_init_errors(name):
    compare_error(lambda L: INIT_ERRORS[name](L))


def test_vector_to_parameters_round_trip():
    def fn(L):
        L.manual_seed(0)
        m = L.nn.Sequential(L.nn.Linear(3, 2), L.nn.GroupNorm(1, 2))
        v = L.nn.utils.parameters_to_vector(m.parameters()).detach() * 2
        L.nn.utils.vector_to_parameters(v, m.parameters())
        v[0] = 100.0  # (the parameters are views of v)
        return [(n, p, p.is_leaf, p.requires_grad) for n, p in m.named_parameters()]
    same(fn)


@pytest.mark.parametrize("make", [lambda nn: nn.GroupNorm(2, 4), lambda nn: nn.RMSNorm(4), lambda nn: nn.PReLU(4, 0.3)])
def test_reset_parameters(make):
    def fn(L):
        m = make(L.nn)
        with L.no_grad():
            for p in m.parameters():
                p.add_(5.0)
        m.reset_parameters()
        return [(n, p) for n, p in m.named_parameters()]
    same(fn)
