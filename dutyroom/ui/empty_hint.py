"""A grey "暂无…" line in the middle of an empty table (the headers stay visible); it says what to do next."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel


class EmptyHint(QObject):
    """Shows `text` over `view`'s viewport whenever its model has no rows."""

    def __init__(self, view: QAbstractItemView, text: str):
        super().__init__(view)
        self.view = view
        self.label = QLabel(text, view.viewport())
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        self.label.setObjectName("emptyHint")  # theme.py: muted text, the same on every page
        self.label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        view.viewport().installEventFilter(self)
        model = view.model()
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.layoutChanged):
            signal.connect(self.update)
        self.update()

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.label.setGeometry(self.view.viewport().rect())
        return False

    def update(self, *_args) -> None:
        try:
            self.label.setGeometry(self.view.viewport().rect())
            self.label.setVisible(self.view.model().rowCount() == 0)
        except RuntimeError:  # a QTableWidget's own model empties itself while the view is being destroyed
            pass


def add_empty_hint(view: QAbstractItemView, text: str) -> EmptyHint:
    hint = EmptyHint(view, text)
    view.setProperty("empty_hint", text)
    view._empty_hint = hint  # keep the Python side alive with the view
    return hint
