"""Do the grading round trips give every submission the score it deserves?

For each assignment in source/, a throwaway course (``instructor.grading.trial``) is
graded once by ``instructor.grading.run``, the command behind ``make grade``: the source
solutions, the untouched release, the correct answers in other styles of
``correct_submissions.py``, the typical mistakes of ``wrong_submissions.py`` and the
generic bad submissions of ``bad_submissions.py``. For assignment 01 the
same typical submissions are also graded by plain, sequential ``nbgrader
autograde``, and the scores must agree.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from bad_submissions import ALL, FOR_EVERY_ASSIGNMENT, Context
from bs4 import BeautifulSoup
from correct_submissions import CORRECT_SUBMISSIONS
from nbgrader.api import Gradebook
from wrong_submissions import WRONG_SUBMISSIONS

from instructor import ROOT, run_nbgrader
from instructor.grading import trial
from instructor.grading.run import Records, grade
from instructor.release import assignments, secret_lines, solutions

pytestmark = pytest.mark.grading  # make grade's grader on every assignment

# (assignment, wrong submission) pairs; the graded fixture grades each assignment once.
WRONG_CASES = [
    pytest.param(assignment, case, id=f"{assignment}-{case.student}")
    for assignment, cases in WRONG_SUBMISSIONS.items()
    for case in cases
]
CORRECT_CASES = [
    pytest.param(assignment, case, id=f"{assignment}-{case.student}")
    for assignment, cases in CORRECT_SUBMISSIONS.items()
    for case in cases
]
GENERIC_CASES = [
    pytest.param(assignment, case, id=f"{assignment}-{case.defect}")
    for assignment in assignments()
    for case in FOR_EVERY_ASSIGNMENT
]


def test_every_assignment_has_wrong_submissions():
    """Does every assignment have at least three typical mistakes in its round trip?"""
    counts = {name: len(WRONG_SUBMISSIONS.get(name, [])) for name in assignments()}
    assert WRONG_SUBMISSIONS.keys() <= set(assignments()), "cases for no assignment"
    assert all(count >= 3 for count in counts.values()), counts


@pytest.mark.parametrize("assignment", assignments())
def test_every_answer_has_three_correct_alternatives(assignment):
    """Does every autograded answer cell have at least three correct answers in other
    styles than the solution's?"""
    answers = {}  # grade_id -> the solution, for every autograded (code) answer cell
    for path in sorted((ROOT / "source" / assignment).glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        code = {
            c.metadata.get("nbgrader", {}).get("grade_id")
            for c in notebook.cells
            if c.cell_type == "code"
        }
        answers |= {g: a for g, a in solutions(notebook).items() if g in code}
    cases = CORRECT_SUBMISSIONS.get(assignment, [])
    assert {g for case in cases for g in case.answers} <= answers.keys()
    counts = {
        grade_id: sum(
            case.answers.get(grade_id, solution).strip() != solution.strip()
            for case in cases
        )
        for grade_id, solution in answers.items()
    }
    assert all(count >= 3 for count in counts.values()), counts


def submit_typical(course: Path, assignment: str) -> None:
    """The solutions, the untouched release, the correct answers in other styles and
    every typical mistake."""
    answers = trial.answers(course, assignment)
    trial.submit_answers(course, assignment, "solutions", answers)
    trial.submit_answers(course, assignment, "untouched", {})
    for case in CORRECT_SUBMISSIONS.get(assignment, []):
        trial.submit_answers(course, assignment, case.student, answers | case.answers)
    for case in WRONG_SUBMISSIONS.get(assignment, []):
        trial.submit_answers(course, assignment, case.student, answers | case.answers)


def submit_generic(course: Path, assignment: str) -> None:
    """The generic bad submissions, made from this assignment's first notebook."""
    answers = trial.answers(course, assignment)
    solved, release = (
        trial.answered(course, assignment, answers),
        trial.answered(course, assignment, {}),
    )
    name = sorted(solved)[0]
    ctx = Context(assignment, solved[name], release[name], name, course, course)
    for case in FOR_EVERY_ASSIGNMENT:
        trial.submit(course, assignment, case.defect, case.make(ctx))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """assignment -> its graded course folder; each assignment is graded once."""
    courses = {}

    def course_of(assignment: str) -> Path:
        if assignment not in courses:
            folder = tmp_path_factory.mktemp(assignment)
            course = trial.make_course(folder, [assignment])
            submit_typical(course, assignment)
            submit_generic(course, assignment)
            grade(course, assignment, jobs=2, progress=False)
            courses[assignment] = course
        return courses[assignment]

    return course_of


def scores(
    course: Path, assignment: str, student: str
) -> dict[str, tuple[float, float]]:
    """Autograded test cells of one submission: grade_id -> (score, max score)."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission(assignment, student)
        return {
            grade.name: (grade.score, grade.max_score)
            for notebook in submission.notebooks
            for grade in notebook.grades
            if grade.cell_type == "code"
        }


def feedback_of(course: Path, assignment: str, student: str, grade_id: str) -> str:
    """The error message the autograded test cell ``grade_id`` shows the student."""
    for path in (course / "autograded" / student / assignment).glob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
                return "\n".join(
                    out.get("evalue", "")
                    for out in cell.get("outputs", [])
                    if out.output_type == "error"
                )
    raise AssertionError(f"no cell {grade_id} in the autograded notebook of {student}")


def feedback_lines(folder: Path) -> set[str]:
    """The lines a student reads in the feedback HTML under ``folder``, stripped."""
    return {
        line.strip()
        for path in sorted(folder.rglob("*.html"))
        for line in BeautifulSoup(path.read_text(), "html.parser")
        .get_text()
        .splitlines()
    }


@pytest.mark.parametrize("assignment", assignments())
def test_solutions_score_full_marks(graded, assignment):
    """Do the source solutions earn every autograded point?"""
    course = graded(assignment)
    got = scores(course, assignment, "solutions")
    assert got, "the assignment has no autograded test cells"
    assert all(score == maximum > 0 for score, maximum in got.values()), got


@pytest.mark.parametrize("assignment", assignments())
def test_untouched_release_scores_zero(graded, assignment):
    """Does the release as handed out autograde, without an error, to zero?"""
    course = graded(assignment)
    assert list((course / "autograded" / "untouched" / assignment).glob("*.ipynb"))
    got = scores(course, assignment, "untouched")
    assert {grade_id: score for grade_id, (score, _) in got.items()} == dict.fromkeys(
        got, 0
    )


@pytest.mark.parametrize(("assignment", "case"), CORRECT_CASES)
def test_correct_answer_in_another_style_scores_full_marks(graded, assignment, case):
    """Does a correct answer in another style keep every point, with no flag and no
    mistake named?"""
    course = graded(assignment)
    got = scores(course, assignment, case.student)
    assert got and all(score == top > 0 for score, top in got.values()), got
    record = Records(course, assignment).get(case.student)
    assert record["mistakes"] == [], record["mistakes"]


@pytest.mark.parametrize(("assignment", "case"), WRONG_CASES)
def test_wrong_submission_loses_exactly_its_points(graded, assignment, case):
    """Does a typical mistake lose the points of the tests that catch it, only those?"""
    course = graded(assignment)
    got = scores(course, assignment, case.student)
    assert case.fails <= got.keys(), f"unknown test cells: {case.fails - got.keys()}"
    expected = {
        grade_id: 0 if grade_id in case.fails else maximum
        for grade_id, (_, maximum) in got.items()
    }
    assert {grade_id: score for grade_id, (score, _) in got.items()} == expected


@pytest.mark.parametrize(("assignment", "case"), WRONG_CASES)
def test_feedback_names_the_mistake(graded, assignment, case):
    """Does the feedback on a failing test name the likely mistake?"""
    course = graded(assignment)
    messages = [
        feedback_of(course, assignment, case.student, grade_id)
        for grade_id in case.fails
    ]
    assert any(case.feedback in message for message in messages), messages


@pytest.mark.parametrize(("assignment", "case"), GENERIC_CASES)
def test_generic_bad_submission(graded, assignment, case):
    """Do the generic bad submissions get their score and flag in every assignment?"""
    course = graded(assignment)
    got = scores(course, assignment, case.defect)
    expected = {
        cell: 0 if case.loses == ALL or cell in case.loses else top
        for cell, (_, top) in got.items()
    }
    assert {cell: score for cell, (score, _) in got.items()} == expected
    flags = Records(course, assignment).get(case.defect)["flags"]
    assert any(case.flag in flag for flag in flags), flags


def hidden_test_lines(assignment: str) -> set[str]:
    """Distinctive lines of the hidden tests that no solution has (a correct
    student's feedback shows their own answer)."""
    return secret_lines(assignment, ("HIDDEN TESTS",)) - secret_lines(
        assignment, ("SOLUTION",)
    )


@pytest.mark.parametrize("assignment", assignments())
def test_feedback_holds_no_hidden_test(graded, assignment):
    """Does no distinctive line of a hidden test reach a student's feedback?

    Every test cell, hidden tests included, is in every autograded notebook, so a
    leak would show in all feedback; it is read where the student wrote nothing
    that could match by chance: the untouched release and the correct answers.
    """
    course = graded(assignment)
    hidden = hidden_test_lines(assignment)
    assert len(hidden) >= 5, f"too few distinctive hidden-test lines: {hidden}"
    for student in ("untouched", "solutions"):
        lines = feedback_lines(course / "feedback" / student)
        assert any("Score" in line for line in lines), student
        assert not hidden & lines, (student, sorted(hidden & lines))


# The control, that nbgrader's default feedback would show hidden tests (so the check
# above can see a leak), and the check that plain `nbgrader generate_feedback` and
# Formgrader's button, with the course's config, do not: tests/test_manual_grading.py.


def test_scores_equal_plain_sequential_nbgrader(graded, tmp_path):
    """Do the parallel, sandboxed grader and plain `nbgrader autograde` agree?"""
    assignment = assignments()[0]
    ours = graded(assignment)
    plain = trial.make_course(tmp_path / "plain", [assignment])
    submit_typical(plain, assignment)
    run_nbgrader("autograde", assignment, "--force", cwd=plain)
    students = ["solutions", "untouched"] + [
        case.student
        for case in CORRECT_SUBMISSIONS.get(assignment, [])
        + WRONG_SUBMISSIONS[assignment]
    ]
    for student in students:
        assert scores(ours, assignment, student) == scores(plain, assignment, student)
