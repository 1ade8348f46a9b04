"""The preprocessors of every feedback page: no hidden test, no test code, and
"not graded yet" where a person has yet to grade, formulas that render offline and
long lines wrapped.

The course's nbgrader_config.py gives them to nbgrader's GenerateFeedback, so plain
`nbgrader generate_feedback` and Formgrader's "Generate Feedback" button use them as
`make grade` does. This module imports only nbgrader, nbconvert and nbformat (no
torch): every nbgrader command and the Jupyter server load it with the config.
"""

from __future__ import annotations

import re

import nbformat
from latex2mathml.converter import convert as latex_to_mathml
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.api import Gradebook
from nbgrader.preprocessors import ClearHiddenTests, GetGrades, NbGraderPreprocessor
from nbgrader.utils import is_grade


def _grade_id(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


class HideTestCode(NbGraderPreprocessor):
    """In feedback, show a failed test's message, not the test code it ran.

    A traceback quotes the lines of the test cell that failed, hidden tests included;
    the student sees the error's type and message only.
    """

    def preprocess_cell(self, cell, resources, index):
        if is_grade(cell) and cell.cell_type == "code":
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output.traceback = [f"{output.ename}: {output.evalue}"]
        return cell, resources


def pending(grade) -> bool:
    """Does this gradebook grade wait for a person (no automatic, no manual score)?

    nbgrader scores a written answer that differs from the release ``None`` and
    marks it "needs manual grade"; its ``score`` reads 0 until a person grades it.
    """
    return grade.auto_score is None and grade.manual_score is None


PENDING_NOTE = (
    "**Not graded yet.** A person grades this answer; until then the scores on "
    "this page count it as 0."
)


class MarkPendingGrades(NbGraderPreprocessor):
    """In feedback, say "not graded yet" under a graded cell that waits for a person.

    nbgrader's feedback page would show such a cell as "Score: 0.0 / 2.0"; a note
    after it tells the student the zero is not a grade.
    """

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gradebook:
            notebook = gradebook.find_submission_notebook(
                info["notebook"], info["assignment"], info["student"]
            )
            waiting = {grade.name for grade in notebook.grades if pending(grade)}
        cells = []
        for cell in nb.cells:
            cells.append(cell)
            if _grade_id(cell) in waiting:
                note = nbformat.v4.new_markdown_cell(PENDING_NOTE)
                note.metadata["pending_grade"] = True
                cells.append(note)
        nb.cells = cells
        return nb, resources


# Code (fenced or inline) is kept as it is; math is $$display$$ or $inline$.
_CODE_OR_MATH = re.compile(
    r"(?P<code>```.*?```|`[^`\n]*`)"
    r"|\$\$(?P<display>.+?)\$\$"
    r"|(?<![\\$])\$(?P<inline>[^$\n]+?)\$",
    re.DOTALL,
)


def typeset(markdown: str) -> str:
    """Replace the LaTeX formulas of a markdown text by MathML, which browsers draw
    without a script; code spans and blocks, and formulas latex2mathml cannot read,
    are left as they are."""

    def replace(match: re.Match) -> str:
        if match["code"]:
            return match["code"]
        display = "block" if match["display"] else "inline"
        try:
            return latex_to_mathml(
                (match["display"] or match["inline"]).strip(), display=display
            )
        except Exception:  # noqa: BLE001 (its errors share no base): stays LaTeX
            return match[0]

    return _CODE_OR_MATH.sub(replace, markdown)


class TypesetMath(NbGraderPreprocessor):
    """Formulas that render offline: nbconvert's page typesets LaTeX with MathJax
    from a CDN, so offline a student would read raw LaTeX; MathML needs nothing."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "markdown":
            cell.source = typeset(cell.source)
        return cell, resources


WRAP_CSS = """
/* make grade: long lines of code and output wrap instead of running off the page */
div.output_area pre, div.output_text pre, div.input_area pre,
div.highlight pre, .output_subarea pre {
    white-space: pre-wrap;
    overflow-wrap: anywhere;
}
"""


class WrapLongLines(NbGraderPreprocessor):
    """Add a style that wraps long lines of code and output (an error message, a
    long array) to the page; run after CSSHTMLHeaderPreprocessor, which sets the
    page's inline styles."""

    def preprocess(self, nb, resources):
        resources.setdefault("inlining", {}).setdefault("css", []).append(WRAP_CSS)
        return nb, resources


FEEDBACK_PREPROCESSORS = [
    GetGrades,
    MarkPendingGrades,
    HideTestCode,
    ClearHiddenTests,  # nbgrader's feedback would show them otherwise
    TypesetMath,
    CSSHTMLHeaderPreprocessor,
    WrapLongLines,
]
