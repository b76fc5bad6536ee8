"""The website builds warning-free, works offline and links to the right places.

Builds the book once (stored outputs, no execution: a few seconds) into a
temporary folder, the way `jupyter-book build --all -W --keep-going .` does
from the repository root.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("jupyter_book")
yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parent.parent
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
REPO_URL = CONFIG["repository"]["url"].rstrip("/")
REPO_PATH = REPO_URL.removeprefix("https://github.com/")  # "owner/name"
BRANCH = CONFIG["repository"]["branch"]
MATHJAX = CONFIG["sphinx"]["config"]["mathjax_path"]  # relative to the site's _static/
WIDGETS_JS = list(CONFIG["sphinx"]["config"]["nb_ipywidgets_js"])

# The same interpreter as the tests, whatever is first on PATH.
JUPYTER_BOOK = [sys.executable, "-c",
                "import sys; from jupyter_book.cli.main import main; sys.exit(main())"]


def toc_files() -> list[str]:
    """Every file in _toc.yml ("book/intro", "book/01_leaf_nodes", ...)."""
    files = [TOC["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            for key in ("parts", "chapters", "sections"):
                walk(entry.get(key))

    walk(TOC.get("parts"))
    walk(TOC.get("chapters"))
    return [str(Path(f).with_suffix("")) for f in files]


def notebook_pages() -> list[str]:
    return [f for f in toc_files() if (ROOT / f"{f}.ipynb").is_file()]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    proc = subprocess.run(
        [*JUPYTER_BOOK, "build", "--all", "-W", "--keep-going",
         "--path-output", str(out), str(ROOT)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"jupyter-book build failed:\n{log[-6000:]}"
    assert "build succeeded" in log, log[-3000:]
    html = out / "_build" / "html"
    assert html.is_dir(), log[-3000:]
    return html


def pages(site: Path) -> list[Path]:
    return [p for p in site.rglob("*.html") if "_static" not in p.relative_to(site).parts]


def test_every_toc_page_is_built(site):
    for f in toc_files():
        assert (site / f"{f}.html").is_file(), f"no page for {f}"
    assert (site / "index.html").is_file()


def test_no_external_scripts_or_stylesheets(site):
    """Offline readers get math and widgets: nothing is loaded from a CDN."""
    external_script = re.compile(r"<script\b[^>]*\bsrc=[\"']?(?:https?:)?//", re.I)
    external_css = re.compile(
        r"<link\b(?=[^>]*\brel=[\"']?stylesheet)[^>]*\bhref=[\"']?(?:https?:)?//", re.I)
    for page in pages(site):
        text = page.read_text(encoding="utf-8")
        assert not external_script.search(text), f"external <script src> in {page}"
        assert not external_css.search(text), f"external stylesheet in {page}"


def test_vendored_assets_are_in_the_site(site):
    mathjax = site / "_static" / MATHJAX
    assert mathjax.is_file() and mathjax.stat().st_size > 500_000
    fonts = mathjax.parent / "output" / "chtml" / "fonts" / "woff-v2"
    assert (fonts / "MathJax_Main-Regular.woff").is_file()
    for js in WIDGETS_JS:
        assert (site / "_static" / js).is_file(), js
    # The intro has math, so it loads the local MathJax and no other copy.
    intro = (site / f"{TOC['root']}.html").read_text(encoding="utf-8")
    srcs = re.findall(r"<script\b[^>]*\bsrc=\"([^\"]+)\"", intro)
    assert [s for s in srcs if "mathjax" in s.lower()] == [
        s for s in srcs if s.split("?")[0].endswith("_static/" + MATHJAX)
    ] != []
    # Only the one combined file is loaded: vendored files are never injected
    # as <script> tags on every page (as html_static_path files would be).
    assert not any("vendored/" in s and not s.split("?")[0].endswith(MATHJAX)
                   for s in srcs)


@pytest.mark.parametrize("name", notebook_pages())
def test_launch_links_point_at_the_notebook(site, name):
    text = (site / f"{name}.html").read_text(encoding="utf-8")
    binder = (f"https://mybinder.org/v2/gh/{REPO_PATH}/{BRANCH}"
              f"?urlpath=lab/tree/{name}.ipynb")
    colab = (f"https://colab.research.google.com/github/{REPO_PATH}"
             f"/blob/{BRANCH}/{name}.ipynb")
    assert binder in text
    assert colab in text
    assert "book/book/" not in text
    assert "btn-launch-thebe" in text  # "Live Code" in the launch menu
    assert f'href="../_sources/{name}.ipynb"' in text  # download button
