"""Can a student's own names break a test cell, or a test cell clobber them?

The authoring rule (README, "Writing test cells"): a test cell imports what it uses
under private names and binds no top-level name without a leading underscore; the
only public names it reads are the answers the student writes.

Two checks on every source notebook:
- statically, every top-level name a test cell binds starts with an underscore;
- by running it, every test cell passes when each public name of the student's
  namespace other than the answers (np, torch, F, nn, checks, images, the given
  data, ...) is rebound to an object that fails on any use: the setup, given and
  solution cells run in one namespace, the test cells in another where only the
  answers and the test cells' own private names are real.
"""

from __future__ import annotations

import ast
import builtins
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager
from nbgrader.utils import is_solution

from instructor import ROOT
from instructor.grading.integrity import is_graded_test

pytestmark = pytest.mark.slow  # every test cell runs in a kernel

SOURCES = sorted((ROOT / "source").glob("*/*.ipynb"))


def top_level_bindings(source: str) -> set[str]:
    """Names a cell binds in the notebook's namespace (not inside its functions)."""
    tree = ast.parse(TransformerManager().transform_cell(source))
    names = set()
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(statement.name)
            continue
        for node in ast.walk(statement):
            if isinstance(node, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if isinstance(node, ast.Name) and isinstance(
                node.ctx, (ast.Store, ast.Del)
            ):
                names.add(node.id)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names |= {a.asname or a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ExceptHandler) and node.name:
                names.add(node.name)
    # a comprehension's variables are its own, not the notebook's
    for node in ast.walk(tree):
        if isinstance(
            node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
        ):
            for generator in node.generators:
                names -= {
                    n.id for n in ast.walk(generator.target) if isinstance(n, ast.Name)
                }
    return names


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.parent.name)
def test_test_cells_bind_only_private_names(path):
    """Does every name a test cell binds at top level start with an underscore?"""
    public = {
        cell.metadata.nbgrader.grade_id: sorted(
            name for name in top_level_bindings(cell.source) if not name.startswith("_")
        )
        for cell in nbformat.read(path, as_version=4).cells
        if is_graded_test(cell)
    }
    assert not {cell: names for cell, names in public.items() if names}, (
        "test cells bind public names, which can overwrite a student's variables: "
        "rename them with a leading underscore (README, 'Writing test cells')"
    )


class Rebound:
    """What a student's cell left under a name: fails loudly on any use."""

    def __init__(self, name: str):
        object.__setattr__(self, "_name", name)

    def _fail(self, *args, **kwargs):
        raise RuntimeError(
            f"a test cell used the student's name {self._name!r}: import it under a "
            "private name in the test cell"
        )

    __getattr__ = __call__ = __getitem__ = __iter__ = __len__ = __bool__ = _fail
    __setattr__ = __eq__ = __lt__ = __gt__ = __add__ = __mul__ = __array__ = _fail
    __hash__ = None


def run_test_cells_among_rebound_names(path: Path) -> None:
    """Run the notebook as above; raise the first failing test cell's error."""
    transform = TransformerManager().transform_cell
    cells = [
        c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"
    ]
    student = {"__name__": "__main__", "__builtins__": builtins}
    answers = set()
    for cell in cells:
        if not is_graded_test(cell):
            exec(
                compile(
                    transform(cell.source),
                    f"<{cell.metadata.nbgrader.grade_id}>",
                    "exec",
                ),
                student,
            )
            if is_solution(cell):
                answers |= top_level_bindings(cell.source)
    tests = {
        name: value if name in answers else Rebound(name)
        for name, value in student.items()
        if not name.startswith("_")
    }
    tests |= {"__name__": "__main__", "__builtins__": builtins}
    for cell in cells:
        if is_graded_test(cell):
            grade_id = cell.metadata.nbgrader.grade_id
            try:
                exec(compile(transform(cell.source), f"<{grade_id}>", "exec"), tests)
            except Exception as error:
                raise AssertionError(
                    f"{path.name}, {grade_id}: {type(error).__name__}: {error}"
                ) from error


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.parent.name)
def test_test_cells_pass_when_the_student_rebinds_every_name(path):
    """Do the solutions still pass every test cell when the student's namespace holds
    nothing the tests may rely on but the answers?"""
    result = subprocess.run(
        [sys.executable, __file__, str(path)],
        cwd=path.parent,
        env=os.environ | {"MPLBACKEND": "Agg"},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]


if __name__ == "__main__":
    run_test_cells_among_rebound_names(Path(sys.argv[1]))
