"""autograd_lite/nn/module.py against PyTorch: Module's bookkeeping, Sequential, ModuleList, state dicts."""
from collections import OrderedDict

import numpy as np
import pytest

torch = pytest.importorskip("torch")
import autograd_lite as al  # noqa: E402
from harness import LIBS, raises_same, same  # noqa: E402


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
    makers = (
        lambda nn: nn.Sequential(nn.Linear(3, 1), nn.Flatten(0, 1)),
        lambda nn: nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Sigmoid(), nn.Tanh(), nn.Identity(),
                                 nn.Softmax(dim=1), nn.LogSoftmax(1), nn.Flatten()),
        lambda nn: nn.Sequential(nn.Sequential(nn.Linear(2, 2, bias=False)), nn.ReLU(inplace=True)),
        lambda nn: nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2), nn.Linear(2, 2), nn.ReLU()]),
        lambda nn: nn.ModuleList(),
        lambda nn: nn.MSELoss(), lambda nn: nn.CrossEntropyLoss(), lambda nn: nn.Module(),
    )
    same(lambda lib: [repr(make(lib.nn)) for make in makers] + [repr(build_mlp(lib))])
    assert repr(build_mlp(al)) == ("MLP(\n  (fc1): Linear(in_features=4, out_features=5, bias=True)\n  (act): Tanh()\n"
                                   "  (fc2): Linear(in_features=5, out_features=3, bias=False)\n)")


def test_named_parameters_modules_children():
    def names(lib):
        lib.manual_seed(0)
        seq = lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.ReLU(), lib.nn.Linear(3, 1))
        shared = lib.nn.Linear(2, 2)
        return ([n for n, _ in build_mlp(lib).named_parameters()], [n for n, _ in seq.named_parameters()],
                [n for n, _ in seq.named_modules()], [type(m).__name__ for m in seq.children()],
                [n for n, _ in build_mlp(lib).named_buffers()],
                len(list(lib.nn.Sequential(shared, shared).parameters())))  # a shared layer is listed once

    got = same(names)
    assert got[1][1][0][1] == ["fc1.weight", "fc1.bias", "fc2.weight"]


def test_sequential_indexing():
    def index(lib):
        seq = lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.ReLU(), lib.nn.Linear(3, 1))
        ml = lib.nn.ModuleList([lib.nn.ReLU()])
        ml.append(lib.nn.Linear(1, 1))
        return (type(seq[0]).__name__, type(seq[-1]).__name__, len(seq), repr(seq[1:]),  # a slice keeps names (1), (2)
                [type(m).__name__ for m in seq], len(ml), len(list(ml.parameters())))

    same(index)
    raises_same(lambda lib: lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.ReLU(), lib.nn.Linear(3, 1))[3])


def test_setattr_getattr_delattr():
    def assign_tensor(lib):
        lib.nn.Linear(2, 2).weight = lib.ones(2, 2)

    raises_same(assign_tensor)
    raises_same(lambda lib: lib.nn.Linear(2, 2).nope)

    def edit(lib):
        m = lib.nn.Linear(2, 2)
        found = m.weight is m._parameters["weight"]
        del m.bias
        before = [n for n, _ in m.named_parameters()]
        m.extra = lib.nn.Parameter(lib.zeros(1))
        return found, before, [n for n, _ in m.named_parameters()]

    assert same(edit)[1] == ("tuple", [True, ("list", ["weight"]), ("list", ["weight", "extra"])])


def test_train_eval_apply_requires_grad():
    def modes(lib):
        m = build_mlp(lib)
        out = [m.training, m.fc1.training]
        m.eval()
        out += [m.training, m.fc1.training]
        m.train()
        out.append(m.fc2.training)
        seen = []
        m.apply(lambda mod: seen.append(type(mod).__name__))
        m.requires_grad_(False)
        return out, seen, [p.requires_grad for p in m.parameters()]

    assert same(modes)[1][1][1] == ("list", ["Linear", "Tanh", "Linear", "MLP"])


def test_to_double_float():
    def convert(lib):
        m = lib.nn.Linear(2, 3)
        w = m.weight
        m.double()
        out = [m.weight is w, m.weight.dtype == lib.float64, m.bias.dtype == lib.float64]
        m.to(lib.float32)
        return out + [m.weight.dtype == lib.float32, m.weight.requires_grad]

    assert same(convert) == ("returned", ("list", [True] * 5))


def test_zero_grad_set_to_none():
    def zero(lib):
        m = lib.nn.Linear(3, 2)
        m(lib.ones(4, 3)).sum().backward()
        g = m.weight.grad
        m.zero_grad(set_to_none=False)
        kept = m.weight.grad is g and not g.any()
        m.zero_grad()
        return kept, m.weight.grad, m.bias.grad

    assert same(zero) == ("returned", ("tuple", [True, None, None]))


def test_state_dict_round_trip():
    al.manual_seed(1)
    a = build_mlp(al)
    sd = a.state_dict()
    assert isinstance(sd, OrderedDict)
    assert list(sd) == list(build_mlp(torch).state_dict()) == ["running", "fc1.weight", "fc1.bias", "fc2.weight"]
    assert all(not v.requires_grad for v in sd.values())
    al.manual_seed(2)
    b = build_mlp(al)
    assert not np.array_equal(b.fc1.weight.detach().numpy(), a.fc1.weight.detach().numpy())
    result = b.load_state_dict(sd)
    assert repr(result) == "<All keys matched successfully>"
    for (na, pa), (nb, pb) in zip(a.named_parameters(), b.named_parameters()):
        np.testing.assert_array_equal(pa.detach().numpy(), pb.detach().numpy())
    assert b.fc1.weight.requires_grad and b.fc1.weight.is_leaf


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

    raises_same(missing_unexpected)
    raises_same(size_mismatch)
    for lib in LIBS:
        m = lib.nn.Linear(2, 2)
        res = m.load_state_dict({"weight": lib.ones(2, 2), "x": lib.zeros(1)}, strict=False)
        assert res.missing_keys == ["bias"] and res.unexpected_keys == ["x"]
        assert m.weight.sum().item() == 4.0


@pytest.mark.parametrize("edit", ["n.insert(-1, nn.ReLU())", "n.insert(0, nn.Tanh())", "n.insert(2, nn.Tanh())",
                                  "n.insert(3, nn.Tanh())", "n.extend(nn.Sequential(nn.Sigmoid()))", "n.pop(0)",
                                  "n + nn.Sequential(nn.Sigmoid())", "n + 3", "n.insert(-3, nn.Tanh())"])
def test_sequential_editing(edit):
    """Sequential.insert / extend / pop / + (the Sequential docstring's examples): the modules
    end up in PyTorch's order under PyTorch's names, and misuse raises PyTorch's error."""
    def run(lib):
        nn = lib.nn
        n = nn.Sequential(nn.Linear(1, 2), nn.Linear(2, 3))
        try:
            out = eval(edit)
        except (IndexError, ValueError) as e:
            return type(e).__name__, str(e)
        return out is n, [type(m).__name__ for m in (out if isinstance(out, nn.Sequential) else n)], list(n._modules)

    assert run(al) == run(torch)


def test_replacing_a_parameter_or_submodule_keeps_its_place():
    def run(lib):
        nn = lib.nn
        m = nn.Linear(2, 3)
        m.weight = nn.Parameter(lib.ones(3, 2))
        s = nn.Sequential(nn.Linear(1, 1), nn.ReLU())
        s[0] = nn.Tanh()
        return [n for n, _ in m.named_parameters()], list(m.state_dict()), repr(s)

    same(run)
