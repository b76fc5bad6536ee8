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
    "torch_group_norm": lambda L, x, w, b: L.group_norm(x, 2, w, b),
    "torch_rms_norm": lambda L, x, w, b: L.rms_norm(x, [3]),
}


@pytest.mark.parametrize("name", list(NORMS))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_norm(name, dtype):
    compare(NORMS[name], *_xwb(dtype), check_repr=False, rtol=1e-4 if dtype == np.float32 else None)


# group_norm's second order: PyTorch records NativeGroupNormBackwardBackward0, here the ops of its formula;
# rms_norm's second order records the same nodes in another order (values agree at both orders)
@pytest.mark.parametrize("name", [n for n in NORMS if "group_norm" not in n])
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
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors(name):
    compare_error(ERRORS[name], _xwb(np.float32)[0])
