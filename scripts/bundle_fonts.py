"""The open CJK fonts the bundle carries (found where Debian's packages put them on the build machine) and
their licence texts; used by build.spec. On Windows the office fonts of every PC are used and nothing is
carried unless the files are given in DUTYROOM_BUNDLE_FONTS_DIR (same names; the licence texts in its
licenses/<Debian package>/ folder, e.g. licenses/fonts-wqy-microhei/copyright)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

# file → (Debian package, licence file(s) in /usr/share/doc/<package>)
FONTS = {
    "gbsn00lp.ttf": ("fonts-arphic-gbsn00lp", ("copyright", "license")),   # AR PL SungtiL GB — Arphic Public License
    "gkai00mp.ttf": ("fonts-arphic-gkai00mp", ("copyright", "license")),   # AR PL KaitiM GB — Arphic Public License
    "wqy-microhei.ttc": ("fonts-wqy-microhei", ("copyright",)),            # Apache-2.0 or GPLv3 (font exception)
}
DOC_DIR = Path("/usr/share/doc")  # where Debian puts each package's copyright file
SYSTEM_DIRS = [Path("/usr/share/fonts/truetype/arphic-gbsn00lp"), Path("/usr/share/fonts/truetype/arphic-gkai00mp"),
               Path("/usr/share/fonts/truetype/wqy")]


def _find(name: str) -> Path | None:
    extra = os.environ.get("DUTYROOM_BUNDLE_FONTS_DIR")
    for folder in ([Path(extra)] if extra else []) + SYSTEM_DIRS:
        if (folder / name).is_file():
            return folder / name
    return None


def font_datas() -> list[tuple[str, str]]:
    """(source, folder in the bundle) pairs: resources/fonts/<file> and resources/fonts/licenses/<package>.*"""
    out = []
    if sys.platform == "win32" and not os.environ.get("DUTYROOM_BUNDLE_FONTS_DIR"):
        return out  # every Windows PC has 宋体/黑体/楷体/仿宋 in %WINDIR%\Fonts: nothing to carry unless asked
    for name, (package, licences) in FONTS.items():
        path = _find(name)
        if path is None:
            raise SystemExit(f"bundle: font {name} not found (install {package}, or set DUTYROOM_BUNDLE_FONTS_DIR)")
        out.append((str(path), "resources/fonts"))
        found = [doc for doc in (_licence(package, lic) for lic in licences) if doc is not None]
        if not found:  # a font is never carried without its licence text
            raise SystemExit(f"bundle: the licence of {name} was not found ({DOC_DIR}/{package}/ or "
                             f"DUTYROOM_BUNDLE_FONTS_DIR/licenses/{package}/: {', '.join(licences)})")
        out += [(str(doc), f"resources/fonts/licenses/{package}") for doc in found]
    return out


def _licence(package: str, name: str) -> Path | None:
    """The licence file as Debian installs it, or under DUTYROOM_BUNDLE_FONTS_DIR/licenses/<package>/ (Windows)."""
    extra = os.environ.get("DUTYROOM_BUNDLE_FONTS_DIR")
    for doc in [DOC_DIR / package / name, *([Path(extra) / "licenses" / package / name] if extra else [])]:
        if doc.is_file():
            return doc
    return None


ICON_FONT_FILES = ("fontawesome6-solid-webfont-",)  # the one qtawesome font the program loads (ui/theme.ICON_FONT)


def icon_font_datas() -> list[tuple[str, str]]:
    """qtawesome's data files without the eleven icon fonts the program never loads (5.5 MB): only Font Awesome 6
    solid and its charmap (the licences are in resources/licenses/, carried with resources/)."""
    import importlib.util

    spec = importlib.util.find_spec("qtawesome")
    if spec is None or not spec.origin:
        raise SystemExit("bundle: qtawesome is not installed (requirements.txt)")
    fonts = Path(spec.origin).parent / "fonts"
    out = [(str(p), "qtawesome/fonts") for p in sorted(fonts.iterdir()) if p.name.startswith(ICON_FONT_FILES)]
    if len(out) != 2:
        raise SystemExit(f"bundle: expected the Font Awesome 6 solid font and its charmap in {fonts}, found {out}")
    return out
