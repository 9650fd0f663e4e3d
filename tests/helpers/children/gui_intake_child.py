"""Child process for the kill test: open the intake wizard on a database, type an intake, wait until the
draft of the last keystroke is saved, say so, and wait to be killed (never closes the wizard itself)."""

import datetime as dt
import json
import sys

from PySide6.QtWidgets import QApplication

from dutyroom.domain.incident_facts import BEIJING
from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.actor import Actor
from dutyroom.services.incidents import IncidentService
from dutyroom.store.database import Database
from dutyroom.ui.incident_common import to_qdt
from dutyroom.ui.intake_wizard import IntakeWizard

RECEIVED = dt.datetime(2026, 7, 1, 8, 5, tzinfo=BEIJING)


def plain(values):
    return {k: v.isoformat() if isinstance(v, dt.datetime) else v for k, v in values.items()}


def main(url: str) -> None:
    app = QApplication([])
    db = Database(url)
    from sqlalchemy import select

    from dutyroom.store.models import User

    with db.read() as s:
        u = s.scalar(select(User).where(User.username == "zhouning"))
        actor = Actor(u.id, u.username, u.display_name, frozenset(u.role_keys))
    wizard = IntakeWizard(IncidentService(db, load_profile("dongcheng")), actor, clock=lambda: RECEIVED,
                          debounce_ms=50)
    wizard.show()
    wizard.source.setCurrentIndex(wizard.source.findData("12345"))
    wizard.caller_name.setText("李女士")
    wizard.callback_phone.setText("13800005678")
    wizard.occurred_at.setDateTime(to_qdt(RECEIVED - dt.timedelta(minutes=7)))
    wizard.place.setCurrentText("东四街道")
    wizard.address.setText("东四北大街100号")
    wizard.category.setCurrentIndex(wizard.category.findData("accident"))
    wizard.event_type.setCurrentText("火灾事故")
    wizard.counts["injured"].setText("3")
    wizard.counts["trapped"].setText("1")
    wizard.loss.setText("12.5")
    wizard.flags["key_area"].setChecked(True)
    wizard.texts["description"].setPlainText("居民楼三层起火，有人员被困")
    wizard.texts["measures_taken"].setPlainText("119已出警")

    def saved(_id):
        if not wizard.save_pending:
            print("typed", json.dumps(plain(wizard.values()), ensure_ascii=False), flush=True)

    wizard.draft_saved.connect(saved)
    app.exec()


if __name__ == "__main__":
    main(sys.argv[1])
