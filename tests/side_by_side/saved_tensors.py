"""What autograd saves (grad_fn._saved_*), torch.autograd.graph hooks; run with the library name as argument."""
import sys
import warnings

warnings.simplefilter("ignore")
torch = __import__(sys.argv[1])


def show(label, f):
    try:
        print(label, "->", f())
    except Exception as e:
        print(label, "!!", type(e).__name__, str(e))


a = torch.tensor([1.0, 2.0], requires_grad=True)
b = torch.tensor([3.0, 4.0], requires_grad=True)
y = a * b
show("mul saved", lambda: (y.grad_fn._saved_self is a, y.grad_fn._saved_other is b))
show("raw", lambda: type(y.grad_fn._raw_saved_self).__name__)
e = a.exp()
show("exp saved result", lambda: (e.grad_fn._saved_result, e.grad_fn._saved_result.equal(e)))
m = torch.ones(2, 3, requires_grad=True).mm(torch.ones(3, 1, requires_grad=True))
show("mm saved", lambda: (m.grad_fn._saved_self.shape, m.grad_fn._saved_mat2.shape))
show("unknown", lambda: y.grad_fn._saved_banana)
y.sum().backward()
show("after backward", lambda: y.grad_fn._saved_self)


def pack(x):
    print("packing", x)
    return x


def unpack(x):
    print("unpacking", x)
    return x


with torch.autograd.graph.saved_tensors_hooks(pack, unpack):
    z = a * b
z.sum().backward()
show("grads with hooks", lambda: (a.grad, b.grad))

with torch.autograd.graph.saved_tensors_hooks(lambda x: x.detach().numpy().copy(), lambda x: torch.from_numpy(x)):
    w = (a * b).sin()
a.grad = None
w.sum().backward()
show("numpy round trip", lambda: a.grad)

with torch.autograd.graph.save_on_cpu():
    w = (a ** 2).exp()
a.grad = None
w.sum().backward()
show("save_on_cpu", lambda: a.grad)

y = a.pow(2)
y.grad_fn._raw_saved_self.register_hooks(lambda x: x * 10, lambda x: x)
a.grad = None
y.sum().backward()
show("raw register_hooks", lambda: a.grad)

seen = []
h = torch.autograd.graph.register_multi_grad_hook((a, b), lambda grads: seen.append([g is not None for g in grads]))
(a * 2).sum().backward()
(a * b).sum().backward()
show("multi grad hook", lambda: seen)
h.remove()
(a * b).sum().backward()
show("removed", lambda: seen)
order = []
h = torch.autograd.graph.register_multi_grad_hook((a, b), lambda g: order.append(g.shape), mode="any")
(a * b).sum().backward()
show("any", lambda: order)
