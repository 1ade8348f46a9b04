"""Does `make student-dist` give students everything they need and no answer?"""

from __future__ import annotations

import subprocess
import sys
import tomllib

import pytest

from instructor import ROOT
from instructor.release import assignments
from instructor.student_dist import LeakError, build, check


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    destination = tmp_path_factory.mktemp("dist") / "student"
    build(destination)
    return destination


def test_has_lessons_release_helpers_and_environment(tree):
    for name in ("README.md", "pyproject.toml", "environment.yml", "Makefile"):
        assert (tree / name).is_file(), name
    assert sorted(p.name for p in (tree / "release").iterdir()) == assignments()
    lessons = sorted(p.name for p in (tree / "notebooks").glob("*.ipynb"))
    assert lessons == sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert (tree / "helpers" / "checks.py").is_file()


def test_has_no_instructor_material(tree):
    names = {p.relative_to(tree).parts[0] for p in tree.rglob("*")}
    assert not names & {"source", "instructor", "tests", "benchmarks", ".git"}, names
    assert not list(tree.rglob("gradebook.db"))


def test_packages_helpers_alone_and_imports(tree):
    with open(tree / "pyproject.toml", "rb") as f:
        assert tomllib.load(f)["tool"]["setuptools"]["packages"] == ["helpers"]
    result = subprocess.run(
        [sys.executable, "-c", "import helpers.checks; print(helpers.__file__)"],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == str(tree / "helpers" / "__init__.py"), result


def test_the_leak_check_catches_a_solution(tree, tmp_path):
    """The control: the same check fails on source/'s instructor version."""
    leaky = tmp_path / "leaky"
    (leaky / "release" / assignments()[0]).mkdir(parents=True)
    for notebook in (ROOT / "source" / assignments()[0]).glob("*.ipynb"):
        (leaky / "release" / assignments()[0] / notebook.name).write_bytes(
            notebook.read_bytes()
        )
    with pytest.raises(LeakError):
        check(leaky)
    check(tree)
