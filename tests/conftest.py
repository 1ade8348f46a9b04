"""Shared set-up for the tests in tests/.

Matplotlib draws with Agg (no window, no display needed). It is chosen with
matplotlib.use rather than by setting MPLBACKEND in os.environ: notebook kernels
started by nbval inherit the environment, and must keep their inline backend.

``browser`` is Debian's Chromium driven by Playwright (test_browser.py,
test_manual_grading.py). ``start_lab`` starts the venv's JupyterLab the way
`make lab` does, isolated from the user's own Jupyter set-up; test_lab.py and
test_browser.py use it. The browser test's report is printed at the end of the run
(``pytest_terminal_summary``), also under xdist, where a worker's own prints are not
shown.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import matplotlib
import psutil  # ipykernel needs it too
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
BROWSER_REPORT = ARTIFACTS / "browser-report.txt"
CHROMIUM = Path("/usr/bin/chromium")  # Debian's, installed by `make browser`
LAB_START_TIMEOUT_S = 90  # 2 s on an idle machine; the 2 cores may be shared
_SESSION_START = time.time()


@pytest.fixture(autouse=True)
def close_figures():
    """Close every figure a test opened, so none leaks into the next test."""
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


# ------------------------------------------------------------------------ JupyterLab


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def isolated_env(home: Path, settings: dict[str, dict] | None = None) -> dict[str, str]:
    """os.environ with fresh Jupyter config, data, runtime, settings, workspaces.

    ``settings`` maps a JupyterLab plugin id ("@jupyterlab/x-extension:plugin") to
    the user settings written for it in the fresh settings folder.
    """
    env = dict(os.environ)
    # Extra search paths from the user would add config or extensions we don't test.
    for var in ("JUPYTER_PATH", "JUPYTER_CONFIG_PATH", "JUPYTER_PREFER_ENV_PATH"):
        env.pop(var, None)
    for var, sub in {
        "JUPYTER_CONFIG_DIR": "config",
        "JUPYTER_DATA_DIR": "data",
        "JUPYTER_RUNTIME_DIR": "runtime",
        "JUPYTERLAB_SETTINGS_DIR": "settings",
        "JUPYTERLAB_WORKSPACES_DIR": "workspaces",
        "IPYTHONDIR": "ipython",
    }.items():
        (home / sub).mkdir(parents=True, exist_ok=True)
        env[var] = str(home / sub)
    for plugin, values in (settings or {}).items():
        package, name = plugin.split(":")
        path = home / "settings" / package / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    env["NO_COLOR"] = "1"
    return env


class LabServer:
    """A running JupyterLab: its URL and token, its log, and how to stop it."""

    def __init__(self, proc: subprocess.Popen, url: str, token: str, log: Path, env):
        self.proc, self.url, self.token, self.log, self.env = proc, url, token, log, env

    def log_tail(self, chars: int = 4000) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-chars:]

    def get(self, path: str, token: bool = True, timeout: float = 10):
        """GET path from the server: (HTTP status, body text)."""
        sep = "&" if "?" in path else "?"
        url = self.url + path + (f"{sep}token={self.token}" if token else "")
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8", errors="replace")

    def stop(self) -> None:
        """Stop the server's process group and every process it started.

        Kernels run in process groups of their own, so they are collected first and
        killed after the server if its shutdown left any behind.
        """
        children = []
        with contextlib.suppress(psutil.Error):  # the server may be gone already
            children = psutil.Process(self.proc.pid).children(recursive=True)
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
            except ProcessLookupError:
                pass
        for child in children:
            with contextlib.suppress(psutil.Error):
                child.kill()  # a kernel the server's shutdown left behind


def start_lab_server(
    root_dir: Path,
    home: Path,
    extra_args: tuple[str, ...] = (),
    settings: dict[str, dict] | None = None,
) -> LabServer:
    """Start JupyterLab on a free port with a random token; wait until it answers."""
    env = isolated_env(home, settings)
    port, token = free_port(), secrets.token_hex(16)
    log = home / "lab.log"
    command = [
        sys.executable, "-m", "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        # ServerApp.token still works but is deprecated since jupyter_server 2.
        f"--IdentityProvider.token={token}",
        "--ServerApp.open_browser=False",
        "--ServerApp.allow_root=True",  # CI containers often run as root
        f"--ServerApp.root_dir={root_dir}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        *extra_args,
    ]  # fmt: skip
    with open(log, "wb") as out:
        # From the repository root, as `make lab`: nbgrader reads nbgrader_config.py.
        proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = LabServer(proc, f"http://127.0.0.1:{port}", token, log, env)
    deadline = time.monotonic() + LAB_START_TIMEOUT_S
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"jupyter lab exited with code {proc.returncode} before "
                    "answering:\n" + server.log_tail()
                )
            try:
                status, _ = server.get("/api/status", timeout=2)
                if status == 200:
                    return server
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"jupyter lab did not answer /api/status in {LAB_START_TIMEOUT_S} "
                    "s:\n" + server.log_tail()
                )
            time.sleep(0.2)
    except BaseException:
        server.stop()
        raise


@pytest.fixture(scope="module")
def start_lab(tmp_path_factory):
    """A function that starts JupyterLab; every server it started is stopped after.

    ``start_lab(root_dir, *extra_args, settings=None)`` returns a LabServer.
    """
    servers: list[LabServer] = []

    def start(root_dir: Path, *extra_args: str, settings=None) -> LabServer:
        home = tmp_path_factory.mktemp("jupyter-home")
        try:
            server = start_lab_server(root_dir, home, extra_args, settings)
        except RuntimeError as e:
            pytest.fail(str(e))
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


# ----------------------------------------------------------------- browser report


def pytest_terminal_summary(terminalreporter):
    """Print the browser test's per-lesson report when this run wrote it."""
    if BROWSER_REPORT.is_file() and BROWSER_REPORT.stat().st_mtime >= _SESSION_START:
        terminalreporter.write_sep("-", "browser report (test-artifacts/)")
        terminalreporter.write(BROWSER_REPORT.read_text(encoding="utf-8"))


def pytest_collection_modifyitems(items):
    """nbval's cells (the lessons and assignments run as notebooks) are marked
    ``notebooks``, so that `make check` can leave them out."""
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.notebooks)


# Fixture notebooks are data for tests, not notebooks for nbval to run.
collect_ignore_glob = ["fixtures/*"]

# ------------------------------------------------------------------------ browser

CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class Chromium:
    """Chromium through Playwright, launched again whenever it has crashed.

    Headless Chromium crashed once mid-lesson in three full runs here; with a
    relaunch, such a crash costs only the test that saw it, which is run once more
    (see CRASH_RERUN), instead of failing every browser test after it.
    """

    def __init__(self, playwright):
        self.playwright, self.current = playwright, None

    def get(self):
        if self.current is None or not self.current.is_connected():
            self.current = self.playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=60_000
            )
        return self.current


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (`make test` does)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright is missing: `make install` installs the test extra")
    playwright = sync_playwright().start()
    chromium = Chromium(playwright)
    try:
        yield chromium
    finally:
        if chromium.current is not None and chromium.current.is_connected():
            chromium.current.close()
        playwright.stop()
