"""autograd_lite against PyTorch 2.13 CPU, side by side, one thread each.

    python benchmarks/run.py            # all workloads, table on stdout, JSON in benchmarks/results.json
    python benchmarks/run.py W1 W4      # some of them

Each (workload, library) pair runs in its own fresh process, alternating between the
libraries for ``--rounds`` rounds; a process times several repetitions and reports
their median and its peak resident memory. The table shows the median over rounds, the
ratio autograd_lite / PyTorch (below 1 means autograd_lite is faster), the peak memory
of each, and the floor: the same workload written by hand in plain numpy
(``floor.py``), with each library's time as a multiple of it, so the engine's own cost
shows on any CPU. W6 times whole processes from the outside.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ONE_THREAD = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
              "NUMBA_NUM_THREADS": "1"}
# Some machines pin OpenBLAS to an older kernel (for old OpenBLAS builds' sake); a reader's
# machine does not, so the benchmark lets numpy's OpenBLAS choose, as it would there.
PINNED_BLAS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def child_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in PINNED_BLAS}
    return {**env, **ONE_THREAD}

WORKLOADS = {
    "W1": ("tiny ops: 2x2 leaves, 3,000 x (mul, add, tanh), sum, backward", "us per op", 1.0),
    "W2": ("chain of 100,000 ops on one element, backward", "s", 1.0),
    "W3": ("MLP 64-128-10 on digits, SGD, batch 64: one epoch", "s per epoch", 1.0),
    "W4": ("2,000,000 elements: (x*y + sin(x)*exp(y)).tanh().sum(), backward", "ms", 1.0),
    "W5": ("(A @ B + bias).relu().mean(), A 256x512, B 512x256, backward", "ms", 1.0),
}


# --- the workloads: the same code for both libraries --------------------------------

def w1(lib, reps: int = 7) -> float:
    a = lib.rand(2, 2, requires_grad=True)
    b = lib.rand(2, 2, requires_grad=True)
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        x = a
        for _ in range(3000):
            x = (x * b + a).tanh()
        x.sum().backward()
        times.append((time.perf_counter() - start) / 9001 * 1e6)
    return statistics.median(times)


def w2(lib, reps: int = 3) -> float:
    x = lib.ones(1, requires_grad=True)
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        y = x
        for _ in range(100_000):
            y = y * 1.0001 + 0.0001
        y.backward()
        del y
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def digits():
    import numpy as np
    from sklearn.datasets import load_digits

    data = load_digits()
    return (data.data / 16.0).astype(np.float32), data.target.astype(np.int64)


def initial_mlp_weights():
    """One set of initial weights, shared by both libraries (PyTorch's default init, seed 0)."""
    import autograd_lite as al

    al.manual_seed(0)
    l1, l2 = al.nn.Linear(64, 128), al.nn.Linear(128, 10)
    return [p.detach().numpy().copy() for p in (l1.weight, l1.bias, l2.weight, l2.bias)]


def w3(lib, epochs: int = 5) -> tuple[float, float]:
    import numpy as np

    X, y = digits()
    model = lib.nn.Sequential(lib.nn.Linear(64, 128), lib.nn.ReLU(), lib.nn.Linear(128, 10))
    with lib.no_grad():
        for p, w in zip(model.parameters(), initial_mlp_weights()):
            p.copy_(lib.from_numpy(w))
    opt = lib.optim.SGD(model.parameters(), lr=0.1)
    loss_fn = lib.nn.CrossEntropyLoss()
    order = np.random.default_rng(0)
    times = []
    for _ in range(epochs):
        perm = order.permutation(len(X))
        start = time.perf_counter()
        for i in range(0, len(X), 64):
            idx = perm[i:i + 64]
            xb, yb = lib.from_numpy(X[idx]), lib.from_numpy(y[idx])
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
        times.append(time.perf_counter() - start)
    with lib.no_grad():
        accuracy = (model(lib.from_numpy(X)).argmax(1) == lib.from_numpy(y)).float().mean().item()
    return statistics.median(times), accuracy


def w4(lib, reps: int = 5) -> float:
    lib.manual_seed(0)
    x = lib.randn(2_000_000, requires_grad=True)
    y = lib.randn(2_000_000, requires_grad=True)
    times = []
    for _ in range(reps):
        x.grad = y.grad = None
        start = time.perf_counter()
        (x * y + x.sin() * y.exp()).tanh().sum().backward()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def w5(lib, reps: int = 15) -> float:
    lib.manual_seed(0)
    A = lib.randn(256, 512, requires_grad=True)
    B = lib.randn(512, 256, requires_grad=True)
    bias = lib.randn(256, requires_grad=True)
    times = []
    for _ in range(reps):
        A.grad = B.grad = bias.grad = None
        start = time.perf_counter()
        (A @ B + bias).relu().mean().backward()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def child(workload: str, library: str) -> None:
    """Run one workload in this (fresh) process and print a JSON line."""
    import resource

    if library == "numpy":
        import floor

        fn = getattr(floor, workload.lower())
        fn() if workload in ("W1", "W5") else None
        result = fn()
    else:
        if library == "torch":
            import torch as lib

            lib.set_num_threads(1)
        else:
            import autograd_lite as lib
        fn = {"W1": w1, "W2": w2, "W3": w3, "W4": w4, "W5": w5}[workload]
        fn(lib) if workload in ("W1", "W5") else None  # warm-up: first calls compile / fill caches
        result = fn(lib)
    extra = {}
    if isinstance(result, tuple):
        result, extra["accuracy"] = result
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"median": result, "peak_mb": peak_mb, **extra}))


# --- W6: time to first gradient, from the outside ------------------------------------

FIRST_GRADIENT = """
import {module} as torch
w = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
x = torch.tensor([[0.5, -1.0], [2.0, 0.0]])
b = torch.tensor([[0.1, 0.2], [0.3, 0.4]], requires_grad=True)
(w * x + b).sum().backward()
print(w.grad)
"""


def first_gradient(module: str, env: dict, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", FIRST_GRADIENT.format(module=module)], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def w6(rounds: int) -> list[dict]:
    env = child_env()
    with tempfile.TemporaryDirectory() as cache:
        warm_env = {**env, "NUMBA_CACHE_DIR": cache}
        first_gradient("autograd_lite", warm_env, 1)  # fills the cache, if anything is compiled
        al_warm = first_gradient("autograd_lite", warm_env, rounds)
    cold = []
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as empty:
            cold.append(first_gradient("autograd_lite", {**env, "NUMBA_CACHE_DIR": empty}, 1))
    al_cold = statistics.median(cold)
    pt = first_gradient("torch", env, rounds)
    return [
        {"workload": "W6 warm", "what": "fresh process: import, (w*x+b).sum().backward(), print (warm numba cache)",
         "unit": "s", "target": 0.5, "autograd_lite": al_warm, "torch": pt},
        {"workload": "W6 cold", "what": "the same with an empty numba cache", "unit": "s", "target": 1.5,
         "autograd_lite": al_cold, "torch": pt},
    ]


def run_pair(workload: str, rounds: int) -> dict:
    runs = {"autograd_lite": [], "torch": [], "numpy": []}
    env = child_env()
    for _ in range(rounds):
        for library in runs:  # alternate, so drift hits all alike
            out = subprocess.run([sys.executable, __file__, "--child", workload, library], env=env, check=True,
                                 capture_output=True, text=True).stdout
            runs[library].append(json.loads(out.strip().splitlines()[-1]))
    what, unit, target = WORKLOADS[workload]
    row = {"workload": workload, "what": what, "unit": unit, "target": target}
    for library, results in runs.items():
        row[library] = statistics.median(r["median"] for r in results)
        row[library + "_peak_mb"] = max(r["peak_mb"] for r in results)
        if "accuracy" in results[0]:
            row[library + "_accuracy"] = results[0]["accuracy"]
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workloads", nargs="*", default=[*WORKLOADS, "W6"])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, default=HERE / "results.json")
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    rows = []
    for w in args.workloads:
        rows.extend(w6(args.rounds) if w == "W6" else [run_pair(w, args.rounds)])
        r = rows[-1]
        print(f"{r['workload']:8s} done: {r['autograd_lite']:.4g} vs {r['torch']:.4g} {r['unit']}", file=sys.stderr)
    print(f"{'workload':9s} {'autograd_lite':>14s} {'PyTorch':>10s} {'ratio':>6s} {'target':>6s} "
          f"{'peak MB al':>10s} {'peak MB pt':>10s} {'numpy floor':>11s} {'al/floor':>8s} {'pt/floor':>8s}  unit")
    for r in rows:
        ratio = r["autograd_lite"] / r["torch"]
        r["ratio"] = ratio
        mem = (f"{r['autograd_lite_peak_mb']:10.0f} {r['torch_peak_mb']:10.0f}" if "torch_peak_mb" in r
               else f"{'':10s} {'':10s}")
        floor = (f"{r['numpy']:11.4g} {r['autograd_lite'] / r['numpy']:8.2f} {r['torch'] / r['numpy']:8.2f}"
                 if "numpy" in r else "")
        print(f"{r['workload']:9s} {r['autograd_lite']:14.4g} {r['torch']:10.4g} {ratio:6.2f} {r['target']:6.2f} "
              f"{mem} {floor}  {r['unit']}")
        if "torch_accuracy" in r:
            print(f"{'':9s} final accuracy: autograd_lite {r['autograd_lite_accuracy']:.4f}, "
                  f"PyTorch {r['torch_accuracy']:.4f}, numpy floor {r['numpy_accuracy']:.4f}")
    import platform

    blas = subprocess.run([sys.executable, "-c", "import numpy, threadpoolctl; "
                           "print([i.get('architecture') for i in threadpoolctl.threadpool_info()])"],
                          env=child_env(), capture_output=True, text=True).stdout.strip()
    args.json.write_text(json.dumps({"machine": platform.machine(), "python": platform.python_version(),
                                     "numpy_blas_kernel": blas, "rows": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
