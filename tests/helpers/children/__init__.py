"""Scripts the tests run as child processes (`python CHILDREN / "name.py" ...`, with the repository on PYTHONPATH)."""

from pathlib import Path

CHILDREN = Path(__file__).resolve().parent
