"""Instructor tooling: building releases, executing lessons. Students never need it."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
