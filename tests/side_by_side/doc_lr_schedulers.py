"""The learning-rate schedules of PyTorch's optim documentation ("How to adjust learning rate":
an epoch loop with ExponentialLR, then chained with MultiStepLR) and of the lr_scheduler
docstrings (LambdaLR with one lambda per group, MultiStepLR, ConstantLR, LinearLR, PolynomialLR,
CosineAnnealingLR, ReduceLROnPlateau fed a validation loss), on a small model with random data;
seeded; run with the library name as argument."""
import sys
import warnings
from importlib import import_module

warnings.simplefilter("ignore")
torch = __import__(sys.argv[1])
nn = torch.nn
lr_scheduler = import_module(sys.argv[1] + ".optim.lr_scheduler")
torch.manual_seed(0)

model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1))
loss_fn = nn.MSELoss()
dataset = [(torch.randn(16, 4), torch.randn(16, 1)) for _ in range(3)]


def train_epoch(optimizer):
    total = 0.0
    for input, target in dataset:
        optimizer.zero_grad()
        loss = loss_fn(model(input), target)
        loss.backward()
        optimizer.step()
        total += loss.item()
    return total / len(dataset)


optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
scheduler = lr_scheduler.ExponentialLR(optimizer, gamma=0.9)
for epoch in range(5):
    loss = train_epoch(optimizer)
    scheduler.step()
    print(epoch, f"{loss:.4f}", scheduler.get_last_lr())

optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
scheduler1 = lr_scheduler.ExponentialLR(optimizer, gamma=0.9)
scheduler2 = lr_scheduler.MultiStepLR(optimizer, milestones=[3, 5], gamma=0.1)
for epoch in range(6):
    train_epoch(optimizer)
    scheduler1.step()
    scheduler2.step()
    print(epoch, optimizer.param_groups[0]["lr"])

# the docstrings' schedules, on an optimizer with two parameter groups
optimizer = torch.optim.SGD([{"params": model[0].parameters()}, {"params": model[2].parameters(), "lr": 0.01}],
                            lr=0.05, momentum=0.9)
lambda1 = lambda epoch: epoch // 3  # noqa: E731
lambda2 = lambda epoch: 0.95 ** epoch  # noqa: E731
for make in [lambda o: lr_scheduler.LambdaLR(o, lr_lambda=[lambda1, lambda2]),
             lambda o: lr_scheduler.MultiStepLR(o, milestones=[2, 4], gamma=0.1),
             lambda o: lr_scheduler.ConstantLR(o, factor=0.5, total_iters=4),
             lambda o: lr_scheduler.LinearLR(o, start_factor=0.05, total_iters=4),
             lambda o: lr_scheduler.PolynomialLR(o, total_iters=4, power=1.0),
             lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=3),
             lambda o: lr_scheduler.StepLR(o, step_size=2, gamma=0.5)]:
    for group, lr in zip(optimizer.param_groups, (0.05, 0.01)):
        group["lr"] = group["initial_lr"] = lr
    scheduler = make(optimizer)
    lrs = []
    for epoch in range(7):
        optimizer.step()
        scheduler.step()
        lrs.append(scheduler.get_last_lr())
    print(type(scheduler).__name__, lrs)

optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
scheduler = lr_scheduler.ReduceLROnPlateau(optimizer, "min", patience=1)
for epoch in range(8):
    train_epoch(optimizer)
    with torch.no_grad():
        val_loss = loss_fn(model(dataset[0][0] * 3), dataset[0][1])
    scheduler.step(val_loss)
    print(epoch, f"{val_loss.item():.4f}", scheduler.get_last_lr(), scheduler.num_bad_epochs)
