"""Hook order and hook results as PyTorch checks them; run with the library name as argument."""
import sys
import warnings
warnings.simplefilter("ignore")
torch = __import__(sys.argv[1])
def show(label, f):
    try: print(label, "->", f())
    except Exception as e: print(label, "!!", type(e).__name__, str(e))
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 3
seen = []
y.register_hook(lambda g: g * 10)
y.grad_fn.register_prehook(lambda gs: seen.append(gs[0].tolist()))
show("bw", lambda: y.sum().backward())
show("pre-hook saw", lambda: (seen, x.grad))
x.grad = None
y = x * 3
y.grad_fn.register_hook(lambda gi, go: (gi[0] + 1, None))
y.sum().backward()
show("post-hook replaces", lambda: x.grad)
for label, ret in [("wrong count", lambda gs: (gs[0], gs[0])), ("bare tensor", lambda gs: gs[0]), ("list", lambda gs: [gs[0]*2])]:
    y = x * 3
    y.grad_fn.register_prehook(ret)
    show("pre-hook " + label, lambda: torch.autograd.grad(y.sum(), x))
for label, ret in [("wrong count", lambda gi, go: (gi[0],)), ("bare tensor", lambda gi, go: gi[0])]:
    y = x * 3
    y.grad_fn.register_hook(ret)
    show("post-hook " + label, lambda: torch.autograd.grad(y.sum(), x))
for label, h in [("shape", lambda g: g.sum()), ("dtype", lambda g: g.double()), ("non-tensor", lambda g: 3)]:
    y = x * 3
    y.register_hook(h)
    show("tensor hook " + label, lambda: torch.autograd.grad(y.sum(), x))
    z = torch.tensor([1.0, 2.0], requires_grad=True)
    z.register_hook(h)
    show("leaf hook " + label, lambda: (z * 2).sum().backward())
z = torch.tensor([1.0, 2.0], requires_grad=True)
z.register_post_accumulate_grad_hook(lambda t: print("post acc", t.grad))
(z * 2).sum().backward()
show("post acc on nonleaf", lambda: (z*2).register_post_accumulate_grad_hook(lambda t: None))
y = x * 3
y.grad_fn.metadata["tag"] = 1
show("metadata", lambda: (y.grad_fn.metadata, y.grad_fn.name(), isinstance(y.grad_fn, torch.autograd.graph.Node)))
