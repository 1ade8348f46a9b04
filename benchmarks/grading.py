"""How much faster is `make grade` than plain, sequential `nbgrader autograde`?

    python benchmarks/grading.py [--submissions 40] [--jobs N]

Grades the same submissions of assignment 01 (right and wrong answers, mixed) both
ways, each in a throwaway course, and prints seconds per submission and the
throughput ratio. It checks that the two give every submission the same scores.
Goal: a ratio of at least 1.8 on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from wrong_submissions import WRONG_SUBMISSIONS  # noqa: E402

from instructor import run_nbgrader, trial  # noqa: E402
from instructor.grading.run import grade, gradebook_scores  # noqa: E402

ASSIGNMENT = "01-convolution-by-hand"


def submit_class(course: Path, count: int) -> None:
    """``count`` submissions: the correct answers, the untouched release and the
    typical mistakes, in turn."""
    answers = trial.answers(course, ASSIGNMENT)
    kinds = [answers, {}] + [answers | c.answers for c in WRONG_SUBMISSIONS[ASSIGNMENT]]
    for i in range(count):
        trial.submit_answers(
            course, ASSIGNMENT, f"student-{i:03d}", kinds[i % len(kinds)]
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        courses = {}
        for way in ("plain", "parallel"):
            courses[way] = trial.make_course(Path(tmp) / way, [ASSIGNMENT])
            submit_class(courses[way], args.submissions)

        start = time.perf_counter()
        run_nbgrader("autograde", ASSIGNMENT, cwd=courses["plain"])
        plain = time.perf_counter() - start

        start = time.perf_counter()
        grade(courses["parallel"], ASSIGNMENT, jobs=args.jobs)
        parallel = time.perf_counter() - start

        agree = gradebook_scores(courses["plain"], ASSIGNMENT) == gradebook_scores(
            courses["parallel"], ASSIGNMENT
        )
    n = args.submissions
    print(f"\n{n} submissions of {ASSIGNMENT}, {os.cpu_count()} cores\n")
    print("| grader | jobs | seconds | s / submission | submissions / min |")
    print("|---|---|---|---|---|")
    print(
        f"| plain `nbgrader autograde` | 1 | {plain:.1f} | {plain / n:.2f} | "
        f"{60 * n / plain:.1f} |"
    )
    print(
        f"| `make grade` (sandboxed) | {args.jobs} | {parallel:.1f} | "
        f"{parallel / n:.2f} | {60 * n / parallel:.1f} |"
    )
    print(f"\nthroughput ratio: {plain / parallel:.2f}x (goal >= 1.8x on 2 cores)")
    print(f"scores agree: {'yes' if agree else 'NO'}")
    if not agree:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
