"""torch.autograd.graph.register_multi_grad_hook: when fn runs (mode "all": once every gradient
this pass computes has arrived; mode "any": at the first), in order with the other hooks; run
with the library name as argument."""
import sys
import warnings

warnings.simplefilter("ignore")
torch = __import__(sys.argv[1])

a = torch.tensor([1.0, 2.0], requires_grad=True)
b = torch.tensor([3.0, 4.0], requires_grad=True)
c = torch.tensor([5.0], requires_grad=True)
x = a * 2
y = b * 3
x.register_hook(lambda g: print("x hook"))
y.register_hook(lambda g: print("y hook"))
torch.autograd.graph.register_multi_grad_hook(
    (x, y, c), lambda gs: print("all:", type(gs).__name__, [g is not None for g in gs]))
torch.autograd.graph.register_multi_grad_hook((x, y), lambda g: print("any:", g), mode="any")
a.register_hook(lambda g: print("a hook"))
b.register_hook(lambda g: print("b hook"))
c.register_hook(lambda g: print("c hook"))

print("-- inputs=[a]")
z = (x.exp() * 2).sum() + y.sum()
z.register_hook(lambda g: print("z hook"))
torch.autograd.backward(z, inputs=[a], retain_graph=True)
print("-- everything")
z.backward(retain_graph=True)
print("-- x * y")
z = (x * y).sum()
z.backward(retain_graph=True)
print("-- autograd.grad w.r.t. x")
torch.autograd.grad(z, [x], retain_graph=True)
print("-- only y")
y.sum().backward(retain_graph=True)
print("-- with c")
(x.sum() * c + y.sum()).sum().backward()
print("-- none of them")
(a * 2).sum().backward()
print("-- leaves")
torch.autograd.graph.register_multi_grad_hook((a, b), lambda gs: print("leaves all:", [g for g in gs]))
torch.autograd.graph.register_multi_grad_hook((a, b), lambda g: print("leaves any:", g), mode="any")
(a * b).sum().backward()
print("-- bad mode")
try:
    torch.autograd.graph.register_multi_grad_hook((a, b), print, mode="some")
except Exception as e:
    print(type(e).__name__, e)
