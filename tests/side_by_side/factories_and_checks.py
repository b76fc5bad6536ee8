"""size= on factories, gradgradcheck's random draws; run with the library name as argument."""
import sys
import warnings

warnings.simplefilter("ignore")
torch = __import__(sys.argv[1])


def show(label, f):
    try:
        print(label, "->", f())
    except Exception as e:
        print(label, "!!", type(e).__name__, str(e))


torch.manual_seed(0)
show("randn size=", lambda: torch.randn(size=(2, 3)))
show("rand size=", lambda: torch.rand(size=[3]))
show("zeros size=", lambda: torch.zeros(size=(2,), dtype=torch.int64))
show("ones size=", lambda: torch.ones(size=(1, 2), requires_grad=True))
show("empty size=", lambda: torch.empty(size=(0, 2)).shape)
show("full size=", lambda: torch.full(size=(2,), fill_value=1.5))
x = torch.tensor([0.5, 1.5, -2.0], dtype=torch.float64, requires_grad=True)
show("gradgradcheck", lambda: torch.autograd.gradgradcheck(lambda t: (t ** 3).sin(), (x,)))
show("random after it", lambda: torch.rand(3))
show("gradgradcheck two outputs", lambda: torch.autograd.gradgradcheck(lambda t: (t.exp(), t * t), (x,)))
show("random after that", lambda: torch.randn(2))
