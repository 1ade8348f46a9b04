"""Generate release/, the student versions of source/, with nbgrader.

    python -m instructor.release

nbgrader runs in a temporary copy of the course, so the repository gets no
gradebook.db (which would hold the hidden tests) and release/ is rebuilt whole.
"""

import re
import shutil
import tempfile
from pathlib import Path

import nbformat
from nbgrader.utils import is_solution

from instructor import ROOT, run_nbgrader

SOLUTION_REGION = re.compile(
    r"[ \t]*### BEGIN SOLUTION\n(.*?)[ \t]*### END SOLUTION\n?", re.DOTALL
)


def solutions(source: nbformat.NotebookNode) -> dict[str, str]:
    """grade_id -> an answer cell of ``source`` as a student who solved it writes it.

    The cell's text with the solution markers taken out (and its stub never put in):
    what the grading round trips and test fixtures submit as a correct answer.
    """
    answers = {}
    for cell in source.cells:
        if is_solution(cell):
            answers[cell.metadata.nbgrader.grade_id] = SOLUTION_REGION.sub(
                lambda m: m.group(1), cell.source
            )
    return answers


REGION = re.compile(r"### BEGIN (SOLUTION|HIDDEN TESTS)\n(.*?)### END \1", re.S)


def secret_lines(
    assignment: str, kinds: tuple[str, ...] = ("SOLUTION", "HIDDEN TESTS")
) -> set[str]:
    """Distinctive lines of the solutions and/or hidden tests of one assignment.

    Distinctive: at least 12 characters once stripped, and nowhere in the source
    outside the solution and hidden-test regions (a shared line such as
    ``return result`` proves nothing). What release/, feedback and the student
    distribution must never contain.
    """
    secret, public = set(), set()
    for path in sorted((ROOT / "source" / assignment).glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            for kind, region in REGION.findall(cell.source):
                if kind in kinds:
                    secret |= {line.strip() for line in region.splitlines()}
            public |= {
                line.strip() for line in REGION.sub("", cell.source).splitlines()
            }
    return {line for line in secret - public if len(line) >= 12}


def assignments(root: Path = ROOT) -> list[str]:
    """The assignment names: one folder per assignment under source/."""
    return sorted(path.name for path in (root / "source").iterdir() if path.is_dir())


def build_release(destination: Path) -> None:
    """Generate every assignment from source/ and put the result at ``destination``."""
    with tempfile.TemporaryDirectory() as tmp:
        course = Path(tmp)
        shutil.copytree(ROOT / "source", course / "source")
        shutil.copy(ROOT / "nbgrader_config.py", course)
        for assignment in assignments():
            run_nbgrader("generate_assignment", assignment, "--force", cwd=course)
        shutil.rmtree(destination, ignore_errors=True)
        shutil.copytree(course / "release", destination)


if __name__ == "__main__":
    build_release(ROOT / "release")
    print(f"release/ regenerated: {', '.join(assignments())}")
