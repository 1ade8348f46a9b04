"""Read submissions as students hand them in, and repair what a correct answer
should not lose points over.

Two layouts come in:

- nbgrader's: ``submitted/<student>/<assignment>/<notebook>.ipynb`` (with an
  optional ``timestamp.txt``), read where it is;
- an LMS export: a folder of ``<student>.ipynb`` or ``<student>.zip`` files, which
  ``import_export`` copies into that layout first (zips unpacked safely: only
  files, no paths outside the folder, size-capped).

``read`` then takes one student's folder and gives the files to grade: a byte-order
mark dropped, invalid UTF-8 replaced, a renamed notebook ("Copy of ...",
"... (1)") given its assignment name, a copied graded cell graded once. A file
that is not a notebook at all (invalid JSON) is left out, so the notebook scores
zero. Every repair is a flag.
"""

from __future__ import annotations

import collections
import copy
import hashlib
import json
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from instructor.grading import integrity

STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,63}$")
IGNORED = {"timestamp.txt", ".ipynb_checkpoints", "__MACOSX", ".DS_Store"}
MAX_FILE_BYTES = 50 * 2**20
BOM = b"\xef\xbb\xbf"


class IntakeError(ValueError):
    """A submission folder or export that cannot be read as asked."""


@dataclass
class Submission:
    """One student's submission, ready to grade."""

    student: str
    files: dict[str, bytes] = field(default_factory=dict)
    timestamp: str | None = None
    flags: list[str] = field(default_factory=list)
    digest: str = ""


def students(course: Path, assignment: str) -> list[str]:
    """Students with a folder for ``assignment`` in ``course``/submitted."""
    return sorted(
        path.parent.name
        for path in (course / "submitted").glob(f"*/{assignment}")
        if path.is_dir()
    )


def import_export(export: Path, course: Path, assignment: str) -> list[str]:
    """Copy an LMS export (``<student>.ipynb`` / ``<student>.zip``) into submitted/.

    A student's folder is replaced only when the export's files differ. Returns the
    students imported; raises IntakeError for a file whose name is not a student id.
    """
    if not export.is_dir():
        raise IntakeError(f"{export} is not a folder of submissions")
    imported = []
    for path in sorted(export.iterdir()):
        if path.name in IGNORED or path.name.startswith("."):
            continue
        student = path.stem
        if path.suffix not in (".ipynb", ".zip") or not STUDENT_ID.match(student):
            raise IntakeError(
                f"{path.name}: expected <student id>.ipynb or <student id>.zip, the "
                "id made of letters, digits and _ . @ + -"
            )
        folder = course / "submitted" / student / assignment
        files = (
            _unzip(path) if path.suffix == ".zip" else {path.name: path.read_bytes()}
        )
        if folder.is_dir() and _current(folder) == files:
            continue
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for name, data in files.items():
            (folder / name).write_bytes(data)
        imported.append(student)
    return imported


def _current(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def _unzip(path: Path) -> dict[str, bytes]:
    """The plain files of a zip, by base name; an unreadable zip is kept as is."""
    try:
        with zipfile.ZipFile(path) as archive:
            files = {}
            for member in archive.infolist():
                parts = Path(member.filename).parts
                name = parts[-1] if parts else ""
                hostile = ".." in parts or Path(member.filename).is_absolute()
                if member.is_dir() or not name or hostile or IGNORED & set(parts):
                    continue
                if member.file_size > MAX_FILE_BYTES:
                    continue
                with archive.open(member) as f:
                    files[name] = f.read(MAX_FILE_BYTES + 1)[:MAX_FILE_BYTES]
            return files
    except (zipfile.BadZipFile, OSError, ValueError):
        return {path.name: path.read_bytes()}


def read(
    course: Path,
    assignment: str,
    student: str,
    release: dict[str, nbformat.NotebookNode],
) -> Submission:
    """One student's files from submitted/, repaired.

    ``release``: the assignment's notebooks as handed out, by name. Each submitted
    notebook is compared with its release (``integrity.structure``) and gets the
    release's nbgrader metadata back on every graded cell, so that edited points or
    flags neither count nor stop nbgrader; the cells the student wrote are scanned
    (``integrity.code``).
    """
    folder = course / "submitted" / student / assignment
    submission = Submission(student)
    digest = hashlib.sha256()
    notebooks = {}
    for path in sorted(folder.iterdir()):
        if path.name in IGNORED or not path.is_file():
            if path.name == "timestamp.txt":
                submission.timestamp = path.read_text().strip() or None
                digest.update(path.read_bytes())
            continue
        data = path.read_bytes()
        digest.update(path.name.encode() + b"\0" + data)
        if path.suffix != ".ipynb":
            submission.files[path.name] = data
            continue
        notebook = _parse(path.name, data, submission.flags)
        if notebook is not None:
            notebooks[path.name] = notebook
    submission.digest = digest.hexdigest()
    _rename(notebooks, list(release), submission.flags, student)
    for name, notebook in notebooks.items():
        original = release.get(name.removesuffix(".ipynb"))
        if original is not None:
            submission.flags += integrity.structure(notebook, original)
            _restore_metadata(notebook, original)
        _keep_first_copies(name, notebook, submission.flags)
        if original is not None:
            submission.flags += integrity.code(notebook)
        submission.files[name] = nbformat.writes(notebook).encode("utf-8")
    return submission


def _parse(name: str, data: bytes, flags: list[str]) -> nbformat.NotebookNode | None:
    """The notebook in ``data`` (nbformat 4), or None if it is not one."""
    if data.startswith(BOM):
        data = data[len(BOM) :]
        flags.append(f"{name}: byte-order mark removed")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        text = data.decode("utf-8", errors="replace")
        flags.append(f"{name}: invalid UTF-8 at byte {error.start} replaced")
    try:
        return nbformat.reads(text, as_version=4)
    except (json.JSONDecodeError, nbformat.reader.NotJSONError) as error:
        flags.append(f"{name}: not a notebook (invalid JSON: {error}); scored zero")
    except Exception as error:  # nbformat's own errors: an unknown version, ...
        flags.append(f"{name}: not a readable notebook ({error}); scored zero")
    return None


def _restore_metadata(notebook, original) -> None:
    """Every graded cell's nbgrader metadata as the release has it."""
    released = {
        meta["grade_id"]: meta
        for cell in original.cells
        if "grade_id" in (meta := cell.metadata.get("nbgrader", {}))
    }
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in released:
            cell.metadata["nbgrader"] = copy.deepcopy(released[grade_id])


def _keep_first_copies(name: str, notebook, flags: list[str]) -> None:
    """A copied graded cell (same grade_id) stays as plain code: only the first copy
    is graded. (nbgrader 0.9.6 fails on the whole notebook otherwise.)"""
    copies = collections.Counter()
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id and copies[grade_id]:
            del cell.metadata["nbgrader"]
        if grade_id:
            copies[grade_id] += 1
    for grade_id, count in copies.items():
        if count > 1:
            flags.append(
                f"{name}: cell {grade_id} appears {count} times; only the first copy "
                "is graded, the others run as plain code"
            )


def _known_rename(found: str, name: str, student: str) -> bool:
    """Is ``found`` a name an LMS, a browser or Drive gives the notebook ``name``?

    ``<student>.ipynb`` (an LMS export, as ``--export`` reads it); a prefix ending
    in ``_`` (Canvas: ``alice_1234_5678_NAME``; Moodle: ``Alice
    Smith_42_assignsubmission_file_NAME``); "Copy of NAME" (Google Drive, Colab);
    a browser's duplicate download "NAME (1)", "NAME(2)" or "NAME-1".
    """
    stem = found.removesuffix(".ipynb")
    pattern = rf"(?:Copy of )?(?:.*_)?{re.escape(name)}(?: ?\(\d+\)|-\d+)?"
    return stem == student or re.fullmatch(pattern, stem) is not None


def _rename(
    notebooks: dict, expected: list[str], flags: list[str], student: str = ""
) -> None:
    """Give a renamed notebook its assignment name, when that name is missing.

    A name an LMS export, a browser or Drive gives it (``_known_rename``) is not
    flagged; any other is, for a person to check that the right file was graded.
    """
    for name in expected:
        wanted = f"{name}.ipynb"
        if wanted in notebooks:
            continue
        others = [n for n in notebooks if n.removesuffix(".ipynb") not in expected]
        matching = [n for n in others if name in n] or (
            others if len(others) == 1 else []
        )
        if len(matching) == 1:
            notebooks[wanted] = notebooks.pop(matching[0])
            if not _known_rename(matching[0], name, student):
                flags.append(f"{matching[0]} graded as {wanted}")
        elif not any(wanted in flag for flag in flags):
            flags.append(f"{wanted} is missing; scored zero")
