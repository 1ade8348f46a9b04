"""Lessons 06-08, whose numbers come from trained networks, print the same checked
outputs on another CPU: here simulated with oneDNN held to another instruction set
(ONEDNN_MAX_CPU_ISA=AVX2, which changes float32 sums in their last digits) and one
thread (which changes the order of additions)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # lessons re-run under other CPU settings

ROOT = Path(__file__).resolve().parents[1]
LESSONS = [
    "06-pretrained-classification",
    "07-transfer-learning",
    "08-what-networks-learn",
]


@pytest.mark.parametrize("lesson", LESSONS)
def test_checked_outputs_hold_with_avx2_and_one_thread(lesson):
    """Does the lesson pass nbval (its NBVAL_CHECK_OUTPUT cells) on other kernels?"""
    environment = {**os.environ, "ONEDNN_MAX_CPU_ISA": "AVX2", "OMP_NUM_THREADS": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "0", "-q",
         f"notebooks/{lesson}.ipynb"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
