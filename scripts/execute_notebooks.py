#!/usr/bin/env python3
"""(Re-)execute the book's notebooks in place: the outputs nbval checks come from here.

    python scripts/execute_notebooks.py                      # every notebook in _toc.yml
    python scripts/execute_notebooks.py book/01_leaf_nodes.ipynb [...]

Each notebook runs top to bottom in a fresh kernel, with its own folder as the
working directory (so the package must be installed, e.g. ``pip install -e .``).
A cell may raise only if it is tagged ``raises-exception``; any other error stops
that notebook, leaves the file untouched, and makes the script exit non-zero
after trying the remaining notebooks. Outputs are written back in place with
metadata that would churn between runs normalised: no execution timestamps,
execution counts 1, 2, 3, ... in cell order, widget state kept (the website
renders widgets from it) with its random model ids renumbered.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

ROOT = Path(__file__).resolve().parent.parent
CELL_TIMEOUT = 300  # seconds per cell
KERNEL = "python3"


def toc_notebooks() -> list[Path]:
    """The notebooks listed in _toc.yml, in reading order."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files: list[str] = [toc["root"]]

    def walk(entries: list[dict]) -> None:
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            for key in ("parts", "chapters", "sections"):
                walk(entry.get(key, []))

    walk(toc.get("parts", []))
    walk(toc.get("chapters", []))
    return [ROOT / f"{f}.ipynb" for f in files if (ROOT / f"{f}.ipynb").is_file()]


def coalesce_streams(outputs: list) -> list:
    """One box per stream: how a print loop's output arrives in pieces depends on timing."""
    merged: list = []
    for out in outputs:
        if (out.get("output_type") == "stream" and merged and merged[-1].get("output_type") == "stream"
                and merged[-1]["name"] == out["name"]):
            merged[-1]["text"] += out["text"]
        else:
            merged.append(out)
    return merged


def normalise(nb: nbformat.NotebookNode) -> None:
    """Strip run-to-run noise so re-executing an unchanged notebook changes nothing."""
    count = 0
    for cell in nb.cells:
        meta = cell.get("metadata", {})
        meta.pop("execution", None)  # iopub/shell timestamps recorded by nbclient
        meta.pop("ExecuteTime", None)  # jupyterlab-execute-time
        if cell.cell_type != "code":
            continue
        if cell.source.strip():
            count += 1
            cell.execution_count = count
        else:
            cell.execution_count = None
            cell.outputs = []
        cell.outputs = coalesce_streams(cell.get("outputs", []))
        for out in cell.outputs:
            if "execution_count" in out:
                out["execution_count"] = cell.execution_count
    nb.metadata.pop("papermill", None)
    # Pin the kernel the notebooks are run with (the environment decides the rest).
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": KERNEL,
    }
    # Drop the exact Python version, which differs between machines.
    lang = nb.metadata.get("language_info", {})
    nb.metadata["language_info"] = {
        k: lang[k]
        for k in ("codemirror_mode", "file_extension", "mimetype", "name",
                  "nbconvert_exporter", "pygments_lexer")
        if k in lang
    }


WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def renumber_widgets(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Replace the random widget model ids by 000...1, 000...2, ... in creation order.

    The ids appear as keys of the stored widget state, inside it as
    ``IPY_MODEL_<id>`` references, and in each widget output's ``model_id``.
    """
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    if not state:
        return nb
    text = json.dumps(nb)
    for i, model_id in enumerate(list(state), start=1):
        text = text.replace(model_id, f"{i:032x}")
    return nbformat.from_dict(json.loads(text))


def rel(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def check_errors(nb: nbformat.NotebookNode, path: str) -> list[str]:
    """Errors in cells not tagged raises-exception (nbclient stops at the first)."""
    problems = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        tagged = "raises-exception" in cell.get("metadata", {}).get("tags", [])
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if errors and not tagged:
            problems.append(f"{path}: cell {i} raised {errors[0].get('ename')} "
                            "but is not tagged raises-exception")
    return problems


def execute(path: Path) -> tuple[bool, float]:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        kernel_name=KERNEL,
        resources={"metadata": {"path": str(path.parent)}},
        allow_errors=False,  # per cell: raises-exception tags are honoured by nbclient
        record_timing=False,
        store_widget_state=True,
    )
    start = time.perf_counter()
    try:
        if any(c.cell_type == "code" and c.source.strip() for c in nb.cells):
            client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
        print(f"FAILED {rel(path)}\n{exc}", file=sys.stderr)
        return False, time.perf_counter() - start
    elapsed = time.perf_counter() - start
    problems = check_errors(nb, rel(path))
    if problems:
        print("FAILED " + "\n".join(problems), file=sys.stderr)
        return False, elapsed
    normalise(nb)
    nb = renumber_widgets(nb)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return True, elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to execute (default: all in _toc.yml)")
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.notebooks] or toc_notebooks()
    missing = [p for p in paths if not p.is_file()]
    if missing:
        parser.error("not found: " + ", ".join(map(str, missing)))

    # Numba caches compiled kernels; an inherited but empty/unusable
    # NUMBA_CACHE_DIR would make the cache decorator fail at import.
    if "NUMBA_CACHE_DIR" in os.environ and not os.environ["NUMBA_CACHE_DIR"].strip():
        del os.environ["NUMBA_CACHE_DIR"]
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # debugger warning

    failed = []
    for path in paths:
        ok, seconds = execute(path)
        status = "ok    " if ok else "FAILED"
        print(f"{status} {seconds:6.1f} s  {rel(path)}", flush=True)
        if not ok:
            failed.append(path)
    if failed:
        print(f"{len(failed)} of {len(paths)} notebook(s) failed; "
              "their files were left unchanged.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
