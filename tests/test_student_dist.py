"""Does `make student-dist` give students a small project of their own, whose two
commands work, with everything they need and no answer?"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib

import nbformat
import pytest

from instructor import ROOT
from instructor.release import assignments
from instructor.student_dist import LeakError, build, check, version

STUDENT_MAKE_TARGETS = {"install", "lab", "test", "weights", "clean"}


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    destination = tmp_path_factory.mktemp("dist") / "student"
    build(destination)
    return destination


def test_has_lessons_release_helpers_and_its_own_project_files(tree):
    """Does the tree hold the lessons (as they are), every assignment, the helpers
    and its own README, Makefile, pyproject.toml, tests and VERSION?"""
    for name in ("README.md", "pyproject.toml", "environment.yml", "Makefile"):
        assert (tree / name).is_file(), name
    assert sorted(p.name for p in (tree / "release").iterdir()) == assignments()
    lessons = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert sorted(p.name for p in (tree / "notebooks").glob("*.ipynb")) == [
        p.name for p in lessons
    ]
    for lesson in lessons:
        assert (tree / "notebooks" / lesson.name).read_bytes() == lesson.read_bytes()
    assert (tree / "helpers" / "checks.py").is_file()
    assert (tree / "tests" / "test_setup.py").is_file()
    assert (tree / "VERSION").read_text() == version() + "\n"


def test_readme_and_makefile_are_the_students_own(tree):
    """Does the README speak to students (no instructor command or folder), and the
    Makefile offer only the targets students use?"""
    readme = (tree / "README.md").read_text()
    for instructor_word in ("make grade", "make release", "source/", "gradebook", "CI"):
        assert instructor_word not in readme, instructor_word
    for student_word in ("make lab", "make test", "Validate", "release/", "VERSION"):
        assert student_word in readme, student_word
    makefile = (tree / "Makefile").read_text()
    phony = next(line for line in makefile.splitlines() if line.startswith(".PHONY"))
    assert set(phony.split(":")[1].split()) == STUDENT_MAKE_TARGETS


def test_pyproject_installs_what_the_course_needs_and_no_course_extra(tree):
    """Does the student project package helpers alone, with the course's version
    and dependencies, and as its only extra the test tools `make test` uses?"""
    with open(tree / "pyproject.toml", "rb") as f:
        student = tomllib.load(f)
    with open(ROOT / "pyproject.toml", "rb") as f:
        course = tomllib.load(f)
    found = student["tool"]["setuptools"]["packages"]["find"]
    assert found == {"include": ["helpers", "helpers.*"]}
    assert student["project"]["dependencies"] == course["project"]["dependencies"]
    assert student["project"]["version"] == course["project"]["version"]
    assert list(student["project"]["optional-dependencies"]) == ["check"]
    check_tools = student["project"]["optional-dependencies"]["check"]
    assert set(check_tools) < set(course["project"]["optional-dependencies"]["test"])


def test_has_no_instructor_material(tree):
    names = {p.relative_to(tree).parts[0] for p in tree.rglob("*")}
    assert not names & {"source", "instructor", "benchmarks", "student", ".git"}
    assert not list(tree.rglob("gradebook.db"))
    assert not list(tree.rglob("nbgrader_config.py"))
    assert sorted(p.name for p in (tree / "tests").iterdir()) == [
        "nbval_sanitize.cfg",
        "test_setup.py",
    ]


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


def student_make(tree, *args: str, **env: str) -> subprocess.CompletedProcess:
    """`make` in the tree, in an environment without this test run's variables."""
    clean = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PYTEST", "PYTHON", "VIRTUAL_ENV"))
    }
    return subprocess.run(
        ["make", "-C", str(tree), *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=1800,
    )


@pytest.mark.slow  # installs and runs the tree's tests
def test_the_student_trees_own_install_and_test_pass(tree):
    """Do the tree's own `make install` and `make test` pass?

    The tree's venv sees this environment's packages (a .pth file), so `make install`
    installs from the tree's pyproject.toml only the student package itself instead
    of downloading PyTorch again. `make test` runs the tree's own tests (helpers,
    lesson 00's environment check, every assignment up to its stubs) and nbval on
    lesson 00; the course's own run checks lessons 01-08, byte-identical in the tree
    (above), under the same nbval options.
    """
    subprocess.run([sys.executable, "-m", "venv", tree / ".venv"], check=True)
    student_python = tree / ".venv" / "bin" / "python"
    site = subprocess.run(
        [
            student_python,
            "-c",
            "import sysconfig; print(sysconfig.get_path('purelib'))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (tree / ".venv" / site / "course-environment.pth").write_text(
        sysconfig.get_path("purelib") + "\n"
    )
    result = student_make(tree, "install")
    assert result.returncode == 0, result.stdout + result.stderr
    located = subprocess.run(
        [student_python, "-c", "import helpers; print(helpers.__file__)"],
        cwd="/",
        capture_output=True,
        text=True,
    )
    assert located.stdout.strip() == str(tree / "helpers" / "__init__.py"), located

    later_lessons = sorted((tree / "notebooks").glob("0[1-9]-*.ipynb"))
    ignored = " ".join(f"--ignore={p.relative_to(tree)}" for p in later_lessons)
    result = student_make(tree, "test", PYTEST_ADDOPTS=ignored)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    summary = re.findall(r"=+ (\d+ passed.*) =+", result.stdout)[-1]
    print(f"the student tree's make test: {summary}")
    passed = int(summary.split()[0])
    assert passed >= 2 + len(assignments()) + 1  # its tests, the assignments, lesson 00


@pytest.mark.slow  # installs and runs the tree's tests
def test_the_student_trees_assignment_check_fails_on_a_broken_setup(tree, tmp_path):
    """The control: in a copy of the tree whose first assignment's setup cell
    imports a missing module, the tree's check of that assignment fails and names
    the error."""
    broken = shutil.copytree(
        tree, tmp_path / "student", ignore=shutil.ignore_patterns(".venv")
    )
    notebook = next((broken / "release" / assignments()[0]).glob("*.ipynb"))
    nb = nbformat.read(notebook, as_version=4)
    setup = next(c for c in nb.cells if "import helpers" in c.source)
    setup.source = setup.source.replace("import helpers", "import helpers_gone", 1)
    nbformat.write(nb, notebook)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "0",
         "-q", "tests/test_setup.py", "-k", assignments()[0]],
        cwd=broken, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 1, result.stdout
    assert "ModuleNotFoundError: No module named 'helpers_gone'" in result.stdout
