"""Is release/ exactly what nbgrader makes from source/, and does it leak nothing?"""

from pathlib import Path

import nbformat
import pytest

from instructor import ROOT
from instructor.release import assignments, build_release, secret_lines

pytestmark = pytest.mark.slow  # nbgrader generates every assignment

MARKERS = ("begin solution", "end solution", "begin hidden tests", "end hidden tests")


def notebooks(folder: Path) -> dict[str, nbformat.NotebookNode]:
    return {
        str(path.relative_to(folder)): nbformat.read(path, as_version=4)
        for path in sorted(folder.rglob("*.ipynb"))
    }


def test_release_matches_a_fresh_generation(tmp_path):
    """Is the committed release/ identical to what nbgrader makes from source/ now?"""
    build_release(tmp_path / "release")
    fresh, committed = notebooks(tmp_path / "release"), notebooks(ROOT / "release")
    assert fresh.keys() == committed.keys(), "run `make release` and commit release/"
    for name in fresh:
        assert fresh[name] == committed[name], (
            f"{name} is stale: run `make release` and commit it"
        )


@pytest.mark.parametrize("assignment", assignments())
def test_release_has_no_markers(assignment):
    """Does release/ hold no solution or hidden-test marker, in any letter case?"""
    for path in (ROOT / "release" / assignment).rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8").lower()
            assert not [marker for marker in MARKERS if marker in text], path


@pytest.mark.parametrize("assignment", assignments())
def test_release_has_no_solution_or_hidden_test_lines(assignment):
    """Does no distinctive line of a solution or a hidden test reach release/?"""
    secret = secret_lines(assignment)
    assert len(secret) >= 10, (
        f"too few distinctive lines to make this test meaningful: {secret}"
    )
    released = {
        line.strip()
        for notebook in notebooks(ROOT / "release" / assignment).values()
        for cell in notebook.cells
        for line in cell.source.splitlines()
    }
    assert not secret & released, f"leaked into release/: {sorted(secret & released)}"


def test_every_assignment_is_released():
    """Does release/ hold one folder per assignment in source/, and nothing else?"""
    assert sorted(path.name for path in (ROOT / "release").iterdir()) == assignments()
