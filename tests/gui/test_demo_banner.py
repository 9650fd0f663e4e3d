"""Issue 17, finding 5: a demo database is marked (init --demo) and the window says so in a banner, 演示数据, so
nobody keeps a real shift's record in it; a real database shows none."""

from __future__ import annotations

from dutyroom.app import build_main_window
from dutyroom.domain.profile_loader import load_profile
from tests.helpers.actors import actors_by_username


def test_the_demo_database_shows_the_banner(qtbot, room):
    window = build_main_window(room, load_profile("dongcheng"), actors_by_username(room)["zhouning"])
    qtbot.addWidget(window)
    window.show()
    assert window.demo_banner.isVisible()
    assert window.demo_banner.text().startswith("演示数据")


def test_a_real_database_shows_no_banner(qtbot, people):
    auth, _admin, officer = people
    window = build_main_window(auth.db, load_profile("dongcheng"), officer)
    qtbot.addWidget(window)
    window.show()
    assert getattr(window, "demo_banner", None) is None

