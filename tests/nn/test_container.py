"""autograd_lite/nn/container.py against PyTorch: ModuleDict, ParameterList, ParameterDict
(registration order, indexing, printed form, state dicts, errors)."""
from collections import OrderedDict

import pytest

torch = pytest.importorskip("torch")
from harness import raises_same, same  # noqa: E402


def _names(m):
    return [n for n, _ in m.named_parameters()], list(m.state_dict())


def test_module_dict_keeps_insertion_order():
    def run(lib):
        nn = lib.nn
        md = nn.ModuleDict({"b": nn.Linear(2, 3), "a": nn.ReLU()})
        md.update([("c", nn.Linear(3, 1))])
        md.update(OrderedDict(e=nn.Tanh()))
        md["d"] = nn.Linear(1, 1, bias=False)
        popped = md.pop("e")
        del md["a"]
        return [repr(md), list(md), list(md.keys()), len(md), "a" in md, "c" in md, repr(popped),
                [type(m).__name__ for m in md.values()], [k for k, _ in md.items()], _names(md)]

    same(run)


def test_parameter_list_wraps_tensors_and_prints_sizes():
    def run(lib):
        nn = lib.nn
        pl = nn.ParameterList([nn.Parameter(lib.ones(2, 3)), lib.zeros(4)])
        pl.append(lib.ones(1, dtype=lib.float64))
        pl += [lib.ones(2, 2)]
        pl[1] = lib.full((5,), 2.0)
        single = nn.ParameterList([nn.Parameter(lib.ones(1))])
        return [repr(pl), repr(single), repr(nn.ParameterList()), _names(pl), type(pl[1]).__name__, pl[-1],
                [p.shape for p in pl], len(pl[1:]), repr(pl[::2]), pl[1].requires_grad]

    same(run)


def test_parameter_dict_sorts_a_plain_dict_and_keeps_other_orders():
    def run(lib):
        nn = lib.nn
        pd = nn.ParameterDict({"w": lib.ones(2), "a": nn.Parameter(lib.zeros(3, dtype=lib.float64))})
        pd["z"] = lib.ones(1)
        pd.update(OrderedDict([("y", lib.ones(2, 2)), ("b", lib.zeros(1))]))
        last = pd.popitem()
        merged = pd | nn.ParameterDict(OrderedDict(q=lib.ones(1)))
        return [repr(pd), list(pd), list(reversed(pd)), last[0], _names(pd), pd.get("nope", 7), "w" in pd,
                pd.setdefault("w").shape, list(merged), repr(pd.copy()), len(pd)]

    same(run)


def test_containers_inside_a_model():
    def run(lib):
        nn = lib.nn
        lib.manual_seed(0)

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.heads = nn.ModuleDict({"cls": nn.Linear(4, 3), "box": nn.Linear(4, 2)})
                self.scales = nn.ParameterList([nn.Parameter(lib.ones(3)), nn.Parameter(lib.ones(2))])
                self.extra = nn.ParameterDict({"t": lib.zeros(1)})

            def forward(self, x):
                return [self.heads[k](x) * s for k, s in zip(self.heads, self.scales)]

        net = Net()
        outs = net(lib.ones(2, 4))
        sum(o.sum() for o in outs).backward()
        return [repr(net), _names(net), outs, [p.grad for p in net.parameters()]]

    same(run)


@pytest.mark.parametrize("bad", [
    lambda nn, lib: nn.ModuleDict({"a": nn.ReLU()})["zz"],
    lambda nn, lib: nn.ModuleDict(3),
    lambda nn, lib: nn.ModuleDict([("a",)]),
    lambda nn, lib: nn.ModuleDict([3]),
    lambda nn, lib: nn.ModuleDict({"a": nn.ReLU()})(1),
    lambda nn, lib: nn.ModuleDict({"a.b": nn.ReLU()}),
    lambda nn, lib: nn.ParameterList([lib.ones(1)])[5],
    lambda nn, lib: nn.ParameterList([lib.ones(1)])(),
    lambda nn, lib: nn.ParameterList().extend(lib.ones(2)),
    lambda nn, lib: nn.ParameterList([lib.ones(2, dtype=lib.int64)]),
    lambda nn, lib: nn.ParameterDict()[3],
    lambda nn, lib: nn.ParameterDict([1]),
    lambda nn, lib: nn.ParameterDict(5),
    lambda nn, lib: nn.ParameterDict()(1),
    lambda nn, lib: nn.ParameterDict().popitem(),
    lambda nn, lib: nn.ParameterDict()["missing"],
], ids=["md-key", "md-int", "md-short-pair", "md-not-iterable", "md-call", "md-dot", "pl-index", "pl-call",
        "pl-extend-tensor", "pl-int-tensor", "pd-int-key", "pd-element", "pd-int", "pd-call", "pd-popitem",
        "pd-missing"])
def test_container_misuse_raises_as_torch(bad):
    raises_same(lambda lib: bad(lib.nn, lib))
