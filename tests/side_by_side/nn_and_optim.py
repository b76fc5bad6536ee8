"""nn and optim, printed; run with the library name as argument (see tests/test_side_by_side.py)."""
import sys
import warnings

warnings.simplefilter("ignore")
torch = __import__(sys.argv[1])
nn, F = torch.nn, torch.nn.functional


def show(label, f):
    try:
        print(label, "->", f())
    except Exception as e:
        print(label, "!!", type(e).__name__, str(e).split("\n")[0][:200])


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 8)
        self.act = nn.Tanh()
        self.fc2 = nn.Linear(8, 3)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


torch.manual_seed(0)
net = Net()
show("repr", lambda: net)
show("names", lambda: [(n, tuple(p.shape)) for n, p in net.named_parameters()])
show("param", lambda: net.fc2.bias)
show("state_dict keys", lambda: list(net.state_dict().keys()))
x = torch.randn(5, 4)
y = torch.tensor([0, 2, 1, 1, 0])
out = net(x)
show("out", lambda: out)
for red in ("mean", "sum", "none"):
    show(f"ce {red}", lambda: F.cross_entropy(out, y, reduction=red))
    show(f"mse {red}", lambda: F.mse_loss(out, torch.zeros(5, 3), reduction=red))
    show(f"bce {red}", lambda: F.binary_cross_entropy_with_logits(out, torch.ones(5, 3) * 0.3, reduction=red))
show("nll", lambda: F.nll_loss(F.log_softmax(out, 1), y))
show("softmax", lambda: F.softmax(out, dim=1).sum(1))
show("ce bad target", lambda: F.cross_entropy(out, torch.tensor([0, 1, 2, 3, 4])))
show("ce float target", lambda: F.cross_entropy(out, y.float()))
show("seq", lambda: nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Sigmoid(), nn.Flatten(0, 1)))
seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
show("seq index", lambda: (seq[0], len(seq), seq[1:]))
show("load bad", lambda: net.load_state_dict({"fc1.weight": torch.zeros(8, 4)}))
show("load strict false", lambda: net.load_state_dict({"fc1.weight": net.fc1.weight.detach().clone()}, strict=False))
show("train/eval", lambda: (net.training, net.eval().training, net.train().training))
for opt_name, kwargs in (("SGD", dict(lr=0.1)), ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
                         ("Adam", dict(lr=0.01)), ("AdamW", dict(lr=0.01)), ("RMSprop", dict(lr=0.01))):
    torch.manual_seed(1)
    model = Net()
    opt = getattr(torch.optim, opt_name)(model.parameters(), **kwargs)
    losses = []
    for step in range(5):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        losses.append(round(loss.item(), 5))
    show(f"{opt_name} {sorted(kwargs)}", lambda: losses)
show("zero_grad none", lambda: [p.grad for p in net.parameters()][:1])
net.zero_grad()
show("zero_grad after", lambda: net.fc1.weight.grad)
show("clip", lambda: (F.mse_loss(net(x), torch.zeros(5, 3)).backward(),
                      round(float(nn.utils.clip_grad_norm_(net.parameters(), 0.1)), 4))[1])
