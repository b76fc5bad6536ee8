"""autograd_lite/schedulers.py against PyTorch: the learning rates of each schedule, epoch by
epoch, equal as floats (each rule is computed in PyTorch's order)."""
import pytest

torch = pytest.importorskip("torch")
from harness import same  # noqa: E402

METRICS = [1, 0.9, 0.95, 0.95, 0.95, 0.95, 0.8, 0.9, 0.9, 0.9, 0.9, 0.9, 0.7, 0.9, 0.9]
SCHEDULES = {
    "LambdaLR": lambda S, o: S.LambdaLR(o, lambda e: 0.95 ** e),
    "LambdaLR per group": lambda S, o: S.LambdaLR(o, [lambda e: 0.9 ** e, lambda e: 1 / (e + 1)]),
    "MultiplicativeLR": lambda S, o: S.MultiplicativeLR(o, lambda e: 0.95),
    "MultiStepLR": lambda S, o: S.MultiStepLR(o, milestones=[3, 6, 6], gamma=0.5),
    "ConstantLR": lambda S, o: S.ConstantLR(o, factor=0.5, total_iters=4),
    "LinearLR": lambda S, o: S.LinearLR(o, start_factor=0.05, total_iters=4),
    "PolynomialLR": lambda S, o: S.PolynomialLR(o, total_iters=6, power=2.0),
    "CosineAnnealingLR": lambda S, o: S.CosineAnnealingLR(o, T_max=5),
    "CosineAnnealingLR eta_min": lambda S, o: S.CosineAnnealingLR(o, T_max=4, eta_min=0.01),
    "ReduceLROnPlateau": lambda S, o: S.ReduceLROnPlateau(o, patience=2),
    "ReduceLROnPlateau max": lambda S, o: S.ReduceLROnPlateau(o, "max", patience=1, cooldown=2, threshold_mode="abs",
                                                              min_lr=[0.002, 0.0]),
    "bad factor": lambda S, o: S.ReduceLROnPlateau(o, factor=1.0),
    "bad mode": lambda S, o: S.ReduceLROnPlateau(o, mode="x"),
    "bad lambdas": lambda S, o: S.LambdaLR(o, [lambda e: 1.0]),
    "bad start": lambda S, o: S.LinearLR(o, start_factor=0),
}


@pytest.mark.parametrize("name", SCHEDULES)
def test_schedule(name):
    def run(lib):
        p, q = lib.nn.Parameter(lib.ones(2)), lib.nn.Parameter(lib.ones(1))
        opt = lib.optim.SGD([{"params": [p]}, {"params": [q], "lr": 0.5}], lr=0.1, momentum=0.9)
        s = SCHEDULES[name](lib.optim.lr_scheduler, opt)
        rates = [s.get_last_lr()]
        for metric in METRICS:
            opt.step()
            s.step(metric) if "Plateau" in name else s.step()
            rates.append([g["lr"] for g in opt.param_groups] + s.get_last_lr())
        return rates

    same(run)
