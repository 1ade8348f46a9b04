"""Instructor tooling: releases, lessons, class-scale grading, the student tree.

Students never need it.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def nbgrader_path() -> str:
    """PATH with this Python's bin folder first.

    nbgrader's Gradebook calls the ``alembic`` command of its own environment.
    """
    return f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"


def run_nbgrader(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run ``nbgrader <args>`` in the course directory ``cwd`` with this Python.

    The course's nbgrader_config.py imports this package (its feedback
    preprocessors): PYTHONPATH puts this copy of it first, for a course folder
    elsewhere. Raises RuntimeError with nbgrader's log when it fails.
    """
    pythonpath = os.pathsep.join(
        filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])
    )
    result = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=cwd,
        env=dict(os.environ, PATH=nbgrader_path(), PYTHONPATH=pythonpath),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"nbgrader {' '.join(args)} failed:\n{result.stdout}{result.stderr}"
        )
    return result
