"""The handover sheet after the duty-officer trial: every deadline still owed by each open incident (the
incoming officer inherits all of them, not only the next), and a warning before handing over more than
30 minutes before the rostered end of the shift."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from PySide6.QtCore import Qt

from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.handover import EARLY_HANDOVER, HandoverService, sheet_text
from dutyroom.ui.handover_dialog import HandoverDialog
from tests.helpers.actors import actors_by_username
from tests.helpers.incidents import RECEIVED, intake
from tests.helpers.roster import bj

MIN = dt.timedelta(minutes=1)


def test_sheet_lists_every_pending_deadline_of_each_open_incident(desk):
    """Dongcheng 4.1.5: a 较大 incident owes the written report and a follow-up every 30 minutes at once."""
    inc, officer = desk.incidents(), desk["zhouning"]
    fire = inc.register(officer, intake(title="商场火灾", deaths=3), now=RECEIVED)
    inc.confirm_grade(officer, fire.id, "large", now=RECEIVED)
    quiet = inc.register(officer, intake(title="某小区燃气泄漏"), now=RECEIVED + MIN)
    now = RECEIVED + 40 * MIN
    owed = [d for d in desk.reports().open_deadlines(officer, now=now) if d.incident_id == fire.id]
    assert len(owed) >= 2  # otherwise this test proves nothing
    sheet = HandoverService(desk.db, load_profile("dongcheng")).preview(officer, now=now).sheet
    listed = next(x for x in sheet["incidents"] if x["id"] == fire.id)["deadlines"]
    assert [d["label"] for d in listed] == [d.label for d in owed]
    assert next(x for x in sheet["incidents"] if x["id"] == quiet.id)["deadlines"]
    text = sheet_text(HandoverService(desk.db, load_profile("dongcheng")).preview(officer, now=now))
    fire_lines = text.split("商场火灾", 1)[1].split("\n2. ", 1)[0]
    assert f"待报 {len(owed)} 项" in fire_lines
    for n, d in enumerate(owed, 1):
        assert f"（{n}）{d.label}" in fire_lines


def test_a_sheet_signed_before_the_change_reprints_as_it_was(desk):
    svc = HandoverService(desk.db, load_profile("dongcheng"))
    desk.incidents().register(desk["zhouning"], intake(title="东四路口交通事故"), now=RECEIVED)
    view = svc.preview(desk["zhouning"], now=RECEIVED + 40 * MIN)
    old = {**view.sheet, "incidents": [{k: v for k, v in x.items() if k != "deadlines"}
                                       for x in view.sheet["incidents"]]}
    text = sheet_text(dataclasses.replace(view, sheet=old))
    assert "下一时限：" in text and "待报" not in text


@pytest.mark.parametrize(("at", "early"), [(bj(2026, 12, 2, 7, 0), 90), (bj(2026, 12, 2, 7, 59), 31),
                                           (bj(2026, 12, 2, 8, 0), None), (bj(2026, 12, 2, 8, 20), None)])
def test_handing_over_more_than_30_minutes_before_the_shift_ends_is_early(room, at, early):
    """The demo roster's 24-hour shift of 12-01 ends 12-02 08:30."""
    assert EARLY_HANDOVER == 30 * MIN
    svc = HandoverService(room, load_profile("dongcheng"))
    found = svc.early_handover(now=at)
    assert (found.minutes_left if found else None) == early
    signed = svc.sign_out(actors_by_username(room)["zhouning"], "", now=at)
    if early:
        assert "08:30" in found.zh and "提前交班" in found.zh and f"{early} 分钟" in found.zh
        assert signed.sheet["early"] == {"shift_ends": "2026-12-02 08:30", "minutes_left": early}
        assert f"提前交班：交班时距本班结束（2026-12-02 08:30）还有 {early} 分钟" in sheet_text(signed)
    else:
        assert "early" not in signed.sheet and "提前交班" not in sheet_text(signed)


@pytest.mark.gui
def test_dialog_warns_and_asks_before_an_early_handover(qtbot, room, monkeypatch):
    u = actors_by_username(room)
    svc = HandoverService(room, load_profile("dongcheng"))
    dialog = HandoverDialog(svc, u["zhouning"], clock=lambda: bj(2026, 12, 2, 7, 0))
    qtbot.addWidget(dialog)
    dialog.show()
    assert "提前交班" in dialog.status.text() and "90 分钟" in dialog.status.text()
    asked = []
    monkeypatch.setattr(HandoverDialog, "confirm_early", classmethod(lambda cls, parent, e: asked.append(e) or False))
    qtbot.mouseClick(dialog.sign_out_button, Qt.MouseButton.LeftButton)
    assert [e.minutes_left for e in asked] == [90]
    assert svc.awaiting_sign_in(u["zhouning"]) is None and "未交班" in dialog.status.text()
    monkeypatch.setattr(HandoverDialog, "confirm_early", classmethod(lambda cls, parent, e: True))
    qtbot.mouseClick(dialog.sign_out_button, Qt.MouseButton.LeftButton)
    signed = svc.awaiting_sign_in(u["zhouning"])
    assert signed is not None and signed.sheet["early"]["minutes_left"] == 90
    assert "提前交班" in dialog.sheet.toPlainText()


@pytest.mark.gui
def test_dialog_does_not_ask_near_the_end_of_the_shift(qtbot, room, monkeypatch):
    u = actors_by_username(room)
    svc = HandoverService(room, load_profile("dongcheng"))
    dialog = HandoverDialog(svc, u["zhouning"], clock=lambda: bj(2026, 12, 2, 8, 20))
    qtbot.addWidget(dialog)
    monkeypatch.setattr(HandoverDialog, "confirm_early",
                        classmethod(lambda cls, parent, e: pytest.fail("asked near the end of the shift")))
    qtbot.mouseClick(dialog.sign_out_button, Qt.MouseButton.LeftButton)
    assert svc.awaiting_sign_in(u["zhouning"]) is not None and "提前交班" not in dialog.status.text()
