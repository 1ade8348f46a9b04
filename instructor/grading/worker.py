"""Grade one submission with nbgrader's own autograder, its kernel sandboxed.

``execute`` runs in a worker process: nbgrader's ``Autograde`` converter, with its
standard preprocessors, in a private course folder with a snapshot of the gradebook
(so workers never write the same database), where ``SandboxedExecute`` replaces
nbgrader's ``Execute``. It returns the autograded notebooks. ``record`` then runs in
the one process that owns the course's gradebook and stores the scores with
nbgrader's own ``SaveAutoGrades`` and ``AssignLatePenalties``, one submission at a
time, so there is no "database is locked" and no lost grade.
"""

from __future__ import annotations

import copy
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from jupyter_core.paths import jupyter_runtime_dir
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbformat.notebooknode import NotebookNode
from nbgrader.api import Gradebook
from nbgrader.converters import Autograde, GenerateFeedback
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    Execute,
    IgnorePattern,
    LimitOutput,
    NbGraderPreprocessor,
    SaveAutoGrades,
)
from nbgrader.utils import capture_log, is_grade, parse_utc
from traitlets import Integer, default
from traitlets.config import Config

from instructor.grading import integrity
from instructor.grading.preprocessors import FEEDBACK_PREPROCESSORS

STOPPED_KERNEL = "KernelStopped"
TIMED_OUT = "CellTimedOut"
NOT_RUN = "CellNotRun"
# What the grader's cells found in the notebook this worker process graded last.
RUN_FLAGS: list[str] = []


def _error(ename: str, evalue: str) -> NotebookNode:
    return nbformat.v4.new_output(
        "error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"]
    )


class SandboxedExecute(Execute):
    """nbgrader's Execute, made safe against a cell that hangs or kills the kernel.

    Such a cell is given an error output that says what happened (so its test, if it
    is one, scores zero) and the notebook is run again from a fresh kernel without
    it: the honest cells after it still earn their points. A notebook has a time
    budget; cells it leaves no time for are marked as not run. The grader's cells of
    ``integrity.watch`` run in the same kernel, out of the student's history, and
    check that the tests were compiled and run as written.
    """

    notebook_timeout = Integer(600, help="Seconds for a whole notebook").tag(
        config=True
    )
    max_skipped = Integer(8, help="Cells skipped before giving up").tag(config=True)

    # New defaults for nbclient's and nbgrader's traits (which stay configurable).
    @default("kernel_name")
    def _sandboxed_kernel(self):
        return "sandboxed-python"

    @default("shutdown_kernel")
    def _immediate_shutdown(self):
        return "immediate"  # the sandbox ends every process it started

    @default("interrupt_on_timeout")
    def _no_interrupt(self):
        return False  # a timed-out cell is skipped, not interrupted

    def preprocess(self, nb, resources=None, km=None):
        self.skipped: dict[int, NotebookNode] = {}
        self.out_of_time = False
        self.deadline = time.monotonic() + self.notebook_timeout
        pristine, watch = integrity.watch(nb)
        while True:
            attempt = copy.deepcopy(pristine)
            self.running = None
            try:
                nb, resources = super().preprocess(attempt, resources, km)
                break
            except (DeadKernelError, CellTimeoutError) as error:
                index = self.running
                if index is None or index in self.skipped:
                    raise  # the kernel did not start, or a skipped cell ran
                if len(self.skipped) >= self.max_skipped:
                    raise
                self.skipped[index] = self._explain(error)
                if self.deadline - time.monotonic() < 1:
                    self.out_of_time = True
                    nb = attempt  # no time left for another run: keep what ran
                    for later in range(index, len(nb.cells)):
                        self._mark(nb.cells[later], later)
                    break
        last = nb.cells[-1]
        nb.cells = [cell for cell in nb.cells if not integrity.is_grader_cell(cell)]
        if not self.out_of_time:  # else the last cell was marked, not run
            RUN_FLAGS.extend(integrity.read_watch(last.get("outputs", []), watch))
        return nb, resources

    def create_kernel_manager(self):
        """A kernel manager whose sockets are files in the runtime folder.

        The sandbox has no network, not even loopback, so the kernel talks over
        Unix sockets (``ipc``), which need absolute paths; each run gets its own.
        """
        km = super().create_kernel_manager()
        self.runs = getattr(self, "runs", 0) + 1
        stem = Path(jupyter_runtime_dir()) / f"kernel-{os.getpid()}-{self.runs}"
        km.transport, km.ip = "ipc", str(stem)
        km.connection_file = f"{stem}.json"
        return km

    def _explain(self, error) -> NotebookNode:
        if isinstance(error, DeadKernelError):
            return _error(
                STOPPED_KERNEL,
                "this cell stopped the kernel (it exited, crashed or ran out of "
                "memory); the grader ran the notebook again without it",
            )
        if self.deadline - time.monotonic() < 1:  # its limit was the budget's rest
            return _error(
                TIMED_OUT,
                f"the notebook used up its {self.notebook_timeout} s during this cell",
            )
        return _error(
            TIMED_OUT,
            f"this cell ran longer than {self.timeout} s; the grader stopped it and "
            "ran the notebook again without it",
        )

    def _mark(self, cell, index) -> None:
        if cell.cell_type == "code":
            cell.outputs = [
                self.skipped.get(index)
                or _error(NOT_RUN, "no time was left in the notebook's budget")
            ]

    def preprocess_cell(self, cell, resources, index):
        if time.monotonic() >= self.deadline:
            self.out_of_time = True
        if index in self.skipped or self.out_of_time:
            self._mark(cell, index)
            return cell, resources
        self.running = index
        if integrity.is_grader_cell(cell):  # not counted in the student's history
            self._check_assign_resources(resources)
            return self.execute_cell(cell, index, store_history=False), self.resources
        return super().preprocess_cell(cell, resources, index)

    def _get_timeout(self, cell):
        left = max(1, int(self.deadline - time.monotonic()))
        timeout = super()._get_timeout(cell)
        return left if timeout is None else min(timeout, left)


class StderrIsNotFailure(NbGraderPreprocessor):
    """Keep stderr in a test cell's output without letting it cost the test.

    nbgrader scores a test cell zero for any stderr output; a correct answer that
    warns or shows a progress bar would lose its points. The text stays visible in
    the feedback, relabelled as standard output.
    """

    def preprocess_cell(self, cell, resources, index):
        if is_grade(cell) and cell.cell_type == "code":
            for output in cell.get("outputs", []):
                if output.get("output_type") == "stream" and output.name == "stderr":
                    output.name = "stdout"
        return cell, resources


class LimitOutputSize(NbGraderPreprocessor):
    """Cut every text output to ``max_chars`` (LimitOutput counts lines only)."""

    max_chars = Integer(20_000).tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if "text" in output and len(output.text) > self.max_chars:
                dropped = len(output.text) - self.max_chars
                output.text = (
                    output.text[: self.max_chars]
                    + f"\n... {dropped} characters cut by the grader ..."
                )
        return cell, resources


class ExplainReboundNames(NbGraderPreprocessor):
    """Say so when a test failed because the student's cells rebound a setup name.

    A student who writes ``F = np.array(...)`` in a trial line replaces
    torch.nn.functional for every later cell; their own code that uses ``F`` then
    fails in the tests. The error gets a note naming the cell and the assignment
    (``integrity.explain_rebound_names``), and the report lists it apart.
    """

    def preprocess(self, nb, resources):
        integrity.explain_rebound_names(nb)
        return nb, resources


def feedback(
    config: Config, root: Path, db_url: str, assignment: str, student: str
) -> dict[str, str]:
    """nbgrader's feedback pages for one graded student of the course at ``root``
    (name -> HTML), without hidden tests or test code."""
    config = copy.deepcopy(config)
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.db_url = db_url
    config.CourseDirectory.assignment_id = assignment
    config.CourseDirectory.student_id = student
    config.GenerateFeedback.preprocessors = FEEDBACK_PREPROCESSORS
    config.GenerateFeedback.force = True
    config.ClearHiddenTests.enforce_metadata = False
    app = GenerateFeedback(coursedir=CourseDirectory(config=config), config=config)
    result = capture_log(app)
    if not result["success"]:
        raise RuntimeError(f"feedback for {student} failed:\n{result['log']}")
    folder = root / "feedback" / student / assignment
    return {path.name: path.read_text() for path in sorted(folder.glob("*.html"))}


AUTOGRADE_PREPROCESSORS = [
    SandboxedExecute,
    ExplainReboundNames,
    IgnorePattern,
    ClearMetadataPreprocessor,
    StderrIsNotFailure,
    LimitOutputSize,
    LimitOutput,
    SaveAutoGrades,  # into the worker's own snapshot; ``record`` saves for real
    AssignLatePenalties,
    CheckCellMetadata,
]


@dataclass
class Task:
    """One submission to grade: files (already read and repaired by the intake)."""

    assignment: str
    student: str
    files: dict[str, bytes]
    timestamp: str | None = None


@dataclass
class Outcome:
    """What grading one submission gave: autograded notebooks, or why not."""

    student: str
    notebooks: dict[str, str] = field(default_factory=dict)  # name -> JSON text
    feedback: dict[str, str] = field(default_factory=dict)  # name -> HTML
    runtime_flags: list[str] = field(default_factory=list)
    tampering: list[str] = field(default_factory=list)  # what integrity.watch found
    error: str | None = None
    seconds: float = 0.0


@dataclass
class Worker:
    """Settings a worker process is started with."""

    course: Path  # the course folder (source/, gradebook.db)
    config: Config
    root: Path  # this worker's private folder
    memory_mb: int
    hide: list[Path]


_worker: Worker | None = None


def start_worker(settings: Worker) -> None:
    """Pool initializer: the worker's folder, gradebook snapshot and kernelspec."""
    global _worker
    from instructor.grading import sandbox

    settings.root = settings.root / f"worker-{os.getpid()}"
    shutil.rmtree(settings.root, ignore_errors=True)
    settings.root.mkdir(parents=True)
    shutil.copy(settings.course / "gradebook.db", settings.root / "gradebook.db")
    sandbox.kernelspec(
        settings.root / "jupyter",
        memory_mb=settings.memory_mb,
        hide=[*settings.hide, settings.root],
    )
    os.environ["JUPYTER_PATH"] = str(settings.root / "jupyter")
    _worker = settings


def execute(task: Task) -> Outcome:
    """Autograde one submission in this worker's private course folder."""
    assert _worker is not None, "start_worker first"
    start = time.perf_counter()
    folder = _worker.root / "course"
    shutil.rmtree(folder, ignore_errors=True)
    submitted = folder / "submitted" / task.student / task.assignment
    submitted.mkdir(parents=True)
    for name, data in task.files.items():
        (submitted / name).write_bytes(data)
    if task.timestamp:
        (submitted / "timestamp.txt").write_text(task.timestamp)
    runtime = folder / "runtime"
    runtime.mkdir()
    os.environ["JUPYTER_RUNTIME_DIR"] = str(runtime)

    config = copy.deepcopy(_worker.config)
    config.CourseDirectory.root = str(folder)
    config.CourseDirectory.source_directory = str(_worker.course / "source")
    config.CourseDirectory.db_url = f"sqlite:///{_worker.root / 'gradebook.db'}"
    config.CourseDirectory.assignment_id = task.assignment
    config.CourseDirectory.student_id = task.student
    config.Autograde.autograde_preprocessors = AUTOGRADE_PREPROCESSORS
    config.Autograde.force = True
    app = Autograde(coursedir=CourseDirectory(config=config), config=config)
    RUN_FLAGS.clear()
    result = capture_log(app)
    tampering = list(RUN_FLAGS)
    flags = []
    graded = folder / "autograded" / task.student / task.assignment
    notebooks = {p.name: p.read_text() for p in sorted(graded.glob("*.ipynb"))}
    for text in notebooks.values():
        flags += _runtime_flags(nbformat.reads(text, as_version=4))
    error, pages = None, {}
    if result["success"]:
        db_url = config.CourseDirectory.db_url
        pages = feedback(config, folder, db_url, task.assignment, task.student)
    else:
        error = f"{result.get('log', '')}\n{result.get('error', '')}".strip()[-4000:]
    return Outcome(
        task.student,
        notebooks,
        pages,
        flags,
        tampering,
        error,
        time.perf_counter() - start,
    )


def _runtime_flags(graded: NotebookNode) -> list[str]:
    flags = []
    for index, cell in enumerate(graded.cells):
        for output in cell.get("outputs", []):
            if output.get("ename") in (STOPPED_KERNEL, TIMED_OUT):
                where = integrity.nbgrader_meta(cell).get("grade_id") or (
                    f"cell {index + 1}"
                )
                flags.append(f"{where}: {output.evalue}")
    return flags


def record(course_db: str, task: Task, outcome: Outcome, notebooks: list[str]) -> None:
    """Store one submission's scores in the course gradebook, as nbgrader would.

    ``notebooks`` are the assignment's notebook names; one without an autograded
    version (missing, unreadable, or the grading failed) scores zero, which is what
    nbgrader gives a notebook that was not submitted. Every grade is rewritten, so a
    re-grade leaves no stale score.
    """
    with Gradebook(course_db) as gradebook:
        gradebook.update_or_create_student(task.student)
        kwargs = {"timestamp": parse_utc(task.timestamp)} if task.timestamp else {}
        gradebook.update_or_create_submission(task.assignment, task.student, **kwargs)
    for name in notebooks:
        text = outcome.notebooks.get(f"{name}.ipynb")
        if text is None:
            _score_zero(course_db, task, name)
            continue
        resources = {
            "nbgrader": {
                "notebook": name,
                "assignment": task.assignment,
                "student": task.student,
                "db_url": course_db,
            }
        }
        graded = nbformat.reads(text, as_version=4)
        for preprocessor in (SaveAutoGrades(), AssignLatePenalties()):
            graded, resources = preprocessor.preprocess(graded, resources)


def _score_zero(course_db: str, task: Task, name: str) -> None:
    with Gradebook(course_db) as gradebook:
        notebook = gradebook.find_submission_notebook(
            name, task.assignment, task.student
        )
        for grade in notebook.grades:
            grade.auto_score = 0
            grade.needs_manual_grade = False
        for comment in notebook.comments:
            comment.auto_comment = None
        gradebook.db.commit()
