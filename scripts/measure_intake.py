"""Count the keystrokes of a complete first intake made with the keyboard only (no mouse), and check it works.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/measure_intake.py [--db /tmp/measure.db]

Every key goes to the widget that has the focus, as a person's would. Chinese text goes in through an
input-method commit (as a pinyin IME delivers it); it is counted as 2 keystrokes per character, a fair
figure for phrase-based pinyin input. Prints the keystrokes by page and the incident it opened.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from demo_incidents import open_demo  # scripts/ is on sys.path when this runs as a script
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from dutyroom.services.incidents import IncidentService
from dutyroom.ui.intake_wizard import IntakeWizard

K = Qt.Key
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
IME_KEYS_PER_CHAR = 2


class Keyboard:
    def __init__(self, app: QApplication):
        self.app, self.count, self.pages = app, 0, {}
        self.page = "1"

    def focus(self):
        w = self.app.activePopupWidget() or self.app.focusWidget()  # an open completer list takes the keys
        assert w is not None, "nothing has the keyboard focus"
        return w

    def key(self, key, mod=Qt.KeyboardModifier.NoModifier, times: int = 1) -> None:
        for _ in range(times):
            QTest.keyClick(self.focus(), key, mod)
            self._add(1)

    def type(self, text: str) -> None:
        if text.isascii():
            QTest.keyClicks(self.focus(), text)
            self._add(len(text))
        else:
            event = QInputMethodEvent()
            event.setCommitString(text)
            self.app.sendEvent(self.focus(), event)
            self._add(IME_KEYS_PER_CHAR * len(text) + 1)  # pinyin keys, then a space/number to pick

    def _add(self, n: int) -> None:
        self.count += n
        self.pages[self.page] = self.pages.get(self.page, 0) + n
        self.app.processEvents()


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--db", default="/tmp/dutyroom_measure.db")
    opts = args.parse_args()
    Path(opts.db).unlink(missing_ok=True)
    app = QApplication(sys.argv)
    db, profile, actor = open_demo(opts.db)
    started = time.perf_counter()
    wizard = IntakeWizard(IncidentService(db, profile), actor)
    wizard.show()
    wizard.activateWindow()
    wizard.windowHandle().requestActivate()
    for _ in range(50):
        app.processEvents()
    kb = Keyboard(app)
    wizard.source.setFocus()  # where the wizard opens

    kb.key(K.Key_Down, times=2)            # 信息来源: 110转警
    kb.key(K.Key_Tab)
    kb.type("王先生")                        # 报告人
    kb.key(K.Key_Tab)
    kb.type("13800001234")                  # 回拨电话
    kb.key(K.Key_O, ALT)                    # 发生时间 (Alt+O): hour section, a call about 10 minutes ago
    kb.key(K.Key_Tab)                       # → minutes
    kb.key(K.Key_Down, times=10)
    kb.key(K.Key_Return)                    # 下一步 (接报时间 is already now)
    assert wizard.currentId() == 1, [e.text() for e in wizard.errors.values() if e.text()]

    kb.page = "2"
    kb.type("东四")                          # 事发地点: type part of the name, pick from the list
    kb.key(K.Key_Down)
    kb.key(K.Key_Return)
    kb.key(K.Key_Tab)                       # 详细地址
    kb.type("东四北大街88号")
    kb.key(K.Key_Tab)                       # 事件类别
    kb.key(K.Key_Down, times=2)             # 事故灾难
    kb.key(K.Key_Tab)                       # 事件类型: type part, pick
    kb.type("交通")
    kb.key(K.Key_Down)
    kb.key(K.Key_Return)
    print("page 2:", {k: wizard.values()[k] for k in ("place", "address", "category", "event_type")})
    kb.key(K.Key_Return)                    # 下一步
    assert wizard.currentId() == 2, [e.text() for e in wizard.errors.values() if e.text()]

    kb.page = "3"
    kb.key(K.Key_Tab)                       # 死亡 (empty) → 受伤
    kb.type("2")
    kb.key(K.Key_Return)                    # 下一步
    assert wizard.currentId() == 3

    kb.page = "4"
    kb.type("两车相撞，两人受伤，道路部分阻断")     # 事件简要情况
    kb.key(K.Key_Tab)
    kb.type("交警、120已到场")                 # 已采取的措施
    kb.key(K.Key_Return, CTRL)              # Ctrl+Enter: 下一步 from inside a text box
    assert wizard.currentId() == 4, [e.text() for e in wizard.errors.values() if e.text()]

    kb.page = "5"
    kb.key(K.Key_Return)                    # 提交接报 (grade left 暂时无法判明)
    for _ in range(20):
        app.processEvents()
    elapsed = time.perf_counter() - started
    assert wizard.incident is not None, wizard.status.text()
    v = wizard.incident
    print(f"opened incident {v.id}: {v.title}; source {v.source}, occurred {v.occurred_at}, injured {v.injured}")
    print(f"keystrokes: {kb.count} (by page: {kb.pages}); machine run {elapsed:.1f} s")
    db.dispose()


if __name__ == "__main__":
    main()
