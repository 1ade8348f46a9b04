"""Does the grading sandbox keep a student's kernel in its box?

Each test runs a small command through ``python -m instructor.grading.sandbox`` (the
launcher every graded kernel starts through) in a folder of its own.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from instructor import ROOT
from instructor.grading import sandbox


def boxed(folder: Path, code: str, *args: str, timeout: int = 60):
    """Run Python ``code`` in the sandbox, working in ``folder``."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "instructor.grading.sandbox",
            *args,
            "--",
            sys.executable,
            "-c",
            code,
        ],
        cwd=folder,
        env=sandbox.launcher_environment(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def box(tmp_path):
    folder = tmp_path / "box"
    folder.mkdir()
    return folder


def test_sandbox_is_available_here():
    sandbox.check_available()


def test_own_folder_is_writable_and_the_rest_read_only(box):
    outside = ROOT / "written-from-the-sandbox.txt"
    result = boxed(
        box,
        f"""
open("mine.txt", "w").write("ok")
try:
    open({str(outside)!r}, "w").write("escaped")
except OSError as error:
    print("outside:", type(error).__name__)
""",
    )
    assert (box / "mine.txt").read_text() == "ok"
    assert not outside.exists(), "wrote outside its folder"
    assert "outside:" in result.stdout, result.stderr


def test_hidden_paths_cannot_be_read_even_by_name(box, tmp_path):
    secret = tmp_path / "source"
    secret.mkdir()
    (secret / "answers.txt").write_text("42")
    gradebook = tmp_path / "gradebook.db"
    gradebook.write_text("hidden tests")
    code = f"""
import os
for path in [{str(secret / "answers.txt")!r}, {str(gradebook)!r}]:
    try:
        print(repr(open(path).read()))
    except OSError as error:
        print("blocked", type(error).__name__)
try:
    print(os.listdir({str(secret)!r}))
except OSError as error:
    print("blocked", type(error).__name__)
"""
    result = boxed(box, code, "--hide", str(secret), "--hide", str(gradebook))
    assert "42" not in result.stdout and "hidden tests" not in result.stdout
    assert result.stdout.count("blocked") + result.stdout.count("''") == 3, result


def test_no_network(box):
    result = boxed(
        box,
        """
import socket
try:
    socket.create_connection(("1.1.1.1", 80), timeout=3)
    print("CONNECTED")
except OSError as error:
    print("no network", type(error).__name__)
""",
    )
    assert "no network" in result.stdout, result.stderr


def test_memory_cap_raises_memory_error(box):
    result = boxed(
        box,
        """
try:
    hog = bytearray(3 * 2**30)
    print("ALLOCATED")
except MemoryError:
    print("MemoryError")
""",
        "--memory-mb",
        "1024",
    )
    assert result.stdout.strip() == "MemoryError", result


def test_no_capabilities_left_to_undo_the_box(box):
    result = boxed(
        box,
        """
import subprocess
print(subprocess.run(["umount", "/tmp"], capture_output=True).returncode)
""",
    )
    assert result.stdout.strip() not in ("", "0"), result


def test_processes_left_behind_die_with_the_kernel(box):
    marker = "sleep 976.5"
    boxed(
        box,
        f"""
import subprocess
subprocess.Popen({marker.split()!r}, start_new_session=True)
print("started")
""",
    )
    time.sleep(0.5)
    result = subprocess.run(["pgrep", "-f", marker], capture_output=True)
    assert result.returncode == 1, result.stdout


def test_sees_only_its_own_processes(box):
    result = boxed(
        box, "import os; print(len([p for p in os.listdir('/proc') if p.isdigit()]))"
    )
    assert 0 < int(result.stdout) <= 3, result


def test_refuses_to_keep_a_folder_that_holds_hidden_paths(tmp_path):
    (tmp_path / "source").mkdir()
    result = boxed(tmp_path, "print('ran')", "--hide", str(tmp_path / "source"))
    assert "ran" not in result.stdout
    assert "holds hidden paths" in result.stderr


def test_kernelspec_starts_ipykernel_through_the_sandbox(tmp_path):
    folder = sandbox.kernelspec(tmp_path, memory_mb=512, hide=[tmp_path / "x"])
    spec = (folder / "kernels" / "sandboxed-python" / "kernel.json").read_text()
    assert '"instructor.grading.sandbox"' in spec and '"ipykernel_launcher"' in spec
    assert '"512"' in spec and str(tmp_path / "x") in spec
    assert '"PYTHONPATH"' in spec
