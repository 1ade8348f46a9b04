"""nbgrader settings for the course; nbgrader reads this file from its working dir."""

import sys
from pathlib import Path

c = get_config()  # noqa: F821 (nbgrader provides get_config)

c.CourseDirectory.course_id = "cnn-building-blocks"
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"

# Every released notebook starts with the submission instructions.
c.IncludeHeaderFooter.header = "source/header.ipynb"

c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Seconds a single cell may run while validating or autograding.
c.Execute.timeout = 60

# A test cell a student deleted is put back (and run) instead of leaving the
# notebook waiting for manual grading.
c.OverwriteCells.add_missing_cells = True

# Feedback without hidden tests or test code, on every path: plain
# `nbgrader generate_feedback`, Formgrader's "Generate Feedback" button (both run
# nbgrader's GenerateFeedback with this file) and `make grade`. nbgrader's default
# (GetGrades, CSSHTMLHeaderPreprocessor) would show every hidden test to every
# student. The preprocessors live in instructor/grading/preprocessors.py: this
# folder's copy when it has one (the course root), else the installed package.
_here = str(Path(__file__).resolve().parent)
if (Path(_here) / "instructor").is_dir() and _here not in sys.path:
    sys.path.insert(0, _here)
from instructor.grading.preprocessors import FEEDBACK_PREPROCESSORS  # noqa: E402 (sys.path first)

c.GenerateFeedback.preprocessors = FEEDBACK_PREPROCESSORS

# Students hand in through the LMS (`make grade ... EXPORT=folder`), not through
# nbgrader's exchange; a course-local, git-ignored exchange folder keeps Formgrader
# from reporting /usr/local/share/nbgrader/exchange missing. nbgrader wants it to
# exist already.
c.Exchange.root = str(Path(_here) / "exchange")
(Path(_here) / "exchange").mkdir(exist_ok=True)
