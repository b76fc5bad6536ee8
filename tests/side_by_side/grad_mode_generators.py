"""Grad-mode decorators on generators (send, throw, return values), printed; see tests/test_side_by_side.py."""
import sys
torch = __import__(sys.argv[1])
@torch.no_grad()
def gen():
    x = yield torch.is_grad_enabled()
    yield (x, torch.is_grad_enabled())
    return "done"
g = gen()
print(next(g), torch.is_grad_enabled())
print(g.send(5), torch.is_grad_enabled())
try: next(g)
except StopIteration as e: print("return", e.value)
def outer():
    r = yield from gen()
    yield r
o = outer(); print(list(o))
@torch.no_grad()
def catcher():
    while True:
        try: yield torch.is_grad_enabled()
        except ValueError: yield "caught"
c = catcher(); next(c); print(c.throw(ValueError()), torch.is_grad_enabled()); c.close()
