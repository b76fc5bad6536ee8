"""Every chapter, re-executed with real PyTorch in place of autograd_lite, prints the same.

The book promises that its code runs unchanged on PyTorch. This test holds it to that:
each notebook is executed in a fresh kernel with ``import autograd_lite as torch``
replaced by ``import torch``, and every code cell's output (text, HTML, SVG pictures,
and the error of cells meant to fail) is compared with the output stored in the
notebook, which autograd_lite produced. An error is compared as a reader sees it, chained
exceptions included; warnings are compared as stderr text. Cells tagged ``parity-skip`` are about
autograd_lite itself: they still run (later cells may need them) but are not compared.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("torch")
nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "book").glob("[0-9]*.ipynb"))
SANITIZE = [
    (re.compile(m.group(1)), m.group(2))
    for m in re.finditer(r"^regex: (.*)\nreplace: (.*)$", (ROOT / "tests/nbval_sanitize.cfg").read_text(), re.M)
]
COMPARED = ("text/plain", "text/html", "image/svg+xml")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def to_pytorch(source: str) -> str:
    """The same cell written against PyTorch."""
    return re.sub(r"^(\s*)import autograd_lite as torch\s*$", r"\1import torch", source, flags=re.M)


def clean(text: str) -> str:
    for pattern, replacement in SANITIZE:
        text = pattern.sub(replacement, text)
    return text


def visible_outputs(cell) -> list[str]:
    """What a reader sees of a cell's outputs, as comparable strings."""
    shown = []
    for out in cell.get("outputs", []):
        kind = out["output_type"]
        if kind == "stream":
            shown.append(f"{out['name']}: {out['text']}")
        elif kind == "error":
            # The whole (minimal-mode) traceback: a chained exception shows up as two.
            text = ANSI.sub("", "".join(out.get("traceback", []))).strip()
            shown.append(f"error: {text or out['ename'] + ': ' + out['evalue']}")
        else:
            data = out.get("data", {})
            shown.extend(f"{m}: {data[m]}" for m in COMPARED if m in data)
    return [clean(s) for s in shown]


def _merge_streams(outputs: list[str]) -> list[str]:
    merged: list[str] = []
    for s in outputs:
        if merged and s.startswith("stdout: ") and merged[-1].startswith("stdout: "):
            merged[-1] += s[len("stdout: "):]
        else:
            merged.append(s)
    return merged


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_chapter_prints_what_pytorch_prints(path: Path) -> None:
    stored = nbformat.read(path, as_version=4)
    if not any(c.cell_type == "code" and c.source.strip() for c in stored.cells):
        pytest.skip("no code cells")
    run = nbformat.read(path, as_version=4)
    for cell in run.cells:
        if cell.cell_type == "code":
            cell.source = to_pytorch(cell.source)
            cell.outputs = []
    client = nbclient.NotebookClient(run, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    compared, differences = 0, []
    for i, (mine, theirs) in enumerate(zip(stored.cells, run.cells)):
        if mine.cell_type != "code" or "parity-skip" in mine.metadata.get("tags", []):
            continue
        compared += 1
        expected, got = _merge_streams(visible_outputs(mine)), _merge_streams(visible_outputs(theirs))
        if expected != got:
            differences.append(f"cell {i}:\n{mine.source}\n--- autograd_lite:\n{expected}\n--- PyTorch:\n{got}")
    assert compared > 0
    assert not differences, "\n\n".join(differences)
