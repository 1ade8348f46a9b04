"""Class-scale grading with nbgrader (`make grade`), one module per role.

- ``run``: the command behind `make grade`: intake, a pool of workers, the records
  and the tables; a killed run resumes where it stopped.
- ``worker``: grades one submission in a worker process with nbgrader's autograder,
  its kernel sandboxed, and stores the scores.
- ``preprocessors``: the feedback pages' preprocessors (no hidden test, pending
  grades, formulas, wrapped lines), also used by plain nbgrader through
  nbgrader_config.py.
- ``intake``: reads submissions as students hand them in, repaired where a correct
  answer should not lose points.
- ``integrity``: flags for a person and the watch on the tests; ``monitor`` is the
  part that runs inside the student's kernel.
- ``report``: grades.csv, scores.png and report.md.
- ``sandbox``: the kernel's box (``sandbox-setup.sh`` is its shell part).
- ``trial``: a throwaway course, for the tests and the benchmark.
"""
