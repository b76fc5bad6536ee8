#!/usr/bin/env python3
"""Vendor the browser assets the website needs, so it works offline.

By default the built site would load MathJax and the ipywidgets embed manager
from CDNs: offline, math shows as raw TeX and widgets vanish. This script fetches
pinned versions from their npm packages (``npm pack``: the package tarball only,
no dependencies) into a temporary folder and copies just the files the site
needs into ``book/_vendor/_static/vendored/``. The copied files are committed, so
readers and CI never need npm; run this script only to change a version.

    python scripts/vendor_assets.py

``_config.yml`` lists ``book/_vendor`` in ``html_extra_path``: its contents are
copied into the site root as-is (hence the inner ``_static/``), so the files end
up in the site's ``_static/vendored/`` without being injected as ``<script>`` tags
(which is what happens to every .js file under an ``html_static_path`` folder).

What is copied, and why:

* ``mathjax``: ``es5/tex-chtml-full.js``, one combined file with every TeX
  extension (so nothing is loaded lazily), plus the CHTML web fonts it loads
  from ``output/chtml/fonts/woff-v2/``. Pointed at by ``mathjax_path``.
* ``@jupyter-widgets/html-manager``: ``dist/embed.js``, the standalone
  (non-RequireJS) embed script for ipywidgets 8's core widgets, plus the
  Font Awesome woff2 fonts its CSS refers to. Pointed at by ``nb_ipywidgets_js``.
  The AMD variant (``embed-amd.js`` + require.js) is only needed for third-party
  widget libraries, which this book does not use, and is 1.3 MB larger.
* ``thebe``: ``lib/`` (the bundle ``index.js``, the chunks it loads relative to
  its own URL, and its CSS; no source maps) for the "Live Code" button. The
  local extension ``_ext/book_site.py`` points sphinx-thebe's ``THEBE_JS_URL`` at it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEST = ROOT / "book" / "_vendor" / "_static" / "vendored"

MATHJAX = "mathjax@3.2.2"
HTML_MANAGER = "@jupyter-widgets/html-manager@1.0.7"
THEBE = "thebe@0.9.3"


def npm_pack(spec: str, workdir: Path) -> Path:
    """Download and unpack one npm package tarball; return its ``package/`` dir."""
    out = subprocess.run(
        ["npm", "pack", "--json", "--silent", spec],
        cwd=workdir, check=True, capture_output=True, text=True,
    ).stdout
    filename = json.loads(out)[0]["filename"]
    target = workdir / filename.removesuffix(".tgz")
    with tarfile.open(workdir / filename) as tar:
        tar.extractall(target, filter="data")
    return target / "package"


def copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)


def main() -> int:
    if shutil.which("npm") is None:
        print("npm not found: install Node.js to re-vendor the assets", file=sys.stderr)
        return 1
    if DEST.exists():
        shutil.rmtree(DEST)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)

        mj = npm_pack(MATHJAX, tmp)
        mj_dest = DEST / "mathjax"
        copy(mj / "es5" / "tex-chtml-full.js", mj_dest / "tex-chtml-full.js")
        for font in sorted((mj / "es5" / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff")):
            copy(font, mj_dest / "output" / "chtml" / "fonts" / "woff-v2" / font.name)
        copy(mj / "LICENSE", mj_dest / "LICENSE")

        hm = npm_pack(HTML_MANAGER, tmp)
        hm_dest = DEST / "html-manager"
        embed = hm / "dist" / "embed.js"
        # The HTML widget typesets with MathJax 2's MathJax.Hub.Queue whenever a MathJax
        # exists; the site runs MathJax 3 (no Hub), so every HTML widget threw a TypeError.
        # Patched to skip typesetting when there is no Hub (no widget here holds math).
        text = embed.read_text(encoding="utf-8")
        guard = "void 0!==window.MathJax&&MathJax.Hub.Queue("
        if text.count(guard) != 1:
            raise SystemExit("embed.js changed: re-check the MathJax.Hub patch")
        text = text.replace(guard, "void 0!==window.MathJax&&void 0!==MathJax.Hub&&MathJax.Hub.Queue(")
        (hm_dest / "embed.js").parent.mkdir(parents=True, exist_ok=True)
        (hm_dest / "embed.js").write_text(text, encoding="utf-8")
        # webpack resolves these relative to the script's own URL; browsers pick
        # woff2 first, so the eot/ttf/svg/woff fallbacks are left out.
        for name in sorted(set(re.findall(r"[0-9a-f]{20}\.woff2", embed.read_text()))):
            copy(hm / "dist" / name, hm_dest / name)
        copy(hm / "dist" / "embed.js.LICENSE.txt", hm_dest / "embed.js.LICENSE.txt")
        copy(hm / "LICENSE", hm_dest / "LICENSE")

        th = npm_pack(THEBE, tmp)
        for f in sorted((th / "lib").iterdir()):
            if f.is_file() and f.suffix in (".js", ".css", ".txt") and not f.name.endswith(".map"):
                copy(f, DEST / "thebe" / f.name)
        if (th / "LICENSE").is_file():
            copy(th / "LICENSE", DEST / "thebe" / "LICENSE")

    (DEST / "VERSIONS.txt").write_text(
        "Vendored by scripts/vendor_assets.py from npm packages:\n"
        f"  {MATHJAX}  (Apache-2.0)\n"
        f"  {HTML_MANAGER}  (BSD-3-Clause)\n"
        f"  {THEBE}  (BSD-3-Clause)\n"
    )
    total = sum(p.stat().st_size for p in DEST.rglob("*") if p.is_file())
    print(f"vendored into {DEST.relative_to(ROOT)}: {total / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
