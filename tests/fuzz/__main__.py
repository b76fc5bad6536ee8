"""The long profile: thousands of random programs, a summary by category, shrunk reproducers.

    PYTHONPATH=$PWD python -m tests.fuzz --programs 6000 [--start 0] [--no-shrink] [--layout]

Prints how many programs ran, how many hit a kept difference (known_differences.py),
then the differences by category (kind of difference: operation), each with its
DIFFERENCES.md row and the smallest reproducer found, as a snippet to paste.
``--write-xfails`` regenerates xfail_seeds.py for the suite's fast profile.
"""
from __future__ import annotations

import argparse
import collections
import sys
import time

from .programs import check, generate, shrink
from .rows import NEW, row_of


def _row_order(item) -> tuple:
    row = item[0]
    return (row[0], int(row[1:]) if row[1:].isdigit() else 0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__.split("\n")[0])
    parser.add_argument("--programs", type=int, default=6000)
    parser.add_argument("--start", type=int, default=0, help="first seed")
    parser.add_argument("--no-shrink", action="store_true")
    parser.add_argument("--write-xfails", action="store_true", help="write xfail_seeds.py for these seeds")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    by_category: dict[str, list] = collections.defaultdict(list)
    by_row: collections.Counter = collections.Counter()
    kept: collections.Counter = collections.Counter()
    seed_rows = {}
    for seed in range(args.start, args.start + args.programs):
        program = generate(seed)
        result = check(program.lines, seed)
        kept.update(result.kept)
        if result.root is None:
            continue
        row = row_of(result.root, program.lines)
        seed_rows[seed] = row
        by_row[row] += 1
        by_category[f"{row} {result.root.category(program.lines)}"].append(result)
    elapsed = time.perf_counter() - start

    failing = sum(len(v) for v in by_category.values())
    print(f"programs run: {args.programs} (seeds {args.start}..{args.start + args.programs - 1}), "
          f"{elapsed:.0f} s")
    print(f"programs with a difference: {failing}; without: {args.programs - failing}")
    print("kept differences skipped (programs): "
          + (", ".join(f"{k} {v}" for k, v in kept.most_common()) or "none"))
    print("\nby DIFFERENCES.md row:")
    for row, n in sorted(by_row.items(), key=lambda kv: -kv[1]):
        print(f"  {row:>12} {n:5d}  {NEW.get(row, '')[:90]}")
    print("\nby category (row, kind: operation), with the smallest reproducer:")
    for category, results in sorted(by_category.items(), key=lambda kv: -len(kv[1])):
        best = min(results[:5], key=lambda r: len(r.program.lines))
        if not args.no_shrink:
            best = shrink(best)
        d = best.root
        print(f"\n## {category}: {len(results)} programs (seed {best.program.seed})")
        print("\n".join("    " + line for line in best.program.lines))
        print(f"    # line {d.line + 1}, {d.detail}")
        print(f"    #   autograd_lite: {d.ours[:300]!s}".replace("\n", " "))
        print(f"    #   torch:         {d.theirs[:300]!s}".replace("\n", " "))
    if args.write_xfails:
        from pathlib import Path
        path = Path(__file__).with_name("xfail_seeds.py")
        grouped = collections.defaultdict(list)
        for s, r in sorted(seed_rows.items()):
            grouped[r].append(s)
        body = "".join(f"    {r!r}: {seeds},\n" for r, seeds in sorted(grouped.items(), key=_row_order))
        path.write_text(
            '"""Fast-profile seeds that fail today, with the DIFFERENCES.md row of their root difference.\n\n'
            "Written by `python -m tests.fuzz --programs N --write-xfails`; test_fuzz.py marks these\n"
            "xfail(strict=True): when a fix makes one pass (XPASS fails the suite), delete its seed,\n"
            "or rerun the command once the row is fixed.\n"
            '"""\n'
            f"XFAIL_ROWS: dict[str, list[int]] = {{\n{body}}}\n"
            "XFAIL_SEEDS = {seed: row for row, seeds in XFAIL_ROWS.items() for seed in seeds}\n")
        print(f"\nwrote {path} ({len(seed_rows)} seeds)")
    print(f"\ntotal time {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
