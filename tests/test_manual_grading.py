"""Can a person grade the written answers safely: no path leaks hidden tests, a
pending grade reads as pending, and `make grade` refreshes feedback and tables after
a manual grade without running the notebook again?

One small trial course of assignment 01 (``instructor.grading.trial``): the source
solutions (their written answer waits for a person) and the untouched release (an
empty written answer, which nbgrader scores 0 itself), graded once by
``instructor.grading.run``.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import GetGrades
from test_grading import feedback_lines, hidden_test_lines

from instructor import ROOT, run_nbgrader
from instructor.grading import report, trial
from instructor.grading.preprocessors import typeset
from instructor.grading.run import Run, course_config, grade

pytestmark = pytest.mark.grading  # a graded course, graded again

ASSIGNMENT = "01-convolution-by-hand"
WRITTEN = "flip_written_answer"  # 01's written answer, 2 points
ARTIFACTS = ROOT / "test-artifacts" / "manual-grading"  # before/ and after/


def keep(course: Path, moment: str) -> None:
    """Copy the solutions' feedback page and the grade table to test-artifacts/."""
    folder = ARTIFACTS / moment
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    shutil.copy(course / "grading" / ASSIGNMENT / "grades.csv", folder)
    shutil.copy(course / "grading" / ASSIGNMENT / "report.md", folder)
    for page in (course / "feedback" / "solutions").rglob("*.html"):
        shutil.copy(page, folder / f"feedback-solutions-{page.name}")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The graded course and its run; tests that change it work on a copy."""
    course = trial.make_course(tmp_path_factory.mktemp("manual"), [ASSIGNMENT])
    answers = trial.answers(course, ASSIGNMENT)
    trial.submit_answers(course, ASSIGNMENT, "solutions", answers)
    trial.submit_answers(course, ASSIGNMENT, "untouched", {})
    return course, grade(course, ASSIGNMENT, jobs=2, progress=False)


def copy_of(graded, tmp_path: Path) -> Path:
    return shutil.copytree(graded[0], tmp_path / "course")


def table(course: Path) -> dict[str, dict[str, str]]:
    with open(course / "grading" / ASSIGNMENT / "grades.csv", newline="") as f:
        return {row["student"]: row for row in csv.DictReader(f)}


def formgrader_feedback(course: Path, student: str, **settings) -> dict:
    """What Formgrader's "Generate Feedback" button does: nbgrader's API, with the
    course's nbgrader_config.py (``settings`` override GenerateFeedback's)."""
    config = course_config(course)
    for name, value in settings.items():
        setattr(config.GenerateFeedback, name, value)
    api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
    assert api.exchange_is_functional  # no "exchange directory ... does not exist"
    return api.generate_feedback(ASSIGNMENT, student)


def assert_no_hidden_test(folder: Path) -> None:
    lines = feedback_lines(folder)
    assert any("Score" in line for line in lines), folder
    assert not hidden_test_lines(ASSIGNMENT) & lines
    for page in folder.rglob("*.html"):
        assert "HIDDEN TESTS" not in page.read_text(), page
        assert "white-space: pre-wrap" in page.read_text(), page  # long lines wrap


def test_plain_nbgrader_and_formgrader_feedback_hold_no_hidden_test(graded, tmp_path):
    """Do `nbgrader generate_feedback` and Formgrader's button, with the course's
    config, strip hidden tests as `make grade` does? The control: nbgrader's default
    preprocessors do show them, so the check can see a leak."""
    course = copy_of(graded, tmp_path)
    for student in ("solutions", "untouched"):
        shutil.rmtree(course / "feedback" / student)
        run_nbgrader("generate_feedback", ASSIGNMENT, "--student", student, cwd=course)
        assert_no_hidden_test(course / "feedback" / student)

        shutil.rmtree(course / "feedback" / student)
        result = formgrader_feedback(course, student)
        assert result["success"], result.get("log")
        assert_no_hidden_test(course / "feedback" / student)

    defaults = [GetGrades, CSSHTMLHeaderPreprocessor]  # nbgrader's own
    result = formgrader_feedback(course, "solutions", preprocessors=defaults)
    assert result["success"], result.get("log")
    lines = feedback_lines(course / "feedback" / "solutions")
    assert hidden_test_lines(ASSIGNMENT) & lines


def test_manual_grading_round_trip(graded, tmp_path):
    """autograde -> a person grades the written answer -> `make grade` refreshes the
    feedback and the table, runs no notebook, keeps the manual grade; no hidden test
    anywhere; pending before, the score after."""
    course = copy_of(graded, tmp_path)
    grading = course / "grading" / ASSIGNMENT
    solutions = course / "feedback" / "solutions" / ASSIGNMENT

    before = table(course)
    assert before["solutions"][WRITTEN] == "pending"
    assert before["solutions"]["total"] == "pending"
    assert float(before["solutions"]["total so far"]) > 0
    assert WRITTEN in before["solutions"]["review"]
    assert before["untouched"][WRITTEN] == "0"  # empty: nbgrader scored it
    assert before["untouched"]["total"] == before["untouched"]["total so far"] == "0"
    report_text = (grading / "report.md").read_text()
    assert "## Written answers to grade\n\n" in report_text
    assert f"- **solutions**: {WRITTEN}" in report_text
    assert "**untouched**" not in report_text.split("## Written answers to grade")[1]
    lines = feedback_lines(solutions)
    assert any(line.startswith("Not graded yet.") for line in lines), sorted(lines)
    assert not any(
        "Not graded yet" in line
        for line in feedback_lines(course / "feedback" / "untouched")
    )
    assert_no_hidden_test(course / "feedback")

    keep(course, "before")
    autograded = {
        p: p.read_bytes() for p in (course / "autograded").rglob("*") if p.is_file()
    }
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        written = gradebook.find_grade(WRITTEN, ASSIGNMENT, ASSIGNMENT, "solutions")
        assert written.needs_manual_grade
        written.manual_score = 1.5
        written.needs_manual_grade = False
        comment = gradebook.find_comment(WRITTEN, ASSIGNMENT, ASSIGNMENT, "solutions")
        comment.manual_comment = "Right idea; say which axis flips."
        gradebook.db.commit()

    run = grade(course, ASSIGNMENT, jobs=2, progress=False)
    assert run.graded == [] and run.refreshed == ["solutions"]
    after = table(course)
    assert after["solutions"][WRITTEN] == "1.5"
    total = float(before["solutions"]["total so far"]) + 1.5
    assert float(after["solutions"]["total"]) == total
    assert after["solutions"]["total so far"] == after["solutions"]["total"]
    assert after["untouched"] == before["untouched"]
    assert "None waiting." in (grading / "report.md").read_text()
    lines = feedback_lines(solutions)
    assert not any("Not graded yet" in line for line in lines)
    assert any("Right idea; say which axis flips." in line for line in lines)
    assert any(f"Score: {total:g}" in line for line in lines), sorted(lines)
    assert_no_hidden_test(course / "feedback")
    assert {
        p: p.read_bytes() for p in (course / "autograded").rglob("*") if p.is_file()
    } == autograded  # no notebook ran again
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        written = gradebook.find_grade(WRITTEN, ASSIGNMENT, ASSIGNMENT, "solutions")
        assert (written.manual_score, written.needs_manual_grade) == (1.5, False)

    keep(course, "after")
    again = grade(course, ASSIGNMENT, jobs=2, progress=False)
    assert again.graded == [] and again.refreshed == []


@pytest.mark.browser
def test_feedback_page_renders_offline_with_formulas_and_wrapped_lines(graded, browser):
    """Does a feedback page, opened in Chromium with every request off the disk
    refused (a student offline), show its formulas typeset and no line running off
    the page? A screenshot goes to test-artifacts/manual-grading/."""
    course, _ = graded
    page_file = next((course / "feedback" / "solutions").rglob("*.html"))
    page = browser.get().new_page(viewport={"width": 900, "height": 1200})
    try:
        page.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith("file:")
                else route.abort()
            ),
        )
        page.goto(page_file.as_uri())
        formulas = page.locator("math")
        assert formulas.count() >= 5  # 01's definition, (i, j), i, j, (I ⋆ K)_{1,2}
        for box in [formulas.nth(i).bounding_box() for i in range(formulas.count())]:
            assert box is not None and box["width"] > 0 and box["height"] > 0
        text = page.inner_text("body")
        assert "$" not in text and "\\sum" not in text and "\\star" not in text
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 0, f"a line runs {overflow} px off the page"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=ARTIFACTS / "feedback-page.png", full_page=True)
    finally:
        page.close()


def test_pending_is_not_zero_in_table_figure_and_report(tmp_path):
    """Without grading anything: a cell waiting for a person (score None) reads
    "pending" in grades.csv, with "total so far" beside it; report.md lists it; the
    figure is drawn without it."""
    record = {"status": "graded", "flags": [], "mistakes": [], "zeroed": False}
    run = Run(
        {"ada": record, "bob": record, "cy": None},
        [],
        {
            "ada": {"t": (3, 3), WRITTEN: (None, 2)},
            "bob": {"t": (1, 3), WRITTEN: (0, 2)},
        },
    )
    report.write(tmp_path, ASSIGNMENT, run)
    with open(tmp_path / "grades.csv", newline="") as f:
        rows = {row["student"]: row for row in csv.DictReader(f)}
    assert (rows["ada"]["total"], rows["ada"]["total so far"]) == ("pending", "3")
    assert rows["ada"][WRITTEN] == "pending" and rows["ada"]["max"] == "5"
    assert WRITTEN in rows["ada"]["review"]
    assert (rows["bob"]["total"], rows["bob"][WRITTEN], rows["bob"]["review"]) == (
        "1",
        "0",
        "",
    )
    assert rows["cy"]["status"] == "not graded yet"
    report_text = (tmp_path / "report.md").read_text()
    assert f"- **ada**: {WRITTEN}" in report_text and "- **bob**" not in report_text
    assert (tmp_path / "scores.png").stat().st_size > 0


def test_formulas_become_mathml_and_code_and_unreadable_latex_stay():
    """Does `typeset` turn $inline$ and $$display$$ LaTeX into MathML, and leave code
    spans, fenced code, an escaped dollar and LaTeX it cannot read as they were?"""
    text = typeset("At $(i, j)$:\n$$O = \\frac{W - k}{S} + 1$$")
    assert "$" not in text and text.count("<math") == 2
    assert 'display="inline"' in text and 'display="block"' in text
    assert "<mfrac>" in text
    kept = "`x = $y$` and\n```\n$z$\n```\ncosts \\$5, $\\frac{$"
    assert typeset(kept) == kept
