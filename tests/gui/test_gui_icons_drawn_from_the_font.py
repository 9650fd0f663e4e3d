"""Start fast (issue 21): the icons are drawn from the Font Awesome font qtawesome ships, without importing
qtawesome (and its Qt shim qtpy). They must look exactly as qtawesome drew them, greyed when disabled, and an
unknown name gives an empty icon (the text beside it carries the meaning)."""

from __future__ import annotations

import os

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon

from dutyroom.ui import theme


def test_icons_are_the_same_pixels_qtawesome_draws(qapp):
    os.environ.setdefault("QT_API", "pyside6")
    import qtawesome  # only here, as the reference

    for name, colour in (("fa6s.lock", theme.INK), ("fa6s.bell", theme.ACCENT), ("fa6s.users-gear", theme.NAV_TEXT)):
        for px in (16, 18, 36):
            ours = theme.icon(name, colour).pixmap(QSize(px, px)).toImage()
            reference = qtawesome.icon(name, color=colour, color_active=colour).pixmap(QSize(px, px)).toImage()
            assert ours == reference, (name, px)


def test_a_disabled_icon_is_greyed_and_an_unknown_name_is_empty(qapp):
    lock = theme.icon("fa6s.lock", theme.ACCENT)
    normal = lock.pixmap(QSize(32, 32), QIcon.Mode.Normal).toImage()
    disabled = lock.pixmap(QSize(32, 32), QIcon.Mode.Disabled).toImage()
    assert normal != disabled
    assert theme.icon("fa6s.no-such-icon").isNull() and theme.icon("").isNull()
    assert theme.icon("mdi6.bell").isNull()  # only the solid Font Awesome face is loaded
