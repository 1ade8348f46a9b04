"""Build the course website from the executed lessons, with Jupyter Book 1 (Sphinx).

    python -m instructor.site [--out DIR]      (`make site`; DIR: _build/site)

The lessons are shown as committed, with their outputs: nothing is re-executed. The
pages come in course order, the order of instructor/navigation.py's UNITS, taking the
lessons that notebooks/ has; the first is the book's front page. Everything runs
offline (Jupyter Book 1 is pure Python; Jupyter Book 2 needs Node.js and fetches its
theme).

The book is put together in a staging folder from copies of the lessons, so the
lessons themselves are never touched. In each copy:
- the navigation line links along the lessons the site has (its badges stay);
- a link to a lesson not written yet becomes plain text, and a link to another file
  of the repository (an assignment, a helper) goes to that file on GitHub;
- a local image a lesson shows is copied along.
The website is DIR/index.html, with one page per lesson at DIR/notebooks/<name>.html.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import yaml

from instructor import ROOT
from instructor.navigation import (
    BLOCK,
    BRANCH,
    LESSONS_DIR,
    UNITS,
    navigation,
    repository,
)

TITLE = "CNN Building Blocks"
DEFAULT_OUT = ROOT / "_build" / "site"
BUILD_TIMEOUT_S = 900

# [text](target "title") and ![alt](target), and src= / href= in inline HTML.
MARKDOWN_LINK = re.compile(
    r"(!?)\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?([^)\s>]+)>?(\s+\"[^\"]*\")?\s*\)"
)
HTML_LINK = re.compile(r"""(\b(?:src|href)\s*=\s*)(["'])([^"']+)\2""")


def lessons(root: Path = ROOT) -> list[Path]:
    """The lessons notebooks/ has, in course order (the order of UNITS)."""
    folder = root / LESSONS_DIR
    return [
        folder / f"{u}.ipynb" for u, _ in UNITS if (folder / f"{u}.ipynb").is_file()
    ]


def _is_relative(target: str) -> bool:
    parts = urlsplit(target)
    return not (parts.scheme or parts.netloc or target.startswith(("#", "/")))


class _Rewriter:
    """Rewrites one lesson's relative links for the staged book (see the module doc)."""

    def __init__(self, root: Path, stage: Path, present: set[str], repo: str):
        self.root, self.stage = Path(root).resolve(), Path(stage)
        self.present, self.repo = present, repo

    def _resolve(self, target: str) -> tuple[Path, str]:
        parts = urlsplit(target)
        path = (self.root / LESSONS_DIR / parts.path).resolve()
        return path, (f"#{parts.fragment}" if parts.fragment else "")

    def target(self, target: str, image: bool) -> str | None:
        """The new target; None to drop the link and keep its text."""
        if not _is_relative(target):
            return target
        path, fragment = self._resolve(target)
        if not path.is_relative_to(self.root):
            return None
        relative = path.relative_to(self.root).as_posix()
        if path.parent == self.root / LESSONS_DIR and path.stem in self.present:
            return target  # a page of the site: Sphinx links it
        if not path.exists():
            return None  # a lesson not written yet, say
        if image:
            copy = self.stage / relative
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, copy)
            return target
        kind = "tree" if path.is_dir() else "blob"
        return f"https://github.com/{self.repo}/{kind}/{BRANCH}/{relative}{fragment}"

    def markdown(self, source: str) -> str:
        def link(m: re.Match) -> str:
            bang, text, target, title = m.group(1), m.group(2), m.group(3), m.group(4)
            new = self.target(target, image=bool(bang))
            if new is None:
                return text if not bang else f"*{text}*"
            return f"{bang}[{text}]({new}{title or ''})"

        def html(m: re.Match) -> str:
            image = m.group(1).lstrip().startswith("src")
            new = self.target(m.group(3), image=image)
            return f"{m.group(1)}{m.group(2)}{new or '#'}{m.group(2)}"

        return HTML_LINK.sub(html, MARKDOWN_LINK.sub(link, source))


def stage_book(stage: Path, root: Path = ROOT) -> list[str]:
    """Write the book's sources into ``stage``; return the lessons, in order."""
    found = lessons(root)
    if not found:
        raise FileNotFoundError(f"no lesson of UNITS in {root / LESSONS_DIR}")
    names = [path.stem for path in found]
    repo = repository(root)
    rewriter = _Rewriter(root, stage, set(names), repo)
    (stage / LESSONS_DIR).mkdir(parents=True, exist_ok=True)
    for path in found:
        notebook = nbformat.read(path, as_version=4)
        block = navigation(path.stem, repo, names)
        for cell in notebook.cells:
            if cell.cell_type == "markdown":
                source = BLOCK.sub(lambda _, block=block: block, cell.source)
                cell.source = rewriter.markdown(source)
        nbformat.write(notebook, stage / LESSONS_DIR / path.name)

    toc = {
        "format": "jb-book",
        "root": f"{LESSONS_DIR}/{names[0]}",
        "chapters": [{"file": f"{LESSONS_DIR}/{name}"} for name in names[1:]],
    }
    config = {
        "title": TITLE,
        "author": "the CNN Building Blocks authors",
        "only_build_toc_files": True,
        "exclude_patterns": ["_build", "**.ipynb_checkpoints"],
        # The lessons are committed executed: show their outputs, run nothing.
        "execute": {"execute_notebooks": "off"},
        "repository": {"url": f"https://github.com/{repo}", "branch": BRANCH},
        "html": {"use_repository_button": True, "home_page_in_navbar": True},
        "parse": {"myst_enable_extensions": ["dollarmath", "amsmath", "html_image"]},
        "sphinx": {
            "config": {
                "myst_heading_anchors": 3,
                "html_show_copyright": False,
                "html_last_updated_fmt": None,
            }
        },
        "latex": {"latex_documents": {"targetname": "book.tex"}},
    }
    (stage / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))
    (stage / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    return names


def build_site(out: Path = DEFAULT_OUT, root: Path = ROOT) -> Path:
    """Build the website into ``out`` (replaced whole); return ``out``."""
    out = Path(out).resolve()
    with tempfile.TemporaryDirectory(prefix="site-") as tmp:
        stage = Path(tmp) / "book"
        stage_book(stage, root)
        command = [
            str(Path(sys.executable).parent / "jupyter-book"),
            "build",
            str(stage),
            "--builder",
            "html",
            "--path-output",
            str(Path(tmp) / "output"),
            "--keep-going",
        ]
        result = subprocess.run(
            command,
            check=False,
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT_S,
        )
        html = Path(tmp) / "output" / "_build" / "html"
        if result.returncode != 0 or not (html / "index.html").is_file():
            raise RuntimeError(
                f"jupyter-book build failed ({result.returncode}):\n"
                f"{result.stdout[-6000:]}\n{result.stderr[-6000:]}"
            )
        shutil.rmtree(out, ignore_errors=True)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(html, out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m instructor.site")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    out = build_site(args.out)
    shown = out.relative_to(ROOT) if out.is_relative_to(ROOT) else out
    print(
        f"course website: {shown}/index.html "
        f"({', '.join(p.stem for p in lessons())}; "
        f"{time.perf_counter() - start:.1f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
