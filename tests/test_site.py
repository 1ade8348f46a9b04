"""Does `make site` build the course website, complete, in order, with no broken links?

Builds the website from the committed lessons into a temporary folder (as
`make site` does into _build/site), then reads every HTML file it wrote: every
relative href and src must point to a file that exists (and an #anchor to an id on
that page), every lesson has its page, the pages follow each other in course order,
and every figure of a lesson is an image on its page.
"""

from __future__ import annotations

import html.parser
import itertools
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest

from instructor.navigation import UNITS
from instructor.site import _Rewriter, build_site, lessons

pytestmark = pytest.mark.slow  # Jupyter Book builds the site

ROOT = Path(__file__).resolve().parents[1]
REPO = "cnn-building-blocks/cnn-building-blocks"
LESSONS = lessons()
NAMES = [path.stem for path in LESSONS]


class _Page(html.parser.HTMLParser):
    """The links, images, ids, headings and prev/next links of one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str]] = []  # (tag, href or src)
        self.images: list[str] = []
        self.ids: set[str] = set()
        self.next_href: str | None = None
        self.h1: list[str] = []  # the text of every <h1>
        self._in_h1 = False
        self._in_headerlink = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("href", "src"):
            if attrs.get(key):
                self.refs.append((tag, attrs[key]))
        if tag == "img":
            self.images.append(attrs.get("src") or "")
        for key in ("id", "name"):
            if attrs.get(key):
                self.ids.add(attrs[key])
        classes = (attrs.get("class") or "").split()
        if tag == "a" and "right-next" in classes:
            self.next_href = attrs.get("href")
        if tag == "h1":
            self._in_h1 = True
            self.h1.append("")
        if tag == "a" and "headerlink" in classes:
            self._in_headerlink = True

    def handle_endtag(self, tag):
        if tag == "h1":
            self._in_h1 = False
        if tag == "a":
            self._in_headerlink = False

    def handle_data(self, data):
        if self._in_h1 and not self._in_headerlink:
            self.h1[-1] += data


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def _is_local(ref: str) -> bool:
    parts = urlsplit(ref)
    return not (parts.scheme or parts.netloc or ref.startswith("//"))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "html"
    start = time.perf_counter()
    build_site(out)
    print(f"site built in {time.perf_counter() - start:.1f} s")
    return out


@pytest.fixture(scope="module")
def pages(site) -> dict[Path, _Page]:
    # _static/ holds the theme's template fragments, which are not pages.
    found = {
        path: _parse(path)
        for path in sorted(site.rglob("*.html"))
        if "_static" not in path.relative_to(site).parts
    }
    assert found, f"no HTML file under {site}"
    return found


def test_there_are_lessons_to_publish():
    """Does notebooks/ have lessons of UNITS for the website?"""
    assert LESSONS, "notebooks/ has no lesson named in instructor/navigation.py UNITS"


def test_every_lesson_has_its_page_with_its_title(site, pages):
    """Has every lesson a page whose title is the lesson's H1?"""
    for path in LESSONS:
        page = site / "notebooks" / f"{path.stem}.html"
        assert page in pages, f"no page for {path.name}: {page} is missing"
        notebook = nbformat.read(path, as_version=4)
        titles = [
            line[2:].strip()
            for cell in notebook.cells
            if cell.cell_type == "markdown"
            for line in cell.source.splitlines()
            if line.startswith("# ")
        ]
        assert titles, f"{path.name} has no H1 title"
        headings = [h.strip() for h in pages[page].h1]
        assert titles[0] in headings, f"{page.name}: <h1> {headings}, not {titles[0]}"


def test_front_page_opens_the_first_lesson(site):
    """Does index.html lead to the first lesson in course order?"""
    index = (site / "index.html").read_text(encoding="utf-8")
    assert f"notebooks/{NAMES[0]}.html" in index


def test_pages_follow_each_other_in_course_order(site, pages):
    """Does each page's "next" link go to the next lesson in UNITS order?"""
    order = [unit for unit, _ in UNITS if unit in NAMES]
    assert order == NAMES
    for name, following in itertools.pairwise(NAMES):
        page = pages[site / "notebooks" / f"{name}.html"]
        assert page.next_href, f"{name}.html has no next link"
        target = (site / "notebooks" / urlsplit(page.next_href).path).resolve()
        assert target == site / "notebooks" / f"{following}.html", (
            f"{name}.html's next link goes to {page.next_href}, not {following}.html"
        )
    last = pages[site / "notebooks" / f"{NAMES[-1]}.html"]
    assert last.next_href is None or NAMES[-1] not in last.next_href


def test_no_broken_internal_links(site, pages):
    """Does every relative href and src lead to a file (and an anchor) that exists?"""
    broken = []
    for path, page in pages.items():
        for tag, ref in page.refs:
            if not _is_local(ref) or ref.startswith(("#", "mailto:", "javascript:")):
                continue
            parts = urlsplit(ref)
            target = (path.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            where = f"{path.relative_to(site)}: <{tag}> {ref}"
            if not target.is_file():
                broken.append(where)
            elif (
                parts.fragment
                and target.suffix == ".html"
                and unquote(parts.fragment) not in pages.get(target, _Page()).ids
            ):
                broken.append(f"{where} (no such anchor)")
    assert not broken, "broken internal links:\n" + "\n".join(broken)


def test_no_missing_images(site, pages):
    """Does every <img> have a source that exists and is not empty?"""
    missing = []
    for path, page in pages.items():
        for src in page.images:
            if not src:
                missing.append(f"{path.relative_to(site)}: <img> without src")
            elif _is_local(src) and not src.startswith("data:"):
                target = (path.parent / unquote(urlsplit(src).path)).resolve()
                if not target.is_file() or target.stat().st_size == 0:
                    missing.append(f"{path.relative_to(site)}: {src}")
    assert not missing, "missing images:\n" + "\n".join(missing)


@pytest.mark.parametrize("path", LESSONS, ids=NAMES)
def test_every_figure_of_a_lesson_is_on_its_page(site, pages, path):
    """Is each figure (PNG output) of the lesson an image file on its page?"""
    notebook = nbformat.read(path, as_version=4)
    figures = sum(
        "image/png" in out.get("data", {})
        for cell in notebook.cells
        if cell.cell_type == "code"
        for out in cell.outputs
    )
    page = pages[site / "notebooks" / f"{path.stem}.html"]
    local = [src for src in page.images if _is_local(src) and "_images/" in src]
    assert len(local) >= figures, (
        f"{path.name} has {figures} figures, its page shows {len(local)} images"
    )


# ------------------------------------------------- how links are rewritten for the site


@pytest.fixture
def rewriter(tmp_path) -> tuple[_Rewriter, Path]:
    root = tmp_path / "repo"
    (root / "notebooks").mkdir(parents=True)
    (root / "notebooks" / "00-start-here.ipynb").write_text("{}")
    (root / "release" / "01-x").mkdir(parents=True)
    (root / "release" / "01-x" / "01-x.ipynb").write_text("{}")
    (root / "figures").mkdir()
    (root / "figures" / "plot.png").write_bytes(b"\x89PNG")
    stage = tmp_path / "stage"
    return _Rewriter(root, stage, {"00-start-here"}, REPO), stage


def test_link_to_a_page_of_the_site_is_kept(rewriter):
    """Does a link to a published lesson (with an anchor) stay as it is?"""
    rw, _ = rewriter
    text = "see [the map](00-start-here.ipynb#the-map)"
    assert rw.markdown(text) == text


def test_link_to_a_lesson_not_written_yet_becomes_text(rewriter):
    """Does a link to a lesson that does not exist yet become plain text?"""
    rw, _ = rewriter
    assert rw.markdown("next: [05 · Pooling >](05-pooling.ipynb).") == (
        "next: 05 · Pooling >."
    )


def test_link_to_another_repository_file_goes_to_github(rewriter):
    """Does a link to an assignment (not a page of the site) go to GitHub?"""
    rw, _ = rewriter
    assert rw.markdown("[the assignment](../release/01-x/01-x.ipynb)") == (
        f"[the assignment](https://github.com/{REPO}/blob/main/release/01-x/01-x.ipynb)"
    )
    assert rw.markdown('<a href="../release/01-x">it</a>') == (
        f'<a href="https://github.com/{REPO}/tree/main/release/01-x">it</a>'
    )


def test_local_image_is_copied_and_external_links_are_kept(rewriter):
    """Is a local image copied into the book, and an external link left alone?"""
    rw, stage = rewriter
    text = "![a plot](../figures/plot.png) [d2l](https://d2l.ai/x.html#y)"
    assert rw.markdown(text) == text
    assert (stage / "figures" / "plot.png").read_bytes() == b"\x89PNG"
