"""Are submissions read as students hand them in, and repaired only where a correct
answer should not lose points?"""

from __future__ import annotations

import io
import zipfile

import nbformat
import pytest

from instructor.grading import intake

A = "01-convolution-by-hand"


def notebook(*cells: str, grade_id: str = "answer") -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    for i, source in enumerate(cells):
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["nbgrader"] = {
            "grade_id": f"{grade_id}{i}",
            "solution": True,
            "grade": False,
            "locked": False,
        }
        nb.cells.append(cell)
    return nb


@pytest.fixture
def course(tmp_path):
    (tmp_path / "submitted").mkdir()
    return tmp_path


def hand_in(course, student, files):
    folder = course / "submitted" / student / A
    folder.mkdir(parents=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)


RELEASE = {A: notebook("x = 1", "y = 2")}


def test_byte_order_mark_and_bad_utf8_are_repaired_and_flagged(course):
    data = nbformat.writes(notebook("x = 1  # é", "y = 2")).encode()
    hand_in(course, "bom", {f"{A}.ipynb": b"\xef\xbb\xbf" + data})
    hand_in(course, "latin", {f"{A}.ipynb": data.replace("é".encode(), b"\xe9")})
    for student, flag in (("bom", "byte-order mark"), ("latin", "invalid UTF-8")):
        got = intake.read(course, A, student, RELEASE)
        assert nbformat.reads(got.files[f"{A}.ipynb"].decode(), as_version=4).cells
        assert any(flag in f for f in got.flags), got.flags


def test_invalid_json_is_left_out_and_flagged(course):
    hand_in(course, "broken", {f"{A}.ipynb": b'{"cells": ['})
    got = intake.read(course, A, "broken", RELEASE)
    assert got.files == {} and any("invalid JSON" in f for f in got.flags)


@pytest.mark.parametrize(
    ("name", "flagged"),
    [
        ("renamer.ipynb", False),  # an LMS export: <student>.ipynb
        (f"renamer_12345_67890_{A}.ipynb", False),  # Canvas
        (f"Ren Amer_42_assignsubmission_file_{A}.ipynb", False),  # Moodle
        (f"Copy of {A}.ipynb", False),  # Google Drive, Colab
        (f"{A} (1).ipynb", False),  # a browser's second download
        (f"{A}-2.ipynb", False),
        ("mine.ipynb", True),  # a name of the student's own: check the file
        (f"{A}-final.ipynb", True),
    ],
)
def test_a_renamed_notebook_gets_its_assignment_name(course, name, flagged):
    """Is a renamed notebook graded, flagged only when no LMS, browser or Drive
    gave it that name?"""
    hand_in(course, "renamer", {name: nbformat.writes(notebook("x = 1")).encode()})
    got = intake.read(course, A, "renamer", RELEASE)
    assert list(got.files) == [f"{A}.ipynb"]
    assert any("graded as" in f for f in got.flags) == flagged, got.flags


def test_copied_graded_cell_is_graded_once(course):
    nb = notebook("x = 1", "y = 2")
    nb.cells.append(nbformat.from_dict(dict(nb.cells[0])))
    hand_in(course, "copier", {f"{A}.ipynb": nbformat.writes(nb).encode()})
    got = intake.read(course, A, "copier", RELEASE)
    cells = nbformat.reads(got.files[f"{A}.ipynb"].decode(), as_version=4).cells
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in cells]
    assert ids == ["answer0", "answer1", None]
    assert any("appears 2 times" in f for f in got.flags)


def test_edited_metadata_is_put_back(course):
    nb = notebook("x = 1", "y = 2")
    nb.cells[1].metadata["nbgrader"].update(points=100, grade=True)
    hand_in(course, "editor", {f"{A}.ipynb": nbformat.writes(nb).encode()})
    got = intake.read(course, A, "editor", RELEASE)
    cells = nbformat.reads(got.files[f"{A}.ipynb"].decode(), as_version=4).cells
    assert cells[1].metadata["nbgrader"] == RELEASE[A].cells[1].metadata["nbgrader"]


def test_the_digest_changes_with_the_files_only(course):
    hand_in(course, "a", {f"{A}.ipynb": nbformat.writes(notebook("x = 1")).encode()})
    first = intake.read(course, A, "a", RELEASE).digest
    assert intake.read(course, A, "a", RELEASE).digest == first
    (course / "submitted" / "a" / A / f"{A}.ipynb").write_text("{}")
    assert intake.read(course, A, "a", RELEASE).digest != first


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_lms_export_of_notebooks_and_zips(course, tmp_path):
    export = tmp_path / "export"
    export.mkdir()
    data = nbformat.writes(notebook("x = 1")).encode()
    (export / "alice.ipynb").write_bytes(data)
    (export / "bob.zip").write_bytes(
        zipped(
            {
                f"bob/work/{A}.ipynb": data,
                f"__MACOSX/bob/._{A}.ipynb": b"junk",
                f"../../escape/{A}.ipynb": b"outside",
            }
        )
    )
    (export / "carol.zip").write_bytes(b"not a zip")
    imported = intake.import_export(export, course, A)
    assert imported == ["alice", "bob", "carol"]
    assert intake.students(course, A) == ["alice", "bob", "carol"]
    bob = course / "submitted" / "bob" / A
    assert sorted(p.name for p in bob.iterdir()) == [f"{A}.ipynb"]
    assert (bob / f"{A}.ipynb").read_bytes() == data
    assert not (tmp_path / "escape").exists()
    assert intake.read(course, A, "carol", RELEASE).files == {"carol.zip": b"not a zip"}
    assert intake.import_export(export, course, A) == []  # nothing new


def test_lms_export_rejects_a_name_that_is_not_a_student_id(course, tmp_path):
    export = tmp_path / "export"
    export.mkdir()
    (export / "notes.txt").write_text("hello")
    with pytest.raises(intake.IntakeError, match="student id"):
        intake.import_export(export, course, A)
