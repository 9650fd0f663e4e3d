"""Font resolver for official documents (TECH_NOTES.md sections 4.1–4.2).

A document asks for a *role*, not a file:

    xiaobiaosong  title face (方正小标宋)       fangsong  body (仿宋_GB2312 / 仿宋)
    kaiti         楷体 (second-level headings, 签发人 name)
    heiti         黑体 (first-level headings, 密级/紧急程度)
    songti        宋体 (page numbers, tables)

For each role the resolver tries, in order:
  1. a configured path — ``configure({"fangsong": "D:/fonts/FZFSK.TTF"})`` (the app passes the
     ``font.<role>`` settings) or the environment variable ``DUTYROOM_FONT_<ROLE>`` (e.g.
     DUTYROOM_FONT_FANGSONG); a configured path that cannot be used is reported, never skipped silently;
  2. the office fonts installed on the machine, by file name (Windows ``%WINDIR%\\Fonts``: simfang.ttf,
     simsun.ttc, simhei.ttf, simkai.ttf, and the 方正/GB2312 files if present) and by family name through
     fontconfig (``fc-list``) on Linux;
  3. the open fonts the setup installs (fonts-arphic-gbsn00lp 宋, fonts-arphic-gkai00mp 楷,
     fonts-wqy-microhei 黑), or copies bundled under resources/fonts.

There is no open simplified-Chinese 仿宋: ``fangsong`` then falls back to the open 宋 (not 楷, so that the
楷体 second-level headings stay distinguishable from the body), and ``xiaobiaosong`` to 宋 drawn with a
synthetic bold stroke. ``Resolved.substitute`` is True for every fallback and ``substitution_notice()`` gives
the sentence the app shows (never the document).

Fonts are registered as reportlab ``TTFont`` — embedded as subsets; a .ttc gets its subfont index.
OTF/CFF files and fonts whose licence forbids embedding are refused by reportlab; the resolver then tries
the next candidate and remembers why. If nothing is usable, ``FontError`` (a UserError) says which role
is missing and how to configure it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..config import font_path_from_env, lang, resource_root, windows_font_dirs
from ..domain.errors import UserError

ROLES = ("xiaobiaosong", "fangsong", "kaiti", "heiti", "songti")

ROLE_ZH = {"xiaobiaosong": "小标宋", "fangsong": "仿宋", "kaiti": "楷体", "heiti": "黑体", "songti": "宋体"}

# Office fonts by file name (Windows font folder, also looked up in other font folders).
_FILES: dict[str, tuple[tuple[str, int], ...]] = {
    "xiaobiaosong": (("FZXBSJW.TTF", 0), ("fzxbsjw.ttf", 0), ("FZXBSK.TTF", 0), ("方正小标宋简体.ttf", 0)),
    "fangsong": (("FZFSK.TTF", 0), ("仿宋_GB2312.ttf", 0), ("SIMFANG.TTF", 0), ("simfang.ttf", 0)),
    "kaiti": (("FZKTK.TTF", 0), ("楷体_GB2312.ttf", 0), ("SIMKAI.TTF", 0), ("simkai.ttf", 0)),
    "heiti": (("FZHTK.TTF", 0), ("SIMHEI.TTF", 0), ("simhei.ttf", 0)),
    "songti": (("simsun.ttc", 0), ("SIMSUN.TTC", 0), ("FZSSK.TTF", 0)),
}
# Office fonts by family name (fontconfig).
_FAMILIES: dict[str, tuple[str, ...]] = {
    "xiaobiaosong": ("FZXiaoBiaoSong-B05S", "方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05"),
    "fangsong": ("FangSong_GB2312", "仿宋_GB2312", "FangSong", "仿宋", "FZFangSong-Z02S", "方正仿宋简体"),
    "kaiti": ("KaiTi_GB2312", "楷体_GB2312", "KaiTi", "楷体", "FZKai-Z03S", "方正楷体简体"),
    "heiti": ("SimHei", "黑体", "FZHei-B01S", "方正黑体简体"),
    "songti": ("SimSun", "宋体", "FZShuSong-Z01S", "方正书宋简体"),
}
# Open fonts: (file name, subfont index, family for fontconfig, look).
_OPEN = {
    "song": ("gbsn00lp.ttf", 0, "AR PL SungtiL GB"),
    "kai": ("gkai00mp.ttf", 0, "AR PL KaitiM GB"),
    "hei": ("wqy-microhei.ttc", 0, "WenQuanYi Micro Hei"),
    "hei2": ("wqy-zenhei.ttc", 0, "WenQuanYi Zen Hei"),
    "ming": ("uming.ttc", 0, "AR PL UMing CN"),
}
_OPEN_ORDER = {
    "xiaobiaosong": ("song", "ming", "hei", "hei2"),
    "fangsong": ("song", "ming", "kai", "hei", "hei2"),
    "kaiti": ("kai", "song", "ming", "hei", "hei2"),
    "heiti": ("hei", "hei2", "song", "ming"),
    "songti": ("song", "ming", "hei", "hei2"),
}
_OPEN_DIRS = ("/usr/share/fonts/truetype/arphic-gbsn00lp", "/usr/share/fonts/truetype/arphic-gkai00mp",
              "/usr/share/fonts/truetype/wqy", "/usr/share/fonts/truetype/arphic",
              "/usr/share/fonts/truetype", "/usr/local/share/fonts")


class FontError(UserError):
    pass


@dataclass(frozen=True)
class Resolved:
    role: str
    name: str            # reportlab font name to use with setFont
    path: str
    subfont: int
    source: str          # configured | system | open
    substitute: bool     # not the face the standard names for this role
    fake_bold: bool = False  # draw with a thin stroke to imitate a heavier face (小标宋 fallback)


_lock = threading.Lock()
_configured: dict[str, str] = {}
_cache: dict[str, Resolved] = {}
_problems: dict[str, list[str]] = {}


def configure(paths: Mapping[str, str | None]) -> None:
    """Set (or clear, with None/"") user-configured font paths by role; clears the resolution cache."""
    with _lock:
        for role, path in paths.items():
            if role not in ROLES:
                raise ValueError(f"unknown font role {role!r}")
            if path:
                _configured[role] = str(path)
            else:
                _configured.pop(role, None)
        _cache.clear()
        _problems.clear()


def _configured_path(role: str) -> str | None:
    return _configured.get(role) or font_path_from_env(role)


def _font_dirs() -> list[Path]:
    dirs = []
    if sys.platform.startswith("win"):
        dirs += windows_font_dirs()
    elif sys.platform == "darwin":
        dirs += [Path("/Library/Fonts"), Path.home() / "Library" / "Fonts"]
    else:
        dirs += [Path.home() / ".fonts", Path.home() / ".local/share/fonts", Path("/usr/share/fonts"),
                 Path("/usr/local/share/fonts")]
    return [d for d in dirs if d.is_dir()]


_fc_memo: dict[str, list[tuple[str, int]]] = {}


def _fc_list(family: str) -> list[tuple[str, int]]:
    """Files fontconfig knows for exactly this family (fc-match would always answer something)."""
    if family in _fc_memo:
        return _fc_memo[family]
    found: list[tuple[str, int]] = []
    exe = shutil.which("fc-list")
    if exe:
        try:
            out = subprocess.run([exe, f":family={family}", "file", "index"], capture_output=True, text=True,
                                 timeout=10, check=False).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        for line in out.splitlines():
            path, _, rest = line.partition(":")
            index = 0
            if "index=" in rest:
                try:
                    index = int(rest.split("index=")[1].split(":")[0].strip())
                except ValueError:
                    index = 0
            if path.strip():
                found.append((path.strip(), index))
    found.sort()
    _fc_memo[family] = found
    return found


def _find_file(name: str, dirs: list[Path]) -> Path | None:
    for d in dirs:
        p = d / name
        if p.is_file():
            return p
    return None


def _register(role: str, path: str, subfont: int) -> str:
    """Register with reportlab (idempotent); returns the font name. Raises TTFError / OSError."""
    from reportlab.pdfbase import pdfmetrics  # reportlab when a font is first needed, not at start
    from reportlab.pdfbase.ttfonts import TTFont

    stem = Path(path).stem.replace(" ", "_")
    name = f"DR-{stem}-{subfont}"
    try:
        pdfmetrics.getFont(name)
        return name
    except KeyError:
        pass
    font = TTFont(name, path, subfontIndex=subfont) if path.lower().endswith((".ttc", ".otc")) else TTFont(name, path)
    pdfmetrics.registerFont(font)
    return name


def _candidates(role: str):
    """(path, subfont, source, substitute, fake_bold) in order of preference."""
    configured = _configured_path(role)
    if configured:
        yield configured, 0, "configured", False, False
    dirs = _font_dirs()
    for fname, idx in _FILES[role]:
        p = _find_file(fname, dirs)
        if p:
            yield str(p), idx, "system", False, False
    for family in _FAMILIES[role]:
        for path, idx in _fc_list(family):
            yield path, idx, "system", False, False
    # Windows SimSun for the title when no 小标宋: still a substitute.
    if role == "xiaobiaosong":
        for fname, idx in _FILES["songti"]:
            p = _find_file(fname, dirs)
            if p:
                yield str(p), idx, "system", True, True
    bundled = resource_root() / "resources" / "fonts"
    open_dirs = [bundled] + [Path(d) for d in _OPEN_DIRS if Path(d).is_dir()]
    for key in _OPEN_ORDER[role]:
        fname, idx, family = _OPEN[key]
        fake_bold = role == "xiaobiaosong"
        p = _find_file(fname, [d for d in open_dirs if d.is_dir()])
        if p:
            yield str(p), idx, "open", True, fake_bold
        for path, fidx in _fc_list(family):
            yield path, fidx, "open", True, fake_bold


def resolve(role: str) -> Resolved:
    """The font for a role, registered with reportlab. FontError (a UserError) if none is usable."""
    if role not in ROLES:
        raise ValueError(f"unknown font role {role!r}")
    from reportlab.pdfbase.ttfonts import TTFError

    with _lock:
        if role in _cache:
            return _cache[role]
        problems: list[str] = []
        for path, idx, source, substitute, fake_bold in _candidates(role):
            try:
                if not Path(path).is_file():
                    raise OSError("file not found")
                name = _register(role, path, idx)
            except (TTFError, OSError, ValueError, KeyError, IndexError, AssertionError) as exc:
                problems.append(f"{path}: {exc}")
                if source == "configured":
                    _problems[role] = problems
                    raise FontError(
                        f"配置的{ROLE_ZH[role]}字体不能使用：{path}（{_reason_zh(exc)}）。请改为 TrueType 字体文件（.ttf/.ttc），"
                        f"或清除设置 DUTYROOM_FONT_{role.upper()}。",
                        f"The configured {role} font cannot be used: {path} ({exc}). Choose a TrueType file "
                        f"(.ttf/.ttc) or clear DUTYROOM_FONT_{role.upper()}.") from None
                continue
            found = Resolved(role, name, path, idx, source, substitute, fake_bold)
            _cache[role] = found
            _problems[role] = problems
            return found
        _problems[role] = problems
        raise FontError(
            f"找不到可用的{ROLE_ZH[role]}字体，无法生成公文。请安装中文 TrueType 字体（如 fonts-arphic-gbsn00lp），"
            f"或在设置中指定字体文件（环境变量 DUTYROOM_FONT_{role.upper()}）。",
            f"No usable font for the {role} role, so the document cannot be made. Install a Chinese TrueType "
            f"font (e.g. fonts-arphic-gbsn00lp) or configure a font file (DUTYROOM_FONT_{role.upper()}).")


def _reason_zh(exc: Exception) -> str:
    text = str(exc)
    if "postscript outlines" in text:
        return "OpenType/CFF 轮廓不受支持"
    if "subsetting" in text or "embedding" in text:
        return "字体授权不允许嵌入"
    if "not found" in text or isinstance(exc, FileNotFoundError):
        return "文件不存在"
    return text


def resolve_all() -> dict[str, Resolved]:
    return {role: resolve(role) for role in ROLES}


def fingerprint() -> str:
    """What the resolution depends on, cheaply: the configured paths and the font directories (their trees'
    modification times: a font installed or removed changes them). Equal fingerprints, equal answers."""
    import hashlib
    import os

    parts = [f"{role}={_configured_path(role) or ''}" for role in ROLES]
    roots = {*map(str, _font_dirs()), *(d for d in _OPEN_DIRS if Path(d).is_dir()),
             str(resource_root() / "resources" / "fonts")}
    for root in sorted(roots):
        for path, _dirs, _files in os.walk(root):
            try:
                parts.append(f"{path}:{os.stat(path).st_mtime_ns}")
            except OSError:
                continue
    for role in ROLES:
        configured = _configured_path(role)
        if configured:
            try:
                parts.append(f"{configured}:{os.stat(configured).st_mtime_ns}")
            except OSError:
                parts.append(f"{configured}:missing")
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def substitution_notice() -> str | None:
    """The sentence the app shows when any role uses a substitute font (None when all are the office faces)."""
    subs = []
    for role in ROLES:
        try:
            r = resolve(role)
        except FontError:
            subs.append((role, None))
            continue
        if r.substitute:
            subs.append((role, r))
    if not subs:
        return None
    en = lang() == "en"
    parts = []
    for role, r in subs:
        if r is None:
            parts.append(f"{role}: missing" if en else f"{ROLE_ZH[role]}：缺失")
        else:
            parts.append(f"{role} → {Path(r.path).name}" if en else f"{ROLE_ZH[role]}→{Path(r.path).name}")
    if en:
        return ("Substitute fonts (the official faces are not installed): " + "; ".join(parts)
                + ". Configure the office fonts in the settings for print-identical documents.")
    return "替代字体（未安装公文标准字体）：" + "；".join(parts) + "。如需与标准一致，请在设置中指定字体文件。"
