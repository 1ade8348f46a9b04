"""Start a student's kernel in a sandbox: what it may see, write, reach and use.

    python -m instructor.grading.sandbox [--memory-mb N] [--hide PATH ...] -- COMMAND

The grader names this module in the kernelspec it gives nbgrader (see
``kernelspec``), so every submission's kernel starts through it. The kernel gets:

- its own user, mount, PID and network namespaces (util-linux ``unshare``, no root
  needed where unprivileged user namespaces are allowed): no network at all; it sees
  only its own processes, and every process it leaves behind dies with it;
- a read-only view of the whole file system, fresh empty ``/tmp`` and ``/dev/shm``,
  and each ``--hide`` path covered (source/, gradebook.db, the other submissions):
  only its own working directory and its connection files stay visible and writable;
- no capabilities (it cannot undo any of this) and resource limits: a memory cap
  (``RLIMIT_DATA``: an allocation past it raises MemoryError in the student's cell),
  a file-size cap, and no core dumps;
- death with its parent: if the grader is killed, so is the kernel.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from instructor import ROOT

UNSHARE = [
    "unshare",
    "--user",
    "--map-root-user",
    "--mount",
    "--net",
    "--pid",
    "--fork",
    "--kill-child",
    "--mount-proc",
]
MAX_FILE_BYTES = 256 * 2**20
# The folder holding helpers/ (an editable install imports it from there).
COURSE_PACKAGE = ROOT
SCRATCH_MB = 512  # size of the kernel's fresh /tmp

# The set-up run as root of the new namespaces: sandbox-setup.sh, beside this file.
SETUP = Path(__file__).with_name("sandbox-setup.sh")


class SandboxUnavailable(RuntimeError):
    """This machine cannot start the sandbox (no unshare, or user namespaces off)."""


def check_available() -> None:
    """Start a trivial command in the sandbox; raise SandboxUnavailable if it fails."""
    if shutil.which("unshare") is None or shutil.which("setpriv") is None:
        raise SandboxUnavailable(
            "the grading sandbox needs util-linux's `unshare` and `setpriv` "
            "(Debian/Ubuntu: apt-get install util-linux)"
        )
    result = subprocess.run(
        [sys.executable, "-m", "instructor.grading.sandbox", "--", "true"],
        capture_output=True,
        text=True,
        cwd=Path.cwd(),
        env=launcher_environment(),
    )
    if result.returncode != 0:
        raise SandboxUnavailable(
            "the grading sandbox could not start (are unprivileged user namespaces "
            "disabled? `sysctl kernel.unprivileged_userns_clone=1` allows them): "
            + result.stderr.strip()
        )


def launcher_environment() -> dict[str, str]:
    """The environment in which ``python -m instructor.grading.sandbox`` imports."""
    root = str(COURSE_PACKAGE)
    path = os.environ.get("PYTHONPATH")
    return dict(os.environ, PYTHONPATH=f"{root}{os.pathsep}{path}" if path else root)


def kernelspec(folder: Path, *, memory_mb: int, hide: list[Path]) -> Path:
    """Write a kernelspec named ``sandboxed-python`` into ``folder``/kernels.

    Its kernel is this Python's ipykernel started through the sandbox. Returns the
    kernels folder's parent, for ``JUPYTER_PATH``.
    """
    spec = folder / "kernels" / "sandboxed-python"
    spec.mkdir(parents=True, exist_ok=True)
    argv = [
        sys.executable,
        "-m",
        "instructor.grading.sandbox",
        "--memory-mb",
        str(memory_mb),
    ]
    for path in hide:
        argv += ["--hide", str(path)]
    argv += [
        "--",
        sys.executable,
        "-m",
        "ipykernel_launcher",
        "-f",
        "{connection_file}",
    ]
    env = {"PYTHONPATH": launcher_environment()["PYTHONPATH"]}
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": argv,
                "display_name": "Python 3 (grading sandbox)",
                "language": "python",
                "env": env,
            },
            indent=1,
        )
    )
    return folder


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this process (and what it execs) when its parent dies."""
    PR_SET_PDEATHSIG = 1
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _limit_resources(memory_mb: int) -> None:
    memory = memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
    resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_FILE_BYTES, MAX_FILE_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _connection_folder(command: list[str]) -> list[Path]:
    """The folder of the kernel's connection file (``-f FILE``), if any."""
    if "-f" in command[:-1]:
        return [Path(command[command.index("-f") + 1]).resolve().parent]
    return []


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memory-mb", type=int, default=4096)
    parser.add_argument("--hide", action="append", default=[], type=Path)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to run after --")

    _die_with_parent()
    _limit_resources(args.memory_mb)
    cwd = Path.cwd()
    keep = sorted({str(cwd), *map(str, _connection_folder(command))})
    hidden = [str(path.resolve()) for path in args.hide]
    for folder in keep:
        if folder in ("/", "/tmp") or any(h.startswith(folder + "/") for h in hidden):
            raise SystemExit(
                f"sandbox: {folder} would stay visible and it holds hidden paths; "
                "start the kernel in a folder of its own"
            )
    readable = [str(Path(sys.prefix).resolve()), str(COURSE_PACKAGE)]
    script = ["sh", str(SETUP), *keep, "--", *hidden, "--"]
    script += [*readable, "--"]
    os.environ["SANDBOX_CWD"] = str(cwd)
    os.environ["SANDBOX_SCRATCH_MB"] = str(SCRATCH_MB)
    os.execvp(UNSHARE[0], [*UNSHARE, "--", *script, *command])


if __name__ == "__main__":
    main()
