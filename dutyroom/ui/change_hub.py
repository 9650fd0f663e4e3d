"""One app-wide change signal: every page and dashboard panel refreshes when what it shows changes.

- This seat: the database reports the topics of each committed write (Database.on_commit, from the
  tables the transaction touched, whichever page or dialog ran it). The hub gathers them and emits
  `changed(topics)` once, at the next turn of the event loop, or at once when a page reports success
  (connect its success signal to `flush`).
- Other seats: a timer polls the database's change watch (store/change_watch.py) every second and
  emits what another seat changed (on SQLite: every topic, it cannot tell which).

- A lost database server (PostgreSQL, several seats): the watch and the database say so after each poll;
  `server_lost(bool)` is emitted when that changes, and `attach_notice(status_bar)` shows it in the
  window's status bar in words, until the server is back (then every page refreshes).

`subscribe(widget, topics, refresh)` is how a page follows its topics: a shown page refreshes at
once, a hidden one when it is next shown (one refresh however many changes came in between).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from ..services.errors import PermissionDenied, explain
from .i18n import tr

log = logging.getLogger("dutyroom")


class ChangeHub(QObject):
    changed = Signal(object)  # frozenset[str]: the topics that changed
    server_lost = Signal(bool)  # the database server went away (True) or is back (False)
    _poke = Signal()

    def __init__(self, db, parent: QObject | None = None, *, poll_ms: int = 1000):
        super().__init__(parent)
        self.db = db
        self.lost = False
        self._pending: set[str] = set()
        self._lock = threading.Lock()  # commits may come from worker threads (backups, imports)
        self._poke.connect(self.flush, Qt.ConnectionType.QueuedConnection)
        self._stop_listening = db.on_commit(self._committed)
        self.watch = db.open_change_watch()  # opened now: what another seat writes from here on is seen
        self.destroyed.connect(lambda *_a, stop=self._stop_listening, watch=self.watch: _close(stop, watch))
        self.timer = QTimer(self, interval=poll_ms, timeout=self.poll)
        if self.watch is not None:
            self.timer.start()

    # ------------------------------------------------------------ this seat

    def _committed(self, topics: frozenset[str]) -> None:
        """Database.on_commit, in the committing thread: queue the topics for the GUI thread."""
        with self._lock:
            first = not self._pending
            self._pending |= topics
        if first:
            self._poke.emit()  # queued: runs in the hub's (GUI) thread once the current event is handled

    def announce(self, topics: Iterable[str]) -> None:
        """A change the database did not see (e.g. a file): refresh the pages showing these topics."""
        self._committed(frozenset(topics))

    def flush(self) -> None:
        """Emit what this seat changed so far (a page's success signal calls this: no event-loop wait)."""
        with self._lock:
            topics, self._pending = frozenset(self._pending), set()
        if topics:
            self.changed.emit(topics)

    # ------------------------------------------------------------ other seats

    def poll(self) -> frozenset[str]:
        topics = self.watch.poll() if self.watch is not None else frozenset()
        # the watch is the heartbeat: it asks the server every few seconds whatever the pages do
        lost = bool(getattr(self.watch, "lost", False))
        if lost != self.lost:
            self.lost = lost
            if not lost:
                self.db.server_reached()  # the pages' refreshes below are not refused as "lost a moment ago"
            self.server_lost.emit(lost)
        if topics:
            self.changed.emit(topics)
        return topics

    def attach_notice(self, bar: QStatusBar) -> QLabel:
        """The status bar says, while it lasts, that the server is lost; then that it is back."""
        notice = QLabel(tr("与数据库服务器的连接已断开，正在自动重试；已输入的内容仍在窗口中，恢复后再保存"))
        notice.setObjectName("serverLostNotice")
        notice.setStyleSheet("color: #b00020; font-weight: bold")
        notice.hide()
        bar.addPermanentWidget(notice)

        def show(lost: bool) -> None:
            notice.setVisible(lost)
            if not lost:
                bar.showMessage(tr("已重新连接数据库服务器"), 15_000)
        self.server_lost.connect(show)
        return notice

    def stop(self) -> None:
        self.timer.stop()
        _close(self._stop_listening, self.watch)

    # ------------------------------------------------------------ subscribers

    def subscribe(self, widget: QWidget, topics: Iterable[str], refresh: Callable[[], object], *,
                  catch_up_on_show: bool = True, while_hidden: bool = False, key: object = None) -> bool:
        """Call `refresh()` when one of `topics` changes and the widget is shown; a hidden widget refreshes
        when next shown (`catch_up_on_show=False`: it does that itself in showEvent; `while_hidden=True`:
        it refreshes hidden too, for a page others read while it is hidden, e.g. the approval queue).
        Ends with the widget. Subscribing the same refresh (or `key`) twice is ignored: returns False."""
        key = refresh if key is None else key
        if any(s.key == key for s in widget.findChildren(_Subscription)):
            return False
        sub = _Subscription(widget, frozenset(topics), refresh, catch_up_on_show, while_hidden)
        sub.key = key
        self.changed.connect(sub.deliver)
        return True


def _close(stop_listening: Callable[[], object], watch) -> None:
    stop_listening()
    if watch is not None:
        watch.close()


class _Subscription(QObject):
    def __init__(self, widget: QWidget, topics: frozenset[str], refresh: Callable[[], object], catch_up: bool,
                 while_hidden: bool):
        super().__init__(widget)  # destroyed with the widget, which disconnects it from the hub
        self.widget, self.topics, self.refresh = widget, topics, refresh
        self.catch_up, self.while_hidden = catch_up, while_hidden
        self.stale = False
        if catch_up:
            widget.installEventFilter(self)

    def deliver(self, topics: frozenset[str]) -> None:
        if not topics & self.topics:
            return
        if not (self.while_hidden or self.widget.isVisible()):
            self.stale = self.catch_up
            return
        self.stale = False
        self._refresh()

    def _refresh(self) -> None:
        try:
            self.refresh()
        except PermissionDenied as exc:  # the user was deactivated meanwhile: the session controller signs them out
            log.info("refresh refused: %s", exc.message)
        except Exception as exc:  # e.g. the database server lost: the page keeps what it showed (the hub says why)
            message = explain(exc)
            if message is None:
                raise
            log.warning("refresh failed: %s", message)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and self.stale:
            self.stale = False
            self._refresh()
        return False
