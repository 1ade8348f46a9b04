"""Grade a whole class with one command: parallel, sandboxed, resumable.

    python -m instructor.grading.run ASSIGNMENT [--export FOLDER] [--course FOLDER]
                               [--jobs N] [--force] [--cell-timeout S]
                               [--notebook-timeout S] [--memory-mb MB]

(``make grade ASSIGNMENT=01-convolution-by-hand [EXPORT=folder]``.)

Submissions are read from the course's ``submitted/<student>/ASSIGNMENT/`` (nbgrader's
layout); ``--export`` first copies in a folder of ``<student>.ipynb`` / ``.zip``
files as an LMS exports them. Each submission is autograded by nbgrader in a worker
process, its kernel sandboxed (``instructor.grading.sandbox``); the scores go into the
course's ``gradebook.db`` with nbgrader's own preprocessors, one submission at a
time. Then nbgrader's feedback (without hidden tests), and in
``grading/ASSIGNMENT/``: ``grades.csv``, ``scores.png`` (score distribution per
exercise) and ``report.md`` (flags for a person, most common mistakes).

A submission is done when ``grading/ASSIGNMENT/records/<student>.json`` holds the
fingerprint of its files; a run that was killed leaves the others to the next run,
which grades exactly those. ``--force`` grades everything again (and, as nbgrader's
autograde does, marks manually graded cells for review again).

The record also holds a digest of the gradebook entries its feedback was built from
(``feedback_from``). After a person grades written answers (Formgrader's Manual
Grading, or nbgrader's Gradebook API), the next run finds that digest changed and
rebuilds that student's feedback and the tables from the gradebook, without running
the notebook again and without touching the manual grades.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import hashlib
import json
import multiprocessing
import os
import re
import shutil
import tempfile
import time
import warnings
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from pebble import ProcessExpired, ProcessPool
from sqlalchemy.exc import SAWarning
from tqdm import tqdm
from traitlets.config import Config, PyFileConfigLoader

from instructor import ROOT, nbgrader_path, run_nbgrader
from instructor.grading import intake, integrity, report, sandbox
from instructor.grading.preprocessors import pending
from instructor.grading.worker import (
    Outcome,
    Task,
    Worker,
    execute,
    feedback,
    record,
    start_worker,
)

GRADING = "grading"  # per-assignment results, under the course folder


def course_config(course: Path) -> Config:
    """The course's nbgrader_config.py, as nbgrader reads it."""
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    config.CourseDirectory.root = str(course)
    return config


def notebook_names(course: Path, assignment: str) -> list[str]:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return [nb.name for nb in gradebook.find_assignment(assignment).notebooks]


def ensure_assignment(course: Path, assignment: str) -> None:
    """Put ``assignment`` in the gradebook with nbgrader's generate_assignment, if
    absent; release/ASSIGNMENT is written only where it does not exist yet."""
    if not (course / "source" / assignment).is_dir():
        known = sorted(p.name for p in (course / "source").iterdir() if p.is_dir())
        raise SystemExit(
            f"no assignment {assignment!r} in {course / 'source'}: {known}"
        )
    released = (course / "release" / assignment).is_dir()
    try:
        notebook_names(course, assignment)
        if released:
            return
    except MissingEntry:
        pass
    with tempfile.TemporaryDirectory() as scratch:
        where = scratch if released else str(course / "release")
        run_nbgrader(
            "generate_assignment",
            assignment,
            "--force",
            f"--CourseDirectory.release_directory={where}",
            cwd=course,
        )


class Records:
    """grading/ASSIGNMENT/records/<student>.json: what grading each student gave."""

    def __init__(self, course: Path, assignment: str):
        self.folder = course / GRADING / assignment / "records"
        self.folder.mkdir(parents=True, exist_ok=True)

    def path(self, student: str) -> Path:
        return self.folder / f"{student}.json"

    def get(self, student: str) -> dict | None:
        try:
            return json.loads(self.path(student).read_text())
        except (OSError, ValueError):
            return None

    def put(self, student: str, data: dict) -> None:
        partial = self.path(student).with_suffix(".partial")
        partial.write_text(json.dumps(data, indent=1))
        partial.replace(self.path(student))  # atomic: whole record or none

    def drop(self, student: str) -> None:
        self.path(student).unlink(missing_ok=True)


def grade(
    course: Path,
    assignment: str,
    *,
    jobs: int = os.cpu_count() or 1,
    force: bool = False,
    cell_timeout: int | None = None,
    notebook_timeout: int = 600,
    memory_mb: int = 4096,
    progress: bool = True,
) -> Run:
    """Grade every submission of ``assignment`` not yet graded (all with ``force``)."""
    course = course.resolve()
    os.environ["PATH"] = nbgrader_path()  # for the gradebook, here and in workers
    ensure_assignment(course, assignment)
    sandbox.check_available()
    names = notebook_names(course, assignment)
    release = _release_notebooks(course, assignment)
    records = Records(course, assignment)
    todo = []
    for student in intake.students(course, assignment):
        submission = intake.read(course, assignment, student, release)
        done = records.get(student)
        if (
            force
            or not done
            or done != {**done, "digest": submission.digest, "status": "graded"}
        ):
            records.drop(student)  # not done until graded again
            todo.append(submission)

    config = course_config(course)
    if cell_timeout is not None:
        config.Execute.timeout = cell_timeout
    config.SandboxedExecute.timeout = config.Execute.timeout
    config.SandboxedExecute.notebook_timeout = notebook_timeout
    hide = [
        course / "source",
        course / "gradebook.db",
        course / "submitted",
        course / "autograded",
        course / "feedback",
        course / GRADING,
        course / ".git",
        ROOT / "source",
        ROOT / ".git",
    ]
    db_url = f"sqlite:///{course / 'gradebook.db'}"
    if todo:
        with tempfile.TemporaryDirectory(prefix="grading-") as scratch:
            settings = Worker(course, config, Path(scratch), memory_mb, hide)
            _run_pool(
                assignment,
                todo,
                settings,
                jobs=jobs,
                limit=notebook_timeout * 2 + 120,
                progress=progress,
                store=lambda submission, outcome: _store(
                    course,
                    config,
                    assignment,
                    db_url,
                    names,
                    records,
                    submission,
                    outcome,
                ),
            )
    students = intake.students(course, assignment)
    run = Run(
        {s: records.get(s) for s in students},
        [submission.student for submission in todo],
        {
            s: cells
            for s, cells in gradebook_scores(course, assignment).items()
            if s in students
        },
    )
    run.refreshed = _refresh_feedback(
        course, config, assignment, db_url, records, students, skip=run.graded
    )
    report.write(course / GRADING / assignment, assignment, run)
    return run


def feedback_source(db_url: str, assignment: str, student: str) -> str:
    """A digest of what a student's feedback shows from the gradebook: every
    grade's automatic and manual score and extra credit, every comment, the late
    penalty."""
    with Gradebook(db_url) as gradebook:
        submission = gradebook.find_submission(assignment, student)
        state = [
            [
                notebook.name,
                notebook.late_submission_penalty,
                sorted(
                    (g.name, g.auto_score, g.manual_score, g.extra_credit)
                    for g in notebook.grades
                ),
                sorted(
                    (c.name, c.auto_comment, c.manual_comment)
                    for c in notebook.comments
                ),
            ]
            for notebook in submission.notebooks
        ]
    return hashlib.sha256(json.dumps(sorted(state), default=str).encode()).hexdigest()


def _refresh_feedback(course, config, assignment, db_url, records, students, skip):
    """Rebuild the feedback of graded submissions whose gradebook entries changed
    since their feedback was built (a person graded them); returns those students."""
    refreshed = []
    for student in students:
        record = records.get(student)
        if student in skip or not record or record["status"] != "graded":
            continue
        try:
            source = feedback_source(db_url, assignment, student)
        except MissingEntry:
            continue
        if record.get("feedback_from") == source:
            continue
        pages = feedback(config, course, db_url, assignment, student)
        _replace_folder(course / "feedback" / student / assignment, pages)
        records.put(student, {**record, "feedback_from": source})
        refreshed.append(student)
    return refreshed


@dataclasses.dataclass
class Run:
    """What one grading run leaves: every student's record (None: not graded yet),
    the students it graded, and the gradebook's scores."""

    records: dict[str, dict | None]
    graded: list[str]
    # student -> grade_id -> (score, max score); score None: waits for a person
    scores: dict[str, dict[str, tuple]]
    # students whose feedback was rebuilt after a manual grade, without a re-run
    refreshed: list[str] = dataclasses.field(default_factory=list)


def _run_pool(assignment, todo, settings, *, jobs, limit, progress, store) -> None:
    """Grade ``todo`` in ``jobs`` worker processes; ``store`` each outcome here.

    A worker that takes over ``limit`` seconds on one submission (its notebooks'
    budget, plus kernel starts) is killed; the pool starts a new one in its place.
    """
    by_future = {}
    context = multiprocessing.get_context("spawn")
    with ProcessPool(
        max_workers=max(1, min(jobs, len(todo))),
        initializer=start_worker,
        initargs=(settings,),
        context=context,
    ) as pool:
        for submission in todo:
            task = Task(
                assignment, submission.student, submission.files, submission.timestamp
            )
            by_future[pool.schedule(execute, args=(task,), timeout=limit)] = submission
        bar = tqdm(
            total=len(todo), desc="grading", unit="submission", disable=not progress
        )
        for future in concurrent.futures.as_completed(by_future):
            submission = by_future[future]
            try:
                outcome = future.result()
            except TimeoutError:
                outcome = Outcome(
                    submission.student, error=f"grading took over {limit} s"
                )
            except ProcessExpired as error:
                outcome = Outcome(
                    submission.student,
                    error=f"the grading process died (exit code {error.exitcode})",
                )
            except Exception as error:  # a bug in grading, not the student's fault
                outcome = Outcome(submission.student, error=repr(error))
            store(submission, outcome)
            bar.update()
        bar.close()


def _release_notebooks(
    course: Path, assignment: str
) -> dict[str, nbformat.NotebookNode]:
    """The notebooks students were given: release/ASSIGNMENT."""
    folder = course / "release" / assignment
    return {
        path.stem: nbformat.read(path, as_version=4)
        for path in sorted(folder.glob("*.ipynb"))
    }


def _store(course, config, assignment, db_url, names, records, submission, outcome):
    """Save one outcome: gradebook scores, autograded notebooks, then its record.

    When the grader's cells found that tests did not run as written, or that comparison
    functions were replaced, no autograded score can be trusted: all are set to
    zero and the flag asks a person to grade the submission by hand.
    """
    task = Task(assignment, submission.student, submission.files, submission.timestamp)
    scored = (
        dataclasses.replace(outcome, notebooks={}) if outcome.tampering else outcome
    )
    record(db_url, task, scored, names)
    _replace_folder(
        course / "autograded" / submission.student / assignment, outcome.notebooks
    )
    pages = outcome.feedback
    if outcome.tampering:  # the worker's pages show the scores before zeroing
        pages = feedback(config, course, db_url, assignment, task.student)
    _replace_folder(course / "feedback" / submission.student / assignment, pages)

    graded = [nbformat.reads(text, as_version=4) for text in outcome.notebooks.values()]
    mistakes = [found for nb in graded for found in integrity.mistakes(nb)]
    rebound = [found for nb in graded for found in integrity.rebound_names(nb)]
    flags = submission.flags + outcome.runtime_flags + outcome.tampering
    if outcome.tampering:
        flags.append("autograded scores set to zero: grade this submission by hand")
    if outcome.error:
        flags.append(f"not graded: {_reason(outcome.error)}")
    records.put(
        submission.student,
        {
            "digest": submission.digest,
            "status": "failed" if outcome.error else "graded",
            "error": outcome.error,
            "flags": list(dict.fromkeys(flags)),
            "zeroed": bool(outcome.tampering),
            "mistakes": mistakes,
            "rebound": rebound,
            "seconds": round(outcome.seconds, 2),
            "feedback_from": (
                None
                if outcome.error
                else feedback_source(db_url, assignment, task.student)
            ),
        },
    )


def _replace_folder(folder: Path, files: dict[str, str]) -> None:
    """``folder`` holds exactly ``files`` afterwards, swapped in whole."""
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    for name, text in files.items():
        (partial / name).write_text(text)
    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)


def _reason(error: str) -> str:
    """The last ``SomeError: message`` line of a log that is not nbgrader's summary."""
    lines = [
        line.strip()
        for line in error.splitlines()
        if re.match(r"\s*[\w.]*(Error|Exception|Expired)\b", line)
        and "NbGraderException" not in line
    ]
    return (lines[-1] if lines else error.strip().splitlines()[-1])[:300]


def gradebook_scores(
    course: Path, assignment: str
) -> dict[str, dict[str, tuple[float | None, float]]]:
    """student -> grade_id -> (score, max score), for every submission of the
    assignment in the gradebook (manual grades included). The score is None where
    a person has yet to grade the cell: a written answer nbgrader could not score."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {
            submission.student.id: {
                grade.name: (None if pending(grade) else grade.score, grade.max_score)
                for notebook in submission.notebooks
                for grade in notebook.grades
            }
            for submission in gradebook.find_assignment(assignment).submissions
        }


def main(argv: list[str] | None = None) -> None:
    warnings.filterwarnings("ignore", category=SAWarning)  # nbgrader's own, harmless
    parser = argparse.ArgumentParser(
        description="Autograde every submission of an assignment, in parallel and "
        "sandboxed, with nbgrader.",
    )
    parser.add_argument("assignment", help="e.g. 01-convolution-by-hand")
    parser.add_argument("--course", type=Path, default=ROOT, help="course folder")
    parser.add_argument(
        "--export", type=Path, help="folder of <student>.ipynb / <student>.zip files"
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--force", action="store_true", help="grade everything again")
    parser.add_argument("--cell-timeout", type=int, help="seconds a cell may run")
    parser.add_argument("--notebook-timeout", type=int, default=600)
    parser.add_argument("--memory-mb", type=int, default=4096)
    args = parser.parse_args(argv)
    try:
        if args.export:
            imported = intake.import_export(args.export, args.course, args.assignment)
            print(f"imported {len(imported)} submissions from {args.export}")
        start = time.perf_counter()
        run = grade(
            args.course,
            args.assignment,
            jobs=args.jobs,
            force=args.force,
            cell_timeout=args.cell_timeout,
            notebook_timeout=args.notebook_timeout,
            memory_mb=args.memory_mb,
        )
    except (intake.IntakeError, sandbox.SandboxUnavailable) as error:
        raise SystemExit(f"grade: {error}") from None
    flagged = sum(bool(r and r["flags"]) for r in run.records.values())
    if run.refreshed:
        print(
            f"feedback rebuilt after manual grading (no re-run): "
            f"{', '.join(run.refreshed)}"
        )
    folder = args.course / GRADING / args.assignment
    print(
        f"{len(run.records)} submissions ({len(run.graded)} graded in this run), "
        f"{flagged} flagged for a person, in "
        f"{time.perf_counter() - start:.1f} s. See {folder}/report.md, grades.csv, "
        "scores.png; feedback in feedback/."
    )


if __name__ == "__main__":
    main()
