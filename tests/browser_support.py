"""What the real-browser tests share: Debian's chromium (a missing tool is a skip locally and a failure in CI), a
`streamlit run` server on a free port, and the wait for a rerun to finish."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                 "--disable-quic"]


def require_browser() -> None:
    """Skip the calling module without chromium or Playwright, unless CI requires them (then fail)."""
    if not os.environ.get("CI_REQUIRE_TOOLS"):
        pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI_REQUIRE_TOOLS"):
            raise RuntimeError("chromium is required in CI (apt-get install chromium)")
        pytest.skip("chromium is not installed", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str, seconds: float = 60) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return True
        except OSError:
            time.sleep(0.3)
    return False


@contextmanager
def streamlit_server(data: Path, env: dict[str, str] | None = None, port: int | None = None) -> Iterator[str]:
    """`streamlit run streamlit_app.py` on 127.0.0.1 with its data in `data`; its address, once healthy."""
    port = port or free_port()
    full = {**os.environ, "ACCREDITATION_DATA_DIR": str(data), **(env or {})}
    log = open(data / "server.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--server.fileWatcherType", "none",
         "--browser.gatherUsageStats", "false"], cwd=ROOT, env=full, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        if not healthy(url):
            raise RuntimeError("streamlit did not start: " + (data / "server.log").read_text())
        yield url
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()


@pytest.fixture(scope="module")
def browser():
    """One headless chromium per test module (each person then gets a context of their own)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
