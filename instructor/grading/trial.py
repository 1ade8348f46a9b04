"""A throwaway course for trying the grader: the tests' round trips and the benchmark.

``make_course`` copies source/ and the nbgrader config into a folder and generates
the assignments there with nbgrader (so the folder gets its own gradebook.db and
release/); ``submit`` hands in the release with some answer cells replaced.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from instructor import ROOT, run_nbgrader
from instructor.release import solutions


def make_course(folder: Path, assignments: list[str]) -> Path:
    """A course in ``folder`` with ``assignments`` generated; returns ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "source", folder / "source")
    shutil.copy(ROOT / "nbgrader_config.py", folder)
    for assignment in assignments:
        run_nbgrader("generate_assignment", assignment, "--force", cwd=folder)
    return folder


def answers(course: Path, assignment: str) -> dict[str, str]:
    """grade_id -> the correct answer, for every answer cell of ``assignment``."""
    found = {}
    for notebook in sorted((course / "source" / assignment).glob("*.ipynb")):
        found |= solutions(nbformat.read(notebook, as_version=4))
    return found


def answered(
    course: Path, assignment: str, replies: dict[str, str]
) -> dict[str, nbformat.NotebookNode]:
    """The released notebooks (name -> notebook) with answer cells replaced."""
    notebooks = {}
    for released in sorted((course / "release" / assignment).glob("*.ipynb")):
        notebook = nbformat.read(released, as_version=4)
        for cell in notebook.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in replies:
                cell.source = replies[grade_id]
        notebooks[released.name] = notebook
    return notebooks


def submit(
    course: Path, assignment: str, student: str, files: dict[str, bytes | str]
) -> Path:
    """Write ``files`` (name -> content) as ``student``'s submission; its folder."""
    folder = course / "submitted" / student / assignment
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name, content in files.items():
        data = content.encode() if isinstance(content, str) else content
        (folder / name).write_bytes(data)
    return folder


def submit_answers(
    course: Path, assignment: str, student: str, replies: dict[str, str]
) -> Path:
    """Hand in the release with ``replies`` (grade_id -> code) in its answer cells."""
    notebooks = answered(course, assignment, replies)
    return submit(
        course,
        assignment,
        student,
        {name: nbformat.writes(nb) for name, nb in notebooks.items()},
    )
