"""Writing an output file so that it is either whole or absent."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def replace_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """`write(tmp)` to `path`.part, then move it onto `path`; when writing fails (disk full, file-size limit) the
    .part file is removed — no 0-byte or half-written file is left beside the old one (issue 17)."""
    tmp = path.with_name(path.name + ".part")
    try:
        write(tmp)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
