"""The website in a real browser, as a reader with no network meets it.

Builds the site, serves it on 127.0.0.1 and opens every page in headless chromium
(see browser.py), at desktop width and at phone width (390 px). On every page: no
console error or uncaught exception, no request leaving 127.0.0.1, no failed request
(favicon included), every formula typeset by MathJax, every image loaded, every
internal link answered, no output block wider than the text column, one box per cell
for what it prints, no sideways scroll on a phone. Every interactive figure renders
with no kernel and answers its controls (what it shows changes). "Live Code" says
within seconds that no Binder can be reached.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import pytest

pytest.importorskip("jupyter_book")
sync_api = pytest.importorskip("playwright.sync_api")

from browser import ROOT, Server, build_site, chromium_path, launch  # noqa: E402

from test_site import toc_files  # noqa: E402  (one reader of _toc.yml for the site tests)


def toc_pages() -> list[str]:
    return [f"{f}.html" for f in toc_files()]


PAGES = toc_pages() + ["genindex.html", "search.html"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    chromium_path()
    html = build_site(tmp_path_factory.mktemp("site"))
    srv = Server(html)
    yield srv
    srv.close()


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    with sync_api.sync_playwright() as p:
        ctx = launch(p, tmp_path_factory.mktemp("profile"))
        yield ctx
        ctx.close()


class Visit:
    """One page load with everything the browser reported while loading it."""

    def __init__(self, context, url: str, width: int) -> None:
        self.errors: list[str] = []
        self.external: list[str] = []
        self.failed: list[str] = []
        page = context.new_page()
        page.set_viewport_size({"width": width, "height": 900})
        host = urlparse(url).netloc
        page.on("console", lambda m: m.type == "error" and self.errors.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: self.errors.append(f"exception: {e}"))

        def on_request(req):
            scheme = urlparse(req.url).scheme
            if scheme in ("http", "https", "ws", "wss") and urlparse(req.url).netloc != host:
                self.external.append(req.url)

        page.on("request", on_request)
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.url} ({r.status})"))
        page.route(re.compile(r"^(?!http://127\.0\.0\.1).*://"), lambda route: route.abort())
        page.goto(url, wait_until="load")
        page.evaluate("async () => { if (window.MathJax && MathJax.startup) await MathJax.startup.promise; }")
        page.wait_for_timeout(300)
        self.page = page

    def close(self) -> None:
        self.page.close()


WIDE_OUTPUTS = """() => {
  const column = document.querySelector('main #main-content, main .bd-article, main') || document.body;
  const right = column.getBoundingClientRect().right + 1;
  const bad = [];
  for (const el of document.querySelectorAll('div.cell_output, div.cell_output pre, div.output pre')) {
    if (!el.offsetParent) continue;
    const r = el.getBoundingClientRect();
    if (el.scrollWidth > el.clientWidth + 1 || r.right > right)
      bad.push((el.innerText || '').slice(0, 80));
  }
  return bad;
}"""


@pytest.mark.parametrize("name", PAGES)
def test_page_in_a_browser(server, context, name):
    visit = Visit(context, f"{server.url}/{name}", 1200)
    page = visit.page
    try:
        assert visit.errors == [], visit.errors
        assert visit.external == [], f"requests leaving 127.0.0.1: {visit.external}"
        assert visit.failed == [], f"failed requests: {visit.failed}"
        untypeset = page.evaluate("""() => [...document.querySelectorAll('span.math, div.math')]
            .filter(el => !el.querySelector('mjx-container')).map(el => el.textContent.slice(0, 60))""")
        assert untypeset == [], f"math not typeset: {untypeset}"
        broken = page.evaluate("""() => [...document.images]
            .filter(img => !(img.complete && img.naturalWidth > 0)).map(img => img.src.slice(0, 80))""")
        assert broken == [], f"broken images: {broken}"
        links = page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)")
        internal = sorted({urldefrag(u)[0] for u in links if u.startswith(server.url)})
        dead = [u for u in internal if page.request.get(u).status != 200]
        assert dead == [], f"broken links: {dead}"
        assert page.evaluate(WIDE_OUTPUTS) == [], "output blocks wider than the column"
        split = page.evaluate("""() => [...document.querySelectorAll('div.cell_output')]
            .filter(o => o.querySelectorAll('.output.stream').length > 1).map(o => o.innerText.slice(0, 80))""")
        assert split == [], f"one cell's printed output split into several boxes: {split}"
    finally:
        visit.close()


@pytest.mark.parametrize("name", PAGES)
def test_page_on_a_phone(server, context, name):
    visit = Visit(context, f"{server.url}/{name}", 390)
    page = visit.page
    try:
        assert visit.errors == [], visit.errors
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"page scrolls sideways at 390 px: {width} px wide"
        assert page.evaluate(WIDE_OUTPUTS) == [], "output blocks wider than the column"
    finally:
        visit.close()


# ---------------------------------------------------------------- the interactive figures
SIGNATURE = """root => [...root.querySelectorAll('img, .widget-html-content')]
    .filter(el => el.offsetParent !== null)
    .map(el => el.tagName === 'IMG' ? el.src.slice(-200) : el.innerText).join('|')"""


def figure_pages() -> list[str]:
    found = []
    for name in toc_pages():
        nb = ROOT / Path(name).with_suffix(".ipynb")
        if nb.is_file() and "application/vnd.jupyter.widget-view+json" in nb.read_text():
            found.append(name)
    return found


def _changes(page, root, act) -> bool:
    before = root.evaluate(SIGNATURE)
    act()
    page.wait_for_timeout(400)
    return root.evaluate(SIGNATURE) != before


@pytest.mark.parametrize("name", figure_pages())
def test_figures_work_without_a_kernel(server, context, name):
    nb = (ROOT / Path(name).with_suffix(".ipynb")).read_text()
    expected = nb.count('"application/vnd.jupyter.widget-view+json"')
    visit = Visit(context, f"{server.url}/{name}", 1200)
    page = visit.page
    try:
        assert visit.errors == [], visit.errors
        page.wait_for_function(f"document.querySelectorAll('.cell_output .jupyter-widgets.widget-vbox').length"
                               f" >= {expected}", timeout=15000)
        roots = page.locator(".cell_output .jupyter-widgets.widget-vbox").all()
        roots = [r for r in roots if r.evaluate("el => !el.parentElement.closest('.widget-vbox')")]
        assert len(roots) == expected
        for root in roots:
            root.scroll_into_view_if_needed()
            assert root.evaluate(SIGNATURE), "a figure shows nothing"
            handles = root.locator(".noUi-handle").all()
            toggles = root.locator("button.widget-toggle-button").all()
            for handle in handles:
                def slide(h=handle):
                    h.focus()
                    h.press("End")
                    if h.get_attribute("aria-valuenow") == h.get_attribute("aria-valuemin"):
                        h.press("Home")

                moved = _changes(page, root, slide)
                if not moved:  # it was at the end already: go back to the start
                    moved = _changes(page, root, lambda h=handle: (h.focus(), h.press("Home")))
                assert moved, f"a slider of a figure on {name} changes nothing"
            for toggle in toggles:
                if "mod-active" in (toggle.get_attribute("class") or ""):
                    continue
                assert _changes(page, root, toggle.click), f"a button of a figure on {name} changes nothing"
            text_boxes = root.locator("input[type=text]").count()
            assert handles or toggles or text_boxes, "a figure without controls"
        assert visit.errors == [], visit.errors
    finally:
        visit.close()


def test_play_button_steps_through(server, context):
    visit = Visit(context, f"{server.url}/book/02_gradient_accumulation.html", 1200)
    page = visit.page
    try:
        page.wait_for_selector(".widget-play button")
        root = [r for r in page.locator(".cell_output .jupyter-widgets.widget-vbox").all()
                if r.locator(".widget-play").count() and not r.locator(".widget-toggle-button").count()][0]
        root.scroll_into_view_if_needed()
        assert _changes(page, root, lambda: (root.locator(".widget-play button").first.click(),
                                             page.wait_for_timeout(2500)))
    finally:
        visit.close()


def test_live_code_says_when_binder_is_unreachable(server, context):
    """Offline, "Live Code" must say so within seconds (the request to Binder is blocked here)."""
    visit = Visit(context, f"{server.url}/book/01_leaf_nodes.html", 1200)
    page = visit.page
    try:
        page.evaluate("() => document.querySelector('.btn-launch-thebe').click()")  # the launch menu's "Live Code"
        note = page.wait_for_selector("#ag-live-code-note", timeout=10000)
        assert "could not reach a Binder server" in note.inner_text()
        assert "Loading thebe from CDN" not in page.inner_text("body")
        assert not any("unpkg" in u or "cdn" in u for u in visit.external), visit.external
    finally:
        visit.close()
