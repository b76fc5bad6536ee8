"""From-scratch models as textbooks write them (float32 values printed to the digits both libraries
share: their exp and sqrt may differ in the last bit): linear regression with a manual SGD step under no_grad,
softmax regression with fancy-indexed cross-entropy and argmax accuracy, a character RNN with one-hot
inputs and gradient clipping by hand, and the common weight initialisers; seeded, run with the library
name as argument."""
import math
import random
import sys
import warnings

warnings.simplefilter("ignore")
torch = __import__(sys.argv[1])
nn = torch.nn
F = torch.nn.functional

# --- linear regression --------------------------------------------------------------------
torch.manual_seed(0)
random.seed(0)
true_w, true_b = torch.tensor([2, -3.4]), 4.2
X = torch.normal(0, 1, (100, len(true_w)))
y = (torch.matmul(X, true_w) + true_b + torch.normal(0, 0.01, (100,))).reshape((-1, 1))
w = torch.normal(0, 0.01, size=(2, 1), requires_grad=True)
b = torch.zeros(1, requires_grad=True)


def data_iter(batch_size, features, labels):
    indices = list(range(len(features)))
    random.shuffle(indices)
    for i in range(0, len(features), batch_size):
        j = torch.tensor(indices[i: min(i + batch_size, len(features))])
        yield features[j], labels[j]


for epoch in range(3):
    for Xb, yb in data_iter(10, X, y):
        loss = ((torch.matmul(Xb, w) + b - yb.reshape((-1, 1))) ** 2 / 2).sum()
        loss.backward()
        with torch.no_grad():
            for param in [w, b]:
                param -= 0.03 * param.grad / 10
                param.grad.zero_()
    with torch.no_grad():
        print(epoch, f"{float(((torch.matmul(X, w) + b - y) ** 2 / 2).mean()):.4f}")  # (float32: 4 digits)
print(w.reshape(true_w.shape), b, w.grad, w.is_leaf)

# --- softmax regression ----------------------------------------------------------------------
torch.manual_seed(1)
Xs = torch.rand(64, 6)
ys = torch.randint(0, 3, (64,))
W = torch.normal(0, 0.01, size=(6, 3), requires_grad=True)
B = torch.zeros(3, requires_grad=True)


def softmax(Z):
    Z_exp = torch.exp(Z)
    return Z_exp / Z_exp.sum(1, keepdim=True)


def accuracy(y_hat, y):
    return float((y_hat.argmax(axis=1).type(y.dtype) == y).float().sum())


for step in range(5):
    y_hat = softmax(torch.matmul(Xs.reshape((-1, W.shape[0])), W) + B)
    l = -torch.log(y_hat[range(len(y_hat)), ys]).mean()
    l.backward()
    with torch.no_grad():
        W -= 0.5 * W.grad
        B -= 0.5 * B.grad
        W.grad.zero_()
        B.grad.zero_()
    print(step, round(l.item(), 6), accuracy(y_hat, ys), [round(v, 5) for v in y_hat.sum(1)[:2].tolist()])

# --- a character RNN from scratch ----------------------------------------------------------
torch.manual_seed(2)
corpus = torch.randint(0, 8, (200,))
V, H = 8, 16
params = [torch.randn(V, H) * 0.01, torch.randn(H, H) * 0.01, torch.zeros(H), torch.randn(H, V) * 0.01, torch.zeros(V)]
for p in params:
    p.requires_grad_(True)


def rnn(inputs, state):
    W_xh, W_hh, b_h, W_hq, b_q = params
    H_, = state
    outputs = []
    for X_ in inputs:
        H_ = torch.tanh(torch.mm(X_, W_xh) + torch.mm(H_, W_hh) + b_h)
        outputs.append(torch.mm(H_, W_hq) + b_q)
    return torch.cat(outputs, dim=0), (H_,)


def grad_clipping(theta):
    norm = torch.sqrt(sum(torch.sum((p.grad ** 2)) for p in params))
    if norm > theta:
        for p in params:
            p.grad[:] *= theta / norm
    return norm


for it in range(4):
    Xb = corpus[it * 20: it * 20 + 20].reshape(4, 5)
    Yb = corpus[it * 20 + 1: it * 20 + 21].reshape(4, 5)
    state = (torch.zeros((4, H)),)
    y_hat, state = rnn(F.one_hot(Xb.T, V).type(torch.float32), state)
    l = F.cross_entropy(y_hat, Yb.T.reshape(-1).long()).mean()
    for p in params:
        p.grad = None
    l.backward()
    n = grad_clipping(0.01)
    with torch.no_grad():
        for p in params:
            p -= 1.0 * p.grad
    print(it, f"{math.exp(l.item()):.5f}", f"{n.item():.6f}", state[0].shape, state[0].requires_grad)

# --- initialisers -------------------------------------------------------------------------------
torch.manual_seed(3)
net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))


def init(m):
    if type(m) == nn.Linear:
        nn.init.xavier_uniform_(m.weight)
        nn.init.constant_(m.bias, 0.1)


net.apply(init)
print(net[0].weight[:2], net[0].bias[:3])
nn.init.kaiming_normal_(net[2].weight, mode="fan_out", nonlinearity="relu")
nn.init.normal_(net[2].bias, std=0.01)
print(net[2].weight, net[2].bias)
nn.init.xavier_normal_(net[0].weight, gain=nn.init.calculate_gain("tanh"))
nn.init.kaiming_uniform_(net[2].weight, a=math.sqrt(5))
nn.init.ones_(net[2].bias)
print(net[0].weight[0], net[2].weight[0], net[2].bias, nn.init.calculate_gain("leaky_relu", 0.2))
print([(name, tuple(p.shape)) for name, p in net.named_parameters()], net[0].weight.data.std() > 0)
