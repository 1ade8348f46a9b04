"""What a person should look at in a submission, and which mistakes it made.

The sandbox keeps a submission from harming anyone else; it cannot stop code in the
student's own kernel from bending that kernel (patching ``np.allclose`` or the
course's checks, changing how later cells run). Those tricks are looked for three
ways, and each finding becomes a *flag*: a reason for a person to read the
submission, shown in the grading report.

- ``structure``: the submitted notebook against the release: test cells deleted,
  edited, turned into markdown, their points or flags changed (nbgrader
  puts the originals back before grading; the flag says someone tried).
- ``code``: the student's own code cells, parsed: replacing attributes of modules,
  reaching into IPython or the interpreter, exiting, starting processes, opening
  sockets, naming instructor paths, defining comparisons that may always succeed.
- ``CANARY``: code the grader runs after the student's cells, in the same kernel:
  a computation whose printed answer proves that cells still run as written, and a
  look at whether the comparison functions the tests use are still the libraries'.
"""

from __future__ import annotations

import ast
import copy
import json
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

import nbformat
from IPython.core.inputtransformer2 import TransformerManager
from nbgrader.utils import is_grade, is_locked, is_solution

from helpers import checks

MONITOR_SOURCE = (Path(__file__).parent / "monitor.py").read_text()

# Names whose use in a student's cell is worth a person's look, with the reason.
SUSPICIOUS_CALLS = {
    "get_ipython": "reaches into IPython, which runs the cells",
    "os._exit": "ends the kernel",
    "sys.exit": "ends the cell early",
    "exit": "ends the kernel",
    "quit": "ends the kernel",
    "os.kill": "sends signals to processes",
    "os.fork": "starts processes",
    "os.system": "runs shell commands",
    "os.popen": "runs shell commands",
    "sys.settrace": "traces the interpreter",
    "sys.setprofile": "traces the interpreter",
    "setattr": "sets attributes by name",
    "exec": "runs code built at run time",
    "eval": "runs code built at run time",
    "__import__": "imports modules by name",
}
SUSPICIOUS_MODULES = {
    "ctypes": "calls C directly",
    "subprocess": "starts processes",
    "multiprocessing": "starts processes",
    "signal": "handles signals",
    "socket": "opens network connections",
    "urllib": "opens network connections",
    "http": "opens network connections",
    "requests": "opens network connections",
    "builtins": "changes Python's built-in functions",
    "gc": "reaches objects through the garbage collector",
    "inspect": "inspects the grader's frames",
    "importlib": "reloads or loads modules by hand",
}
COMPARISON_DUNDERS = {"__eq__", "__ne__", "__bool__", "__array__", "__float__"}
INSTRUCTOR_PATHS = re.compile(
    r"gradebook|(^|/)source(/|$)|submitted|autograded|\.\./|/proc/|nbgrader",
    re.IGNORECASE,
)

# Functions the tests compare with: (module, attribute path).
WATCHED_FUNCTIONS = [
    ("numpy", "allclose"),
    ("numpy", "array_equal"),
    ("numpy", "isclose"),
    ("numpy", "testing.assert_allclose"),
    ("numpy", "testing.assert_array_equal"),
    ("torch", "allclose"),
    ("torch", "equal"),
    ("torch", "testing.assert_close"),
    *(("helpers.checks", name) for name in checks.__all__),
]


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def is_graded_test(cell) -> bool:
    """An autograded test: a code cell nbgrader grades that is not an answer.

    (A cell the student must not change, a test or given code, is nbgrader's
    ``is_locked``.)
    """
    return cell.cell_type == "code" and is_grade(cell) and not is_solution(cell)


def structure(submitted: nbformat.NotebookNode, release: nbformat.NotebookNode):
    """Flags for changes to the release's protected cells (tests, given code)."""
    flags = []
    protected = {
        meta["grade_id"]: cell
        for cell in release.cells
        if is_locked(cell) and "grade_id" in (meta := nbgrader_meta(cell))
    }
    for grade_id, original in protected.items():
        copies = [
            c for c in submitted.cells if nbgrader_meta(c).get("grade_id") == grade_id
        ]
        if not copies:
            flags.append(f"cell {grade_id} was deleted (put back before grading)")
            continue
        cell, want = copies[0], nbgrader_meta(original)
        meta = nbgrader_meta(cell)
        if cell.cell_type != original.cell_type:
            flags.append(
                f"cell {grade_id} was turned into {cell.cell_type} "
                "(put back before grading)"
            )
        elif cell.source.strip() != original.source.strip():
            flags.append(f"cell {grade_id} was edited (the original was run instead)")
        if meta.get("points") != want.get("points"):
            flags.append(
                f"cell {grade_id}: points changed from {want.get('points')} to "
                f"{meta.get('points')} (ignored)"
            )
        changed = [
            key
            for key in ("grade", "solution", "locked", "task")
            if bool(meta.get(key)) != bool(want.get(key))
        ]
        if changed:
            flags.append(f"cell {grade_id}: nbgrader flags {changed} changed (ignored)")
    return flags


def code(submitted: nbformat.NotebookNode) -> list[str]:
    """Flags for suspicious constructs in the cells the student wrote."""
    flags = []
    transformer = TransformerManager()
    for index, cell in enumerate(submitted.cells):
        if cell.cell_type != "code" or is_locked(cell):
            continue
        where = nbgrader_meta(cell).get("grade_id") or f"cell {index + 1}"
        try:
            tree = ast.parse(transformer.transform_cell(cell.source))
        except (SyntaxError, ValueError):
            continue  # an error when it runs, and its tests fail: not a cheat
        flags += [f"{where}: {finding}" for finding in _findings(tree, cell.source)]
    return list(dict.fromkeys(flags))


def _dotted(node) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""


def _imported(node: ast.Import | ast.ImportFrom) -> list[tuple[str, str]]:
    """(name, module) for each name an import statement binds: ``import a.b`` binds
    ``a`` to ``a``, ``import a.b as c`` binds ``c`` to ``a.b``, ``from a import b``
    binds ``b`` to ``a.b``."""
    if isinstance(node, ast.ImportFrom):
        return [(a.asname or a.name, f"{node.module}.{a.name}") for a in node.names]
    return [
        (a.asname, a.name) if a.asname else (a.name.split(".")[0],) * 2
        for a in node.names
    ]


def _findings(tree: ast.AST, written: str):
    """What is suspicious in a cell's code (``tree``, magics turned into calls);
    ``written``: the cell as the student wrote it, where a magic is no call."""
    modules = {  # name -> module imported under it
        name: module
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        or (isinstance(node, ast.ImportFrom) and node.module)
        for name, module in _imported(node)
    }
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [a.name for a in getattr(node, "names", [])]
            for name in names:
                top = name.split(".")[0]
                if top in SUSPICIOUS_MODULES:
                    yield f"imports {name}: {SUSPICIOUS_MODULES[top]}"
        elif isinstance(node, ast.Call):
            name = _dotted(node.func)
            if name in SUSPICIOUS_CALLS and name.split(".")[-1] in written:
                yield f"calls {name}(): {SUSPICIOUS_CALLS[name]}"
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.Delete)):
            targets = getattr(node, "targets", None) or [getattr(node, "target", None)]
            for target in targets:
                name = _dotted(target) if isinstance(target, ast.Attribute) else ""
                root = name.split(".")[0]
                if root in modules or root in ("np", "torch", "helpers", "checks"):
                    yield f"replaces {name}: changes a module the tests rely on"
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.name in COMPARISON_DUNDERS:
                yield (
                    f"defines {node.name}: an object that may compare equal to anything"
                )
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if INSTRUCTOR_PATHS.search(node.value):
                yield f"names the path {node.value[:60]!r}: an instructor's file?"
        elif isinstance(node, ast.Name) and node.id in ("__builtins__", "__loader__"):
            yield f"uses {node.id}: changes Python's built-in functions"


@dataclass
class Watch:
    """The grader's cells for one run of a notebook, and what they must print."""

    event: str  # the audit event name the monitor answers to
    product: str  # the report's product, unknown to the kernel beforehand
    nonce: str  # the message of the assertion that must fail in the last cell


def watch(notebook: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, Watch]:
    """The notebook with the grader's cells put in (marked ``grader`` in their
    metadata): the monitor before the first cell, a notice around the setup cell, a
    check before every test cell, and after the last cell a report and an
    ``assert False`` that must fail."""
    event = f"grader-{secrets.token_hex(8)}"
    a, b = (secrets.randbelow(10**6) + 10**6 for _ in range(2))
    found = Watch(event, str(a * b), secrets.token_hex(8))
    tests = [cell.source for cell in notebook.cells if is_graded_test(cell)]
    install = (
        f"__grader = {{}}\nexec({MONITOR_SOURCE!r}, __grader)\n"
        f"__grader['install']({event!r}, {WATCHED_FUNCTIONS!r}, {tests!r})\n"
        "del __grader"
    )

    def notice(*args) -> nbformat.NotebookNode:
        call = ", ".join(repr(a) for a in (event, *args))
        return _grader_cell(f"import sys as __sys\n__sys.audit({call})\ndel __sys")

    cells = [_grader_cell(install)]
    for cell in notebook.cells:
        if nbgrader_meta(cell).get("grade_id") == "setup":
            cells += [notice("setup starts"), cell, notice("setup ends")]
            continue
        if is_graded_test(cell):
            cells.append(notice("check"))
        cells.append(cell)
    last = notice("report", a, b)
    last.source += f"\nassert False, {found.nonce!r}"
    watched = copy.copy(notebook)
    watched.cells = [*cells, last]
    return watched, found


def _grader_cell(source: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(source, metadata={"grader": True})


def is_grader_cell(cell) -> bool:
    return bool(cell.get("metadata", {}).get("grader"))


def read_watch(last_outputs, found: Watch) -> list[str]:
    """Flags from the outputs of the grader's last cell: its report and its error."""
    text = "".join(o.get("text", "") for o in last_outputs if o.get("name") == "stdout")
    try:
        report = json.loads(text.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return [
            "the grader's check after the last cell did not run as written: "
            "the submission changed how cells run"
        ]
    flags = []
    if report.get("product") != found.product:
        flags.append(
            "the grader's check computed a wrong product: cells do not run as written"
        )
    flags += report.get("findings", [])
    errors = [o for o in last_outputs if o.get("output_type") == "error"]
    if not any(
        o.get("ename") == "AssertionError" and found.nonce in o.get("evalue", "")
        for o in errors
    ):
        flags.append(
            "an `assert False` after the last cell did not fail: the submission "
            "changed how failing tests are run or shown"
        )
    return flags


LIKELY_MISTAKE = re.compile(rf"{checks.LIKELY_MISTAKE}(.*)", re.DOTALL)


def mistakes(graded: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """(test cell, likely mistake) for every failed test whose check named one."""
    found = []
    for cell in graded.cells:
        if not (is_grade(cell) and cell.cell_type == "code"):
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") != "error":
                continue
            match = LIKELY_MISTAKE.search(output.get("evalue", ""))
            if match:
                grade_id = nbgrader_meta(cell)["grade_id"]
                found.append((grade_id, match.group(1).strip().rstrip(".")))
    return found


# The note put before the error of a test cell that failed after the submission
# rebound a name of the setup cell that the failing code uses.
REBOUND = re.compile(r"^Not necessarily a wrong answer: (.*?)\n", re.MULTILINE)
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def setup_modules(notebook: nbformat.NotebookNode) -> dict[str, str]:
    """name -> module, for every module the setup cell imports under a name."""
    modules = {}
    for cell in notebook.cells:
        if nbgrader_meta(cell).get("grade_id") != "setup":
            continue
        tree = ast.parse(TransformerManager().transform_cell(cell.source))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import) or (
                isinstance(node, ast.ImportFrom) and node.module
            ):
                modules.update(_imported(node))
    return modules


def _rebindings(source: str, modules: dict[str, str]):
    """(name, statement) for each top-level statement that binds a setup name to
    something other than its module."""
    try:
        tree = ast.parse(TransformerManager().transform_cell(source))
    except (SyntaxError, ValueError):
        return
    for statement in tree.body:
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            for name, module in _imported(statement):
                if name in modules and module != modules[name]:
                    yield name, ast.unparse(statement)
            continue
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound = {statement.name}
        else:
            targets = getattr(statement, "targets", None) or [
                getattr(statement, "target", None)
            ]
            bound = {
                node.id
                for target in targets
                if target is not None
                for node in ast.walk(target)
                if isinstance(node, ast.Name)
            }
        for name in sorted(bound & modules.keys()):
            text = ast.unparse(statement).splitlines()[0]
            yield name, text if len(text) <= 60 else text[:57] + "..."


def explain_rebound_names(notebook: nbformat.NotebookNode) -> None:
    """Put a note before the error of each test cell whose failing code uses a setup
    name (np, F, images, ...) that the student's cells rebound before it."""
    modules = setup_modules(notebook)
    rebound = {}  # name -> (where, statement), the latest rebinding so far
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        if not is_locked(cell):
            where = nbgrader_meta(cell).get("grade_id") or f"cell {index + 1}"
            for name, statement in _rebindings(cell.source, modules):
                rebound[name] = (where, statement)
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") != "error" or not rebound:
                continue
            frames = ANSI.sub("", "\n".join(output.get("traceback", [])[:-1]))
            used = [n for n in rebound if re.search(rf"(?<![\w.]){n}\b", frames)]
            if not used:
                continue
            notes = "; ".join(
                f"`{n}` is no longer {modules[n]}: {rebound[n][0]} assigned "
                f"`{rebound[n][1]}`, so code that uses `{n}` gets that value"
                for n in used
            )
            note = (
                f"Not necessarily a wrong answer: {notes}. Give your variable another "
                "name and run the notebook again.\n"
            )
            output["evalue"] = note + output.get("evalue", "")
            output["traceback"] = [note, *output.get("traceback", [])]


def rebound_names(graded: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """(test cell, note) for every test that failed after a setup name was rebound."""
    return [
        (nbgrader_meta(cell)["grade_id"], match.group(1))
        for cell in graded.cells
        if cell.cell_type == "code" and is_grade(cell)
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
        and (match := REBOUND.search(output.get("evalue", "")))
    ]
