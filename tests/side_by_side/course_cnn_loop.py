"""A small CNN trained the way course notebooks train one: TensorDataset and a shuffling DataLoader with a
seeded generator, BatchNorm and Dropout in train and eval mode, label smoothing, SGD with Nesterov momentum
and a StepLR schedule, accuracy with argmax, a state_dict saved to memory and loaded back; run with the
library name as argument."""
import io
import sys
import warnings

warnings.simplefilter("ignore")
torch = __import__(sys.argv[1])
nn = torch.nn
F = torch.nn.functional
from importlib import import_module  # noqa: E402

data = import_module(sys.argv[1] + ".utils.data")

torch.manual_seed(0)
X = torch.randn(96, 1, 8, 8)
y = (X.mean(dim=(1, 2, 3)) > 0).long() + (X[:, 0, 0, 0] > 1).long()
loader = data.DataLoader(data.TensorDataset(X, y), batch_size=16, shuffle=True,
                         generator=torch.Generator().manual_seed(42))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 4, kernel_size=3, padding=1), nn.BatchNorm2d(4), nn.ReLU(inplace=True),
            nn.MaxPool2d(2), nn.Conv2d(4, 8, 3), nn.ReLU(), nn.AdaptiveAvgPool2d((1, 1)))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(0.25), nn.Linear(8, 3))

    def forward(self, x):
        return self.classifier(self.features(x))


model = Net()
print(model)
criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-4)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
for epoch in range(4):
    model.train()
    total, correct, running = 0, 0, 0.0
    for xb, yb in loader:
        opt.zero_grad()
        out = model(xb)
        loss = criterion(out, yb)
        loss.backward()
        opt.step()
        running += loss.item() * xb.size(0)
        correct += (out.argmax(dim=1) == yb).sum().item()
        total += yb.size(0)
    sched.step()
    model.eval()
    with torch.no_grad():
        val = criterion(model(X), y).item()
    print(epoch, f"{running / total:.5f}", correct, total, f"{val:.5f}", sched.get_last_lr())

bn = model.features[1]
print(bn.running_mean, bn.running_var, bn.num_batches_tracked)
buffer = io.BytesIO()
torch.save(model.state_dict(), buffer)
buffer.seek(0)
clone = Net()
print(clone.load_state_dict(torch.load(buffer)))
clone.eval()
with torch.no_grad():
    print(torch.allclose(clone(X), model(X)), clone(X[:2]))
print([k for k in model.state_dict()][:8])
