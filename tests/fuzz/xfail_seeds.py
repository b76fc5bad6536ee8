"""Fast-profile seeds that fail today, with the DIFFERENCES.md row of their root difference.

Written by `python -m tests.fuzz --programs N --write-xfails`; test_fuzz.py marks these
xfail(strict=True): when a fix makes one pass (XPASS fails the suite), delete its seed,
or rerun the command once the row is fixed.
"""
XFAIL_ROWS: dict[str, list[int]] = {
}
XFAIL_SEEDS = {seed: row for row, seeds in XFAIL_ROWS.items() for seed in seeds}
