"""Reading our PDFs back the way a checker would: poppler's pdftotext / pdffonts / pdfinfo."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest


def _tool(name: str) -> str:
    exe = shutil.which(name)
    if exe is None:
        pytest.skip(f"{name} (poppler-utils) is not installed")
    return exe


def pdf_text(path: Path, *, layout: bool = False, page: int | None = None) -> str:
    args = [_tool("pdftotext"), "-enc", "UTF-8"]
    if layout:
        args.append("-layout")
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return subprocess.run([*args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_fonts(path: Path) -> list[dict[str, str]]:
    out = subprocess.run([_tool("pdffonts"), str(path)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        # name type... encoding emb sub uni objectID gen
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return rows


def pdf_info(path: Path) -> dict[str, str]:
    out = subprocess.run([_tool("pdfinfo"), str(path)], capture_output=True, text=True, check=True).stdout
    info = {}
    for line in out.splitlines():
        key, _, value = line.partition(":")
        info[key.strip()] = value.strip()
    return info


def assert_fonts_embedded_subsets(path: Path) -> None:
    fonts = pdf_fonts(path)
    assert fonts, "no fonts in the PDF"
    for f in fonts:
        assert (f["emb"], f["sub"], f["uni"]) == ("yes", "yes", "yes"), f
        assert f["name"][6] == "+", f  # subset tag ABCDEF+Name
