"""Build the student-facing tree: what students may see, and nothing else.

    python -m instructor.student_dist [DESTINATION]    (default: dist/student)

A small project of its own, for students: from the files git tracks, the lessons,
release/ and the ``helpers`` package; from ``student/``, its README, Makefile (`make
lab`, `make test`) and tests; its pyproject.toml, from ``student/pyproject.toml.in``
with the course's dependencies and version; environment.yml for conda and Binder; and
VERSION, which names the course's version and commit. It leaves out source/
(solutions, hidden tests), instructor/, the course's tests and benchmarks, and
anything git does not track (gradebook.db, submissions). A last check refuses to
finish if a solution or hidden-test marker or line is found anywhere in the tree.
"""

from __future__ import annotations

import json
import re
import shutil
import string
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat

from instructor import ROOT
from instructor.release import assignments, secret_lines

INCLUDE = ("notebooks/", "release/", "helpers/")  # tracked files, copied as they are
STUDENT = ROOT / "student"  # the student tree's own files (*.in: templates)
SANITIZE = "tests/nbval_sanitize.cfg"  # nbval's sanitizers, the course's own
CHECK_TOOLS = ("pytest", "nbval", "pytest-xdist")  # `make test`, from the test extra
MODULE_LINE = 24  # characters a solution line needs to count as leaked in a module
MARKERS = re.compile(r"BEGIN SOLUTION|END SOLUTION|BEGIN HIDDEN TESTS|END HIDDEN TESTS")


class LeakError(RuntimeError):
    """The student tree would contain a solution or a hidden test."""


def tracked_files() -> list[str]:
    result = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    )
    return sorted(name for name in result.stdout.decode().split("\0") if name)


def git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


def version() -> str:
    """The course's version and the commit the tree is built from, e.g.
    "cnn-building-blocks 0.1.0, commit 9dd6992 of 2026-12-06"."""
    project = course_project()
    commit = git("log", "-1", "--format=%h of %cs")
    changed = git("status", "--porcelain", "--untracked-files=no", "--", *INCLUDE)
    local = ", with local changes" if changed else ""
    return f"{project['name']} {project['version']}, commit {commit}{local}"


def course_project() -> dict:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]


def student_pyproject() -> str:
    """student/pyproject.toml.in (a string.Template) with the course's version, Python
    and dependencies, and the test extra's pytest, nbval and pytest-xdist as the
    `check` extra, so the two projects never disagree."""
    project = course_project()
    with open(ROOT / "pyproject.toml", "rb") as f:
        package_data = tomllib.load(f)["tool"]["setuptools"]["package-data"]
    check = [
        requirement
        for requirement in project["optional-dependencies"]["test"]
        if re.match(r"[A-Za-z0-9_.-]+", requirement)[0] in CHECK_TOOLS
    ]
    template = string.Template((STUDENT / "pyproject.toml.in").read_text())
    return template.substitute(
        version=project["version"],
        requires_python=project["requires-python"],
        dependencies=json.dumps(project["dependencies"], indent=4),
        check=json.dumps(check, indent=4),
        package_data=json.dumps(package_data["helpers"]),
    )


def conda_environment() -> str:
    """environment.yml under a comment for students (the course's speaks of its
    tests and its instructor package)."""
    text = (ROOT / "environment.yml").read_text()
    body = text[text.index("\nname:") + 1 :]
    return (
        "# The course's environment for conda (`conda env create -f environment.yml`)"
        "\n# and Binder; `-e .` installs the course's helpers package from this folder."
        f"\n{body}"
    )


def build(destination: Path) -> list[Path]:
    """Write the student tree to ``destination`` (replaced); return its files."""
    shutil.rmtree(destination, ignore_errors=True)
    written = []

    def write(name: str, text: str | None = None, source: Path | None = None) -> None:
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if text is None:
            shutil.copy2(source, target)
        else:
            target.write_text(text, encoding="utf-8")
        written.append(target)

    for name in tracked_files():
        if name.startswith(INCLUDE):
            write(name, source=ROOT / name)
        elif name.startswith("student/") and not name.endswith(".in"):
            write(name.removeprefix("student/"), source=ROOT / name)
    write("pyproject.toml", student_pyproject())
    write("environment.yml", conda_environment())
    write(SANITIZE, source=ROOT / SANITIZE)
    write("VERSION", version() + "\n")
    check(destination)
    return written


def check(tree: Path) -> None:
    """Raise LeakError where the tree would give away an answer.

    No notebook or module may hold a solution or hidden-test marker; no released
    notebook a distinctive line of a solution or hidden test, no module of helpers
    a distinctive line of a solution of at least MODULE_LINE characters
    (``secret_lines``; lines compared whole, stripped). Lessons may share a line
    with a solution: they teach the method.
    """
    # In code shared by all units, short lines ("return model") are common to many
    # programs: only solution lines of some length count there.
    solutions = {
        line
        for a in assignments()
        for line in secret_lines(a, ("SOLUTION",))
        if len(line) >= MODULE_LINE
    }
    for path in sorted(tree.rglob("*")):
        parts = path.relative_to(tree).parts
        if path.suffix == ".ipynb":
            notebook = nbformat.read(path, as_version=4)
            text = "\n".join(cell.source for cell in notebook.cells)
            forbidden = secret_lines(parts[1]) if parts[0] == "release" else set()
        elif path.suffix == ".py":
            text, forbidden = path.read_text(encoding="utf-8"), solutions
        else:
            continue
        if MARKERS.search(text):
            raise LeakError(f"{path}: holds a solution or hidden-test marker")
        leaked = forbidden & {line.strip() for line in text.splitlines()}
        if leaked:
            raise LeakError(f"{path}: holds a line of a solution: {sorted(leaked)[0]}")
    if (tree / "source").exists() or list(tree.rglob("gradebook.db")):
        raise LeakError(f"{tree}: holds source/ or a gradebook")


if __name__ == "__main__":
    destination = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "dist" / "student"
    files = build(destination)
    print(f"{len(files)} files in {destination} ({version()})")
