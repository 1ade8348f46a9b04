"""Does a notebook that Colab saved still autograde with nbgrader, every point found?

The fixture tests/fixtures/colab-saved-01-convolution-by-hand.ipynb is the released
assignment with correct answers, saved the way Colab saves a notebook (see
tests/fixtures/colab_saved.py, which makes it). It is autograded in a temporary
course directory, as tests/test_grading.py does with plain submissions. A control
copy with nbgrader's cell metadata removed (what a front end that dropped unknown
metadata would hand in) shows that the full marks depend on that metadata surviving.
"""

from __future__ import annotations

import collections
import importlib.util
import json
import shutil
from pathlib import Path

import nbformat
import pytest

from instructor import ROOT, run_nbgrader
from instructor.grading import trial
from instructor.grading.run import gradebook_scores

pytestmark = pytest.mark.grading  # nbgrader autogrades the fixture

FIXTURES = Path(__file__).with_name("fixtures")
ASSIGNMENT = "01-convolution-by-hand"
FIXTURE = FIXTURES / f"colab-saved-{ASSIGNMENT}.ipynb"
STUDENT, CONTROL = "colab-student", "colab-metadata-dropped"
NBGRADER_CELL_KEYS = ("nbgrader", "deletable", "editable")


def _generator():
    """tests/fixtures/colab_saved.py, the script that makes the fixture."""
    spec = importlib.util.spec_from_file_location(
        "colab_saved", FIXTURES / "colab_saved.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _raw(path: Path) -> dict:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _grade_cells(notebook) -> list[tuple[str, str, float]]:
    """(grade_id, cell type, points) of every graded cell, in notebook order."""
    return [
        (meta["grade_id"], cell["cell_type"], meta.get("points", 0))
        for cell in notebook["cells"]
        if (meta := cell.get("metadata", {}).get("nbgrader", {})).get("grade")
    ]


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A course directory with the assignment generated and the fixture submitted."""
    course = trial.make_course(tmp_path_factory.mktemp("colab-course"), [ASSIGNMENT])
    name = f"{ASSIGNMENT}.ipynb"
    submitted = course / "submitted" / STUDENT / ASSIGNMENT
    submitted.mkdir(parents=True)
    shutil.copy(FIXTURE, submitted / name)  # byte for byte, as Colab saved it

    control = _raw(FIXTURE)
    for cell in control["cells"]:
        for key in NBGRADER_CELL_KEYS:
            cell["metadata"].pop(key, None)
    folder = course / "submitted" / CONTROL / ASSIGNMENT
    folder.mkdir(parents=True)
    (folder / name).write_text(json.dumps(control, indent=2), encoding="utf-8")
    return course


@pytest.fixture(scope="module")
def autograded(course) -> Path:
    run_nbgrader("autograde", ASSIGNMENT, "--student", STUDENT, "--force", cwd=course)
    return course


def _scores(course: Path, student: str) -> dict[str, tuple[float, float]]:
    """Every grade of one submission: grade_id -> (score, max score)."""
    return gradebook_scores(course, ASSIGNMENT)[student]


# --------------------------------------------------------------- the fixture itself


def test_fixture_is_saved_the_way_colab_saves():
    """Does the fixture carry Colab's format, so that the round trip is tested?"""
    nb = _raw(FIXTURE)
    assert (nb["nbformat"], nb["nbformat_minor"]) == (4, 0)
    assert list(nb) == ["nbformat", "nbformat_minor", "metadata", "cells"]
    meta = nb["metadata"]
    assert "colab" in meta and "accelerator" in meta, sorted(meta)
    assert meta["kernelspec"] == {"name": "python3", "display_name": "Python 3"}
    assert nb["cells"][0]["metadata"]["id"] == "view-in-github"
    assert all("id" in c["metadata"] and "id" not in c for c in nb["cells"])
    ran = [c for c in nb["cells"] if c["cell_type"] == "code" and c["outputs"]]
    assert ran, "no code cell of the fixture has outputs"
    for cell in ran:
        assert {"colab", "executionInfo", "outputId"} <= set(cell["metadata"])
        assert cell["execution_count"] is not None
    nbformat.validate(nbformat.reads(json.dumps(nb), as_version=nbformat.NO_CONVERT))


def test_fixture_keeps_nbgrader_metadata_of_every_graded_cell():
    """Does every graded cell of the release keep its nbgrader metadata there?"""
    release = _raw(ROOT / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    assert _grade_cells(_raw(FIXTURE)) == _grade_cells(release)
    assert _grade_cells(release), "the release has no graded cell"


def test_fixture_is_the_current_release_with_solutions():
    """Are the fixture's cells the release's, answers filled in (is it up to date)?"""
    expected = _generator().solved_release(ASSIGNMENT)
    fixture = nbformat.read(FIXTURE, as_version=4)
    got = [(c.cell_type, c.source, c.metadata.get("nbgrader")) for c in fixture.cells]
    want = [(c.cell_type, c.source, c.metadata.get("nbgrader")) for c in expected.cells]
    assert got[1:] == want, (
        "the fixture is stale: run `.venv/bin/python tests/fixtures/colab_saved.py`"
    )
    answers = [
        c for c in fixture.cells if c.metadata.get("nbgrader", {}).get("solution")
    ]
    assert answers and not any("YOUR CODE HERE" in c.source for c in answers)


# ----------------------------------------------------------------- the round trip


def test_colab_saved_solutions_earn_every_autograded_point(autograded):
    """Does the Colab-saved notebook with correct answers get full autograded marks?"""
    release = _raw(autograded / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    code_tests = {g: pts for g, kind, pts in _grade_cells(release) if kind == "code"}
    got = _scores(autograded, STUDENT)
    assert code_tests and code_tests.keys() <= got.keys(), (
        f"grade cells nbgrader did not find: {sorted(code_tests.keys() - got.keys())}"
    )
    assert {g: got[g] for g in code_tests} == {
        g: (pts, pts) for g, pts in code_tests.items()
    }


def test_autograded_notebook_has_each_graded_cell_once_in_order(autograded):
    """Did nbgrader recognise every graded cell, rather than add a missing copy?"""
    release = _raw(autograded / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    name = f"{ASSIGNMENT}.ipynb"
    graded = _raw(autograded / "autograded" / STUDENT / ASSIGNMENT / name)
    ids = [c["metadata"].get("nbgrader", {}).get("grade_id") for c in graded["cells"]]
    counts = collections.Counter(i for i in ids if i)
    assert all(n == 1 for n in counts.values()), counts
    assert _grade_cells(graded) == _grade_cells(release)
    # The cell Colab added (its "Open in Colab" link) is kept, not mistaken for one.
    assert graded["cells"][0]["metadata"].get("id") == "view-in-github"
    errors = [
        (i, out.get("ename"))
        for i, cell in enumerate(graded["cells"])
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]
    assert not errors, f"errors in the autograded notebook: {errors}"


def test_without_nbgrader_metadata_the_same_answers_score_nothing(autograded):
    """Would the same notebook score zero had Colab dropped nbgrader's metadata?"""
    try:
        run_nbgrader(
            "autograde", ASSIGNMENT, "--student", CONTROL, "--force", cwd=autograded
        )
    except RuntimeError as e:  # nbgrader 0.9.6 fails on the notebook: expected
        assert CONTROL in str(e), str(e)
    got = _scores(autograded, CONTROL)
    # 0, or None where nbgrader scored nothing at all (the run failed): no points
    assert got and all(not score for score, _ in got.values()), got
