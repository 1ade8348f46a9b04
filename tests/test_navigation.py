"""Are the lessons' navigation lines and the README's badges current and right?

The line is built by instructor/navigation.py from its UNITS and from the one place
that holds the repository's address (pyproject.toml [project.urls] Repository).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from instructor import navigation
from instructor.navigation import (
    BADGES_END,
    BADGES_START,
    END,
    START,
    UNITS,
    badges,
    readme_badges,
    repository,
    update,
    update_readme,
)
from instructor.navigation import navigation as navigation_block

ROOT = Path(__file__).resolve().parents[1]
REPO = "cnn-building-blocks/cnn-building-blocks"
COLAB = "https://colab.research.google.com/github/" + REPO + "/blob/main/notebooks/"
BINDER = "https://mybinder.org/v2/gh/" + REPO + "/main?urlpath=lab/tree/notebooks/"
COLAB_BADGE = (
    "[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
)
BINDER_BADGE = "[![Binder](https://mybinder.org/badge_logo.svg)]"

LESSONS = sorted(
    p
    for p in (ROOT / "notebooks").glob("*.ipynb")
    if ".ipynb_checkpoints" not in p.parts
)


def line_of(block: str) -> str:
    """The one line between the markers of a navigation block."""
    lines = block.split("\n")
    assert lines[0] == START and lines[-1] == END and len(lines) == 3, block
    return lines[1]


# ------------------------------------------------------------- the repository address


def test_repository_comes_from_pyproject():
    """Is the repository read from pyproject.toml's [project.urls] Repository?"""
    assert repository() == REPO


def test_repository_must_be_a_github_address(tmp_path):
    """Does an address that is not github.com/<owner>/<name> fail with its value?"""
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[project.urls]\n'
        'Repository = "https://gitlab.com/someone/course"\n'
    )
    with pytest.raises(ValueError, match="gitlab.com/someone/course"):
        repository(tmp_path)


def test_a_new_address_changes_every_badge():
    """Does a repository given once change the address in every badge?"""
    line = line_of(navigation_block("01-convolution-by-hand", "someone/fork"))
    assert (
        "github/someone/fork/blob/main/notebooks/01-convolution-by-hand.ipynb" in line
    )
    assert "gh/someone/fork/main?urlpath=lab/tree/notebooks/01" in line
    assert REPO not in line


# ------------------------------------------------------------------- the line itself


def test_first_unit_line_has_no_previous_link():
    """Is the map's line `Map | next >` and its own badges, with no `<` link?"""
    line = line_of(navigation_block("00-start-here", REPO))
    assert line == (
        "[Map](00-start-here.ipynb) | "
        "[01 · Convolution by hand >](01-convolution-by-hand.ipynb) | "
        f"{COLAB_BADGE}({COLAB}00-start-here.ipynb) "
        f"{BINDER_BADGE}({BINDER}00-start-here.ipynb)"
    )


def test_middle_unit_line_links_previous_map_next_and_badges():
    """Does a middle unit link its neighbours and the map, then its own badges?"""
    line = line_of(navigation_block("04-receptive-fields", REPO))
    assert line == (
        "< [03 · Translation equivariance](03-translation-equivariance.ipynb) | "
        "[Map](00-start-here.ipynb) | "
        "[05 · Stride, padding, pooling >](05-stride-padding-pooling.ipynb) | "
        f"{COLAB_BADGE}({COLAB}04-receptive-fields.ipynb) "
        f"{BINDER_BADGE}({BINDER}04-receptive-fields.ipynb)"
    )


def test_last_unit_line_has_no_next_link():
    """Does the last unit's line stop at the map, with no `>` link?"""
    last, _ = UNITS[-1]
    line = line_of(navigation_block(last, REPO))
    assert line == (
        "< [07 · Transfer learning](07-transfer-learning.ipynb) | "
        "[Map](00-start-here.ipynb) | "
        f"{COLAB_BADGE}({COLAB}{last}.ipynb) {BINDER_BADGE}({BINDER}{last}.ipynb)"
    )
    assert " >]" not in line


def test_units_narrow_the_links_to_the_lessons_given():
    """With units given (as the website does), are only those lessons linked?"""
    units = ["00-start-here", "01-convolution-by-hand", "04-receptive-fields"]
    line = line_of(navigation_block("01-convolution-by-hand", REPO, units))
    assert "[04 · Receptive fields >](04-receptive-fields.ipynb)" in line
    assert "02-" not in line and "03-" not in line


def test_unknown_unit_is_refused():
    """Does a notebook that is not in UNITS get an error, not a made-up line?"""
    with pytest.raises(ValueError, match="not a unit"):
        navigation_block("99-not-a-unit", REPO)


def test_badges_open_the_notebook_itself():
    """Do both badges of a lesson open that lesson, on the main branch?"""
    text = badges("03-translation-equivariance.ipynb", REPO)
    targets = re.findall(r"\]\((https://[^)]+)\)", text)
    assert f"{COLAB}03-translation-equivariance.ipynb" in targets
    assert f"{BINDER}03-translation-equivariance.ipynb" in targets


def test_readme_badges_open_the_map():
    """Do the README's Binder and Colab badges open the map, 00-start-here?"""
    block = readme_badges(REPO)
    assert block.startswith(BADGES_START) and block.endswith(BADGES_END)
    assert f"{BINDER_BADGE}({BINDER}00-start-here.ipynb)" in block
    assert f"{COLAB_BADGE}({COLAB}00-start-here.ipynb)" in block


# --------------------------------------------------------- rewriting, inserting, check


def test_update_rewrites_inserts_and_is_rerunnable(tmp_path):
    """Is a stale line rewritten, a missing one inserted, and a rerun a no-op?"""
    stale = tmp_path / "01-convolution-by-hand.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(f"{START}\n[Map](old.ipynb)\n{END}\n\nkept"),
        nbformat.v4.new_code_cell("x = 1"),
    ]
    nbformat.write(nb, stale)
    missing = tmp_path / "02-multichannel-kernels.ipynb"
    nbformat.write(
        nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell()]), missing
    )

    assert update(stale, write=False, repo=REPO) is True
    assert "old.ipynb" in stale.read_text()  # --check mode writes nothing
    assert update(stale, repo=REPO) is True
    assert update(missing, repo=REPO) is True
    assert update(stale, repo=REPO) is False
    assert update(missing, repo=REPO) is False

    first = nbformat.read(stale, as_version=4).cells[0].source
    assert first.endswith("\n\nkept")
    assert first.startswith(navigation_block("01-convolution-by-hand", REPO))
    inserted = nbformat.read(missing, as_version=4).cells
    assert inserted[0].source == navigation_block("02-multichannel-kernels", REPO)
    assert len(inserted) == 2


def test_unclosed_marker_is_an_error(tmp_path):
    """Does a navigation cell without its closing marker fail instead of growing?"""
    path = tmp_path / "01-convolution-by-hand.ipynb"
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell(f"{START}\n[Map](x.ipynb)")]
    )
    nbformat.write(nb, path)
    with pytest.raises(ValueError, match="no closing"):
        update(path, repo=REPO)


def test_readme_block_is_rewritten_in_place(tmp_path):
    """Is only the README's marked block rewritten, and must the block be there?"""
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\n{BADGES_START}\nold\n{BADGES_END}\n\ntext\n")
    assert update_readme(readme, repo=REPO) is True
    assert readme.read_text() == f"# Title\n\n{readme_badges(REPO)}\n\ntext\n"
    assert update_readme(readme, repo=REPO) is False
    readme.write_text("# Title\n")
    with pytest.raises(ValueError, match="BADGES"):
        update_readme(readme, repo=REPO)


def test_check_mode_names_stale_files_and_fails(tmp_path, monkeypatch, capsys):
    """Does `--check` exit 1, name the stale file, and leave it unchanged?"""
    readme = tmp_path / "README.md"
    readme.write_text(f"{BADGES_START}\nold\n{BADGES_END}\n")
    lesson = tmp_path / "00-start-here.ipynb"
    shutil.copy(ROOT / "notebooks" / "00-start-here.ipynb", lesson)
    update(lesson, repo=REPO)
    before = lesson.read_bytes()

    assert navigation.main(["--check", str(lesson), str(readme)]) == 1
    err = capsys.readouterr().err
    assert "README.md" in err and "00-start-here" not in err
    assert "old" in readme.read_text() and lesson.read_bytes() == before

    assert navigation.main([str(readme)]) == 0
    assert navigation.main(["--check", str(lesson), str(readme)]) == 0


@pytest.mark.slow
def test_check_mode_runs_as_a_command():
    """Does `python -m instructor.navigation --check` run and pass on the README?"""
    result = subprocess.run(
        [sys.executable, "-m", "instructor.navigation", "--check", "README.md"],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# ----------------------------------------------------------- the committed files


def test_there_are_lessons():
    """Are there lessons in notebooks/ for the currency checks to look at?"""
    assert LESSONS, "notebooks/ holds no lesson"


@pytest.mark.parametrize(
    "path", LESSONS or [None], ids=lambda p: p.name if p else "no-lessons-found"
)
def test_lesson_navigation_line_is_current(path):
    """Is this lesson's navigation line (links and badges) what the script writes?"""
    assert path is not None, "notebooks/ holds no lesson"
    assert path.stem in dict(UNITS), (
        f"{path.name} is not a unit in instructor/navigation.py UNITS"
    )
    assert not update(path, write=False), (
        f"{path.name}: navigation line is stale; run "
        f"`python -m instructor.navigation notebooks/{path.name}`"
    )


def test_readme_badges_are_current():
    """Are the README's badges what the script writes?"""
    assert not update_readme(ROOT / "README.md", write=False), (
        "README.md badges are stale; run `python -m instructor.navigation README.md`"
    )
