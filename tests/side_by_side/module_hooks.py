"""nn.Module forward, forward-pre and full backward hooks; run with the library name as argument."""
import sys
import warnings

warnings.simplefilter("ignore")
torch = __import__(sys.argv[1])
nn = torch.nn


def show(label, f):
    try:
        print(label, "->", f())
    except Exception as e:
        print(label, "!!", type(e).__name__, str(e))


torch.manual_seed(0)
lin = nn.Linear(3, 2)
x = torch.randn(4, 3, requires_grad=True)


def pre(module, args):
    print("pre", type(module).__name__, [a.shape for a in args])


def double_input(module, args):
    return args[0] * 2


def fwd(module, args, output):
    print("forward", [a.shape for a in args], output.shape)


def add_one(module, args, output):
    return output + 1


def bwd(module, grad_input, grad_output):
    print("backward", [None if g is None else g.shape for g in grad_input], [g.shape for g in grad_output])
    print("  grad_output", grad_output[0])


h1 = lin.register_forward_pre_hook(pre)
h2 = lin.register_forward_hook(fwd)
h3 = lin.register_full_backward_hook(bwd)
y = lin(x)
show("output", lambda: (y.shape, y.grad_fn.name()))
y.sum().backward()
show("x.grad", lambda: x.grad)
for h in (h1, h2, h3):
    h.remove()
y = lin(x)
y.sum().backward()
print("removed: no prints above")
h = lin.register_forward_pre_hook(double_input)
show("pre-hook replaces input", lambda: torch.allclose(lin(x), (2 * x) @ lin.weight.T + lin.bias))
h.remove()
h = lin.register_forward_hook(add_one)
show("forward hook replaces output", lambda: torch.allclose(lin(x), x @ lin.weight.T + lin.bias + 1))
h.remove()


def scale_grad(module, grad_input, grad_output):
    return (grad_input[0] * 10,)


x.grad = None
h = lin.register_full_backward_hook(scale_grad)
lin(x).sum().backward()
show("backward hook replaces grad_input", lambda: x.grad)
h.remove()
x2 = torch.randn(2, 3)  # no input requires grad: grad_input is (None,)
h = lin.register_full_backward_hook(bwd)
lin(x2).sum().backward()
h.remove()
seq = nn.Sequential(nn.Linear(3, 3), nn.ReLU(), nn.Linear(3, 1))
acts = {}
for name, m in seq.named_children():
    m.register_forward_hook(lambda mod, inp, out, name=name: acts.__setitem__(name, out.detach()))
seq(x)
show("activations", lambda: {k: v.shape for k, v in acts.items()})
order = nn.Identity() if hasattr(nn, "Identity") else nn.ReLU()
order.register_forward_hook(lambda m, a, o: print("first registered"))
order.register_forward_hook(lambda m, a, o: print("prepended"), prepend=True)
order(x)


class Scaled(nn.Module):
    def forward(self, x, scale=1.0):
        return x * scale


s = Scaled()
s.register_forward_pre_hook(lambda m, args, kwargs: (args, {"scale": kwargs.get("scale", 1.0) * 2}), with_kwargs=True)
s.register_forward_hook(lambda m, args, kwargs, out: print("kwargs seen:", kwargs) or out + 1, with_kwargs=True)
show("with_kwargs", lambda: s(torch.ones(2), scale=3.0))
