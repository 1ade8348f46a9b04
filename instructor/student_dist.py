"""Build the student-facing tree: what students may see, and nothing else.

    python -m instructor.student_dist [DESTINATION]    (default: dist/student)

From the files git tracks, it copies the lessons, release/, the ``helpers`` package
and the environment files (README, pyproject.toml, environment.yml, Makefile). It
leaves out source/ (solutions, hidden tests), instructor/, tests/, benchmarks/ and
anything git does not track (gradebook.db, submissions). pyproject.toml is
rewritten to package ``helpers`` alone. A last check refuses to finish if a
solution or hidden-test marker or line is found anywhere in the tree.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from instructor import ROOT
from instructor.release import assignments, secret_lines

INCLUDE = (
    "README.md",
    "pyproject.toml",
    "environment.yml",
    "Makefile",
    ".gitignore",
    "notebooks/",
    "release/",
    "helpers/",
)
MODULE_LINE = 24  # characters a solution line needs to count as leaked in a module
MARKERS = re.compile(r"BEGIN SOLUTION|END SOLUTION|BEGIN HIDDEN TESTS|END HIDDEN TESTS")


class LeakError(RuntimeError):
    """The student tree would contain a solution or a hidden test."""


def tracked_files() -> list[str]:
    result = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    )
    return sorted(name for name in result.stdout.decode().split("\0") if name)


def build(destination: Path) -> list[Path]:
    """Write the student tree to ``destination`` (replaced); return its files."""
    shutil.rmtree(destination, ignore_errors=True)
    written = []
    for name in tracked_files():
        if not any(name == item or name.startswith(item) for item in INCLUDE):
            continue
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
        written.append(target)
    pyproject = destination / "pyproject.toml"
    pyproject.write_text(
        re.sub(
            r"packages = \[[^\]]*\]", 'packages = ["helpers"]', pyproject.read_text()
        )
    )
    check(destination)
    return written


def check(tree: Path) -> None:
    """Raise LeakError where the tree would give away an answer.

    No notebook or module may hold a solution or hidden-test marker; no released
    notebook a distinctive line of a solution or hidden test, no module of helpers
    a distinctive line of a solution of at least MODULE_LINE characters
    (``secret_lines``; lines compared whole, stripped). Lessons may share a line with a solution: they teach the method.
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
    print(
        f"{len(files)} files in {destination}: lessons, release/, helpers, environment"
    )
