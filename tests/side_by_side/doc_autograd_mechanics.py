"""The runnable examples of PyTorch's "Autograd mechanics" note (docs/source/notes/autograd),
in order, seeded; run with the library name as argument."""
import os
import sys
import tempfile
import threading
import uuid
import warnings

warnings.simplefilter("ignore")
torch = __import__(sys.argv[1])
nn = torch.nn
torch.manual_seed(0)

# Saved tensors
x = torch.randn(5, requires_grad=True)
y = x.pow(2)
print(x.equal(y.grad_fn._saved_self))  # True
print(x is y.grad_fn._saved_self)  # True

x = torch.randn(5, requires_grad=True)
y = x.exp()
print(y.equal(y.grad_fn._saved_result))  # True
print(y is y.grad_fn._saved_result)  # False

# Division by zero in autograd
x = torch.tensor([1., 1.], requires_grad=True)
div = torch.tensor([0., 1.])
y = x / div          # Results in [inf, 1]
mask = div != 0      # [False, True]
loss = y[mask].sum()
loss.backward()
print(x.grad)        # [nan, 1], not [0, 1]

x = torch.tensor([1., 1.], requires_grad=True)
div = torch.tensor([0., 1.])
mask = div != 0
safe = torch.zeros_like(x)
safe[mask] = x[mask] / div[mask]
loss = safe.sum()
loss.backward()      # Produces safe gradients [0, 1]
print(x.grad)

# Setting requires_grad (the note's older form of this section)
x = torch.randn(5, 5)  # requires_grad=False by default
y = torch.randn(5, 5)  # requires_grad=False by default
z = torch.randn((5, 5), requires_grad=True)
a = x + y
print(a.requires_grad)
b = a + z
print(b.requires_grad)

# Multithreaded autograd
results = []


def train_fn():
    x = torch.ones(5, 5, requires_grad=True)
    # forward
    y = (x + 3) * (x + 4) * 0.5
    # backward
    y.sum().backward()
    # potential optimizer update
    results.append(x.grad.sum().item())


threads = []
for _ in range(10):
    p = threading.Thread(target=train_fn, args=())
    p.start()
    threads.append(p)

for p in threads:
    p.join()
print(results)

# Hooks for saved tensors
tmp_dir = tempfile.mkdtemp()


class SelfDeletingTempFile():
    def __init__(self):
        self.name = os.path.join(tmp_dir, str(uuid.uuid4()))

    def __del__(self):
        os.remove(self.name)


def pack_hook(tensor):
    temp_file = SelfDeletingTempFile()
    torch.save(tensor, temp_file.name)
    return temp_file


def unpack_hook(temp_file):
    return torch.load(temp_file.name)


x = torch.randn(5, requires_grad=True)
y = x.pow(2)
y.grad_fn._raw_saved_self.register_hooks(pack_hook, unpack_hook)
print(y.grad_fn._saved_self.equal(x))
y.sum().backward()
print(x.grad)

# Registering default hooks for saved tensors
SAVE_ON_DISK_THRESHOLD = 1000


def pack_hook(x):
    if x.numel() < SAVE_ON_DISK_THRESHOLD:
        return x.detach()
    temp_file = SelfDeletingTempFile()
    torch.save(x, temp_file.name)
    return temp_file


def unpack_hook(tensor_or_sctf):
    if isinstance(tensor_or_sctf, torch.Tensor):
        return tensor_or_sctf
    return torch.load(tensor_or_sctf.name)


class Model(nn.Module):
    def forward(self, x):
        with torch.autograd.graph.saved_tensors_hooks(pack_hook, unpack_hook):
            output = (x * x).sin()
        return output


model = Model()
x = torch.randn(40, 30, requires_grad=True)
small = torch.randn(5, requires_grad=True)
model(x).sum().backward()
model(small).sum().backward()
print(torch.allclose(x.grad, 2 * x * (x * x).cos()), small.grad)
print(len(os.listdir(tmp_dir)))  # every temporary file was deleted with its saved tensor

with torch.autograd.graph.saved_tensors_hooks(lambda x: x.detach(), lambda x: x):
    x = torch.randn(5, requires_grad=True)
    y = x * x
print(x is y.grad_fn._saved_self, x is y.grad_fn._saved_other, y.grad_fn._saved_self.equal(x))

# Backward hooks execution: tensor hooks, then node pre-hooks, the node, then post-hooks
order = []
a = torch.tensor(2.0, requires_grad=True)
b = a * 3
b.register_hook(lambda g: order.append(("tensor hook", g.item())) or g * 10)
b.grad_fn.register_prehook(lambda gs: order.append(("pre-hook", gs[0].item())))
b.grad_fn.register_hook(lambda gi, go: order.append(("post-hook", gi[0].item(), go[0].item())))
a.register_post_accumulate_grad_hook(lambda p: order.append(("post accumulate", p.grad.item())))
b.backward()
print(order)

# Hooks on a tensor modified in place: registered before, they see the gradient of the old value
t = torch.tensor(1., requires_grad=True).sin()
t.cos_()
t.register_hook(lambda g: print("hook after cos_:", g))
t.backward()
u = torch.tensor(1., requires_grad=True).sin()
u.register_hook(lambda g: print("hook before cos_:", g))
u.cos_()
u.backward()
print(t.grad_fn, t._version)
