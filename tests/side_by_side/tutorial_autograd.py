"""Core examples of PyTorch's autograd tutorials: "A Gentle Introduction to torch.autograd"
(blitz), "Hooks for autograd saved tensors" (intermediate) and the requires_grad / retain_grad /
leaf tensors recipe, seeded; run with the library name as argument."""
import sys
import warnings

warnings.simplefilter("ignore")
torch = __import__(sys.argv[1])
nn, optim = torch.nn, torch.optim
torch.manual_seed(0)

# --- A Gentle Introduction to torch.autograd -------------------------------------------
a = torch.tensor([2., 3.], requires_grad=True)
b = torch.tensor([6., 4.], requires_grad=True)
Q = 3*a**3 - b**2
external_grad = torch.tensor([1., 1.])
Q.backward(gradient=external_grad)
# check if collected gradients are correct
print(9*a**2 == a.grad)
print(-2*b == b.grad)

x = torch.rand(5, 5)
y = torch.rand(5, 5)
z = torch.rand((5, 5), requires_grad=True)
a = x + y
print(f"Does `a` require gradients?: {a.requires_grad}")
b = x + z
print(f"Does `b` require gradients?: {b.requires_grad}")

# the tutorial freezes a pretrained resnet18 (torchvision); a small model shows the same steps
model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 10))
data = torch.rand(1, 8)
labels = torch.rand(1, 10)
prediction = model(data)  # forward pass
loss = (prediction - labels).sum()
loss.backward()  # backward pass
optimizer = optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
optimizer.step()  # gradient descent
# Freeze all the parameters in the network
for param in model.parameters():
    param.requires_grad = False
model[2] = nn.Linear(16, 10)
optimizer = optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
model(data).sum().backward()
print([p.grad is not None for p in model.parameters()])

# --- Hooks for autograd saved tensors ----------------------------------------------------
a = torch.randn(5, requires_grad=True)
b = torch.ones(5, requires_grad=True)
c = torch.ones(5, requires_grad=True)
y = a * b * c
print(y.grad_fn._saved_self.equal(a * b), y.grad_fn._saved_other is c)

x = torch.randn(5, requires_grad=True)
y = x.pow(2)
print(y.grad_fn._saved_self is x)  # True
y = x.exp()
print(y.grad_fn._saved_result.equal(y), y.grad_fn._saved_result is y)


def pack_hook(x):
    print("Packing", x)
    return x


def unpack_hook(x):
    print("Unpacking", x)
    return x


a = torch.ones(5, requires_grad=True)
b = torch.ones(5, requires_grad=True) * 2
with torch.autograd.graph.saved_tensors_hooks(pack_hook, unpack_hook):
    y = a * b
y.sum().backward()


def pack_hook(tensor):
    return tensor * 4


def unpack_hook(tensor):
    return tensor / 4


x = torch.randn(5, requires_grad=True)
with torch.autograd.graph.saved_tensors_hooks(pack_hook, unpack_hook):
    y = x.pow(2)
y.sum().backward()
print(torch.allclose(x.grad, 2 * x))

x = torch.randn(5, requires_grad=True)
y = x.pow(2)
y.grad_fn._raw_saved_self.register_hooks(lambda t: t * 2, lambda t: t / 2)
print(y.grad_fn._saved_self.equal(x))
y.sum().backward()
try:
    y.grad_fn._saved_self
except RuntimeError as e:
    print("after backward:", str(e)[:80])

with torch.autograd.graph.save_on_cpu():
    x = torch.randn(5, requires_grad=True)
    y = x.tanh().sum()
y.backward()
print(x.grad)

# --- requires_grad, retain_grad, leaf and non-leaf tensors --------------------------------
x = torch.ones(1, 3)
W = torch.ones(3, 2, requires_grad=True)
b = torch.zeros(1, 2, requires_grad=True)
y = torch.ones(1, 2)
z = x @ W + b
z.retain_grad()
y_pred = torch.sigmoid(z)
y_pred.retain_grad()
loss = ((y_pred - y) ** 2).sum()
loss.retain_grad()
loss.backward()
for name, t in [("x", x), ("W", W), ("b", b), ("z", z), ("y_pred", y_pred), ("loss", loss)]:
    print(f"{name}: is_leaf={t.is_leaf} requires_grad={t.requires_grad} retains_grad={t.retains_grad} grad={t.grad}")
print(loss.grad_fn, loss.grad_fn.next_functions)
