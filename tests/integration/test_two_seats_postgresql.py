"""Issue 21, "Several seats": the multi-seat configuration end to end on PostgreSQL (DUTYROOM_DB=postgresql://…).

- Seat A is a process of its own (tests/helpers/children/seat_incident.py); seat B is the app's main window in this
  process, on its own engine. A call seat A takes shows on seat B's dashboard (报告时限) within 5 s, carried only
  by the change signal (the dashboard's 30 s refresh is stopped): LISTEN/NOTIFY, polled every second.
- Both edit one incident: seat B's 更新事态 dialog, loaded before seat A's save, gets "已被孙浩于HH:MM修改，请刷新"
  and keeps what was typed; seat A's change stands.
- The server stops mid-session: seat B says so in its status bar and in the dialog, keeps what was typed, asks the
  server at most once per retry period (its 1 s timers do not each wait on a connection), and saves once the
  server is back.

Runs in the normal suite (.ci/run): no PostgreSQL installed is an error, never a skip (tests/helpers/pg_server.py).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel
from sqlalchemy import event

from dutyroom.app import build_main_window
from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.incidents import IncidentService
from dutyroom.store.database import Database
from dutyroom.store.db_error import SERVER_LOST_ZH
from dutyroom.ui.deadlines_panel import DeadlinesPanel
from dutyroom.ui.facts_dialog import FactsDialog
from dutyroom.ui.incidents_page import IncidentsPage
from tests.gui.test_gui_change_signal import fill_now
from tests.gui.test_gui_intake import finish
from tests.helpers.actors import actors_by_username
from tests.helpers.children import CHILDREN
from tests.helpers.databases import build_demo
from tests.helpers.incidents import intake
from tests.helpers.pg_server import PgServer

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
MIN = dt.timedelta(minutes=1)


def seat_a(url: str, user: str, *args) -> list[str]:
    done = subprocess.run([sys.executable, str(CHILDREN / "seat_incident.py"), url, user, *map(str, args)],
                          cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def demo_on(server: PgServer, name: str) -> str:
    url = server.create_database(name)
    db = Database(url)
    try:
        db.migrate()
        build_demo(db)
    finally:
        db.dispose()
    return url


def seat_b(qtbot, url: str):
    db = Database(url)
    window = build_main_window(db, load_profile("dongcheng"), actors_by_username(db)["zhouning"])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    dashboard = window.pages.currentWidget()
    panel = next(p for p in dashboard.panels if isinstance(p, DeadlinesPanel))
    dashboard._timer.stop()  # only the change signal may bring another seat's call
    panel.timer.stop()
    return db, window, panel


def test_a_call_taken_on_seat_a_shows_on_seat_b_within_5_s_and_a_stale_edit_is_refused(qtbot, pg_server):
    url = demo_on(pg_server, "two_seats")
    db, window, panel = seat_b(qtbot, url)
    try:
        out = seat_a(url, "sunhao", "register", "两席位测试路8号")
        assert out[0] == "registered", out
        incident_id, committed = int(out[1]), float(out[2])
        qtbot.waitUntil(lambda: any(d.incident_id == incident_id for d in panel.rows), timeout=5000)
        latency = time.time() - committed
        print(f"\nseat B's dashboard showed seat A's call {latency * 1000:.0f} ms after its commit (PostgreSQL)")
        assert latency < 5.0
        # both seats edit it: seat B's dialog is loaded, then seat A saves first
        svc = IncidentService(db, load_profile("dongcheng"))
        officer = actors_by_username(db)["zhouning"]
        shown = svc.get(officer, incident_id)
        dialog = FactsDialog(svc, officer, shown, lambda: dt.datetime.now(dt.UTC))
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.texts["trend"].setPlainText("明火已扑灭")
        assert seat_a(url, "sunhao", "update", incident_id, shown.row_version, 2)[0] == "updated"
        assert not dialog.save()
        assert re.fullmatch(r"已被孙浩于\d\d:\d\d修改，请刷新", dialog.status.text()), dialog.status.text()
        assert dialog.texts["trend"].toPlainText() == "明火已扑灭" and dialog.refresh_button.isVisible()
        stored = svc.get(officer, incident_id)
        assert (stored.deaths, stored.trend) == (2, None)
        # and seat A, from the version it read before seat B's next save, is refused the same way
        dialog.refresh()
        assert dialog.save() and dialog.result_view.trend == "明火已扑灭" and dialog.result_view.deaths == 2
        refused = seat_a(url, "sunhao", "update", incident_id, stored.row_version, 5)
        assert refused[0] == "refused" and re.fullmatch(r"已被周宁于\d\d:\d\d修改，请刷新", refused[1])
    finally:
        window.changes.stop()
        db.dispose()


@pytest.fixture
def own_server():
    """A cluster of its own: this test stops it mid-session (the shared one serves the other tests)."""
    server = PgServer().start()
    yield server
    server.stop()


def test_a_seat_that_loses_the_server_says_so_keeps_what_was_typed_and_saves_when_it_is_back(qtbot, own_server):
    url = demo_on(own_server, "lost_server")
    db, window, _panel = seat_b(qtbot, url)
    officer = actors_by_username(db)["zhouning"]
    try:
        svc = IncidentService(db, load_profile("dongcheng"))
        now = dt.datetime.now(dt.UTC)
        v = svc.register(officer, intake(occurred_at=now - 3 * MIN, received_at=now - MIN), now=now)
        incidents = window.page("事件")
        window.nav.setCurrentRow(window.pages.indexOf(incidents))
        assert isinstance(incidents, IncidentsPage)
        detail = incidents.open_incident(v.id)  # its countdowns ask the database every second
        dialog = FactsDialog(svc, officer, svc.get(officer, v.id), lambda: dt.datetime.now(dt.UTC))
        qtbot.addWidget(dialog)
        dialog.show()
        notice = window.statusBar().findChild(QLabel, "serverLostNotice")
        assert not notice.isVisible()
        wizard = incidents.new_intake()  # a call being taken when the server goes
        wizard.caller_name.setText("李女士")

        own_server.pause()  # the server is lost mid-session
        dialog.counts["injured"].setText("6")
        dialog.texts["measures_taken"].setPlainText("已疏散周边群众")
        assert not dialog.save()
        assert dialog.isVisible() and dialog.status.text() == SERVER_LOST_ZH
        assert dialog.counts["injured"].text() == "6" and dialog.texts["measures_taken"].toPlainText() == "已疏散周边群众"
        qtbot.waitUntil(notice.isVisible, timeout=8000)  # the status bar says so, in words
        assert "连接已断开" in notice.text()
        attempts = []
        event.listen(db.engine, "do_connect", lambda *a: attempts.append(time.monotonic()))
        qtbot.wait(4000)  # the incident tab ticks 4 times, the hub polls 4 times
        assert len(attempts) <= 1, f"{len(attempts)} connection attempts in 4 s while the server was lost"
        assert detail.isVisible()  # its 1 s countdown ran all along
        assert not dialog.save() and dialog.status.text() == SERVER_LOST_ZH  # still lost: still said, still kept
        wizard.next()  # the intake cannot go on: it says why and keeps the page as typed
        assert wizard.currentId() == 0 and wizard.caller_name.text() == "李女士"
        assert SERVER_LOST_ZH in wizard.status.text()

        own_server.resume()
        qtbot.waitUntil(lambda: not notice.isVisible(), timeout=10_000)  # the watch reconnects within its retry
        assert dialog.save(), dialog.status.text()
        stored = svc.get(officer, v.id)
        assert (stored.injured, stored.measures_taken) == (6, "已疏散周边群众")
        fill_now(qtbot, wizard)  # and the call taken during the outage is submitted once the server is back
        assert finish(qtbot, wizard).caller_name == "王先生"
    finally:
        window.changes.stop()
        db.dispose()
