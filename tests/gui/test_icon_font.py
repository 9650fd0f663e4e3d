"""Issue 18, bundle size: the program draws every icon from one qtawesome font (Font Awesome 6 solid), loads only
that font, and the bundle carries only that font (scripts/bundle_fonts.icon_font_datas, build.spec)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import qtawesome

from dutyroom.ui import theme

ROOT = Path(__file__).resolve().parents[2]


def test_every_icon_name_in_the_program_is_from_the_one_font():
    names = set()
    for path in (ROOT / "dutyroom").rglob("*.py"):
        names |= set(re.findall(r"[\"']((?:fa\d?[a-z]?|mdi\d?|ph|ri|ei|msc)\.[a-z0-9-]+)[\"']", path.read_text("utf-8")))
    assert names, "no icon names found"
    assert {n.split(".")[0] for n in names} == {theme.ICON_FONT}, sorted(n for n in names if not n.startswith("fa6s."))


def test_icons_draw_from_that_font_alone(qapp):
    theme.icon.cache_clear()
    assert not theme.icon("fa6s.bell").isNull()
    assert theme.icon("fa5s.bell").isNull()  # another face is not loaded: the text beside it carries the meaning
    assert Path(qtawesome.__file__).parent / "fonts" == theme._qtawesome_fonts()


def test_a_bundle_without_the_package_finds_the_font_it_carries(qapp, tmp_path, monkeypatch):
    """build.spec carries qtawesome/fonts as data; nothing imports the package, so PyInstaller leaves it out."""
    fonts = tmp_path / "qtawesome" / "fonts"
    fonts.mkdir(parents=True)
    for name in (theme._FA6S_FONT, theme._FA6S_CHARMAP):
        (fonts / name).write_bytes((Path(qtawesome.__file__).parent / "fonts" / name).read_bytes())
    monkeypatch.setattr(theme.importlib.util, "find_spec", lambda _name: None)
    monkeypatch.setattr(theme, "resource_root", lambda: tmp_path)
    assert theme._qtawesome_fonts() == fonts


def test_the_bundle_carries_only_that_font():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import bundle_fonts
    finally:
        sys.path.pop(0)
    files = sorted(Path(src).name for src, dest in bundle_fonts.icon_font_datas())
    assert files == ["fontawesome6-solid-webfont-6.7.2.ttf", "fontawesome6-solid-webfont-charmap-6.7.2.json"]
    assert all(dest == "qtawesome/fonts" for _src, dest in bundle_fonts.icon_font_datas())
    assert (ROOT / "resources" / "licenses" / "FontAwesome-fonts-OFL-1.1.txt").is_file()  # its licences ship
    assert (ROOT / "resources" / "licenses" / "FontAwesome-icons-CC-BY-4.0.txt").is_file()
