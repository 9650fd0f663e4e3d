"""Seat A for the kill test: replaces the live file in place with an (already checked) backup when told "go" on
stdin; the test kills it with SIGKILL at a random instant of that replacement."""

import sys
from pathlib import Path

from dutyroom.store.backup import replace_in_place


def main(source: str, target: str, safety: str, step_pages: int) -> None:
    print("ready", flush=True)
    sys.stdin.readline()
    replace_in_place(Path(source), Path(target), Path(safety), step_pages=step_pages)
    print("done", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
