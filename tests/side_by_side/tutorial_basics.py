"""The code of PyTorch's "Learn the Basics" series (beginner/basics): Tensors (tensorqs), Build the
Neural Network (buildmodel), Automatic Differentiation with torch.autograd (autogradqs),
Optimizing Model Parameters (optimization) and the Quickstart's save/load of a state_dict, with
random FashionMNIST-shaped tensors in a TensorDataset in place of torchvision's download (fewer
samples, two epochs); seeded; run with the library name as argument."""
import os
import sys
import tempfile
import warnings
from importlib import import_module

import numpy as np

warnings.simplefilter("ignore")
torch = __import__(sys.argv[1])
nn = torch.nn
DataLoader = import_module(sys.argv[1] + ".utils.data").DataLoader
TensorDataset = import_module(sys.argv[1] + ".utils.data").TensorDataset
torch.manual_seed(0)

# --- Tensors ------------------------------------------------------------------------------
data = [[1, 2], [3, 4]]
x_data = torch.tensor(data)
x_np = torch.from_numpy(np.array(data))
print(f"Ones Tensor: \n {torch.ones_like(x_data)} \n")
print(f"Random Tensor: \n {torch.rand_like(x_data, dtype=torch.float)} \n")
shape = (2, 3,)
print(torch.rand(shape), torch.ones(shape), torch.zeros(shape), x_np)
tensor = torch.rand(3, 4)
print(f"Shape of tensor: {tensor.shape}\nDatatype of tensor: {tensor.dtype}\nDevice tensor is stored on: {tensor.device}")
if torch.cuda.is_available():
    tensor = tensor.to("cuda")
tensor = torch.ones(4, 4)
print(f"First row: {tensor[0]}\nFirst column: {tensor[:, 0]}\nLast column: {tensor[..., -1]}")
tensor[:, 1] = 0
print(torch.cat([tensor, tensor, tensor], dim=1))
y1, y2, y3 = tensor @ tensor.T, tensor.matmul(tensor.T), torch.rand_like(tensor)
torch.matmul(tensor, tensor.T, out=y3)
z1, z2, z3 = tensor * tensor, tensor.mul(tensor), torch.rand_like(tensor)
torch.mul(tensor, tensor, out=z3)
print(y1.equal(y2), y2.equal(y3), z1.equal(z3))
agg = tensor.sum()
agg_item = agg.item()
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

# --- Build the Neural Network --------------------------------------------------------------
device = "cuda" if torch.cuda.is_available() else "mps" if torch.backends.mps.is_available() else "cpu"
print(f"Using {device} device")


class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28 * 28, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))

    def forward(self, x):
        return self.linear_relu_stack(self.flatten(x))


model = NeuralNetwork().to(device)
print(model)
logits = model(torch.rand(1, 28, 28, device=device))
pred_probab = nn.Softmax(dim=1)(logits)
print(f"Predicted class: {pred_probab.argmax(1)}")
input_image = torch.rand(3, 28, 28)
flatten = nn.Flatten()
flat_image = flatten(input_image)
layer1 = nn.Linear(in_features=28 * 28, out_features=20)
hidden1 = layer1(flat_image)
print(input_image.size(), flat_image.size(), hidden1.size())
print(f"Before ReLU: {hidden1[:, :6]}\n\n")
hidden1 = nn.ReLU()(hidden1)
print(f"After ReLU: {hidden1[:, :6]}")
seq_modules = nn.Sequential(flatten, layer1, nn.ReLU(), nn.Linear(20, 10))
pred_probab = nn.Softmax(dim=1)(seq_modules(torch.rand(3, 28, 28)))
print(pred_probab.sum(1), pred_probab.grad_fn)
for name, param in model.named_parameters():
    print(f"Layer: {name} | Size: {param.size()} | Values : {param[:2].flatten()[:3]} \n")

# --- Automatic Differentiation with torch.autograd -------------------------------------------
x = torch.ones(5)
y = torch.zeros(3)
w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
z = torch.matmul(x, w) + b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
print(f"Gradient function for z = {z.grad_fn}\nGradient function for loss = {loss.grad_fn}")
loss.backward()
print(w.grad, b.grad)
z = torch.matmul(x, w) + b
print(z.requires_grad)
with torch.no_grad():
    z = torch.matmul(x, w) + b
print(z.requires_grad)
z_det = (torch.matmul(x, w) + b).detach()
print(z_det.requires_grad)
inp = torch.eye(4, 5, requires_grad=True)
out = (inp + 1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"First call\n{inp.grad}")
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nSecond call\n{inp.grad}")
inp.grad.zero_()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nCall after zeroing gradients\n{inp.grad}")

# --- Optimizing Model Parameters -------------------------------------------------------------
training_data = TensorDataset(torch.rand(320, 1, 28, 28), torch.randint(0, 10, (320,)))
test_data = TensorDataset(torch.rand(128, 1, 28, 28), torch.randint(0, 10, (128,)))
batch_size = 64
train_dataloader = DataLoader(training_data, batch_size=batch_size)
test_dataloader = DataLoader(test_data, batch_size=batch_size)
for X, y in test_dataloader:
    print(f"Shape of X [N, C, H, W]: {X.shape}\nShape of y: {y.shape} {y.dtype}")
    break
model = NeuralNetwork()
learning_rate = 1e-1
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)


def train_loop(dataloader, model, loss_fn, optimizer):
    size = len(dataloader.dataset)
    model.train()
    for batch, (X, y) in enumerate(dataloader):
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        if batch % 2 == 0:
            loss, current = loss.item(), batch * batch_size + len(X)
            print(f"loss: {loss:>7.4f}  [{current:>5d}/{size:>5d}]")


def test_loop(dataloader, model, loss_fn):
    model.eval()
    size, num_batches = len(dataloader.dataset), len(dataloader)
    test_loss, correct = 0, 0
    with torch.no_grad():
        for X, y in dataloader:
            pred = model(X)
            test_loss += loss_fn(pred, y).item()
            correct += (pred.argmax(1) == y).type(torch.float).sum().item()
    test_loss /= num_batches
    correct /= size
    print(f"Test Error: \n Accuracy: {(100 * correct):>0.1f}%, Avg loss: {test_loss:>8.4f} \n")


for t in range(2):
    print(f"Epoch {t + 1}\n-------------------------------")
    train_loop(train_dataloader, model, loss_fn, optimizer)
    test_loop(test_dataloader, model, loss_fn)
print("Done!")

# --- Quickstart: save and load --------------------------------------------------------------
path = os.path.join(tempfile.mkdtemp(), "model.pth")
torch.save(model.state_dict(), path)
print("Saved PyTorch Model State to model.pth")
model2 = NeuralNetwork().to(device)
print(model2.load_state_dict(torch.load(path)))
classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
model2.eval()
x, y = test_data[0][0], test_data[0][1]
with torch.no_grad():
    pred = model2(x)
    predicted, actual = classes[pred[0].argmax(0)], classes[y]
    print(f'Predicted: "{predicted}", Actual: "{actual}"', torch.equal(pred, model(x)))
os.remove(path)
