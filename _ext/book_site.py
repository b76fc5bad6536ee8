"""Small fixes to the built site, as a local Sphinx extension (listed in _config.yml).

* sphinx-thebe's configuration script (``const THEBE_JS_URL = ...``) is written
  twice into every page under jupyter-book, so each page threw "Identifier
  'THEBE_JS_URL' has already been declared": repeated inline scripts are dropped
  from the written pages.
* "Live Code" loads thebe from the site itself (vendored by scripts/vendor_assets.py
  into ``_static/vendored/thebe/``), not from a CDN, and keeps thebe from loading
  MathJax 2 from a CDN (``mathjaxUrl: false``).
* The theme's Font Awesome script watches the page and swaps every ``<i class="fa ...">``
  for an SVG, including the icons inside widgets (the Play button's), which broke the
  widgets' links (a slider stopped turning the pages of a figure). It is told, before
  it loads, to convert the page once and not to watch it.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

THEBE = "_static/vendored/thebe/index.js"
FONTAWESOME_CONFIG = '<script>window.FontAwesomeConfig = {observeMutations: false};</script>'
INLINE_SCRIPT = re.compile(r"[ \t]*<script>(.*?)</script>\n?", re.S)


def fix_page(text: str, depth: int) -> str:
    """Drop repeated inline <script>s; point THEBE_JS_URL at the vendored copy."""
    seen: set[str] = set()

    def once(m: re.Match) -> str:
        body = m.group(1)
        if body in seen:
            return ""
        seen.add(body)
        return m.group(0)

    text = INLINE_SCRIPT.sub(once, text)
    if FONTAWESOME_CONFIG not in text:
        text = re.sub(r'(<script[^>]*src="[^"]*fontawesome\.js)', FONTAWESOME_CONFIG + r"\n    \1", text, count=1)
    # thebe would fetch MathJax 2 from a CDN for its outputs; the page has MathJax 3 already
    if "mathjaxUrl" not in text:
        text = text.replace("requestKernel: true,", "requestKernel: true,\n        mathjaxUrl: false,", 1)
    local = "../" * depth + THEBE
    return re.sub(r'const THEBE_JS_URL = "[^"]*"', f'const THEBE_JS_URL = "{local}"', text)


def build_finished(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    for page in out.rglob("*.html"):
        rel = page.relative_to(out)
        if rel.parts[0] == "_static":
            continue
        text = page.read_text(encoding="utf-8")
        fixed = fix_page(text, len(rel.parts) - 1)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


def setup(app: Any) -> dict:
    app.connect("build-finished", build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
