"""Does `make grade` survive a class: hostile, broken and oddly saved submissions,
a run killed midway, re-grades?

Assignment 01 is graded once with the whole corpus of ``bad_submissions.py`` next to
a correct and an untouched submission, by ``instructor.grading.run`` (parallel workers,
sandboxed kernels), with a short per-cell limit so the hanging cases end quickly.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from bad_submissions import ALL, UNIT_01, Context
from traitlets.config import Config

from instructor import ROOT
from instructor.grading import trial
from instructor.grading.run import grade, gradebook_scores
from instructor.grading.worker import SandboxedExecute

pytestmark = pytest.mark.grading  # make grade's grader on a corpus

ASSIGNMENT = "01-convolution-by-hand"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
CELL_TIMEOUT = 30  # seconds; the corpus's infinite loops each cost this once


def fingerprint(*paths: Path) -> dict[str, str]:
    """path -> sha256 of every file at or under ``paths``."""
    return {
        str(path): hashlib.sha256(path.read_bytes()).hexdigest()
        for where in paths
        for path in sorted([where, *where.rglob("*")])
        if path.is_file()
    }


def context(course: Path) -> Context:
    answers = trial.answers(course, ASSIGNMENT)
    return Context(
        ASSIGNMENT,
        trial.answered(course, ASSIGNMENT, answers)[NOTEBOOK],
        trial.answered(course, ASSIGNMENT, {})[NOTEBOOK],
        NOTEBOOK,
        course,
        ROOT,
    )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The graded corpus: (course, run, files that must not change, their hashes)."""
    course = trial.make_course(tmp_path_factory.mktemp("corpus"), [ASSIGNMENT])
    ctx = context(course)
    trial.submit_answers(
        course, ASSIGNMENT, "solutions", trial.answers(course, ASSIGNMENT)
    )
    trial.submit_answers(course, ASSIGNMENT, "untouched", {})
    for case in UNIT_01:
        trial.submit(course, ASSIGNMENT, case.defect, case.make(ctx))
    guarded = [course / "source", course / "release", ROOT / "source"]
    guarded += [ROOT / "helpers" / "checks.py", course / "submitted" / "solutions"]
    before = fingerprint(*guarded)
    run = grade(
        course,
        ASSIGNMENT,
        jobs=2,
        cell_timeout=CELL_TIMEOUT,
        notebook_timeout=300,
        memory_mb=2048,
        progress=False,
    )
    return course, run, guarded, before, ctx.tests()


def test_corpus_has_twenty_cases_with_distinct_names():
    names = [case.defect for case in UNIT_01]
    assert len(names) >= 20 and len(set(names)) == len(names), names


@pytest.mark.parametrize("case", UNIT_01, ids=lambda case: case.defect)
def test_bad_submission_gets_its_score_and_flag(corpus, case):
    """Its honest parts keep their points, a cheat gets none, a person is told why."""
    _, run, _, _, test_cells = corpus
    record = run.records[case.defect]
    assert record is not None, "not graded"
    tests = {cell: run.scores[case.defect][cell] for cell in test_cells}
    expected = {
        cell: 0 if case.loses == ALL or cell in case.loses else top
        for cell, (_, top) in tests.items()
    }
    assert {cell: score for cell, (score, _) in tests.items()} == expected, record
    if case.flag is None:
        assert record["flags"] == [], record["flags"]
    else:
        assert any(case.flag in flag for flag in record["flags"]), record["flags"]


def test_correct_and_untouched_submissions_are_graded_as_usual(corpus):
    _, run, _, _, tests = corpus
    solutions, untouched = run.scores["solutions"], run.scores["untouched"]
    assert tests and all(solutions[c][0] == solutions[c][1] > 0 for c in tests)
    assert all(untouched[c][0] == 0 for c in tests)
    assert run.records["solutions"]["flags"] == run.records["untouched"]["flags"] == []


def test_no_submission_could_read_or_write_what_it_must_not(corpus):
    course, _, guarded, before, _ = corpus
    assert fingerprint(*guarded) == before
    assert not (course / "submitted" / "solutions" / "x.ipynb").exists()
    outputs = {
        case: _stdout(course, case)
        for case in ("reads-and-writes-instructor-files", "network-access")
    }
    reads = outputs["reads-and-writes-instructor-files"]
    assert "blocked" in reads and "READ" not in reads and "WROTE" not in reads, reads
    assert "no network" in outputs["network-access"], outputs["network-access"]


def test_no_process_is_left_running(corpus):
    result = subprocess.run(["pgrep", "-f", "sleep 987.654"], capture_output=True)
    assert result.returncode == 1, result.stdout


def test_huge_outputs_are_cut(corpus):
    course, *_ = corpus
    for case in ("huge-output-many-lines", "huge-output-one-line"):
        assert len(_stdout(course, case)) < 100_000


def _stdout(course: Path, student: str) -> str:
    path = course / "autograded" / student / ASSIGNMENT / NOTEBOOK
    notebook = nbformat.read(path, as_version=4)
    return "".join(
        output.get("text", "")
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if output.get("output_type") == "stream"
    )


# ------------------------------------------------- killed midway, re-graded, failed


def scores(course: Path) -> dict[str, dict]:
    """student -> grade_id -> score, from the gradebook."""
    return {
        student: {cell: score for cell, (score, _) in cells.items()}
        for student, cells in gradebook_scores(course, ASSIGNMENT).items()
    }


def test_killed_run_resumes_exactly_the_rest_and_regrades_are_idempotent(tmp_path):
    course = trial.make_course(tmp_path / "course", [ASSIGNMENT])
    answers = trial.answers(course, ASSIGNMENT)
    students = [f"student-{i}" for i in range(5)]
    for i, student in enumerate(students):  # some right, some wrong
        replies = answers if i % 2 == 0 else {}
        trial.submit_answers(course, ASSIGNMENT, student, replies)

    records = course / "grading" / ASSIGNMENT / "records"
    grader = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "instructor.grading.run",
            ASSIGNMENT,
            "--course",
            str(course),
            "--jobs",
            "1",
        ],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    while not list(records.glob("*.json")) and time.monotonic() < deadline:
        time.sleep(0.2)
    os.killpg(grader.pid, signal.SIGKILL)
    grader.wait()
    done = sorted(path.stem for path in records.glob("*.json"))
    assert 1 <= len(done) < len(students), done
    partial = scores(course)  # the gradebook opens and holds whole submissions
    assert all(set(partial[s].values()) != {None} for s in done)

    resumed = grade(course, ASSIGNMENT, jobs=2, progress=False)
    assert sorted(resumed.graded) == sorted(set(students) - set(done))
    first = scores(course)
    full = sum(1 for c in first[students[0]] if c.startswith("test_"))
    for i, student in enumerate(students):
        earned = [v for c, v in first[student].items() if c.startswith("test_")]
        assert (min(earned) > 0) if i % 2 == 0 else (max(earned) == 0), (
            student,
            earned,
        )
    assert full

    again = grade(course, ASSIGNMENT, jobs=2, progress=False)
    assert again.graded == [] and scores(course) == first
    forced = grade(course, ASSIGNMENT, jobs=2, force=True, progress=False)
    assert sorted(forced.graded) == students and scores(course) == first

    # A re-grade that fails (the notebook is now unreadable) leaves no stale score.
    broken = course / "submitted" / students[0] / ASSIGNMENT / NOTEBOOK
    broken.write_text("{ not json")
    failed = grade(course, ASSIGNMENT, jobs=2, progress=False)
    assert failed.graded == [students[0]]
    assert set(scores(course)[students[0]].values()) <= {0, None}
    assert any("invalid JSON" in flag for flag in failed.records[students[0]]["flags"])


def test_a_notebook_out_of_time_is_flagged_not_taken_for_tampering(tmp_path):
    """A notebook that uses up its budget scores what ran and says why."""
    course = trial.make_course(tmp_path / "course", [ASSIGNMENT])
    answers = trial.answers(course, ASSIGNMENT)
    trial.submit_answers(course, ASSIGNMENT, "slow", answers)
    run = grade(course, ASSIGNMENT, jobs=1, notebook_timeout=2, progress=False)
    flags = run.records["slow"]["flags"]
    assert any("used up its 2 s" in flag for flag in flags), flags
    assert not any("set to zero" in flag for flag in flags), flags
    assert run.records["slow"]["status"] == "graded"


def test_the_sandboxed_executes_settings_are_configurable_traits():
    """Do kernel_name, shutdown_kernel and interrupt_on_timeout keep the sandbox's
    defaults, and does configuring them (nbgrader_config.py, the command line) take
    effect instead of being shadowed by class attributes?"""
    sandboxed = SandboxedExecute()
    assert (
        sandboxed.kernel_name,
        sandboxed.shutdown_kernel,
        sandboxed.interrupt_on_timeout,
    ) == ("sandboxed-python", "immediate", False)
    config = Config()
    config.SandboxedExecute.kernel_name = "another-kernel"
    config.SandboxedExecute.interrupt_on_timeout = True
    config.Execute.shutdown_kernel = "graceful"  # as nbgrader_config.py would say
    configured = SandboxedExecute(config=config)
    assert (
        configured.kernel_name,
        configured.shutdown_kernel,
        configured.interrupt_on_timeout,
    ) == ("another-kernel", "graceful", True)
