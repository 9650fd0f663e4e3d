"""The gazettes the profiles were transcribed from (tests/data/seeds/*.txt)."""

from pathlib import Path

SEEDS = Path(__file__).resolve().parents[1] / "data" / "seeds"


def seed_lines(name: str) -> list[str]:
    return (SEEDS / name).read_text(encoding="utf-8").splitlines()
