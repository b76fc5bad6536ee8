"""Fast-profile seeds that fail today, with the DIFFERENCES.md row of their root difference.

Written by `python -m tests.fuzz --programs N --write-xfails`; test_fuzz.py marks these
xfail(strict=True): when a fix makes one pass (XPASS fails the suite), delete its seed,
or rerun the command once the row is fixed.
"""
XFAIL_ROWS: dict[str, list[int]] = {
    'A1': [16, 52, 84, 120, 122, 131, 140, 181, 189, 265, 323, 333],
    'A2': [132, 247],
    'A5': [41, 50, 144, 346],
    'A6': [225],
    'A8': [11],
    'A10': [362],
    'A11': [75],
    'A13': [107, 188],
    'A21': [207, 218, 234, 237],
    'A30': [74, 87, 133, 211, 242, 253],
    'A33': [58, 250, 261, 278, 302],
    'A37': [268, 328, 391],
    'B': [95, 198, 204, 285, 325],
    'C': [98, 108, 124, 166, 167, 173, 182, 199, 227, 241, 321, 381, 383, 388, 390],
    'D': [17, 21, 33, 34, 38, 46, 62, 65, 68, 90, 101, 125, 157, 193, 233, 257, 306, 317, 349, 354, 360, 398],
    'N1': [3, 5, 29, 30, 81, 99, 115, 117, 135, 137, 163, 175, 197, 215, 243, 249, 287, 293, 315, 339, 366, 387],
    'N2': [2, 12, 40, 141, 147, 231, 267, 298, 329, 384, 389],
    'N3': [36, 174, 191, 214, 277, 347, 386],
    'N4': [0, 13, 23, 24, 48, 61, 71, 78, 91, 106, 136, 152, 176, 194, 205, 208, 217, 223, 239, 254, 275, 289, 305, 331, 343, 351],
    'N5': [171, 276],
    'N6': [44, 161],
    'N9': [105, 130],
    'N10': [376],
}
XFAIL_SEEDS = {seed: row for row, seeds in XFAIL_ROWS.items() for seed in seeds}
