"""Checks on the project itself: dependencies, CI, README, .gitignore, notebook hygiene.

None of these run a notebook; they read the files as git stores them, so they take
well under a second.
"""

from __future__ import annotations

import json
import re
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from instructor.navigation import colab_guard, repository

ROOT = Path(__file__).resolve().parents[1]

# What every course environment needs (DESIGN.md, NOTES.md "Installing").
RUNTIME_PACKAGES = {
    "torch",
    "torchvision",
    "numpy",
    "matplotlib",
    "ipywidgets",
    "jupyterlab",
    "nbgrader",
    "scikit-image",
    "tqdm",
}
TEST_PACKAGES = {"pytest", "nbval", "pytest-xdist", "playwright"}

# The pip options environment.yml must carry, and the one line that installs the
# course package itself (Binder runs pip from the repository root).
CPU_TORCH_INDEX = "--extra-index-url https://download.pytorch.org/whl/cpu"
COURSE_PACKAGE = "-e ."


# --------------------------------------------------------------------------- helpers


def _normalise(requirement: str) -> str:
    """A requirement string in one canonical spelling: name, extras, specifier, marker.

    `Torch >= 2.2` and `torch>=2.2` become the same string; SpecifierSet sorts its
    clauses, so `<5,>=4.2` and `>=4.2,<5` do too.
    """
    req = Requirement(requirement)
    text = canonicalize_name(req.name)
    if req.extras:
        text += "[" + ",".join(sorted(canonicalize_name(e) for e in req.extras)) + "]"
    text += str(req.specifier)
    if req.marker is not None:
        text += f"; {req.marker}"
    return text


def _names(requirements: set[str]) -> set[str]:
    return {canonicalize_name(Requirement(r).name) for r in requirements}


def _pyproject() -> dict:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)


def _environment() -> dict:
    with open(ROOT / "environment.yml", encoding="utf-8") as f:
        return yaml.safe_load(f)


def _conda_pip_list(env: dict) -> list[str]:
    pip_sections = [
        d["pip"]
        for d in env.get("dependencies", [])
        if isinstance(d, dict) and "pip" in d
    ]
    assert len(pip_sections) == 1, (
        "environment.yml should have exactly one `pip:` list, "
        f"found {len(pip_sections)}"
    )
    return pip_sections[0]


def _split_pip_list(lines: list[str]) -> tuple[list[str], list[str]]:
    """environment.yml's pip list as (option lines, requirement lines).

    Option lines start with `-` (`--extra-index-url URL`, `-e .`); every other line
    must parse as a requirement, or the test that reads it fails with the line.
    """
    lines = [" ".join(str(line).split()) for line in lines]
    options = [line for line in lines if line.startswith("-")]
    return options, [line for line in lines if not line.startswith("-")]


def _git(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=check
    )


# ---------------------------------------------------------------------- dependencies


def test_pyproject_and_environment_list_the_same_dependencies():
    """Do pyproject.toml and environment.yml list the same dependencies?"""
    pyproject = {_normalise(r) for r in _pyproject()["project"]["dependencies"]}
    _, requirements = _split_pip_list(_conda_pip_list(_environment()))
    conda = {_normalise(r) for r in requirements}
    assert pyproject == conda, (
        "pyproject.toml [project].dependencies and environment.yml's pip list differ:\n"
        f"  only in pyproject.toml:  {sorted(pyproject - conda)}\n"
        f"  only in environment.yml: {sorted(conda - pyproject)}"
    )


def test_environment_takes_cpu_torch_and_installs_the_course_package():
    """Does environment.yml take CPU-only PyTorch wheels and install the course?"""
    options, _ = _split_pip_list(_conda_pip_list(_environment()))
    assert CPU_TORCH_INDEX in options, (
        f"environment.yml's pip list lacks `{CPU_TORCH_INDEX}`: Binder would install "
        "the CUDA build of PyTorch, several GB"
    )
    assert COURSE_PACKAGE in options, (
        f"environment.yml's pip list lacks `{COURSE_PACKAGE}`: the notebooks could not "
        "import helpers"
    )
    unknown = set(options) - {CPU_TORCH_INDEX, COURSE_PACKAGE}
    assert not unknown, f"unexpected pip options in environment.yml: {sorted(unknown)}"


def test_both_dependency_lists_cover_what_the_course_uses():
    """Do both dependency lists name every package the course imports?"""
    pyproject = _names(set(_pyproject()["project"]["dependencies"]))
    _, requirements = _split_pip_list(_conda_pip_list(_environment()))
    conda = _names(set(requirements))
    assert not RUNTIME_PACKAGES - pyproject, (
        f"missing from pyproject.toml: {sorted(RUNTIME_PACKAGES - pyproject)}"
    )
    assert not RUNTIME_PACKAGES - conda, (
        f"missing from environment.yml: {sorted(RUNTIME_PACKAGES - conda)}"
    )


def test_test_extra_has_the_test_tools():
    """Does the `test` extra install pytest, nbval and pytest-xdist?"""
    extras = _pyproject()["project"].get("optional-dependencies", {})
    assert "test" in extras, "pyproject.toml has no test extra"
    names = _names(set(extras["test"]))
    assert not TEST_PACKAGES - names, (
        f"missing from the test extra: {sorted(TEST_PACKAGES - names)}"
    )


def test_site_extra_is_an_offline_jupyter_book():
    """Does the `site` extra install Jupyter Book 1 (Sphinx, offline), not 2?"""
    extras = _pyproject()["project"].get("optional-dependencies", {})
    assert "site" in extras, "pyproject.toml has no site extra (for `make site`)"
    books = [Requirement(r) for r in extras["site"]]
    books = [r for r in books if canonicalize_name(r.name) == "jupyter-book"]
    assert books, f"the site extra does not name jupyter-book: {extras['site']}"
    assert not books[0].specifier.contains("2.0.0"), (
        "jupyter-book 2 needs Node.js and fetches its theme: pin jupyter-book<2"
    )


def test_environment_python_satisfies_requires_python():
    """Does the Python that environment.yml pins satisfy requires-python?"""
    env = _environment()
    conda = [d for d in env.get("dependencies", []) if isinstance(d, str)]
    assert "pip" in conda, "environment.yml has a pip: list but does not install pip"
    pins = [m for d in conda if (m := re.fullmatch(r"python\s*=+\s*([\d.]+)\*?", d))]
    assert pins, f"environment.yml pins no Python version: {conda}"
    requires = SpecifierSet(_pyproject()["project"]["requires-python"])
    version = pins[0].group(1).rstrip(".")
    assert requires.contains(version), (
        f"environment.yml installs python {version}, pyproject requires {requires}"
    )


# ------------------------------------------------------------------- CI and README


def test_ci_runs_make_test_and_nothing_else():
    """Does .ci/run fail fast and run `make test` and nothing else?"""
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert lines and lines[0].startswith("#!"), ".ci/run has no shebang line"
    commands = [
        line.strip()
        for line in lines
        if line.strip() and not line.strip().startswith("#")
    ]
    assert commands == ["set -euo pipefail", "make test"], (
        f".ci/run should be `set -euo pipefail` then `make test`, has {commands}"
    )


def test_ci_script_is_committed_executable():
    """Is .ci/run committed with its executable bit, so a fresh clone can run it?"""
    staged = _git("ls-files", "--stage", "--", ".ci/run").stdout.split()
    assert staged, ".ci/run is not tracked by git"
    assert staged[0] == "100755", f".ci/run is committed with mode {staged[0]}"


def _make(*args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        ["make", "--no-print-directory", *args],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_make_test_installs_chromium_with_apt():
    """Does `make test` install Debian's Chromium with apt (never playwright's)?"""
    steps = _make("-n", "test").stdout
    assert "apt-get update" in steps, steps
    assert "apt-get install -y --no-install-recommends chromium" in steps, steps
    assert "playwright install" not in steps


def test_make_browser_installs_nothing_when_chromium_is_there(tmp_path):
    """Does `make browser` leave apt alone when the browser is already installed?"""
    present = tmp_path / "chromium"
    present.write_text("#!/bin/sh\n")
    present.chmod(0o755)
    result = _make("browser", f"CHROMIUM={present}")
    assert "apt-get" not in result.stdout + result.stderr
    assert "missing" not in result.stdout


def test_make_install_installs_the_test_and_site_extras():
    """Does the install stamp install the extras the tests need (test and site)?"""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    installs = re.findall(r"pip install .*-e '\.\[([\w,]+)\]'", makefile)
    assert installs, "the Makefile has no `pip install ... -e '.[extras]'` line"
    assert {"test", "site"} <= set(installs[0].split(",")), installs


@pytest.mark.parametrize("command", ["make test", "make lab"])
def test_readme_gives_the_two_commands(command):
    """Does the README tell the reader to run `make test` and `make lab`?"""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert command in readme, f"README.md never mentions `{command}`"


# ------------------------------------------------------------------------- .gitignore

IGNORED = [
    ".venv/bin/python",
    "submitted/alice/01-convolution-by-hand/01-convolution-by-hand.ipynb",
    "autograded/alice/01-convolution-by-hand/01-convolution-by-hand.ipynb",
    "feedback/alice/01-convolution-by-hand/01-convolution-by-hand.html",
    "gradebook.db",
    "helpers/__pycache__/images.cpython-311.pyc",
    "tests/__pycache__/test_project.cpython-311-pytest-9.2.0.pyc",
    ".pytest_cache/v/cache/lastfailed",
    "notebooks/.ipynb_checkpoints/01-convolution-by-hand-checkpoint.ipynb",
    "test-artifacts/browser-report.txt",
    "_build/site/index.html",
    "source/01-convolution-by-hand/.ipynb_checkpoints/x-checkpoint.ipynb",
    "grades.csv",  # `nbgrader export`
    "grading/01-convolution-by-hand/grades.csv",
    "exports/01-convolution-by-hand/alice.ipynb",  # an LMS export
    "exchange/cnn-building-blocks/inbound/x",  # nbgrader_config.py's exchange
]

KEPT = [
    "README.md",
    "helpers/images.py",
    "tests/test_project.py",
    "notebooks/01-convolution-by-hand.ipynb",
    "source/01-convolution-by-hand/01-convolution-by-hand.ipynb",
    "source/header.ipynb",
    "release/01-convolution-by-hand/01-convolution-by-hand.ipynb",
    "tests/fixtures/colab-saved-01-convolution-by-hand.ipynb",
]


@pytest.mark.parametrize("path", IGNORED)
def test_gitignore_ignores_environments_student_work_and_caches(path):
    """Does git ignore this path (venv, student work, the gradebook, caches)?"""
    # Without --no-index a tracked file is reported as not ignored: that catches a
    # gradebook.db or a submission that was committed despite the pattern.
    result = _git("check-ignore", "--verbose", "--", path, check=False)
    assert result.returncode == 0, (
        f"git does not ignore {path}: {result.stderr.strip()}"
    )


@pytest.mark.parametrize("path", KEPT)
def test_gitignore_keeps_course_files(path):
    """Does git keep this course file (lessons, sources, releases, code) tracked?"""
    result = _git("check-ignore", "--verbose", "--", path, check=False)
    assert result.returncode == 1, (
        f"git ignores {path}: {result.stdout.strip() or result.stderr.strip()}"
    )


# -------------------------------------------------------------- notebook git hygiene


def _notebooks(folder: Path, pattern: str) -> list[Path]:
    return sorted(
        p for p in folder.glob(pattern) if ".ipynb_checkpoints" not in p.parts
    )


LESSONS = _notebooks(ROOT / "notebooks", "*.ipynb")
SOURCES = _notebooks(ROOT / "source", "**/*.ipynb")


def _params(paths: list[Path], base: Path, what: str) -> list:
    """One parameter per notebook; with none, one that fails (no silent skip)."""
    if not paths:
        return [pytest.param(None, id=f"no-{what}-found")]
    return [pytest.param(p, id=p.relative_to(base).as_posix()) for p in paths]


def _load(path: Path | None, what: str) -> dict:
    assert path is not None, f"no {what} notebooks found"
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _code_cells(nb: dict) -> list[tuple[int, dict]]:
    return [(i, c) for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"]


def test_there_are_lessons_and_source_notebooks():
    """Are there lesson and source notebooks for the hygiene tests to check?"""
    assert LESSONS, "notebooks/ holds no lesson notebook (*.ipynb)"
    assert SOURCES, "source/ holds no nbgrader source notebook (*.ipynb)"


@pytest.mark.parametrize("path", _params(LESSONS, ROOT / "notebooks", "lessons"))
def test_lesson_is_committed_executed_in_order(path):
    """Is the lesson committed executed, top to bottom in one run (counts 1..n)?"""
    nb = _load(path, "lesson")
    counts = [c.get("execution_count") for _, c in _code_cells(nb)]
    unexecuted = [i for i, c in _code_cells(nb) if c.get("execution_count") is None]
    assert not unexecuted, f"code cells {unexecuted} have no execution_count"
    assert counts == list(range(1, len(counts) + 1)), (
        f"execution counts are {counts}, not 1..{len(counts)}: run `make lessons` "
        "to re-execute the lesson top to bottom in a fresh kernel"
    )


@pytest.mark.parametrize("path", _params(LESSONS, ROOT / "notebooks", "lessons"))
def test_lesson_has_no_error_outputs(path):
    """Does the committed lesson show no error (traceback) outputs?"""
    nb = _load(path, "lesson")
    errors = [
        (i, out.get("ename"), out.get("evalue"))
        for i, cell in _code_cells(nb)
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]
    assert not errors, f"error outputs in cells (index, ename, evalue): {errors}"


@pytest.mark.parametrize("path", _params(LESSONS, ROOT / "notebooks", "lessons"))
def test_lesson_metadata_is_clean(path):
    """Does the lesson carry a kernelspec and no notebook metadata beyond it?"""
    nb = _load(path, "lesson")
    metadata = nb.get("metadata", {})
    extra = set(metadata) - {"kernelspec", "language_info", "widgets"}
    assert not extra, f"unexpected notebook metadata keys: {sorted(extra)}"
    # Without a kernelspec JupyterLab opens a "Select Kernel" dialog (NOTES.md).
    kernelspec = metadata.get("kernelspec", {})
    assert kernelspec.get("name"), "metadata.kernelspec.name is missing"


@pytest.mark.parametrize("path", _params(SOURCES, ROOT / "source", "sources"))
def test_source_notebook_has_no_outputs(path):
    """Is the source notebook committed without outputs or execution counts?"""
    nb = _load(path, "source")
    with_outputs = [i for i, c in _code_cells(nb) if c.get("outputs")]
    with_counts = [
        i for i, c in _code_cells(nb) if c.get("execution_count") is not None
    ]
    assert not with_outputs and not with_counts, (
        f"code cells {with_outputs} have outputs and cells {with_counts} have "
        "execution counts: clear them before committing"
    )


@pytest.mark.parametrize("path", _params(SOURCES, ROOT / "source", "sources"))
def test_source_notebook_metadata_is_only_kernelspec_and_nbgrader(path):
    """Does the source notebook carry only kernelspec and nbgrader metadata?"""
    nb = _load(path, "source")
    metadata = nb.get("metadata", {})
    extra = set(metadata) - {"kernelspec", "language_info"}
    assert not extra, f"unexpected notebook metadata keys: {sorted(extra)}"
    kernelspec = metadata.get("kernelspec", {})
    assert kernelspec.get("name"), "metadata.kernelspec.name is missing"
    stray = {
        i: sorted(set(cell.get("metadata", {})) - {"nbgrader"})
        for i, cell in enumerate(nb["cells"])
        if set(cell.get("metadata", {})) - {"nbgrader"}
    }
    assert not stray, f"cell metadata other than nbgrader (cell index: keys): {stray}"


ASSIGNMENTS = _notebooks(ROOT / "source", "*/*.ipynb")


@pytest.mark.parametrize(
    "path",
    _params(LESSONS, ROOT / "notebooks", "lessons")
    + _params(ASSIGNMENTS, ROOT / "source", "assignments"),
)
def test_setup_cell_opens_with_the_colab_guard(path):
    """Does every setup cell open with the Colab guard for this repository's address?"""
    first_code = _code_cells(_load(path, "lesson or assignment"))[0][1]
    source = "".join(first_code["source"])
    assert source.startswith(colab_guard(repository())), (
        f"{path.name}: the setup cell should open with instructor.navigation's "
        f"colab_guard(); it opens with:\n{source[:300]}"
    )


# ---------------------------------------------------------------------- the layout


def drawn_layout() -> list[str]:
    """The folders the README's layout section draws, as paths ("helpers/widgets/")."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Layout\n", 1)[1].split("```\n")[1]
    drawn, parent = [], ""
    for line in section.splitlines():
        name = line.split()[0] if line.split() else ""
        if not name.endswith("/"):
            continue
        if line.startswith(" "):
            drawn.append(parent + name)
        else:
            drawn.append(parent := name)
    return drawn


def tracked_folders(where: str = "") -> set[str]:
    """The folders git tracks directly under ``where`` (the root by default)."""
    listing = subprocess.run(
        ["git", "ls-tree", "-d", "--name-only", f"HEAD:{where}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {f"{name}/" for name in listing.split()}


def test_readme_draws_every_top_level_folder_and_nothing_else():
    """Does the layout section list each folder of the repository's root, and every
    subpackage of helpers/ and instructor/, with nothing that does not exist?"""
    drawn = drawn_layout()
    top = {path for path in drawn if path.count("/") == 1}
    assert top == tracked_folders(), "README.md's layout and the repository differ"
    subpackages = {
        f"{package}/{init.parent.name}/"
        for package in ("helpers", "instructor")
        for init in (ROOT / package).glob("*/__init__.py")
    }
    assert {path for path in drawn if path.count("/") == 2} == subpackages
