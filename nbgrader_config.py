"""nbgrader settings for the course; nbgrader reads this file from its working dir."""

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
