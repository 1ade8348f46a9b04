"""What a grading run hands the instructor: a grade table, a figure, a report."""

from __future__ import annotations

import collections
import csv
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def write(folder: Path, assignment: str, run) -> None:
    """grades.csv, scores.png and report.md for a grading run (``grade.Run``)."""
    folder.mkdir(parents=True, exist_ok=True)
    cells = list(dict.fromkeys(cell for s in run.scores.values() for cell in s))
    graded = {s: run.scores[s] for s, r in run.records.items() if r and s in run.scores}
    _table(folder / "grades.csv", run.records, graded, cells)
    _figure(folder / "scores.png", assignment, graded, cells)
    _report(folder / "report.md", assignment, run.records, _waiting(graded))


PENDING = "pending"  # a cell a person has yet to grade, in grades.csv


def _waiting(scores_of) -> dict[str, list[str]]:
    """student -> the graded cells that wait for a person (score None)."""
    waiting = {
        student: [cell for cell, (score, _) in scores.items() if score is None]
        for student, scores in sorted(scores_of.items())
    }
    return {student: cells for student, cells in waiting.items() if cells}


def _table(path: Path, records, scores_of, cells) -> None:
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(
            [
                "student",
                "status",
                "total",
                "total so far",
                "max",
                *cells,
                "review",
                "flags",
            ]
        )
        for student, record in sorted(records.items()):
            if record is None or student not in scores_of:
                writer.writerow(
                    [student, "not graded yet", "", "", "", *[""] * len(cells), "", ""]
                )
                continue
            scores = scores_of[student]
            so_far = sum(score or 0 for score, _ in scores.values())
            waiting = [c for c, (score, _) in scores.items() if score is None]
            maximum = sum(top for _, top in scores.values())
            writer.writerow(
                [
                    student,
                    record["status"],
                    PENDING if waiting else _number(so_far),
                    _number(so_far),
                    _number(maximum),
                    *[_cell(scores[c][0]) if c in scores else "" for c in cells],
                    _review(record, waiting),
                    " | ".join(record["flags"]),
                ]
            )


def _review(record: dict, waiting: list[str] = ()) -> str:
    """What a person must do with a submission: grade it, look at it, or nothing."""
    if record.get("zeroed"):
        return "grade by hand (scores set to zero)"
    todo = [f"grade written answers: {', '.join(waiting)}"] if waiting else []
    if record["flags"]:
        todo.append("worth a look")
    return "; ".join(todo)


def _number(value: float) -> str:
    return f"{value:g}"


def _cell(score: float | None) -> str:
    return PENDING if score is None else _number(score)


def _figure(path: Path, assignment: str, scores_of, cells) -> None:
    """One box per graded cell: the spread of the class's scores, as % of its points."""
    graded = list(scores_of.values())
    fig, ax = plt.subplots(
        figsize=(max(6, 0.7 * len(cells) + 2), 4), layout="constrained"
    )
    shares = [  # a cell waiting for a person (score None) is left out, not a 0
        [
            100 * s[c][0] / s[c][1]
            for s in graded
            if c in s and s[c][1] and s[c][0] is not None
        ]
        for c in cells
    ]
    waiting = [sum(c in s and s[c][0] is None for s in graded) for c in cells]
    labels = [f"{c} ({n} not graded yet)" if n else c for c, n in zip(cells, waiting)]
    if cells:
        ax.boxplot([values or [float("nan")] for values in shares], showmeans=True)
        for position, values in enumerate(shares, start=1):
            ax.scatter([position] * len(values), values, s=10, alpha=0.4, color="C0")
        ax.set_xticks(range(1, len(cells) + 1), labels, rotation=45, ha="right")
    ax.set_ylim(-5, 105)
    ax.set_ylabel("score (% of the cell's points)")
    ax.set_xlabel(
        "graded cell (box: middle half, line: median, triangle: mean, dots: students)"
    )
    ax.set_title(f"{assignment}: scores of {len(graded)} submissions per graded cell")
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _flag_list(flagged: dict[str, list[str]], empty: str) -> list[str]:
    lines = [] if flagged else [empty]
    for student, flags in flagged.items():
        lines.append(f"- **{student}**")
        lines += [f"  - {flag}" for flag in flags]
    return lines


def _report(path: Path, assignment: str, records, waiting=None) -> None:
    graded = {s: r for s, r in records.items() if r}
    lines = [f"# Grading report: {assignment}", ""]
    lines.append(
        f"{len(graded)} of {len(records)} submissions graded; "
        f"{sum(r['status'] == 'failed' for r in graded.values())} could not be run."
    )
    pending = sorted(s for s, r in records.items() if r is None)
    if pending:
        lines.append(f"Not graded yet (run again): {', '.join(pending)}.")
    lines += ["", "## Written answers to grade", ""]
    if waiting:
        lines += [
            (
                "Grade them in Formgrader (Manual Grading), then run `make grade` "
                "again: it rebuilds these students' feedback and this report "
                "without running their notebooks again."
            ),
            "",
        ]
        lines += [f"- **{s}**: {', '.join(cells)}" for s, cells in waiting.items()]
    else:
        lines.append("None waiting.")
    zeroed = {s: r["flags"] for s, r in sorted(graded.items()) if r.get("zeroed")}
    lines += ["", "## Scores set to zero: a person must grade these", ""]
    lines += _flag_list(zeroed, "None.")
    lines += ["", "## Worth a look (scores kept)", ""]
    looks = {
        s: r["flags"]
        for s, r in sorted(graded.items())
        if r["flags"] and s not in zeroed
    }
    lines += _flag_list(looks, "Nothing flagged.")
    lines += ["", "## Tests that failed after the submission rebound a setup name", ""]
    rebound = [
        (student, cell, note)
        for student, r in sorted(graded.items())
        for cell, note in r.get("rebound", [])
    ]
    if not rebound:
        lines.append("None.")
    lines += [
        f"- **{student}**, {cell}: {note} (not necessarily a wrong answer)"
        for student, cell, note in rebound
    ]
    lines += ["", "## Most common mistakes the checks named", ""]
    counts = collections.Counter(
        (cell, mistake) for r in graded.values() for cell, mistake in r["mistakes"]
    )
    if not counts:
        lines.append("None named.")
    else:
        lines += ["| students | test cell | likely mistake |", "|---|---|---|"]
        for (cell, mistake), count in counts.most_common(15):
            lines.append(f"| {count} | {cell} | {mistake.replace('|', '/')} |")
    path.write_text("\n".join(lines) + "\n")
