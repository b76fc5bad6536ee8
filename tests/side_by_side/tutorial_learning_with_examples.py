"""The steps of PyTorch's "Learning PyTorch with Examples" tutorial (beginner/pytorch_with_examples:
examples_tensor, examples_autograd, examples_nn) on its task, a cubic fitted to sin(x): tensors
with hand-written gradients, autograd, the LegendrePolynomial3 custom Function, nn.Sequential
with Flatten and MSELoss(reduction='sum'), RMSprop, a custom nn.Module, and the dynamic net
that reuses one weight a random number of times; fewer steps, losses printed to 4 significant
digits (float32 sums may differ in the last bits); run with the library name as argument."""
import math
import random
import sys
import warnings

warnings.simplefilter("ignore")
torch = __import__(sys.argv[1])
torch.manual_seed(0)
random.seed(0)

dtype, device = torch.float, torch.device("cpu")
x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
y = torch.sin(x)


def report(t, loss):
    if t % 100 == 99:
        print(t, f"{loss:.4g}")


# --- tensors, gradients by hand -----------------------------------------------------------
a, b, c, d = (torch.randn((), device=device, dtype=dtype) for _ in range(4))
lr = 1e-6
for t in range(200):
    y_pred = a + b * x + c * x ** 2 + d * x ** 3
    loss = (y_pred - y).pow(2).sum().item()
    report(t, loss)
    grad_y_pred = 2.0 * (y_pred - y)
    a -= lr * grad_y_pred.sum()
    b -= lr * (grad_y_pred * x).sum()
    c -= lr * (grad_y_pred * x ** 2).sum()
    d -= lr * (grad_y_pred * x ** 3).sum()
print(f"y = {a.item():.4f} + {b.item():.4f} x + {c.item():.4f} x^2 + {d.item():.4f} x^3")

# --- autograd ---------------------------------------------------------------------------
a, b, c, d = (torch.randn((), dtype=dtype, requires_grad=True) for _ in range(4))
for t in range(200):
    loss = (a + b * x + c * x ** 2 + d * x ** 3 - y).pow(2).sum()
    report(t, loss.item())
    loss.backward()
    with torch.no_grad():
        for p in (a, b, c, d):
            p -= lr * p.grad
            p.grad = None
print(f"y = {a.item():.4f} + {b.item():.4f} x + {c.item():.4f} x^2 + {d.item():.4f} x^3", a.grad, loss.grad_fn.name())


# --- a new autograd Function: P3(x) = (5x^3 - 3x) / 2 ----------------------------------------
class LegendrePolynomial3(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input ** 3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input ** 2 - 1)


a = torch.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
b = torch.full((), -1.0, device=device, dtype=dtype, requires_grad=True)
c = torch.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
d = torch.full((), 0.3, device=device, dtype=dtype, requires_grad=True)
for t in range(200):
    P3 = LegendrePolynomial3.apply
    y_pred = a + b * P3(c + d * x)
    loss = (y_pred - y).pow(2).sum()
    report(t, loss.item())
    loss.backward()
    with torch.no_grad():
        for p in (a, b, c, d):
            p -= 5e-6 * p.grad
            p.grad = None
print(y_pred.grad_fn.name(), y_pred.grad_fn.next_functions[1][0].name(),
      y_pred.grad_fn.next_functions[1][0].next_functions[1][0].name())
print(f"y = {a.item():.2f} + {b.item():.4f} * P3({c.item():.2f} + {d.item():.4f} x)".replace("-0.00", "0.00"))

# --- nn -----------------------------------------------------------------------------------
p = torch.tensor([1, 2, 3])
xx = x.unsqueeze(-1).pow(p)
print(xx.shape, xx.dtype)
model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
loss_fn = torch.nn.MSELoss(reduction="sum")
print(model)
for t in range(200):
    loss = loss_fn(model(xx), y)
    report(t, loss.item())
    model.zero_grad()
    loss.backward()
    with torch.no_grad():
        for param in model.parameters():
            param -= 1e-6 * param.grad
linear_layer = model[0]
print(f"y = {linear_layer.bias.item():.4f} + {linear_layer.weight[:, 0].item():.4f} x + "
      f"{linear_layer.weight[:, 1].item():.4f} x^2 + {linear_layer.weight[:, 2].item():.4f} x^3")

# --- optim: RMSprop -------------------------------------------------------------------------
model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3)
for t in range(300):
    loss = loss_fn(model(xx), y)
    report(t, loss.item())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print(sorted(optimizer.state_dict()["state"][0]), optimizer.param_groups[0]["alpha"])


# --- a custom nn.Module --------------------------------------------------------------------
class Polynomial3(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a, self.b, self.c, self.d = (torch.nn.Parameter(torch.randn(())) for _ in range(4))

    def forward(self, x):
        return self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3

    def string(self):
        return f"y = {self.a.item():.4f} + {self.b.item():.4f} x + {self.c.item():.4f} x^2 + {self.d.item():.4f} x^3"


model = Polynomial3()
criterion = torch.nn.MSELoss(reduction="sum")
optimizer = torch.optim.SGD(model.parameters(), lr=1e-6)
for t in range(200):
    loss = criterion(model(x), y)
    report(t, loss.item())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print(model.string(), [n for n, _ in model.named_parameters()])


# --- control flow and weight sharing --------------------------------------------------------
class DynamicNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a, self.b, self.c, self.d, self.e = (torch.nn.Parameter(torch.randn(())) for _ in range(5))

    def forward(self, x):
        y = self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3
        for exp in range(4, random.randint(4, 6)):
            y = y + self.e * x ** exp
        return y


model = DynamicNet()
optimizer = torch.optim.SGD(model.parameters(), lr=1e-8, momentum=0.9)
for t in range(400):
    loss = criterion(model(x), y)
    if t % 100 == 99:
        print(t, f"{loss.item():.4g}")
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print(f"e = {model.e.item():.4f}", optimizer.state_dict()["param_groups"][0]["momentum"])
