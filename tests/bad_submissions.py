"""A corpus of broken, hostile and oddly saved submissions, each named by its defect.

Each case builds a submission from the solved release of an assignment (every
answer correct unless the case says otherwise) and states what grading must give:

- ``loses``: the test cells that must score zero (``ALL``: every one); every other
  test cell keeps its full points, so the honest parts still earn theirs;
- ``flag``: a phrase that one of the submission's flags must contain, so a person
  is told why; ``None`` means the submission must not be flagged at all.

``UNIT_01`` holds every case for assignment 01. ``GENERIC`` are those that need no
particular answer, generated for every assignment.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat
from wrong_submissions import correlate

ALL = frozenset({"*"})


@dataclass
class Context:
    """What a case builds from: the assignment's solved notebook and its course."""

    assignment: str
    notebook: nbformat.NotebookNode  # the release with every answer correct
    release: nbformat.NotebookNode  # the release as handed out
    name: str  # the notebook's file name
    course: Path
    repository: Path  # where the course's source/ came from

    def solved(self) -> nbformat.NotebookNode:
        return copy.deepcopy(self.notebook)

    def tests(self) -> list[str]:
        return [
            c.metadata["nbgrader"]["grade_id"]
            for c in self.notebook.cells
            if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"
        ]


@dataclass(frozen=True)
class BadSubmission:
    defect: str
    make: Callable[[Context], dict[str, bytes]]  # -> files to hand in
    loses: frozenset[str]
    flag: str | None


def files(ctx: Context, nb: nbformat.NotebookNode) -> dict[str, bytes]:
    return {ctx.name: nbformat.writes(nb).encode()}


def cell_of(nb, grade_id: str):
    return next(
        c
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id
    )


def first(ctx: Context, kind: str) -> str:
    """grade_id of the first answer cell ("solution") or test cell ("test")."""
    for cell in ctx.notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code":
            continue
        if kind == "solution" and meta.get("solution"):
            return meta["grade_id"]
        if kind == "test" and meta.get("grade") and not meta.get("solution"):
            return meta["grade_id"]
    raise LookupError(f"no {kind} cell")


def with_cell(code: str, *, after: str | None = None):
    """A case maker: the solved notebook with a new code cell (at the end, or after
    the cell ``after``)."""

    def make(ctx: Context) -> dict[str, bytes]:
        nb = ctx.solved()
        cell = nbformat.v4.new_code_cell(
            code.replace("{COURSE}", str(ctx.course)).replace(
                "{REPOSITORY}", str(ctx.repository)
            )
        )
        index = (
            len(nb.cells) if after is None else nb.cells.index(cell_of(nb, after)) + 1
        )
        nb.cells.insert(index, cell)
        return files(ctx, nb)

    return make


def with_answers(**replies: str):
    """A case maker: the solved notebook with some answer cells replaced."""

    def make(ctx: Context) -> dict[str, bytes]:
        nb = ctx.solved()
        for grade_id, code in replies.items():
            cell_of(nb, grade_id).source = code
        return files(ctx, nb)

    return make


def appended(grade_id: str, code: str):
    """A case maker: ``code`` added at the end of one answer cell."""

    def make(ctx: Context) -> dict[str, bytes]:
        nb = ctx.solved()
        cell = cell_of(nb, grade_id)
        cell.source += "\n" + code
        return files(ctx, nb)

    return make


def edited(change: Callable[[Context, nbformat.NotebookNode], None]):
    def make(ctx: Context) -> dict[str, bytes]:
        nb = ctx.solved()
        change(ctx, nb)
        return files(ctx, nb)

    return make


def raw(change: Callable[[Context, bytes], dict[str, bytes]]):
    def make(ctx: Context) -> dict[str, bytes]:
        return change(ctx, nbformat.writes(ctx.solved()).encode())

    return make


# ----------------------------------------------------------- changes to the notebook


def delete_test(ctx, nb):
    nb.cells.remove(cell_of(nb, first(ctx, "test")))


def test_to_markdown(ctx, nb):
    cell = cell_of(nb, first(ctx, "test"))
    index = nb.cells.index(cell)
    markdown = nbformat.v4.new_markdown_cell(cell.source, metadata=cell.metadata)
    nb.cells[index] = markdown


def duplicate_answer(ctx, nb):
    """The answer cell copied; the first copy left as the stub, the second answered."""
    cell = cell_of(nb, first(ctx, "solution"))
    stub = copy.deepcopy(cell)
    stub.source = "# YOUR CODE HERE\nraise NotImplementedError()"
    stub.pop("id", None)
    nb.cells.insert(nb.cells.index(cell), stub)


def edit_points(ctx, nb):
    for grade_id in ctx.tests():
        cell_of(nb, grade_id).metadata["nbgrader"]["points"] = 100


def edit_flags(ctx, nb):
    """The first test cell made an answer cell (so it would not be put back) and
    emptied."""
    meta = cell_of(nb, first(ctx, "test")).metadata["nbgrader"]
    meta.update(solution=True, grade=False, locked=False)
    cell_of(nb, first(ctx, "test")).source = "pass"


def jupyterlab_4(ctx, data):
    nb = json.loads(data)
    nb["nbformat_minor"] = 5
    for i, cell in enumerate(nb["cells"]):
        cell["id"] = f"a1b2c3d4-{i:04d}"
        cell["metadata"].setdefault("tags", [])
    nb["metadata"] = {
        "kernelspec": {
            "display_name": "Python 3 (ipykernel)",
            "language": "python",
            "name": "python3",
        },
        "language_info": {"name": "python", "version": "3.11.7"},
    }
    return {ctx.name: (json.dumps(nb, indent=1, ensure_ascii=False) + "\n").encode()}


def vscode(ctx, data):
    nb = json.loads(data)
    nb["nbformat_minor"] = 5
    for i, cell in enumerate(nb["cells"]):
        cell["id"] = f"{i:08x}"
    nb["metadata"] = {
        "kernelspec": {
            "display_name": ".venv",
            "language": "python",
            "name": "python3",
        },
        "language_info": {"name": "python", "version": "3.11.7"},
        "vscode": {"interpreter": {"hash": "0" * 64}},
    }
    return {ctx.name: json.dumps(nb, indent=2).encode()}


def colab(ctx, data):
    nb = json.loads(data)
    nb["nbformat_minor"] = 0
    nb["metadata"] = {
        "colab": {"provenance": []},
        "kernelspec": {"name": "python3", "display_name": "Python 3"},
        "accelerator": "GPU",
    }
    for i, cell in enumerate(nb["cells"]):
        cell.pop("id", None)
        cell["metadata"]["id"] = f"colab{i:04d}"
    return {ctx.name: json.dumps(nb, indent=2).encode()}


def other_kernel(ctx, nb):
    nb.metadata["kernelspec"] = {"name": "ir", "display_name": "R", "language": "R"}


# Code of the hostile cells. {COURSE} and {REPOSITORY} become absolute paths, so the
# test shows that a submission that knows where everything is still cannot reach it.
READ_AND_WRITE = """
import glob, os
reached = []
for pattern in ["{COURSE}/source/*/*.ipynb", "{COURSE}/gradebook.db",
                "{COURSE}/submitted/*/*/*.ipynb", "{REPOSITORY}/source/*/*.ipynb"]:
    for path in glob.glob(pattern) or [pattern]:
        try:
            with open(path, "rb") as f:
                f.read(10)
            reached.append("READ " + path)
        except OSError as error:
            print("blocked:", type(error).__name__)
for path in ["{COURSE}/gradebook.db", "{COURSE}/submitted/solutions/x.ipynb",
             "{REPOSITORY}/helpers/checks.py"]:
    try:
        with open(path, "a") as f:
            f.write("tampered")
        reached.append("WROTE " + path)
    except OSError as error:
        print("blocked:", type(error).__name__)
print(reached)
"""
NETWORK = """
import urllib.request
try:
    urllib.request.urlopen("http://1.1.1.1", timeout=3)
    print("NETWORK REACHED")
except OSError as error:
    print("no network:", type(error).__name__)
"""
CHILD_PROCESS = """
import subprocess
subprocess.Popen(["sleep", "987.654"])
"""
INPUT_TRANSFORMER = """
get_ipython().input_transformers_cleanup.append(lambda lines: ["pass\\n"])
"""


def cells_emptied(ctx: Context) -> dict[str, bytes]:
    """The first answer cell answered and makes every later cell run as ``pass``;
    every other answer is the untouched stub, whose tests would then pass."""
    nb = nbformat.reads(nbformat.writes(ctx.release), as_version=4)
    cell = cell_of(nb, first(ctx, "solution"))
    cell.source = cell_of(ctx.notebook, cell.metadata.nbgrader.grade_id).source
    cell.source += "\n" + INPUT_TRANSFORMER
    return files(ctx, nb)


# Ways to change how later cells are compiled or run, each put after a wrong answer
# (every answer cell the untouched stub): what they reach is named in the flag.
MECHANISMS = {
    "ast-transformer": (
        """
import ast
class Forgiving(ast.NodeTransformer):
    def visit_Module(self, node):
        handler = ast.ExceptHandler(type=None, name=None, body=[ast.Pass()])
        node.body = [ast.Try(body=node.body or [ast.Pass()], handlers=[handler],
                             orelse=[], finalbody=[])]
        return ast.fix_missing_locations(node)
get_ipython().ast_transformers.append(Forgiving())
""",
        "ast_transformers",
    ),
    "input-transformer-post": (
        """
def forgiving(lines):
    return ["try:\\n", *("    " + line for line in lines), "\\n",
            "except BaseException:\\n", "    pass\\n"]
get_ipython().input_transformers_post.append(forgiving)
""",
        "input_transformers_post",
    ),
    "pre-run-cell-event": (
        """
def quiet_checks(info):
    import helpers.checks
    helpers.checks._fail = lambda *args: None
get_ipython().events.register("pre_run_cell", quiet_checks)
""",
        "pre_run_cell callbacks",
    ),
    "post-run-cell-event": (
        """
def forget_errors(result):
    result.error_in_exec = None
get_ipython().events.register("post_run_cell", forget_errors)
""",
        "post_run_cell callbacks",
    ),
    "pre-execute-event": (
        """
def quiet_checks():
    import helpers.checks
    helpers.checks._fail = lambda *args: None
get_ipython().events.register("pre_execute", quiet_checks)
""",
        "pre_execute callbacks",
    ),
    "sys-settrace": (
        """
import sys
def tracer(frame, event, arg):
    return None
sys.settrace(tracer)
sys.settrace(None)
""",
        "sys.settrace()",
    ),
    "sys-setprofile": (
        "import sys\nsys.setprofile(lambda frame, event, arg: None)\n",
        "sys.setprofile()",
    ),
    "threading-settrace": (
        "import threading\nthreading.settrace(lambda frame, event, arg: None)\n",
        "threading.gettrace()",
    ),
    "audit-hook": (
        "import sys\nsys.addaudithook(lambda event, args: None)\n",
        "sys.addaudithook()",
    ),
    "meta-path-importer": (
        """
import sys
class Importer:
    def find_spec(self, name, path=None, target=None):
        return None
sys.meta_path.insert(0, Importer())
""",
        "sys.meta_path",
    ),
    "path-hook": (
        """
import sys
def finder_for(path):
    raise ImportError(path)
sys.path_hooks.insert(0, finder_for)
""",
        "sys.path_hooks",
    ),
    "builtins-assertionerror": (
        """
import builtins
class AssertionError(Exception):
    pass
builtins.AssertionError = AssertionError
""",
        "builtins.AssertionError",
    ),
    "builtins-isinstance": (
        "import builtins\nbuiltins.isinstance = lambda obj, kind: True\n",
        "builtins.isinstance",
    ),
    "builtins-len": (
        "import builtins\n_len = len\nbuiltins.len = lambda obj: _len(obj)\n",
        "builtins.len",
    ),
    "builtins-print": (
        "import builtins\nbuiltins.print = lambda *args, **kwargs: None\n",
        "builtins.print",
    ),
    "builtins-import": (
        "import builtins\n_import = __import__\n"
        "builtins.__import__ = lambda *args, **kwargs: _import(*args, **kwargs)\n",
        "builtins.__import__",
    ),
    "builtins-compile": (
        "import builtins\n_compile = compile\n"
        "builtins.compile = lambda *args, **kwargs: _compile(*args, **kwargs)\n",
        "builtins.compile",
    ),
    "builtins-exec": (
        "import builtins\n_exec = exec\n"
        "builtins.exec = lambda *args, **kwargs: _exec(*args, **kwargs)\n",
        "builtins.exec",
    ),
    "builtins-extended": (
        "import builtins\nbuiltins.passes = lambda *args: None\n",
        "builtins.passes was added",
    ),
    "dunder-builtins-swapped": (
        "import builtins\n__builtins__ = dict(vars(builtins))\n",
        "__builtins__",
    ),
    "sys-excepthook": (
        "import sys\nsys.excepthook = lambda *args: None\n",
        "sys.excepthook",
    ),
    "ipython-showtraceback": (
        "get_ipython().showtraceback = lambda *args, **kwargs: None\n",
        "showtraceback",
    ),
    "ipython-custom-exceptions": (
        "get_ipython().set_custom_exc((AssertionError,), lambda *args, **kwargs: None)\n",
        "CustomTB",
    ),
}


def with_mechanism(code: str):
    """A case maker: every answer the untouched stub (wrong), and ``code`` after the
    first answer cell, in a cell of its own."""

    def make(ctx: Context) -> dict[str, bytes]:
        nb = nbformat.reads(nbformat.writes(ctx.release), as_version=4)
        index = nb.cells.index(cell_of(nb, first(ctx, "solution")))
        nb.cells.insert(index + 1, nbformat.v4.new_code_cell(code))
        return files(ctx, nb)

    return make


# A correct answer that uses IPython's features honestly, and reads the machinery.
HONEST_IPYTHON = """
import warnings
from IPython.display import Markdown, display
from tqdm.auto import tqdm

%timeit -n 2 -r 2 sum(range(100))
for _ in tqdm(range(3), desc="trying"):
    warnings.warn("a warning, on stderr")
display(Markdown("**tried**"))
print(len(get_ipython().ast_transformers), get_ipython().events.callbacks.keys())
"""
CAPTURED = "%%capture captured\nprint('this goes into a variable')\n"


GENERIC: list[BadSubmission] = [
    BadSubmission(
        "os-exit-in-a-cell",
        with_cell("import os\nos._exit(3)"),
        frozenset(),
        "stopped the kernel",
    ),
    BadSubmission(
        "segfault",
        with_cell("import ctypes\nctypes.string_at(0)"),
        frozenset(),
        "stopped the kernel",
    ),
    BadSubmission(
        "memory-blow-up",
        with_cell("hog = [bytearray(10**8) for _ in range(10**4)]"),
        frozenset(),
        None,
    ),
    BadSubmission(
        "huge-output-many-lines",
        with_cell("for i in range(200_000):\n    print(i)"),
        frozenset(),
        None,
    ),
    BadSubmission(
        "huge-output-one-line",
        with_cell('print("x" * 50_000_000)'),
        frozenset(),
        None,
    ),
    BadSubmission("deleted-test-cell", edited(delete_test), frozenset(), "deleted"),
    BadSubmission(
        "test-cell-turned-markdown",
        edited(test_to_markdown),
        frozenset(),
        "turned into markdown",
    ),
    BadSubmission(
        "duplicated-answer-cell",
        edited(duplicate_answer),
        frozenset(),
        "appears 2 times",
    ),
    BadSubmission("edited-points", edited(edit_points), frozenset(), "points changed"),
    BadSubmission(
        "edited-nbgrader-flags", edited(edit_flags), frozenset(), "nbgrader flags"
    ),
    BadSubmission(
        "changes-how-later-cells-run",
        cells_emptied,
        ALL,
        "changed how cells run",
    ),
    BadSubmission(
        "reads-and-writes-instructor-files",
        with_cell(READ_AND_WRITE),
        frozenset(),
        "names the path",
    ),
    BadSubmission("network-access", with_cell(NETWORK), frozenset(), "urllib"),
    BadSubmission(
        "child-process-left-running",
        with_cell(CHILD_PROCESS),
        frozenset(),
        "subprocess",
    ),
    BadSubmission(
        "invalid-json",
        raw(lambda ctx, data: {ctx.name: data[: len(data) // 2]}),
        ALL,
        "invalid JSON",
    ),
    BadSubmission(
        "byte-order-mark",
        raw(lambda ctx, data: {ctx.name: b"\xef\xbb\xbf" + data}),
        frozenset(),
        "byte-order mark",
    ),
    BadSubmission(
        "invalid-utf-8",
        raw(lambda ctx, data: {ctx.name: data.replace(b"#", b"#\xff", 1)}),
        frozenset(),
        "invalid UTF-8",
    ),
    BadSubmission("saved-by-jupyterlab-4", raw(jupyterlab_4), frozenset(), None),
    BadSubmission("saved-by-vscode", raw(vscode), frozenset(), None),
    BadSubmission("saved-by-colab", raw(colab), frozenset(), None),
    BadSubmission("another-kernel-name", edited(other_kernel), frozenset(), None),
    BadSubmission(
        # A name of the student's own is flagged; one an LMS, a browser or Drive
        # gives (Copy of ..., ... (1), <student>.ipynb) is not (tests/test_intake.py).
        "renamed-by-hand",
        raw(lambda ctx, data: {f"my {ctx.name}": data}),
        frozenset(),
        "graded as",
    ),
    *(
        BadSubmission(f"wrong-answers-and-{name}", with_mechanism(code), ALL, flag)
        for name, (code, flag) in MECHANISMS.items()
    ),
]

# Assignment 01's answers, for the cases that need a particular one.
FLIPPED = correlate(kernel="kernel[::-1, ::-1]")
CORRELATE_TESTS = frozenset({"test_correlate2d", "test_correlate2d_hidden"})
STDERR_CORRELATE = """
import sys
import warnings
from tqdm import tqdm

def correlate2d(image, kernel):
    warnings.warn("loops are slow: F.conv2d does this in one call")
    H, W = image.shape
    KH, KW = kernel.shape
    result = np.zeros((H - KH + 1, W - KW + 1))
    for i in tqdm(range(H - KH + 1), desc="rows", file=sys.stderr):
        for j in range(W - KW + 1):
            result[i, j] = np.sum(image[i:i + KH, j:j + KW] * kernel)
    return result
"""
ALWAYS_EQUAL = """
class Anything:
    shape = (3, 3)
    def __eq__(self, other):
        return True

def correlate2d(image, kernel):
    return Anything()
"""

UNIT_01 = GENERIC + [
    BadSubmission(
        "correct-code-using-ipython-features",
        with_cell(HONEST_IPYTHON, after="correlate2d"),
        frozenset(),
        "calls get_ipython()",
    ),
    BadSubmission(
        "correct-code-with-a-captured-cell",
        with_cell(CAPTURED, after="correlate2d"),
        frozenset(),
        None,
    ),
    BadSubmission(
        "infinite-loop-in-python",
        appended("correlate2d", "while True:\n    pass"),
        CORRELATE_TESTS,
        "ran longer than",
    ),
    BadSubmission(
        "infinite-loop-in-c",
        appended(
            "make_detector",
            "import collections, itertools\n"
            "collections.deque(itertools.count(), maxlen=0)",
        ),
        frozenset({"test_make_detector", "test_make_detector_hidden"}),
        "ran longer than",
    ),
    BadSubmission(
        "sys-exit-after-an-answer",
        appended("valid_output_shape", "import sys\nsys.exit(0)"),
        frozenset(),
        "sys.exit",
    ),
    BadSubmission(
        "test-cell-edited-to-pass",
        edited(
            lambda ctx, nb: (
                setattr(cell_of(nb, "correlate2d"), "source", FLIPPED),
                setattr(cell_of(nb, "test_correlate2d"), "source", "pass"),
            )
        ),
        CORRELATE_TESTS,
        "was edited",
    ),
    BadSubmission(
        "patched-numpy-comparisons",
        with_answers(
            correlate2d=FLIPPED
            + "\nnp.allclose = lambda *a, **k: True"
            + "\nnp.testing.assert_allclose = lambda *a, **k: None"
        ),
        ALL,
        "numpy.allclose was replaced",
    ),
    BadSubmission(
        "patched-torch-comparisons",
        with_answers(
            correlate2d=FLIPPED
            + "\nimport torch\ntorch.allclose = lambda *a, **k: True"
        ),
        ALL,
        "torch.allclose was replaced",
    ),
    BadSubmission(
        "patched-course-checks",
        with_answers(
            correlate2d=FLIPPED
            + "\nimport helpers.checks"
            + "\nhelpers.checks.check_array = lambda *a, **k: None"
        ),
        ALL,
        "helpers.checks.check_array was replaced",
    ),
    BadSubmission(
        "object-whose-eq-is-always-true",
        with_answers(correlate2d=ALWAYS_EQUAL),
        CORRELATE_TESTS,
        "defines __eq__",
    ),
    BadSubmission(
        "correct-code-writing-warnings-and-a-progress-bar-to-stderr",
        with_answers(correlate2d=STDERR_CORRELATE),
        frozenset(),
        None,
    ),
]

# The generic cases that every other assignment's round trip grades too.
FOR_EVERY_ASSIGNMENT = [
    case
    for case in GENERIC
    if case.defect
    in {
        "os-exit-in-a-cell",
        "deleted-test-cell",
        "test-cell-turned-markdown",
        "edited-points",
        "changes-how-later-cells-run",
        "byte-order-mark",
        "renamed-by-hand",
        "wrong-answers-and-ast-transformer",
        "wrong-answers-and-pre-run-cell-event",
        "wrong-answers-and-builtins-assertionerror",
    }
]
