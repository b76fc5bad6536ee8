"""PyTorch's own tutorials, run on autograd_lite and on PyTorch, print the same.

Each test is a compact version of one tutorial from pytorch/tutorials (its essential API calls,
seeded, at small sizes), written once as ``body(torch, nn, F, data)`` and run with both
libraries; what it prints must match (numbers to float32 rounding where a training loop sums
in a different order). The unit tests at the end check the modules tutorials need
(``utils.data``, ``save``/``load``, ``out=``, devices) against PyTorch directly.
"""
from __future__ import annotations

import contextlib
import io
import math
import pickle
import random
import re
import warnings

import numpy as np
import pytest

import autograd_lite

torch = pytest.importorskip("torch")

import autograd_lite.nn.functional as al_F  # noqa: E402
import autograd_lite.utils.data as al_data  # noqa: E402
import torch.nn.functional as pt_F  # noqa: E402
import torch.utils.data as pt_data  # noqa: E402

LIBS = {"torch": (torch, torch.nn, pt_F, pt_data), "autograd_lite": (autograd_lite, autograd_lite.nn, al_F, al_data)}
NUM = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?")


def run(body, lib: str, seed: int = 0, **kw) -> str:
    """What ``body`` prints with library ``lib`` after seeding it (and Python's random) with ``seed``."""
    t, nn, F, data = LIBS[lib]
    t.manual_seed(seed)
    random.seed(seed)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        body(t, nn, F, data, **kw)
    return re.sub(r"0x[0-9a-f]+", "0x?", out.getvalue())


def assert_same_output(body, rtol: float = 0.0, **kw) -> None:
    """``body`` prints the same with both libraries (numbers within ``rtol`` if given)."""
    theirs, ours = run(body, "torch", **kw), run(body, "autograd_lite", **kw)
    if rtol == 0.0 or ours == theirs:
        assert ours == theirs
        return
    assert NUM.split(ours) == NUM.split(theirs), (ours, theirs)
    for a, b in zip(NUM.findall(ours), NUM.findall(theirs)):
        assert math.isclose(float(a), float(b), rel_tol=rtol, abs_tol=1e-6), (a, b, ours, theirs)


# --- beginner_source/basics/tensorqs_tutorial.py and blitz/tensor_tutorial.py -------------------
def tensorqs(torch, nn, F, data):
    x_data = torch.tensor([[1, 2], [3, 4]])
    print(f"Ones Tensor: \n {torch.ones_like(x_data)} \n")
    print(f"Random Tensor: \n {torch.rand_like(x_data, dtype=torch.float)} \n")
    shape = (2, 3,)
    print(torch.rand(shape), torch.ones(shape), torch.zeros(shape))
    tensor = torch.rand(3, 4)
    print(f"Shape of tensor: {tensor.shape}\nDatatype of tensor: {tensor.dtype}\nDevice: {tensor.device}")
    if torch.cuda.is_available() & (torch.device('cuda').index is not None):
        tensor = tensor.to('cuda')
    if torch.accelerator.is_available():
        tensor = tensor.to(torch.accelerator.current_accelerator())
    tensor = torch.ones(4, 4)
    print('First row: ', tensor[0], 'First column: ', tensor[:, 0], 'Last column:', tensor[..., -1])
    tensor[:, 1] = 0
    print(torch.cat([tensor, tensor, tensor], dim=1))
    y1, y2 = tensor @ tensor.T, tensor.matmul(tensor.T)
    y3 = torch.rand_like(y1)
    r = torch.matmul(tensor, tensor.T, out=y3)
    z3 = torch.rand_like(tensor)
    torch.mul(tensor, tensor, out=z3)
    print(y3, z3, r is y3, torch.equal(y1, y2))
    agg_item = tensor.sum().item()
    print(agg_item, type(agg_item))
    tensor.add_(5)
    print(tensor)
    t = torch.ones(5)
    n = t.numpy()
    t.add_(1)
    print(f"t: {t}\nn: {n}")
    n = np.ones(5)
    t = torch.from_numpy(n)
    np.add(n, 1, out=n)
    print(f"t: {t}\nn: {n}")


def blitz_tensor(torch, nn, F, data):
    x = torch.zeros(5, 3, dtype=torch.long)
    x = torch.tensor([5.5, 3]).new_ones(5, 3, dtype=torch.double)
    x = torch.randn_like(x, dtype=torch.float)
    print(x, x.size())
    y = torch.rand(5, 3)
    result = torch.empty(5, 3)
    torch.add(x, y, out=result)
    print(x + y, torch.add(x, y), result)
    y.add_(x)
    print(y, x[:, 1])
    x = torch.randn(4, 4)
    print(x.size(), x.view(16).size(), x.view(-1, 8).size())


def test_tensorqs_tutorial():
    assert_same_output(tensorqs)


def test_blitz_tensor_tutorial():
    assert_same_output(blitz_tensor)


# --- beginner_source/basics/autogradqs_tutorial.py and blitz/autograd_tutorial.py -----------------
def autogradqs(torch, nn, F, data):
    x, y = torch.ones(5), torch.zeros(3)
    w = torch.randn(5, 3, requires_grad=True)
    b = torch.randn(3, requires_grad=True)
    z = torch.matmul(x, w) + b
    loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
    print(f"Gradient function for z = {z.grad_fn}\nGradient function for loss = {loss.grad_fn}")
    loss.backward()
    print(w.grad, b.grad)
    with torch.no_grad():
        z = torch.matmul(x, w) + b
    print(z.requires_grad, (torch.matmul(x, w) + b).detach().requires_grad)
    inp = torch.eye(4, 5, requires_grad=True)
    out = (inp + 1).pow(2).t()
    out.backward(torch.ones_like(out), retain_graph=True)
    out.backward(torch.ones_like(out), retain_graph=True)
    print(f"Second call\n{inp.grad}")
    inp.grad.zero_()
    out.backward(torch.ones_like(out), retain_graph=True)
    print(f"Call after zeroing gradients\n{inp.grad}")


def test_autogradqs_tutorial():
    assert_same_output(autogradqs)


# --- beginner_source/basics/buildmodel_tutorial.py -----------------------------------------------
def buildmodel(torch, nn, F, data):
    device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
    print(f"Using {device} device")

    class NeuralNetwork(nn.Module):
        def __init__(self):
            super().__init__()
            self.flatten = nn.Flatten()
            self.linear_relu_stack = nn.Sequential(
                nn.Linear(28 * 28, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 10))

        def forward(self, x):
            return self.linear_relu_stack(self.flatten(x))

    model = NeuralNetwork().to(device)
    print(model)
    logits = model(torch.rand(1, 28, 28, device=device))
    print(f"Predicted class: {nn.Softmax(dim=1)(logits).argmax(1)}")
    hidden1 = nn.Linear(in_features=28 * 28, out_features=20)(nn.Flatten()(torch.rand(3, 28, 28)))
    print(f"Before ReLU: {hidden1}\n\nAfter ReLU: {nn.ReLU()(hidden1)}")
    for name, param in model.named_parameters():
        print(f"Layer: {name} | Size: {param.size()} | Values : {param[:2]} \n")


def test_buildmodel_tutorial():
    assert_same_output(buildmodel)


# --- beginner_source/basics/quickstart_tutorial.py and optimization_tutorial.py ------------------
def fake_fashion_mnist(torch, data, n, seed):
    """Stands in for ``datasets.FashionMNIST(transform=ToTensor())``: same shapes and dtypes."""
    rs = np.random.RandomState(seed)
    x = rs.rand(n, 1, 28, 28).astype(np.float32)
    y = (x.reshape(n, -1) @ np.random.RandomState(0).randn(784, 10)).argmax(1)
    return data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y))


def quickstart(torch, nn, F, data, path):
    training_data, test_data = fake_fashion_mnist(torch, data, 200, 1), fake_fashion_mnist(torch, data, 60, 2)
    train_dataloader = data.DataLoader(training_data, batch_size=16, shuffle=True)
    test_dataloader = data.DataLoader(test_data, batch_size=16)
    for X, y in test_dataloader:
        print(f"Shape of X [N, C, H, W]: {X.shape}\nShape of y: {y.shape} {y.dtype}")
        break
    device = "cuda" if torch.cuda.is_available() else "cpu"
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 32), nn.ReLU(), nn.Linear(32, 10)).to(device)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-1)
    for t in range(2):
        size = len(train_dataloader.dataset)
        model.train()
        for batch, (X, y) in enumerate(train_dataloader):
            X, y = X.to(device), y.to(device)
            loss = loss_fn(model(X), y)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            if batch % 5 == 0:
                print(f"loss: {loss.item():>7f}  [{(batch + 1) * len(X):>5d}/{size:>5d}]")
        model.eval()
        test_loss, correct = 0, 0
        with torch.no_grad():
            for X, y in test_dataloader:
                pred = model(X)
                test_loss += loss_fn(pred, y).item()
                correct += (pred.argmax(1) == y).type(torch.float).sum().item()
        print(f"Accuracy: {(100 * correct / len(test_data)):>0.1f}%, Avg loss: {test_loss / len(test_dataloader):>8f}")
    torch.save(model.state_dict(), path)
    model2 = nn.Sequential(nn.Flatten(), nn.Linear(784, 32), nn.ReLU(), nn.Linear(32, 10))
    print(model2.load_state_dict(torch.load(path, weights_only=True)))
    model2.eval()
    x, y = test_data[0][0], test_data[0][1]
    with torch.no_grad():
        pred = model2(x)
        print(f'Predicted: "{pred[0].argmax(0)}", Actual: "{y}"', torch.equal(model2(x), model(x)))


def test_quickstart_and_optimization_tutorials(tmp_path):
    assert_same_output(quickstart, rtol=1e-5, path=str(tmp_path / "model.pth"))


# --- beginner_source/basics/saveloadrun_tutorial.py ----------------------------------------------
class SmallNet(autograd_lite.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = autograd_lite.nn.Linear(3, 2)


class SmallNetT(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(3, 2)


def saveloadrun(torch, nn, F, data, path):
    model = (SmallNet if torch is autograd_lite else SmallNetT)()
    torch.save(model.state_dict(), path)
    model2 = type(model)()
    model2.load_state_dict(torch.load(path, weights_only=True))
    print(str(model2.eval()).replace("SmallNetT", "SmallNet"), torch.equal(model2.fc.weight, model.fc.weight))
    torch.save(model, path)
    print(str(torch.load(path, weights_only=False)).replace("SmallNetT", "SmallNet"))
    try:
        torch.load(path)
    except pickle.UnpicklingError as e:
        print(type(e).__name__, str(e)[:60])


def test_saveloadrun_tutorial(tmp_path):
    assert_same_output(saveloadrun, path=str(tmp_path / "model.pth"))


# --- beginner_source/examples_tensor, examples_autograd, examples_nn -------------------------
def polynomial_autograd(torch, nn, F, data):
    device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
    torch.set_default_device(device)
    x = torch.linspace(-math.pi, math.pi, 2000, dtype=torch.float)
    y = torch.sin(x)
    a, b, c, d = (torch.randn((), dtype=torch.float, requires_grad=True) for _ in range(4))
    for t in range(300):
        loss = (a + b * x + c * x ** 2 + d * x ** 3 - y).pow(2).sum()
        if t % 100 == 99:
            print(t, loss.item())
        loss.backward()
        with torch.no_grad():
            for p in (a, b, c, d):
                p -= 1e-6 * p.grad
                p.grad = None
    print(f'Result: y = {a.item()} + {b.item()} x + {c.item()} x^2 + {d.item()} x^3')


def polynomial_custom_function(torch, nn, F, data):
    class LegendrePolynomial3(torch.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return 0.5 * (5 * input ** 3 - 3 * input)

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input ** 2 - 1)

    x = torch.linspace(-math.pi, math.pi, 2000, device=torch.device("cpu"), dtype=torch.float)
    y = torch.sin(x)
    a, b, c, d = (torch.full((), v, dtype=torch.float, requires_grad=True) for v in (0.0, -1.0, 0.0, 0.3))
    for t in range(300):
        loss = (a + b * LegendrePolynomial3.apply(c + d * x) - y).pow(2).sum()
        if t % 100 == 99:
            print(t, loss.item())
        loss.backward()
        with torch.no_grad():
            for p in (a, b, c, d):
                p -= 5e-6 * p.grad
                p.grad = None


def polynomial_nn(torch, nn, F, data):
    x = torch.linspace(-math.pi, math.pi, 2000)
    xx = x.unsqueeze(-1).pow(torch.tensor([1, 2, 3]))
    model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
    loss_fn = torch.nn.MSELoss(reduction='sum')
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-6)
    for t in range(300):
        loss = loss_fn(model(xx), torch.sin(x))
        if t % 100 == 99:
            print(t, loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    w = model[0].weight
    print(f'Result: y = {model[0].bias.item()} + {w[:, 0].item()} x + {w[:, 1].item()} x^2 + {w[:, 2].item()} x^3')


def dynamic_net(torch, nn, F, data):
    class DynamicNet(torch.nn.Module):
        def __init__(self):
            super().__init__()
            for name in "abcde":
                setattr(self, name, torch.nn.Parameter(torch.randn(())))

        def forward(self, x):
            y = self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3
            for exp in range(4, random.randint(4, 6)):
                y = y + self.e * x ** exp
            return y

    x = torch.linspace(-math.pi, math.pi, 2000)
    model = DynamicNet()
    criterion = torch.nn.MSELoss(reduction='sum')
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-8, momentum=0.9)
    for t in range(300):
        loss = criterion(model(x), torch.sin(x))
        if t % 100 == 99:
            print(t, loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(model.e)


@pytest.mark.parametrize("body", [polynomial_autograd, polynomial_custom_function, polynomial_nn, dynamic_net],
                         ids=lambda f: f.__name__)
def test_polynomial_tutorials(body):
    try:
        assert_same_output(body, rtol=1e-4)
    finally:
        torch.set_default_device(None)
        autograd_lite.set_default_device(None)


# --- beginner_source/nn_tutorial.py (MNIST replaced by synthetic arrays of the same shape) ------
def nn_tutorial(torch, nn, F, data):
    rs = np.random.RandomState(0)
    x = (rs.rand(600, 784) * (rs.rand(600, 784) < 0.15)).astype(np.float32)
    y = (x @ rs.randn(784, 10)).argmax(1)
    x_train, y_train, x_valid, y_valid = map(torch.tensor, (x[:500], y[:500], x[500:], y[500:]))
    weights = torch.randn(784, 10) / math.sqrt(784)
    weights.requires_grad_()
    bias = torch.zeros(10, requires_grad=True)
    preds = (x_train[0:64] @ weights + bias)
    preds = preds - preds.exp().sum(-1).log().unsqueeze(-1)
    print(preds[0], preds.shape, -preds[range(64), y_train[0:64]].mean())
    print((torch.argmax(preds, dim=1) == y_train[0:64]).float().mean())

    def loss_batch(model, xb, yb, opt=None):
        loss = F.cross_entropy(model(xb), yb)
        if opt is not None:
            loss.backward()
            opt.step()
            opt.zero_grad()
        return loss.item(), len(xb)

    train_dl = data.DataLoader(data.TensorDataset(x_train, y_train), batch_size=64, shuffle=True)
    valid_dl = data.DataLoader(data.TensorDataset(x_valid, y_valid), batch_size=128)
    model = nn.Linear(784, 10)
    opt = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
    for epoch in range(2):
        model.train()
        for xb, yb in train_dl:
            loss_batch(model, xb, yb, opt)
        model.eval()
        with torch.no_grad():
            losses, nums = zip(*[loss_batch(model, xb, yb) for xb, yb in valid_dl])
        print(epoch, np.sum(np.multiply(losses, nums)) / np.sum(nums))


def test_nn_tutorial():
    assert_same_output(nn_tutorial, rtol=1e-4)


# --- beginner_source/basics/data_tutorial.py ------------------------------------------------------
def data_tutorial(torch, nn, F, data):
    training_data = fake_fashion_mnist(torch, data, 100, 1)
    for i in range(3):
        sample_idx = torch.randint(len(training_data), size=(1,)).item()
        img, label = training_data[sample_idx]
        print(sample_idx, label, img.squeeze().shape)

    class CustomImageDataset(data.Dataset):
        def __len__(self):
            return 10

        def __getitem__(self, idx):
            return torch.full((1, 4, 4), float(idx)), idx % 3

    train_features, train_labels = next(iter(data.DataLoader(training_data, batch_size=64, shuffle=True)))
    print(f"Feature batch shape: {train_features.size()}\nLabels: {train_labels}\nLabel: {train_labels[0]}")
    for xb, yb in data.DataLoader(CustomImageDataset(), batch_size=4, shuffle=True):
        print(xb.flatten(1)[:, 0], yb)


def test_data_tutorial():
    assert_same_output(data_tutorial)


# --- unit tests: utils.data ------------------------------------------------------------------
@pytest.mark.parametrize("n,batch_size,drop_last", [(10, 3, False), (10, 3, True), (64, 8, False), (7, 10, False)])
@pytest.mark.parametrize("seed", [0, 3])
def test_dataloader_shuffle_matches_pytorch(n, batch_size, drop_last, seed):
    def body(torch, nn, F, data):
        ds = data.TensorDataset(torch.arange(n * 2.0).reshape(n, 2), torch.arange(n))
        dl = data.DataLoader(ds, batch_size=batch_size, shuffle=True, drop_last=drop_last)
        print(len(dl))
        for _ in range(2):
            for xb, yb in dl:
                print(xb.shape, yb.tolist())
        print(torch.rand(3))  # the global generator is left where PyTorch leaves it
    assert_same_output(body, seed=seed)


def test_dataloader_sequential_and_collate():
    def body(torch, nn, F, data):
        dl = data.DataLoader([(1, 2.5, torch.ones(2)), (3, 4.5, torch.zeros(2))], batch_size=2)
        print(len(dl), list(dl))
        print(list(data.DataLoader(data.TensorDataset(torch.arange(5)), batch_size=None)))
        print([s.indices for s in data.random_split(range(10), [7, 3])])
        print(torch.rand(2))
    assert_same_output(body)


def test_dataset_subclass_and_errors():
    class Squares(al_data.Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            return autograd_lite.tensor(float(i * i)), i

    xb, yb = next(iter(al_data.DataLoader(Squares(), batch_size=3)))
    assert xb.tolist() == [0.0, 1.0, 4.0] and yb.dtype == autograd_lite.int64
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        al_data.TensorDataset(autograd_lite.ones(2), autograd_lite.ones(3))
    with pytest.raises(ValueError, match="sampler option is mutually exclusive with shuffle"):
        al_data.DataLoader(Squares(), sampler=[0, 1], shuffle=True)


# --- unit tests: save / load ----------------------------------------------------------------------
def test_save_load_roundtrip(tmp_path):
    p = autograd_lite.nn.Parameter(autograd_lite.randn(2, 3))
    obj = {"t": autograd_lite.arange(4), "p": p, "n": 3, "s": "x", "l": [1.5, autograd_lite.ones(1)]}
    buf = io.BytesIO()
    autograd_lite.save(obj, buf)
    buf.seek(0)
    back = autograd_lite.load(buf, map_location="cpu")
    assert back["t"].tolist() == [0, 1, 2, 3] and back["t"].dtype == autograd_lite.int64
    assert isinstance(back["p"], autograd_lite.nn.Parameter) and back["p"].requires_grad
    assert autograd_lite.equal(back["p"], p) and back["n"] == 3 and back["l"][0] == 1.5
    autograd_lite.save(autograd_lite.nn.Linear(2, 2), tmp_path / "m.pt")
    with pytest.raises(pickle.UnpicklingError, match="^Weights only load failed"):
        autograd_lite.load(tmp_path / "m.pt")
    assert isinstance(autograd_lite.load(tmp_path / "m.pt", weights_only=False), autograd_lite.nn.Linear)


# --- unit tests: out= -----------------------------------------------------------------------------
def test_out_argument_matches_pytorch():
    for lib in (torch, autograd_lite):
        a, b = lib.ones(2, 3), lib.ones(3, 2)
        o = lib.empty(5)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            assert lib.matmul(a, b, out=o) is o
        assert o.shape == (2, 2) and o.tolist() == [[3.0, 3.0], [3.0, 3.0]]
        assert "An output with one or more elements was resized since it had shape [5]" in str(w[0].message)
        o = lib.empty(2, dtype=lib.float64)
        v = o._version
        lib.add(lib.ones(2), 1, out=o)
        assert o.dtype == lib.float64 and o.tolist() == [2.0, 2.0] and o._version == v + 1
        with pytest.raises(RuntimeError, match="^result type Float can't be cast to the desired output type Long$"):
            lib.add(lib.ones(2), 1, out=lib.empty(2, dtype=lib.long))
        x = lib.ones(2, requires_grad=True)
        with pytest.raises(RuntimeError, match=r"^mul\(\): functions with out=\.\.\. arguments don't support "
                                               r"automatic differentiation, but one of the arguments requires grad\.$"):
            lib.mul(x, 2, out=lib.empty(2))
        with lib.no_grad():
            assert lib.mul(x, 2, out=lib.empty(0)).tolist() == [2.0, 2.0]


# --- unit tests: devices --------------------------------------------------------------------------
def test_devices_as_cpu_only_pytorch():
    for lib in (torch, autograd_lite):
        assert not lib.cuda.is_available() and lib.cuda.device_count() == 0
        assert not lib.accelerator.is_available() and lib.accelerator.current_accelerator() is None
        assert not lib.backends.mps.is_available()
        d = lib.device("cuda")
        assert (repr(d), str(d), d.type, d.index) == ("device(type='cuda')", "cuda", "cuda", None)
        assert repr(lib.device("cuda:1")) == "device(type='cuda', index=1)"
        for f in (lambda: lib.zeros(2, device="cuda"), lambda: lib.zeros(2).to("cuda"), lambda: lib.zeros(2).cuda(),
                  lambda: lib.nn.Linear(2, 2).to("cuda"), lambda: lib.cuda.current_device()):
            with pytest.raises(AssertionError, match="^Torch not compiled with CUDA enabled$"):
                f()
        with pytest.raises(RuntimeError, match="^Expected one of cpu, cuda, .* device type at start of device string: foo$"):
            lib.device("foo")
        lib.set_default_device("cpu")
        assert lib.get_default_device() == lib.device("cpu") and lib.zeros(1).device.type == "cpu"
        lib.set_default_device(None)
