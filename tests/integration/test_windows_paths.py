"""Issue 18: the code paths that differ on Windows, exercised here by pretending to be Windows — the office fonts
of %WINDIR%\\Fonts (and the per-user font folder) come first, the bundle's open fonts are the fallback, and the
bundle build can be given the open font files on a machine that has no Debian packages."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from dutyroom.reports import fonts

OPEN_SONG = Path("/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf")
needs_song = pytest.mark.skipif(not OPEN_SONG.is_file(), reason="the open 宋 font (fonts-arphic-gbsn00lp) is missing")


@pytest.fixture
def windows(monkeypatch, tmp_path):
    """A Windows machine: WINDIR with a Fonts folder, LOCALAPPDATA with the per-user one, no fontconfig."""
    system, user = tmp_path / "Windows" / "Fonts", tmp_path / "Local" / "Microsoft" / "Windows" / "Fonts"
    system.mkdir(parents=True)
    user.mkdir(parents=True)
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("WINDIR", str(tmp_path / "Windows"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    monkeypatch.setattr(fonts.shutil, "which", lambda name: None)  # no fc-list on Windows
    monkeypatch.setattr(fonts, "_fc_memo", {})
    fonts.configure({})  # clears the resolution cache
    yield system, user
    fonts.configure({})


def test_windows_font_folders_are_searched(windows):
    system, user = windows
    assert fonts._font_dirs() == [system, user]


@needs_song
def test_the_office_fangsong_in_the_windows_fonts_folder_is_used(windows):
    system, _ = windows
    shutil.copy(OPEN_SONG, system / "SIMFANG.TTF")  # stands in for the office 仿宋 (same TrueType format)
    found = fonts.resolve("fangsong")
    assert Path(found.path) == system / "SIMFANG.TTF"
    assert (found.source, found.substitute) == ("system", False)


@needs_song
def test_a_font_installed_for_one_user_only_is_found_too(windows):
    _, user = windows
    shutil.copy(OPEN_SONG, user / "simsun.ttc")
    assert Path(fonts.resolve("songti").path) == user / "simsun.ttc"


def test_without_office_fonts_the_open_fonts_are_the_substitute(windows):
    found = fonts.resolve("fangsong")
    assert found.source == "open" and found.substitute


def test_the_bundle_build_takes_the_font_files_from_a_folder_on_windows(monkeypatch, tmp_path):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
    try:
        import bundle_fonts
    finally:
        sys.path.pop(0)
    for name, (package, licences) in bundle_fonts.FONTS.items():
        (tmp_path / name).write_bytes(b"font")
        (tmp_path / "licenses" / package).mkdir(parents=True)
        (tmp_path / "licenses" / package / licences[0]).write_text("licence text", encoding="utf-8")
    monkeypatch.setenv("DUTYROOM_BUNDLE_FONTS_DIR", str(tmp_path))
    monkeypatch.setattr(bundle_fonts, "SYSTEM_DIRS", [])
    monkeypatch.setattr(bundle_fonts, "DOC_DIR", tmp_path / "no-debian-docs")  # a Windows build machine
    datas = bundle_fonts.font_datas()
    assert {Path(src).name for src, dest in datas if dest == "resources/fonts"} == set(bundle_fonts.FONTS)
    # each font goes with its licence text, taken from the folder
    assert {dest for src, dest in datas if dest.startswith("resources/fonts/licenses/")} == {
        f"resources/fonts/licenses/{package}" for package, _ in bundle_fonts.FONTS.values()}
    assert all(src.startswith(str(tmp_path)) for src, _ in datas)
    (tmp_path / "licenses" / "fonts-wqy-microhei" / "copyright").unlink()  # a font without its licence is refused
    with pytest.raises(SystemExit, match=r"licence of wqy-microhei\.ttc"):
        bundle_fonts.font_datas()
