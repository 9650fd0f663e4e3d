"""Signing in on the command line from a test: `--user NAME --password-file FILE` (issue 17, finding 5)."""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

from dutyroom.services.demo import DEMO_PASSWORD

_files = itertools.count(1)


def as_user(username: str, password: str = DEMO_PASSWORD, folder: Path | None = None) -> list[str]:
    """The CLI arguments that sign `username` in: the password is written to a private file (0600)."""
    folder = Path(folder or tempfile.mkdtemp(prefix="dutyroom-cli-"))
    path = folder / f"password-{next(_files)}.txt"
    path.write_text(password + "\n", encoding="utf-8")
    path.chmod(0o600)
    return ["--user", username, "--password-file", str(path)]
