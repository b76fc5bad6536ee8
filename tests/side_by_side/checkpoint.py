"""torch.utils.checkpoint, both variants; run with the library name as argument."""
import sys
import warnings

torch = __import__(sys.argv[1])
from importlib import import_module  # noqa: E402

checkpoint = import_module(sys.argv[1] + ".utils.checkpoint").checkpoint
runs = []


def segment(t, w):
    runs.append(1)
    return (t.sin() * w).exp().tanh() * torch.rand(1)


for reentrant in (None, True, False):
    torch.manual_seed(0)
    x = torch.tensor([0.5, 1.0, 2.0], requires_grad=True)
    w = torch.tensor([2.0, -1.0, 0.5], requires_grad=True)
    runs.clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        y = checkpoint(segment, x, w) if reentrant is None else checkpoint(segment, x, w, use_reentrant=reentrant)
    print(reentrant, [str(c.message)[:60] for c in caught])
    print(" output", y, len(runs))
    (y * torch.arange(3.0)).sum().backward()
    print(" grads", x.grad, w.grad, "runs:", len(runs))
    torch.manual_seed(0)
    x2 = x.detach().requires_grad_()
    w2 = w.detach().requires_grad_()
    (segment(x2, w2) * torch.arange(3.0)).sum().backward()
    print(" same as plain:", torch.allclose(x.grad, x2.grad), torch.allclose(w.grad, w2.grad))

# What an outer saved_tensors_hooks sees: the segment's inputs, saved like any saved tensor.
seen = []
x = torch.tensor([0.5, 1.0, 2.0], requires_grad=True)
w = torch.tensor([2.0, -1.0, 0.5])
with torch.autograd.graph.saved_tensors_hooks(lambda t: seen.append(tuple(t.shape)) or t, lambda t: t):
    y = checkpoint(lambda a, b: (a.sin() * b).exp(), x, w, use_reentrant=False)
print("outer hook saw", seen)
y.sum().backward()
print(" grads", x.grad)
