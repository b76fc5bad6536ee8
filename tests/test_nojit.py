"""The library works without numba's JIT and without a writable numba cache directory."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap

import pytest

# Big enough (> kernels.SMALL elements) to take the numba paths in kernels.py.
SCRIPT = textwrap.dedent("""
    import numpy as np
    import autograd_lite as torch
    from autograd_lite import kernels

    torch.manual_seed(0)
    n = 2 * kernels.SMALL
    x = torch.randn(n, dtype=torch.float64, requires_grad=True)
    t = torch.tanh(x)
    s = torch.sigmoid(x)
    (t * 2 + s * 3).sum().backward()
    xd = x.detach().numpy()
    expected = 2 * (1 - np.tanh(xd) ** 2) + 3 * (1 / (1 + np.exp(-xd))) * (1 - 1 / (1 + np.exp(-xd)))
    assert np.allclose(x.grad.numpy(), expected), "tanh/sigmoid backward"

    m = torch.randn(256, 128, requires_grad=True)
    b = torch.randn(128, requires_grad=True)
    sm = torch.softmax(m + b, dim=1)
    ls = torch.log_softmax(m, dim=0)
    (sm[:, 0].sum() + ls.mean()).backward()
    assert b.grad.shape == (128,) and np.isfinite(m.grad.numpy()).all()
    assert np.allclose(sm.detach().numpy().sum(1), 1, atol=1e-5)

    r = torch.randn(64, 64, requires_grad=True)
    (torch.relu(r) * 3).sum().backward()
    assert np.array_equal(r.grad.numpy(), np.where(r.detach().numpy() > 0, 3.0, 0.0)), "relu backward"

    lin = torch.nn.Linear(128, 4)
    loss = torch.nn.functional.mse_loss(lin(m.detach()), torch.zeros(256, 4))
    loss.backward()
    assert lin.weight.grad.shape == (4, 128)
    print("ok", round(float(x.grad.sum()), 6))
""")


def _run(env_extra: dict) -> subprocess.CompletedProcess:
    env = dict(os.environ, **env_extra)
    return subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=300)


def test_numba_jit_disabled():
    out = _run({"NUMBA_DISABLE_JIT": "1"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("ok")


def test_read_only_numba_cache_dir(tmp_path):
    pytest.importorskip("numba")
    cache = tmp_path / "numba_cache"
    cache.mkdir()
    cache.chmod(stat.S_IRUSR | stat.S_IXUSR)
    if os.geteuid() == 0:  # root writes anyway: use a directory that cannot exist (under a regular file)
        (tmp_path / "a_file").write_text("")
        cache = tmp_path / "a_file" / "numba_cache"
    try:
        out = _run({"NUMBA_CACHE_DIR": str(cache), "NUMBA_DISABLE_JIT": "0"})
    finally:
        (tmp_path / "numba_cache").chmod(stat.S_IRWXU)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("ok")
    assert "Warning" not in out.stderr, out.stderr


def test_same_results_with_and_without_jit():
    with_jit = _run({"NUMBA_DISABLE_JIT": "0"})
    without = _run({"NUMBA_DISABLE_JIT": "1"})
    assert with_jit.returncode == 0, with_jit.stderr
    assert with_jit.stdout == without.stdout
