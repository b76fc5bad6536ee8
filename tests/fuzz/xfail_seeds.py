"""Fast-profile seeds that fail today, with the DIFFERENCES.md row of their root difference.

Written by `python -m tests.fuzz --programs N --write-xfails`; test_fuzz.py marks these
xfail(strict=True): when a fix makes one pass (XPASS fails the suite), delete its seed,
or rerun the command once the row is fixed.
"""
XFAIL_ROWS: dict[str, list[int]] = {
    'A10': [115, 362],
    'A21': [207, 218, 234, 237],
    'A23': [6, 26, 36, 83, 85, 93, 108, 155, 217, 229, 238, 352, 383],
    'A26': [204, 357],
    'A27': [90, 96, 100, 160, 175, 205, 239, 335, 336, 360, 381],
    'A30': [74, 87, 133, 211, 242, 253],
    'A33': [58, 250, 261, 278, 302],
    'A36': [144],
    'B': [95, 198, 285, 325],
    'C': [30, 75, 163, 166, 167, 173, 182, 293, 321, 388],
    'D': [17, 21, 33, 34, 35, 43, 62, 65, 68, 97, 101, 134, 137, 157, 193, 197, 233, 247, 255, 257, 287, 292, 306, 309, 317, 349, 351, 353, 354, 382, 398, 399],
    'N2': [2, 16, 40, 141, 147, 231, 267, 298, 329, 389],
    'N3': [191, 214, 347, 386],
    'N4': [0, 13, 23, 24, 48, 61, 71, 78, 91, 106, 136, 152, 161, 176, 194, 199, 208, 223, 254, 275, 289, 295, 305, 315, 331, 343],
    'N5': [171, 276],
    'N9': [105, 130],
    'N10': [376],
    'N15': [29],
}
XFAIL_SEEDS = {seed: row for row, seeds in XFAIL_ROWS.items() for seed in seeds}
