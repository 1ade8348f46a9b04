"""Execute the lessons in place, in course order, so they are committed with outputs.

    python -m instructor.lessons [notebooks/01-convolution-by-hand.ipynb ...]

Prints each notebook's run time. Timing metadata is not recorded, so a re-run
changes a notebook only where its outputs change.
"""

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from tqdm import tqdm

from instructor import ROOT


def execute_in_place(path: Path) -> float:
    """Run every cell of the notebook at ``path``, save it, return the seconds taken."""
    notebook = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    elapsed = time.perf_counter() - start
    nbformat.write(notebook, path)
    return elapsed


if __name__ == "__main__":
    paths = [Path(arg) for arg in sys.argv[1:]] or sorted(
        (ROOT / "notebooks").glob("*.ipynb")
    )
    for path in tqdm(paths, desc="lessons", unit="notebook"):
        tqdm.write(f"{path.name}: {execute_in_place(path):.1f} s")
