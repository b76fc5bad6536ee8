"""autograd_lite/nn/loss.py against PyTorch: the loss modules pass their options on
(the loss functions themselves: tests/ops/test_losses.py)."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
from harness import same  # noqa: E402

REDUCTIONS = ["mean", "sum", "none"]


def test_loss_modules():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((4, 3)).astype(np.float32)
    inp = 1 / (1 + np.exp(-x))
    targets = [rng.random((4, 3)).astype(np.float32) for _ in range(4)]
    makers = (lambda nn: nn.MSELoss(reduction="sum"), lambda nn: nn.L1Loss(), lambda nn: nn.BCEWithLogitsLoss(),
              lambda nn: nn.BCELoss())
    t = np.array([0, 2, 1, 1])
    same(lambda lib: [make(lib.nn)(lib.tensor(inp), lib.tensor(target)).item() for make, target in zip(makers, targets)]
         + [lib.nn.NLLLoss()(lib.tensor(x), lib.tensor(t)).item()])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_weight_ignore_index(reduction):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((6, 4)).astype(np.float32)
    t = np.array([3, -100, 1, 0, 2, 1])
    w = np.array([0.5, 2.0, 1.0, 3.0], dtype=np.float32)

    def loss(lib):
        xx = lib.tensor(x, requires_grad=True)
        out = lib.nn.CrossEntropyLoss(weight=lib.tensor(w), reduction=reduction)(xx, lib.tensor(t))
        out.backward(lib.ones(out.shape) if out.dim() else None)
        return out, xx.grad

    same(loss)


def test_smooth_l1_huber_and_kl_div_modules():
    x, t = np.random.default_rng(3).standard_normal((2, 4, 3)) * 2

    def run(lib):
        nn = lib.nn
        ms = [nn.SmoothL1Loss(), nn.SmoothL1Loss(reduction="sum", beta=0.5), nn.HuberLoss(), nn.HuberLoss(delta=2.0),
              nn.KLDivLoss(reduction="batchmean"), nn.KLDivLoss(reduction="sum", log_target=True)]
        xs = lib.tensor(x, requires_grad=True)
        outs = [m(xs, lib.tensor(t)) for m in ms[:4]] + [m(xs.log_softmax(-1), lib.tensor(t).log_softmax(-1)) for m in ms[4:]]
        sum(outs).backward()
        return [repr(m) for m in ms] + outs + [o.grad_fn.name() for o in outs] + [xs.grad]

    same(run)
