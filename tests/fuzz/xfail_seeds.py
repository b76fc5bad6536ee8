"""Fast-profile seeds that fail today, with the DIFFERENCES.md row of their root difference.

Written by `python -m tests.fuzz --programs N --write-xfails`; test_fuzz.py marks these
xfail(strict=True): when a fix makes one pass (XPASS fails the suite), delete its seed,
or rerun the command once the row is fixed.
"""
XFAIL_ROWS: dict[str, list[int]] = {
    'A10': [115, 362],
    'A21': [207, 218, 234, 237],
    'A36': [144],
    'B': [95, 198, 204, 285, 325],
    'D': [17, 21, 33, 34, 46, 62, 65, 68, 90, 101, 125, 193, 197, 233, 257, 302, 317, 349, 354, 360, 398],
    'N2': [2, 16, 40, 141, 147, 231, 267, 298, 329, 389],
    'N3': [191, 214, 347, 386],
    'N5': [171, 276],
    'N9': [105, 130],
    'N10': [376],
    'N15': [29],
}
XFAIL_SEEDS = {seed: row for row, seeds in XFAIL_ROWS.items() for seed in seeds}
