"""Scripts of everyday calls and edge cases print the same under PyTorch and autograd_lite.

Each script in ``tests/side_by_side/`` imports the library named on its command line as
``torch`` and prints results (and exceptions, as type and message); the two outputs must be
identical but for memory addresses.
"""
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")
SCRIPTS = sorted((Path(__file__).parent / "side_by_side").glob("*.py"))


def _run(script: Path, library: str) -> str:
    out = subprocess.run([sys.executable, str(script), library], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return re.sub(r"0x[0-9a-f]+", "0xADDRESS", out.stdout)


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_same_output_as_pytorch(script: Path) -> None:
    theirs, ours = _run(script, "torch"), _run(script, "autograd_lite")
    assert theirs.count("\n") >= 5  # the script really ran
    assert ours == theirs
