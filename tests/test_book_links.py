"""The book's links into the engine's source point at whole pieces (a class or a function).

Line anchors go stale when a file changes: this test fails until the link is updated.
"""
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINK = re.compile(r"blob/main/(autograd_lite/[\w/]+\.py)#L(\d+)-L(\d+)")
LINKS = sorted({(nb.name, *m.groups()) for nb in (ROOT / "book").glob("*.ipynb")
                for cell in json.loads(nb.read_text())["cells"] if cell["cell_type"] == "markdown"
                for m in LINK.finditer("".join(cell["source"]))})


def test_the_book_links_into_the_source():
    assert LINKS, "the appendix links to line ranges of the engine's source"


@pytest.mark.parametrize("notebook,path,first,last", LINKS)
def test_link_spans_one_definition(notebook, path, first, last):
    lines = (ROOT / path).read_text().splitlines()
    first, last = int(first), int(last)
    head = lines[first - 1]
    assert re.match(r"(class|def) \w+", head), f"{notebook}: {path}#L{first} starts with {head!r}"
    after = lines[last] if last < len(lines) else ""
    assert after.strip() == "", f"{notebook}: {path}#L{last} does not end the definition (next: {after!r})"
    body = lines[first:last]
    assert all(not re.match(r"(class|def) ", line) for line in body), f"{notebook}: {path} range spans two definitions"
