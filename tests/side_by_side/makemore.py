"""makemore-style code (a bigram character model: counts, keepdims=, multinomial with a Generator,
the negative log likelihood, then the same model trained by gradient descent), seeded; run with the
library name as argument."""
import sys
import warnings

warnings.simplefilter("ignore")
torch = __import__(sys.argv[1])
F = torch.nn.functional

words = ["emma", "olivia", "ava", "isabella", "sophia", "charlotte", "mia", "amelia", "harper", "evelyn"]
chars = sorted(set("".join(words)))
stoi = {s: i + 1 for i, s in enumerate(chars)}
stoi["."] = 0
itos = {i: s for s, i in stoi.items()}
V = len(stoi)

# counting bigrams
N = torch.zeros((V, V), dtype=torch.int32)
for w in words:
    cs = ["."] + list(w) + ["."]
    for a, b in zip(cs, cs[1:]):
        N[stoi[a], stoi[b]] += 1
print(N.sum(), N[0, :8])

# probabilities with numpy's keepdims spelling; a row must sum to one
P = (N + 1).float()
print(P.sum(1, keepdims=True).shape, P.sum(1, keepdim=True).shape, P.sum(1).shape)
P /= P.sum(1, keepdims=True)
print(P[0].sum(), P.mean(axis=1, keepdims=True)[:3].T)

# sampling with a Generator
g = torch.Generator().manual_seed(2147483647)
for _ in range(5):
    out, ix = [], 0
    while True:
        ix = torch.multinomial(P[ix], num_samples=1, replacement=True, generator=g).item()
        out.append(itos[ix])
        if ix == 0:
            break
    print("".join(out))

# the negative log likelihood of the training set
log_likelihood, n = 0.0, 0
for w in words:
    cs = ["."] + list(w) + ["."]
    for a, b in zip(cs, cs[1:]):
        log_likelihood += torch.log(P[stoi[a], stoi[b]])
        n += 1
print(f"{log_likelihood=}", f"{-log_likelihood / n=}")

# the same model as a one-layer network trained by gradient descent
xs, ys = [], []
for w in words:
    cs = ["."] + list(w) + ["."]
    for a, b in zip(cs, cs[1:]):
        xs.append(stoi[a])
        ys.append(stoi[b])
xs, ys = torch.tensor(xs), torch.tensor(ys)
g = torch.Generator().manual_seed(2147483647)
W = torch.randn((V, V), generator=g, requires_grad=True)
for k in range(20):
    xenc = F.one_hot(xs, num_classes=V).float()
    logits = xenc @ W
    counts = logits.exp()
    probs = counts / counts.sum(1, keepdims=True)
    loss = -probs[torch.arange(len(ys)), ys].log().mean() + 0.01 * (W ** 2).mean()
    W.grad = None
    loss.backward()
    W.data += -50 * W.grad
    if k % 5 == 0:
        print(k, round(loss.item(), 4))
print(W.grad.abs().sum(1, keepdims=True)[:3].T, W.max(1, keepdims=True).values[:3].T)

# sampling from the network
g = torch.Generator().manual_seed(2147483647)
for _ in range(3):
    out, ix = [], 0
    while True:
        logits = F.one_hot(torch.tensor([ix]), num_classes=V).float() @ W
        p = logits.exp() / logits.exp().sum(1, keepdims=True)
        ix = torch.multinomial(p, num_samples=1, replacement=True, generator=g).item()
        out.append(itos[ix])
        if ix == 0 or len(out) > 12:
            break
    print("".join(out))
