"""torch.multinomial's samples after manual_seed; run with the library name as argument."""
import sys
import warnings

warnings.simplefilter("ignore")
torch = __import__(sys.argv[1])


def show(label, f):
    try:
        print(label, "->", f())
    except Exception as e:
        print(label, "!!", type(e).__name__, str(e))


torch.manual_seed(2147483647)
p = torch.rand(27)
p = p / p.sum()
show("one sample", lambda: torch.multinomial(p, 1))
show("one sample, replacement", lambda: torch.multinomial(p, num_samples=1, replacement=True))
show("twenty with replacement", lambda: torch.multinomial(p, 20, replacement=True))
show("ten without", lambda: torch.multinomial(p, 10))
show("method", lambda: p.multinomial(5, True))
g = torch.Generator().manual_seed(2147483647)
show("generator", lambda: torch.multinomial(torch.tensor([0.6064, 0.3033, 0.0903]), 20, replacement=True,
                                            generator=g))
show("rows", lambda: torch.multinomial(torch.tensor([[1.0, 2.0, 0.0, 4.0], [0.0, 0.0, 1.0, 1.0]]), 2))
show("rows replacement", lambda: torch.multinomial(torch.rand(3, 5, dtype=torch.float64), 6, True))
show("unnormalised", lambda: torch.multinomial(torch.tensor([10.0, 1.0, 1.0]), 8, True))
show("random after", lambda: torch.rand(2))
# a makemore-style loop: sample names from a bigram table
torch.manual_seed(2147483647)
N = torch.rand(5, 5) + 0.1
P = N / N.sum(1, keepdim=True)
for _ in range(5):
    ix, out = 0, []
    while True:
        ix = torch.multinomial(P[ix], num_samples=1, replacement=True, generator=None).item()
        out.append(ix)
        if ix == 0 or len(out) > 10:
            break
    print(out)
for label, args in [("too many", (p, 40)), ("3-d", (torch.ones(2, 2, 2), 1)), ("zero row", (torch.zeros(2), 1)),
                    ("negative", (torch.tensor([-1.0, 1.0]), 1)), ("negative repl", (torch.tensor([-1.0, 1.0]), 2, True)),
                    ("zeros repl", (torch.zeros(2), 2, True)), ("ints", (torch.tensor([1, 2]), 1)),
                    ("none", (p, 0)), ("nan", (torch.tensor([float("nan"), 1.0]), 2, True))]:
    show(label, lambda: torch.multinomial(*args))
