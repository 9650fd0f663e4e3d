"""Issue 21: every dashboard refresh (half a minute) with an overdue deadline opened a write transaction and rebuilt
every open incident's chain to write 超时未报 lines that were already written. Now the panel asks for them only when
a deadline becomes overdue; the line is still written once (Dongcheng 4.1.5: unknown grade, first report within 10
minutes of receipt)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from sqlalchemy import event

from dutyroom.ui.deadlines_panel import DeadlinesPanel
from tests.helpers.incidents import MIN, RECEIVED, Clock, intake


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def test_refreshing_with_an_overdue_deadline_writes_its_late_line_once_and_then_only_reads(qtbot, desk, settings):
    first = desk.incidents().register(desk["zhouning"], intake(), now=RECEIVED)
    clock = Clock(RECEIVED + 11 * MIN)
    writes: list[str] = []
    event.listen(desk.db.engine, "before_cursor_execute",
                 lambda _c, _cur, stmt, *_a: writes.append(stmt) if stmt.startswith(("BEGIN IMMEDIATE", "INSERT"))
                 else None)
    panel = DeadlinesPanel(desk.reports(), desk["zhouning"], clock=clock, settings=settings, sound=lambda: None,
                           start=False)
    qtbot.addWidget(panel)
    late = [e for e in desk.log_rows(first.id) if e.text.startswith("超时未报")]
    assert len(late) == 1 and writes
    writes.clear()
    for k in range(3):
        clock.now = RECEIVED + (12 + k) * MIN
        panel.refresh()
    assert writes == []  # nothing new overdue: the refreshes only read
    second = desk.incidents().register(desk["zhouning"], intake(received_at=RECEIVED + 10 * MIN),
                                       now=RECEIVED + 10 * MIN)
    clock.now = RECEIVED + 21 * MIN
    panel.refresh()  # the second incident's first report is now overdue: its line is written, the first's not again
    assert [len([e for e in desk.log_rows(i) if e.text.startswith("超时未报")]) for i in (first.id, second.id)] == [1, 1]
