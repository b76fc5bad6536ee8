"""clamp_min_/clamp_max_ and rsqrt_ node names, histogram with weight (PyTorch records a node
whose backward raises), norm keyword messages; run with the library name as argument."""
import sys
import warnings

warnings.simplefilter("ignore")
torch = __import__(sys.argv[1])
def show(l, f):
    try: print(l, "->", f())
    except Exception as e: print(l, "!!", type(e).__name__, e)
a = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
show("clamp_min_", lambda: (a * 1).clamp_min_(0.5))
show("clamp_max_", lambda: (a * 1).clamp_max_(0.5))
show("clamp_min", lambda: a.clamp_min(0.5))
show("clamp_max", lambda: a.clamp_max(0.5))
show("torch.clamp_min_", lambda: torch.clamp_min_(a * 1, 0.5))
show("clamp_ min", lambda: (a * 1).clamp_(min=0.5))
show("clamp_ both", lambda: (a * 1).clamp_(0.0, 0.5))
show("rsqrt", lambda: a.abs().rsqrt())
show("rsqrt_", lambda: (a.abs() + 1).rsqrt_())
show("torch.rsqrt_", lambda: torch.rsqrt_(a.abs() + 1))
x = (a.abs() + 1).rsqrt()
x.sum().backward()
show("rsqrt grad", lambda: a.grad)
h = torch.tensor([1.0, 2.0, 1.0, 4.0])
w = torch.tensor([0.5, 1.0, 2.0, 1.0], requires_grad=True)
show("histogram w", lambda: torch.histogram(h, bins=3, weight=w))
show("histogram w density", lambda: torch.histogram(h, bins=3, weight=torch.tensor([0.5, 1.0, 2.0, 1.0]), density=True))
show("histc", lambda: torch.histc(h, bins=3))
show("histogram rg", lambda: torch.histogram(h.requires_grad_(), bins=3))
m = torch.tensor([[3.0, 4.0], [1.0, 0.0]], requires_grad=True)
show("norm keepdim", lambda: m.norm(dim=1, keepdim=True))
show("norm keepdims", lambda: m.norm(dim=1, keepdims=True))
show("torch.norm keepdims", lambda: torch.norm(m, dim=1, keepdims=True))
show("norm p keepdims", lambda: m.norm(2, 1, keepdims=True))
show("sum keepdims", lambda: m.sum(1, keepdims=True))
show("norm bad kw", lambda: m.norm(dim=1, keepdimz=True))
try:
    torch.histogram(h, bins=3, weight=w).hist.sum().backward()
except RuntimeError as e:
    print("histogram backward:", e)
