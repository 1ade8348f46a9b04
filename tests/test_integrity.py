"""Does the grader name a test failure caused by a rebound setup name as such?"""

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from instructor.grading import integrity, report

SETUP = (
    "import numpy as np\nimport torch.nn.functional as F\nfrom helpers import images\n"
)


def cell(source, grade_id, **flags):
    return new_code_cell(source, metadata={"nbgrader": {"grade_id": grade_id, **flags}})


def error(*frames, message="'numpy.ndarray' object has no attribute 'max_pool2d'"):
    return new_output(
        "error",
        ename="AttributeError",
        evalue=message,
        traceback=[*frames, f"\x1b[31mAttributeError\x1b[0m: {message}"],
    )


def graded(answer, *frames):
    """A graded notebook: setup, one answer cell, a test cell that failed."""
    test = cell("_check_pool(max_pool2d)", "test_max_pool2d", grade=True, points=1)
    test.outputs = [error(*frames)]
    return new_notebook(
        cells=[
            cell(SETUP, "setup", locked=True),
            cell(answer, "max_pool2d", solution=True),
            test,
        ]
    )


ANSWER = """
F = np.array([[1., 3], [4, 2]])  # the lesson's map, to try the function
def max_pool2d(feature_map, size, stride=None):
    pooled = F.max_pool2d(torch.tensor(feature_map)[None, None], size, stride)
    return pooled[0, 0].numpy()
"""
STUDENT_FRAME = (
    "Cell In[4], line 4, in max_pool2d\n----> 4 return \x1b[43mF\x1b[0m.max_pool2d("
)


def test_setup_modules_maps_each_name_to_its_module():
    nb = new_notebook(cells=[cell(SETUP, "setup", locked=True)])
    assert integrity.setup_modules(nb) == {
        "np": "numpy",
        "F": "torch.nn.functional",
        "images": "helpers.images",
    }


def test_a_failure_in_code_that_uses_a_rebound_name_is_explained():
    nb = graded(ANSWER, STUDENT_FRAME)
    integrity.explain_rebound_names(nb)
    output = nb.cells[2].outputs[0]
    assert output.evalue.startswith(
        "Not necessarily a wrong answer: `F` is no longer torch.nn.functional: "
        "max_pool2d assigned `F = np.array([[1.0, 3], [4, 2]])`, so code that uses "
        "`F` gets that value. Give your variable another name"
    )
    assert output.evalue.endswith("object has no attribute 'max_pool2d'")
    assert integrity.rebound_names(nb) == [
        ("test_max_pool2d", integrity.REBOUND.search(output.evalue).group(1))
    ]
    assert integrity.mistakes(nb) == []  # not reported as a named mistake


def test_no_note_when_the_failing_code_does_not_use_the_name():
    nb = graded(ANSWER, "Cell In[5], line 2\n----> 2 _check_pool(max_pool2d)")
    integrity.explain_rebound_names(nb)
    assert not nb.cells[2].outputs[0].evalue.startswith("Not necessarily")
    assert integrity.rebound_names(nb) == []


def test_reimporting_the_same_module_or_a_private_name_is_no_rebinding():
    answer = (
        "import torch.nn.functional as F\n_F = 3\nnp_values = [1]\n"
        + ANSWER.split("\n", 2)[2]
    )
    nb = graded(answer, STUDENT_FRAME)
    integrity.explain_rebound_names(nb)
    assert integrity.rebound_names(nb) == []


def test_the_report_lists_rebound_names_apart_from_mistakes(tmp_path):
    nb = graded(ANSWER, STUDENT_FRAME)
    integrity.explain_rebound_names(nb)
    record = {
        "status": "graded",
        "flags": [],
        "mistakes": integrity.mistakes(nb),
        "rebound": integrity.rebound_names(nb),
    }
    report._report(tmp_path / "report.md", "05", {"ada": record})
    report_text = (tmp_path / "report.md").read_text()
    section = report_text.split("## Tests that failed after the submission rebound")[1]
    assert "- **ada**, test_max_pool2d: `F` is no longer torch.nn.functional" in section
    assert "(not necessarily a wrong answer)" in section
    assert "None named." in report_text.split("## Most common mistakes")[1]


def test_a_graded_notebook_round_trips_with_the_note():
    nb = graded(ANSWER, STUDENT_FRAME)
    integrity.explain_rebound_names(nb)
    again = nbformat.reads(nbformat.writes(nb), as_version=4)
    assert integrity.rebound_names(again) == integrity.rebound_names(nb)


def test_the_report_and_table_separate_zeroed_from_worth_a_look(tmp_path):
    """A person must grade a zeroed submission; a flagged one is worth a look."""
    records = {
        "ada": {"status": "graded", "flags": ["calls get_ipython()"], "mistakes": []},
        "bob": {
            "status": "graded",
            "flags": ["builtins.isinstance was replaced by the submission"],
            "zeroed": True,
            "mistakes": [],
        },
        "cy": {"status": "graded", "flags": [], "mistakes": []},
    }
    report._report(tmp_path / "report.md", "01", records)
    report_text = (tmp_path / "report.md").read_text()
    zeroed, rest = report_text.split(
        "## Scores set to zero: a person must grade these"
    )[1].split("## Worth a look (scores kept)")
    assert "**bob**" in zeroed and "**ada**" not in zeroed
    looks = rest.split("##")[0]
    assert "**ada**" in looks and "**bob**" not in looks and "**cy**" not in looks
    assert [report._review(records[s]) for s in ("ada", "bob", "cy")] == [
        "worth a look",
        "grade by hand (scores set to zero)",
        "",
    ]
