"""帮助 → 用户指南 and 关于 (issue 18): the Chinese user's guide (docs/用户指南.md, with the screenshots the script
takes) shown inside the program, and the version, rule profile and licences."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTextBrowser, QVBoxLayout

from .. import __version__
from ..config import resource_root
from ..domain.profile_schema import Profile
from . import window_state
from .i18n import tr

GUIDE = Path("docs") / "用户指南.md"
LICENCE_FILES = (Path("packaging") / "copyright", Path("resources") / "licenses")


def guide_path() -> Path:
    return resource_root() / GUIDE


class GuideDialog(QDialog):
    """The guide as the Markdown renders in Qt: headings, lists and the screenshots beside it."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(tr("用户指南"))
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        path = guide_path()
        if path.is_file():
            self.browser.setSearchPaths([str(path.parent)])
            self.browser.setSource(QUrl.fromLocalFile(str(path)))
        else:
            self.browser.setPlainText(tr("找不到用户指南文件：{path}").format(path=path))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.resize(900, 700)
        window_state.fit_dialog(self)


def _licence_text() -> str:
    root = resource_root()
    parts = []
    for entry in LICENCE_FILES:
        path = root / entry
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path] if path.is_file() else []
        for f in files:
            try:
                parts.append(f"—— {f.relative_to(root)} ——\n{f.read_text(encoding='utf-8', errors='replace')}")
            except OSError:
                continue
    return "\n\n".join(parts)


class AboutDialog(QDialog):
    def __init__(self, profile: Profile, parent=None):
        super().__init__(parent)
        self.setWindowTitle(tr("关于"))
        self.summary = QLabel(tr("应急值班系统 {version}\n规则：{name}（{profile_version}版，{since}起施行）\n{title}").format(
            version=__version__, name=profile.name, profile_version=profile.version,
            since=profile.effective_from.isoformat(), title=profile.source.title))
        self.summary.setWordWrap(True)
        self.licences = QTextBrowser()
        self.licences.setPlainText(_licence_text() or tr("（未找到许可证文件）"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(QLabel(tr("随程序提供的组件与字体的许可证：")))
        layout.addWidget(self.licences, 1)
        layout.addWidget(buttons)
        self.resize(720, 560)
        window_state.fit_dialog(self)
