"""Does `make lab` give a working JupyterLab with the course's lab extensions?

Starts the venv's JupyterLab the way `make lab` does (from the repository root, so it
reads nbgrader_config.py), with a random token, a free port and fresh Jupyter config,
data, runtime, settings and workspace folders, so that nothing in the user's own
~/.jupyter can change the answer. Lab extensions that pip installs live under
<sys.prefix>/share/jupyter/labextensions, which stays on Jupyter's data path whatever
JUPYTER_DATA_DIR says. The server is stopped (its whole process group) at teardown.
"""

from __future__ import annotations

import html.parser
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LABEXTENSIONS = Path(sys.prefix) / "share" / "jupyter" / "labextensions"

# The lab extensions the course needs, by the names they install under LABEXTENSIONS.
EXTENSIONS = ["@jupyter-widgets/jupyterlab-manager", "@jupyter/nbgrader"]

START_TIMEOUT_S = 60


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _isolated_env(home: Path) -> dict[str, str]:
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
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    env["NO_COLOR"] = "1"
    return env


class _Server:
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


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    except ProcessLookupError:
        pass


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    home = tmp_path_factory.mktemp("jupyter-home")
    env = _isolated_env(home)
    port, token = _free_port(), secrets.token_hex(16)
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
        f"--ServerApp.root_dir={ROOT}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]  # fmt: skip
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = _Server(proc, f"http://127.0.0.1:{port}", token, log, env)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(
                    f"jupyter lab exited with code {proc.returncode} "
                    "before answering:\n"
                    + server.log_tail()
                )
            try:
                status, _ = server.get("/api/status", timeout=2)
                if status == 200:
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"jupyter lab did not answer /api/status in {START_TIMEOUT_S} s:\n"
                    + server.log_tail()
                )
            time.sleep(0.2)
        yield server
    finally:
        _stop(proc)


class _PageConfig(html.parser.HTMLParser):
    """Pulls the JSON out of <script id="jupyter-config-data">."""

    def __init__(self):
        super().__init__()
        self._inside = False
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self._inside = (
            tag == "script" and dict(attrs).get("id") == "jupyter-config-data"
        )

    def handle_endtag(self, tag):
        self._inside = False

    def handle_data(self, data):
        if self._inside:
            self.text.append(data)


@pytest.fixture(scope="module")
def page_config(lab) -> dict:
    status, body = lab.get("/lab")
    assert status == 200, f"/lab answered {status}:\n{body[:2000]}"
    parser = _PageConfig()
    parser.feed(body)
    assert parser.text, "/lab has no <script id='jupyter-config-data'> page config"
    return json.loads("".join(parser.text))


def test_lab_answers_api_status(lab):
    """Does JupyterLab start from the venv and answer /api/status?"""
    status, body = lab.get("/api/status")
    assert status == 200, body
    answer = json.loads(body)
    assert {"started", "last_activity", "connections", "kernels"} <= set(answer), answer
    assert answer["kernels"] == 0 and answer["connections"] == 0, answer


def test_lab_refuses_requests_without_the_token(lab):
    """Does the server ask for its token, i.e. is it the one this test configured?"""
    status, _ = lab.get("/api/status", token=False)
    assert status == 403


def test_lab_serves_the_venvs_jupyterlab(page_config):
    """Is the server's JupyterLab the one installed in this venv?"""
    import jupyterlab

    assert page_config.get("appVersion") == jupyterlab.__version__, (
        f"/lab runs JupyterLab {page_config.get('appVersion')}, "
        f"the venv has {jupyterlab.__version__}"
    )


@pytest.mark.parametrize("name", EXTENSIONS)
def test_extension_is_installed_in_the_venv(name):
    """Is the lab extension installed in the venv's share/jupyter/labextensions?"""
    package = LABEXTENSIONS / name / "package.json"
    assert package.is_file(), f"{package} is missing: is the Python package installed?"
    assert json.loads(package.read_text(encoding="utf-8"))["name"] == name


@pytest.mark.parametrize("name", EXTENSIONS)
def test_extension_is_loaded_and_enabled_by_the_lab_page(lab, page_config, name):
    """Does the /lab page load this extension, and leave it enabled?"""
    federated = {e["name"]: e for e in page_config.get("federated_extensions", [])}
    assert name in federated, (
        f"{name} is not among the page's federated_extensions: {sorted(federated)}"
    )
    disabled = page_config.get("disabledExtensions", [])
    if isinstance(disabled, dict):  # older page configs map name -> bool
        disabled = [k for k, v in disabled.items() if v]
    hits = [d for d in disabled if d == name or d.startswith(name + ":")]
    assert not hits, f"{name} is disabled in the page config: {hits}"
    # The browser fetches the extension's remote entry: the server must serve it.
    base = page_config.get("fullLabextensionsUrl", "/lab/extensions")
    status, _ = lab.get(f"{base}/{name}/{federated[name]['load']}")
    assert status == 200, f"{base}/{name}/{federated[name]['load']} answered {status}"


@pytest.fixture(scope="module")
def labextension_list(lab) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "jupyterlab.labextensions", "list"],
        cwd=ROOT,
        env=lab.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    text = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)
    assert result.returncode == 0, text
    return text


@pytest.mark.parametrize("name", EXTENSIONS)
def test_labextension_list_shows_extension_enabled_and_ok(labextension_list, name):
    """Does `jupyter labextension list` show this extension as enabled and OK?"""
    lines = [
        words
        for words in map(str.split, labextension_list.splitlines())
        if words[:1] == [name]
    ]
    assert lines, f"{name} is not in `jupyter labextension list`:\n{labextension_list}"
    for words in lines:
        assert "enabled" in words and "OK" in words, (
            f"`jupyter labextension list` says: {' '.join(words)}"
        )
