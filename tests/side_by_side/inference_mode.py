"""inference_mode and inference tensors; run with the library name as argument."""
import sys
import warnings
warnings.simplefilter("ignore")
torch = __import__(sys.argv[1])
def show(label, f):
    try: print(label, "->", f())
    except Exception as e: print(label, "!!", type(e).__name__, str(e))
x = torch.tensor([1.0, 2.0], requires_grad=True)
with torch.inference_mode():
    y = x * 2
    z = torch.ones(2)
    show("inside", lambda: (y.requires_grad, y.is_inference(), z.is_inference(), torch.is_inference_mode_enabled()))
    show("inplace inside", lambda: z.add_(1))
show("outside", lambda: (y.is_inference(), x.is_inference(), torch.ones(1).is_inference()))
show("saved for backward", lambda: x * y)
show("add ok", lambda: x + y)
show("inplace outside", lambda: y.add_(1))
show("setitem outside", lambda: y.__setitem__(0, 5.0))
show("requires_grad_", lambda: y.requires_grad_())
show("clone is normal", lambda: y.clone().is_inference())
with torch.no_grad():
    show("no_grad is not inference", lambda: (x * 2).is_inference())
with torch.inference_mode(False):
    show("mode False", lambda: (x * 2).is_inference())
@torch.inference_mode()
def f(t): return t * 3
show("decorator", lambda: f(x).is_inference())
