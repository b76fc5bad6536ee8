"""Helpers for the tests that drive a real browser: Debian's chromium through Playwright.

Playwright comes from PyPI (requirements-dev.txt); its own browser download
(``playwright install``) is never used: the system's chromium is launched by path
(``apt-get install chromium``; .ci/run installs it). Tests skip when either is missing.
"""
from __future__ import annotations

import functools
import http.server
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
JUPYTER_BOOK = [sys.executable, "-c",
                "import sys; from jupyter_book.cli.main import main; sys.exit(main())"]


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("no chromium on PATH (apt-get install chromium)")


def launch(playwright, user_data_dir: Path):
    """A fresh persistent profile, so nothing is shared between runs."""
    return playwright.chromium.launch_persistent_context(
        str(user_data_dir), executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS,
        viewport={"width": 1200, "height": 900})


def build_site(out: Path) -> Path:
    """The website, built the way the README says, into ``out``; returns the html folder."""
    proc = subprocess.run([*JUPYTER_BOOK, "build", "--all", "-W", "--keep-going", "--path-output", str(out),
                           str(ROOT)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0 and "build succeeded" in log, log[-6000:]
    return out / "_build" / "html"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A static file server for ``folder`` on 127.0.0.1, in a thread."""

    def __init__(self, folder: Path) -> None:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass
