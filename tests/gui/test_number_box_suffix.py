"""A count box whose own suffix is a unit (' 位' for a password length, ' 人' for people) read the suffix as a
typed unit, stripped it and crashed Qt (segmentation fault). Run in a child so a crash fails this test only."""

import os
import subprocess
import sys
from pathlib import Path

from tests.helpers.children import CHILDREN

ROOT = Path(__file__).resolve().parents[2]


def test_a_unit_suffix_keeps_the_box_alive_and_reads_the_number():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, str(CHILDREN / "number_box_suffix.py")], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    lines = [line.split(" ", 3) for line in done.stdout.splitlines()]
    assert [(unit, typed, full) for unit, typed, full, _text in lines] == [
        ("位", "12", "3"), ("人", "12", "3"), ("人次", "12", "3")]
    assert [text for *_rest, text in lines] == ["3 位", "3 人", "3人次"]
