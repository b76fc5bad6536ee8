"""autograd_lite/schedulers.py against PyTorch: the learning rates (and cycled momenta) of each
schedule, step by step over many steps, equal as floats (each rule computed in PyTorch's
order); state_dict contents and round trips; the warnings PyTorch gives; constructor errors."""
import pickle
import warnings

import pytest

torch = pytest.importorskip("torch")
import autograd_lite as al  # noqa: E402
from harness import raises_same, same  # noqa: E402

METRICS = [1, 0.9, 0.95, 0.95, 0.95, 0.95, 0.8, 0.9, 0.9, 0.9, 0.9, 0.9, 0.7, 0.9, 0.9]
STEPS = 60
SCHEDULES = {
    "LambdaLR": lambda S, o: S.LambdaLR(o, lambda e: 0.95 ** e),
    "LambdaLR per group": lambda S, o: S.LambdaLR(o, [lambda e: 0.9 ** e, lambda e: 1 / (e + 1)]),
    "MultiplicativeLR": lambda S, o: S.MultiplicativeLR(o, lambda e: 0.95),
    "StepLR": lambda S, o: S.StepLR(o, step_size=7, gamma=0.3),
    "ExponentialLR": lambda S, o: S.ExponentialLR(o, gamma=0.93),
    "MultiStepLR": lambda S, o: S.MultiStepLR(o, milestones=[3, 6, 6, 40], gamma=0.5),
    "ConstantLR": lambda S, o: S.ConstantLR(o, factor=0.5, total_iters=4),
    "LinearLR": lambda S, o: S.LinearLR(o, start_factor=0.05, total_iters=13),
    "PolynomialLR": lambda S, o: S.PolynomialLR(o, total_iters=45, power=2.0),
    "CosineAnnealingLR": lambda S, o: S.CosineAnnealingLR(o, T_max=17),
    "CosineAnnealingLR eta_min": lambda S, o: S.CosineAnnealingLR(o, T_max=9, eta_min=0.01),
    "CosineAnnealingWarmRestarts": lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=5),
    "CosineAnnealingWarmRestarts T_mult": lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=1e-3),
    "OneCycleLR": lambda S, o: S.OneCycleLR(o, max_lr=[0.5, 1.0], total_steps=STEPS),
    "OneCycleLR linear three_phase": lambda S, o: S.OneCycleLR(o, max_lr=0.3, epochs=6, steps_per_epoch=10,
                                                               anneal_strategy="linear", three_phase=True,
                                                               pct_start=0.25, div_factor=10.0),
    "OneCycleLR no momentum": lambda S, o: S.OneCycleLR(o, max_lr=0.4, total_steps=STEPS + 5, cycle_momentum=False),
    "CyclicLR": lambda S, o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=7),
    "CyclicLR triangular2": lambda S, o: S.CyclicLR(o, base_lr=[0.01, 0.02], max_lr=0.1, step_size_up=5,
                                                    step_size_down=9, mode="triangular2"),
    "CyclicLR exp_range": lambda S, o: S.CyclicLR(o, base_lr=0.001, max_lr=0.1, step_size_up=4, mode="exp_range",
                                                  gamma=0.97, base_momentum=0.7, max_momentum=0.95),
    "CyclicLR scale_fn": lambda S, o: S.CyclicLR(o, 0.01, 0.1, step_size_up=6, scale_fn=lambda x: 0.9 ** x,
                                                 scale_mode="iterations", cycle_momentum=False),
    "SequentialLR": lambda S, o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.1, total_iters=5),
                                                    S.CosineAnnealingLR(o, T_max=20),
                                                    S.ExponentialLR(o, gamma=0.9)], milestones=[5, 25]),
    "ChainedScheduler": lambda S, o: S.ChainedScheduler([S.ConstantLR(o, factor=0.1, total_iters=2),
                                                         S.ExponentialLR(o, gamma=0.9)]),
    "ChainedScheduler optimizer": lambda S, o: S.ChainedScheduler([S.StepLR(o, 5, 0.5), S.LinearLR(o, 0.5)],
                                                                  optimizer=o),
    "ReduceLROnPlateau": lambda S, o: S.ReduceLROnPlateau(o, patience=2),
    "ReduceLROnPlateau max": lambda S, o: S.ReduceLROnPlateau(o, "max", patience=1, cooldown=2, threshold_mode="abs",
                                                              min_lr=[0.002, 0.0]),
}


def optimizer(lib, adam=False):
    p, q = lib.nn.Parameter(lib.ones(2)), lib.nn.Parameter(lib.ones(1))
    groups = [{"params": [p]}, {"params": [q], "lr": 0.5}]
    return lib.optim.Adam(groups, lr=0.1) if adam else lib.optim.SGD(groups, lr=0.1, momentum=0.9)


def run_schedule(lib, name, adam=False, steps=STEPS):
    """Per step: each group's lr, momentum (or beta1) and get_last_lr()."""
    opt = optimizer(lib, adam)
    s = SCHEDULES[name](lib.optim.lr_scheduler, opt)
    key = "betas" if adam else "momentum"
    rates = [s.get_last_lr()]
    for i in range(steps):
        opt.step()
        s.step(METRICS[i % len(METRICS)]) if "Plateau" in name else s.step()
        rates.append([(g["lr"], g[key]) for g in opt.param_groups] + s.get_last_lr())
    return rates, s


@pytest.mark.parametrize("name", SCHEDULES)
def test_schedule(name):
    """The same floats, step by step (== on floats, no tolerance)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # (the right order: no warning)
        ours, theirs = (run_schedule(lib, name)[0] for lib in (al, torch))
    assert ours == theirs
    assert len({str(r) for r in theirs}) > 2  # the rate moves


@pytest.mark.parametrize("name", ["OneCycleLR", "CyclicLR exp_range"])
def test_schedule_cycles_adam_beta1(name):
    ours, theirs = (run_schedule(lib, name, adam=True)[0] for lib in (al, torch))
    assert ours == theirs


def canonical_state(state: dict) -> dict:
    """A scheduler's state dict with what cannot compare across libraries (functions) named only."""
    def canon(v):
        if isinstance(v, dict):
            return {k: canon(x) for k, x in v.items()}
        if isinstance(v, list):
            return [canon(x) for x in v]
        return type(v).__name__ if callable(v) else v
    return canon(state)


@pytest.mark.parametrize("name", SCHEDULES)
def test_state_dict(name):
    """The same keys in the same order, the same values, after 20 steps."""
    ours, theirs = (canonical_state(run_schedule(lib, name, steps=20)[1].state_dict()) for lib in (al, torch))
    assert list(ours) == list(theirs)
    assert ours == theirs


@pytest.mark.parametrize("name", [n for n in SCHEDULES if "Plateau" not in n])
def test_state_dict_round_trip(name):
    """Save after 20 steps, load into a fresh scheduler (and optimizer state), go on: the same rates
    as the scheduler that never stopped, and as PyTorch."""
    def run(lib):
        rates, s = run_schedule(lib, name, steps=20)
        opt2 = optimizer(lib)
        s2 = SCHEDULES[name](lib.optim.lr_scheduler, opt2)
        s2.load_state_dict(s.state_dict())
        opt2.load_state_dict(s.optimizer.state_dict())
        out = []
        for _ in range(25):
            for o, sched in ((s.optimizer, s), (opt2, s2)):
                o.step()
                sched.step()
            out.append((s.get_last_lr(), s2.get_last_lr(), [g["lr"] for g in opt2.param_groups]))
        return out
    ours, theirs = run(al), run(torch)
    assert all(a == b for a, b, _ in ours)
    assert ours == theirs


def caught(fn, lib):
    with warnings.catch_warnings(record=True) as log:
        warnings.simplefilter("always")
        fn(lib)
    return [(w.category.__name__, str(w.message)) for w in log]


def test_step_before_optimizer_step_warns():
    def fn(lib):
        opt = optimizer(lib)
        s = lib.optim.lr_scheduler.StepLR(opt, 2)
        s.step()
        opt.step()
        s.step()
    ours, theirs = (caught(fn, lib) for lib in (al, torch))
    assert ours == theirs and len(theirs) == 1


def test_optimizer_step_overridden_warns():
    def fn(lib):
        opt = optimizer(lib)
        s = lib.optim.lr_scheduler.ExponentialLR(opt, 0.5)
        opt.step = lambda closure=None: None
        opt.step()
        s.step()
    ours, theirs = (caught(fn, lib) for lib in (al, torch))
    assert ours == theirs and len(theirs) == 1


def test_get_lr_outside_step_and_epoch_argument_warn():
    def fn(lib):
        opt = optimizer(lib)
        s = lib.optim.lr_scheduler.StepLR(opt, 3, gamma=0.5)
        opt.step()
        lrs = [s.get_lr()]
        for epoch in (4, 7, 2):
            s.step(epoch)  # (deprecated: the closed form)
            lrs.append(s.get_last_lr())
        r = lib.optim.lr_scheduler.ReduceLROnPlateau(opt)
        r.step(1.0, epoch=3)
        return lrs, r.last_epoch
    ours, theirs = (caught(fn, lib) for lib in (al, torch))
    assert ours == theirs and len(theirs) == 5
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same(fn)


@pytest.mark.parametrize("epochs", [[0.5, 1.5, 2.7, 3.1, 7.9, 13.0, 21.5], [3, 0, 10, 2]])
def test_warm_restarts_fractional_epochs(epochs):
    """``step(epoch)`` with fractional epochs (once per batch, as its docs show)."""
    def fn(lib):
        opt = optimizer(lib)
        s = lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=2)
        out = []
        for e in epochs:
            opt.step()
            s.step(e)
            out.append((s.get_last_lr(), s.T_cur, s.T_i, s.last_epoch))
        return out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, theirs = fn(al), fn(torch)
    assert ours == theirs


def test_one_cycle_past_total_steps():
    def fn(lib):
        opt = optimizer(lib)
        s = lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=3)
        for _ in range(4):
            opt.step()
            s.step()
    raises_same(fn)


def test_resume_needs_initial_lr():
    raises_same(lambda lib: lib.optim.lr_scheduler.StepLR(optimizer(lib), 2, last_epoch=3))


def test_scheduler_state_dict_pickles():
    """A checkpoint (``torch.save`` pickles the state dict) restores the same schedule."""
    def fn(lib):
        opt = optimizer(lib)
        s = lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=30)
        for _ in range(5):
            opt.step()
            s.step()
        s2 = lib.optim.lr_scheduler.OneCycleLR(optimizer(lib), max_lr=0.1, total_steps=30)
        s2.load_state_dict(pickle.loads(pickle.dumps(s.state_dict())))
        return s2.state_dict() == s.state_dict(), s2.last_epoch
    same(fn)


BAD = {
    "plateau factor": lambda S, o: S.ReduceLROnPlateau(o, factor=1.0),
    "plateau mode": lambda S, o: S.ReduceLROnPlateau(o, mode="x"),
    "plateau threshold mode": lambda S, o: S.ReduceLROnPlateau(o, threshold_mode="x"),
    "plateau min_lrs": lambda S, o: S.ReduceLROnPlateau(o, min_lr=[0.1]),
    "not an optimizer": lambda S, o: S.StepLR(object(), 2),
    "lambdas": lambda S, o: S.LambdaLR(o, [lambda e: 1.0]),
    "multiplicative not callable": lambda S, o: S.MultiplicativeLR(o, 0.9),
    "linear start": lambda S, o: S.LinearLR(o, start_factor=0),
    "linear end": lambda S, o: S.LinearLR(o, end_factor=2),
    "constant factor": lambda S, o: S.ConstantLR(o, factor=1.5),
    "warm T_0": lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=0),
    "warm T_mult": lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=1.5),
    "warm eta_min": lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=2, eta_min="0"),
    "one cycle steps": lambda S, o: S.OneCycleLR(o, 0.1),
    "one cycle total": lambda S, o: S.OneCycleLR(o, 0.1, total_steps=0),
    "one cycle epochs": lambda S, o: S.OneCycleLR(o, 0.1, epochs=0, steps_per_epoch=3),
    "one cycle pct": lambda S, o: S.OneCycleLR(o, 0.1, total_steps=10, pct_start=1),
    "one cycle anneal": lambda S, o: S.OneCycleLR(o, 0.1, total_steps=10, anneal_strategy="exp"),
    "one cycle max_lr": lambda S, o: S.OneCycleLR(o, [0.1], total_steps=10),
    "cyclic mode": lambda S, o: S.CyclicLR(o, 0.01, 0.1, mode="x"),
    "cyclic momentums": lambda S, o: S.CyclicLR(o, 0.01, 0.1, base_momentum=[0.1]),
    "sequential milestones": lambda S, o: S.SequentialLR(o, [S.StepLR(o, 2), S.StepLR(o, 3)], milestones=[]),
    "sequential empty": lambda S, o: S.SequentialLR(o, [], milestones=[]),
    "sequential plateau": lambda S, o: S.SequentialLR(o, [S.ReduceLROnPlateau(o)], milestones=[]),
    "chained empty": lambda S, o: S.ChainedScheduler([]),
}


@pytest.mark.parametrize("name", BAD)
def test_constructor_errors(name):
    raises_same(lambda lib: BAD[name](lib.optim.lr_scheduler, optimizer(lib)))


def test_cycle_momentum_needs_momentum():
    def fn(lib):
        opt = lib.optim.Adagrad([lib.nn.Parameter(lib.ones(1))])
        lib.optim.lr_scheduler.OneCycleLR(opt, 0.1, total_steps=5)
    raises_same(fn)


def test_group_added_after_the_scheduler():
    """A parameter group added after the scheduler was made: PyTorch's schedules zip strictly."""
    def fn(lib):
        opt = optimizer(lib)
        s = lib.optim.lr_scheduler.LambdaLR(opt, lambda e: 0.5)
        opt.add_param_group({"params": [lib.nn.Parameter(lib.ones(1))]})
        opt.step()
        s.step()
    raises_same(fn)
