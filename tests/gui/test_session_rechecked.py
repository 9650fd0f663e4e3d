"""Issue 17, finding 4 in the GUI: a user deactivated at another seat is signed out at once, and a changed role
set rebuilds the window (the services refuse in between: tests/services/test_sessions_rechecked.py)."""

from __future__ import annotations

from sqlalchemy import select

from dutyroom.services.auth import AuthService
from dutyroom.store.database import Database
from dutyroom.store.models import AuditEntry
from tests.gui.test_session_switch import answer_login, gone, logouts, seat, signed_in  # noqa: F401  (fixture)
from tests.helpers.actors import actors_by_username


def test_a_user_deactivated_at_another_seat_is_signed_out_at_once(qtbot, seat, room):  # noqa: F811
    officer_window = signed_in(seat, "zhouning")
    other_seat = Database(room.url)  # another process's connection: seen through the change watch
    try:
        people = actors_by_username(other_seat)
        seen: list = []
        answer_login("luomin", seen=seen)
        AuthService(other_seat).set_active(people["admin"], people["zhouning"].id, False)
        qtbot.waitUntil(lambda: seat.window is not None and seat.window is not officer_window, timeout=10_000)
    finally:
        other_seat.dispose()
    assert gone(officer_window)
    assert "罗敏" in seat.window.user_label.text()
    assert "已停用" in seen[0]["note"]
    assert ("zhouning", {"reason": "deactivated"}) in logouts(room)


def test_a_changed_role_set_rebuilds_the_window_for_the_same_user(qtbot, seat, room):  # noqa: F811
    officer_window = signed_in(seat, "zhouning")
    people = actors_by_username(room)
    assert "office_director" not in officer_window.actor.roles
    AuthService(room).set_roles(people["admin"], people["zhouning"].id, ["duty_officer", "office_director"])
    qtbot.waitUntil(lambda: seat.window is not None and seat.window is not officer_window, timeout=10_000)
    assert seat.window.actor.id == people["zhouning"].id
    assert seat.window.actor.roles == {"duty_officer", "office_director"}
    assert "角色已由管理员更改" in seat.window.statusBar().currentMessage()
    with room.read() as s:  # the same session goes on: no sign-out
        assert not s.scalars(select(AuditEntry).where(AuditEntry.action == "logout")).all()
