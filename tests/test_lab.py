"""Does `make lab` give a working JupyterLab with the course's lab extensions?

Starts the venv's JupyterLab the way `make lab` does (from the repository root, so it
reads nbgrader_config.py), with a random token, a free port and fresh Jupyter config,
data, runtime, settings and workspace folders, so that nothing in the user's own
~/.jupyter can change the answer. Lab extensions that pip installs live under
<sys.prefix>/share/jupyter/labextensions, which stays on Jupyter's data path whatever
JUPYTER_DATA_DIR says. The server is stopped (its whole process group) at teardown.
The server itself is started by the ``start_lab`` fixture of conftest.py, which the
browser test shares.
"""

from __future__ import annotations

import html.parser
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a JupyterLab server

ROOT = Path(__file__).resolve().parents[1]
LABEXTENSIONS = Path(sys.prefix) / "share" / "jupyter" / "labextensions"

# The lab extensions the course needs, by the names they install under LABEXTENSIONS.
EXTENSIONS = ["@jupyter-widgets/jupyterlab-manager", "@jupyter/nbgrader"]


@pytest.fixture(scope="module")
def lab(start_lab):
    """JupyterLab serving the repository, started by conftest.py's start_lab."""
    return start_lab(ROOT)


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
