"""Differential fuzzing against PyTorch: random programs and hand-written misuses.

The fast profile (this file, in the normal suite) runs ``FUZZ_PROGRAMS`` (default 400)
seeded programs and every misuse case; each is compared line by line with PyTorch
(values, dtypes, shapes, strides, flags, grad_fn names, grads, errors, warnings; see
programs.py). The long profile is ``python -m tests.fuzz --programs 6000``.

Known bugs fail today. They are marked ``xfail(strict=True)`` under their DIFFERENCES.md
row (xfail_seeds.py for programs, the row field of misuse.CASES), and only a difference
of that row counts as the expected failure: fixing the bug turns the test into an XPASS
failure, so the mark must be removed; a different difference fails the test. Differences
kept on purpose are in known_differences.py and skipped everywhere.
"""
from __future__ import annotations

import os

import pytest

pytest.importorskip("torch")

from .misuse import CASES, statements  # noqa: E402
from .programs import Result, check, generate, shrink  # noqa: E402
from .rows import NEW, row_of  # noqa: E402
from .xfail_seeds import XFAIL_SEEDS  # noqa: E402

PROGRAMS = int(os.environ.get("FUZZ_PROGRAMS", "400"))


class KnownDifference(AssertionError):
    """A difference of exactly the DIFFERENCES.md row the test is marked with."""


def report(result: Result, row: str) -> str:
    d = result.root
    lines = result.program.lines
    return "\n".join([
        f"row {row}{' (' + NEW[row] + ')' if row in NEW else ''}: {d.kind} at line {d.line + 1}: {d.detail}",
        *("    " + line for line in lines),
        f"  autograd_lite: {d.ours}",
        f"  torch:         {d.theirs}",
    ])


def assert_same(result: Result, expected_row: str | None, minimise: bool = True) -> None:
    if result.root is None:
        return
    row = row_of(result.root, result.program.lines)
    if expected_row is not None and row == expected_row:
        raise KnownDifference(report(result, row))
    if minimise:
        result = shrink(result)
    raise AssertionError(report(result, row_of(result.root, result.program.lines)))


def _marked(ids, rows):
    return [pytest.param(i, marks=pytest.mark.xfail(strict=True, raises=KnownDifference, reason=rows[i]))
            if i in rows else i for i in ids]


@pytest.mark.parametrize("seed", _marked(range(PROGRAMS), XFAIL_SEEDS))
def test_random_program(seed: int) -> None:
    program = generate(seed)
    assert_same(check(program.lines, seed), XFAIL_SEEDS.get(seed))


MISUSE_ROWS = {name: row for name, row, _ in CASES if row}


@pytest.mark.parametrize("name", _marked([name for name, _, _ in CASES], MISUSE_ROWS))
def test_misuse(name: str) -> None:
    """A misuse answers as PyTorch answers (a marked case may fail only by a difference)."""
    source = next(src for n, _, src in CASES if n == name)
    result = check(statements(source))
    if result.root is not None and name in MISUSE_ROWS:
        # hand-written for one row: any difference is that row's
        raise KnownDifference(report(result, MISUSE_ROWS[name]))
    assert_same(result, None, minimise=False)
