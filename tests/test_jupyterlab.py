"""A chapter opened in JupyterLab (with jupyterlab-myst, as requirements.txt installs it) shows
its exercises rendered and its solutions hidden, not raw MyST markup.

Starts ``jupyter lab`` on 127.0.0.1 with a token, opens chapter 4 in headless chromium
(see browser.py) and reads the rendered notebook.
"""
from __future__ import annotations

import secrets
import subprocess
import sys
import time
import urllib.request

import pytest

sync_api = pytest.importorskip("playwright.sync_api")
pytest.importorskip("jupyterlab")
pytest.importorskip("jupyterlab_myst")

from browser import ROOT, chromium_path, free_port, launch  # noqa: E402

NOTEBOOK = "book/04_custom_functions.ipynb"
RAW_MARKUP = ("{exercise}", "{solution", ":label:", ":class: dropdown", "```")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    chromium_path()
    port, token = free_port(), secrets.token_hex(16)
    home = tmp_path_factory.mktemp("home")
    # Render every cell at once (JupyterLab renders only what is in view by default).
    settings = home / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--allow-root", "--no-browser", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={ROOT}",
         f"--LabApp.user_settings_dir={home / 'settings'}", "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**__import__("os").environ, "HOME": str(home), "JUPYTER_CONFIG_DIR": str(home / ".jupyter")})
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=1)
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"jupyter lab exited: {proc.stderr.read()[-3000:]}")
                time.sleep(0.5)
        else:
            pytest.fail("jupyter lab did not start within a minute")
        yield url, token
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_exercises_render_and_solutions_stay_hidden(lab, tmp_path):
    url, token = lab
    with sync_api.sync_playwright() as p:
        context = launch(p, tmp_path / "profile")
        page = context.new_page()
        page.set_viewport_size({"width": 1200, "height": 1000})
        page.goto(f"{url}/lab/tree/{NOTEBOOK}?token={token}")
        page.wait_for_selector(".jp-Notebook .jp-MarkdownCell .myst", timeout=90000)
        page.wait_for_timeout(3000)
        texts = page.evaluate("""() => [...document.querySelectorAll('.jp-MarkdownCell')]
            .map(c => c.querySelector('.myst, .jp-RenderedMarkdown'))
            .filter(r => r).map(r => r.innerText)""")
        assert len(texts) > 20, "the notebook's Markdown cells were not rendered"
        raw = [t[:120] for t in texts if any(m in t for m in RAW_MARKUP)]
        assert raw == [], f"raw MyST markup shown: {raw}"
        assert sum("Exercise 5." in t for t in texts) == 3, "the three exercise headings are not rendered"
        solutions = page.evaluate("""() => [...document.querySelectorAll('.jp-MarkdownCell details.solution')]
            .map(d => ({open: d.open, summary: d.querySelector('summary').innerText,
                        hidden: d.innerText.trim() === d.querySelector('summary').innerText.trim()}))""")
        assert len(solutions) >= 3, solutions
        assert all(not s["open"] and s["hidden"] and s["summary"].startswith("Solution") for s in solutions), solutions
        # solution code: its input is collapsed, the reader's starter is not
        visible_code = page.evaluate("""() => [...document.querySelectorAll('.jp-CodeCell')]
            .filter(c => { const e = c.querySelector('.jp-InputArea-editor');
                           return e && e.getClientRects().length > 0; })
            .map(c => c.querySelector('.jp-InputArea-editor').innerText)""")
        assert any("check_cube(Cube)" in t and "..." in t for t in visible_code), "the starter cell is not shown"
        assert not any("ctx.save_for_backward(x)\n        return x ** 3" in t for t in visible_code), \
            "a solution's code is shown"
        context.close()
