"""Demo incidents for the dashboard, made through the services, relative to the current time:

- one received 25 minutes ago with no report sent (Dongcheng 4.1.5: 10 minutes → red, overdue),
- one received 7 minutes ago (3 minutes left → amber),
- one confirmed 较大 whose first and written reports were sent (its follow-up is due in 30 minutes),
- one confirmed 一般 6 minutes ago: its 首报 is "立即" (4.1.4) with no number, escalating at 4.1.5's 10 minutes.

    .venv/bin/python scripts/demo_incidents.py [--db /tmp/x.db] [--wizard-shot OUT.png]

With --wizard-shot (run under Xvfb) it also opens the intake wizard filled with a typical call, on its
last page (grade suggestion, lead units), and saves a picture of it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dutyroom import __version__
from dutyroom.config import SettingKey
from dutyroom.domain.profile_loader import load_profile
from dutyroom.services.actor import Actor
from dutyroom.services.auth import AuthService
from dutyroom.services.demo import DEMO_PASSWORD, install_demo
from dutyroom.services.incident_log import IncidentLogService
from dutyroom.services.incident_reports import ReportService
from dutyroom.services.incidents import IncidentService
from dutyroom.services.reference_data import get_setting, load_reference_data, set_setting
from dutyroom.store.database import Database

MIN = dt.timedelta(minutes=1)


def open_demo(url: str, profile_key: str | None = None, username: str = "zhouning") -> tuple[Database, object, Actor]:
    """The demo database at `url` (created or brought up to date) and the demo user signed in; its district is the
    one it has (`init --demo --profile …`), else `profile_key`, else Dongcheng."""
    db = Database(url)
    new_database = db.current_revision() is None
    db.migrate()
    if new_database:  # made by this release, as `init` marks it: no 版本说明 "upgraded" dialog on first sign-in
        set_setting(db, SettingKey.release_seen, __version__)
    stored = get_setting(db, SettingKey.profile)
    profile = load_profile(profile_key or stored or "dongcheng")
    if stored != profile.key:
        set_setting(db, SettingKey.profile, profile.key)
    load_reference_data(db, profile)
    install_demo(db, profile)
    return db, profile, AuthService(db).login(username, DEMO_PASSWORD)


def add_demo_incidents(db: Database, profile, actor: Actor, now: dt.datetime | None = None) -> list[int]:
    """Three open incidents: one overdue, one due within 5 minutes, one on its follow-up clock."""
    now = now or dt.datetime.now(dt.UTC)
    incidents, reports, log = IncidentService(db, profile), ReportService(db), IncidentLogService(db)
    dongcheng = ["东四街道", "和平里街道", "龙潭街道", "东直门街道"]  # as the screenshots and the guide show them
    places = dongcheng if not profile.places or set(dongcheng) <= set(profile.places) else list(profile.places)
    accident_types = [r.event_type for r in profile.lead_departments if r.category.value == "accident"]

    def place(k: int) -> str:  # the district's own streets and towns (the Dongcheng names where it lists none)
        return places[k % len(places)]

    def event_type(word: str) -> str:  # the district's own name for it (建设工程施工突发事故 / …突发事件)
        return next((t for t in accident_types if word in t), accident_types[0])
    base = {"caller_name": "王先生", "callback_phone": "13800001234", "category": "accident"}
    red = incidents.register(actor, {
        **base, "source": "110", "occurred_at": now - 28 * MIN, "received_at": now - 25 * MIN, "place": place(0),
        "address": "东四北大街88号", "event_type": event_type("道路交通"), "injured": 2,
        "description": "两车相撞，有人员受伤，道路部分阻断", "measures_taken": "交警、120已到场"}, now=now - 25 * MIN)
    amber = incidents.register(actor, {
        **base, "source": "119", "occurred_at": now - 9 * MIN, "received_at": now - 7 * MIN, "place": place(1),
        "address": "和平里东街12号", "event_type": event_type("火灾"), "trapped": 1, "key_area": False,
        "description": "居民楼三层厨房起火，一人被困", "measures_taken": "119已出警"}, now=now - 7 * MIN)
    large = incidents.register(actor, {
        **base, "source": "department", "occurred_at": now - 50 * MIN, "received_at": now - 45 * MIN,
        "place": place(2), "address": "某建筑工地", "event_type": event_type("建设工程"), "deaths": 3, "injured": 4,
        "seriously_injured": 1, "description": "脚手架坍塌，3人死亡，4人受伤",
        "measures_taken": "区住房城乡建设委、区应急局赶赴现场；伤员送医", "trend": "现场已控制"}, now=now - 45 * MIN)
    incidents.confirm_grade(actor, large.id, "large", now=now - 44 * MIN)
    for kind, at in (("verbal", now - 40 * MIN), ("written", now - 20 * MIN)):
        draft = reports.compose(actor, large.id, kind, now=at)
        reports.record_sent(actor, large.id, kind, body=draft.body, recipients=draft.recipients, channel="phone",
                            sent_at=at, now=at)
    log.add_instruction(actor, large.id, "全力救治伤员，查明原因，及时续报", instructed_by="分管副区长", now=now - 30 * MIN)
    immediate = incidents.register(actor, {
        **base, "source": "phone", "occurred_at": now - 8 * MIN, "received_at": now - 6 * MIN,
        "place": place(3), "address": "东直门内大街5号", "event_type": event_type("燃气"), "deaths": 1, "injured": 2,
        "description": "餐馆燃气爆炸，1人死亡，2人受伤", "measures_taken": "119、120已到场"}, now=now - 6 * MIN)
    incidents.confirm_grade(actor, immediate.id, "ordinary", now=now - 5 * MIN)
    reports.note_missed_deadlines(actor, now=now)
    return [red.id, amber.id, large.id, immediate.id]


def _wizard_shot(db: Database, profile, actor: Actor, out: str) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from dutyroom.app import choose_cjk_font
    from dutyroom.ui.i18n import install_translator
    from dutyroom.ui.incident_common import to_qdt
    from dutyroom.ui.intake_wizard import IntakeWizard

    app = QApplication.instance() or QApplication(sys.argv)
    install_translator(app)
    choose_cjk_font(app)
    now = dt.datetime.now(dt.UTC)
    wizard = IntakeWizard(IncidentService(db, profile), actor)
    wizard.show()
    wizard.source.setCurrentIndex(wizard.source.findData("12345"))
    wizard.caller_name.setText("李女士")
    wizard.callback_phone.setText("13800005678")
    wizard.occurred_at.setDateTime(to_qdt(now - 6 * MIN))
    wizard.next()
    wizard.place.setCurrentText("东华门街道")
    wizard.address.setText("王府井大街某商场地下一层")
    wizard.category.setCurrentIndex(wizard.category.findData("accident"))
    wizard.event_type.setCurrentText("燃气事故")
    wizard.next()
    wizard.counts["deaths"].setText("3")
    wizard.counts["injured"].setText("5")
    wizard.flags["key_area"].setChecked(True)
    wizard.next()
    wizard.texts["description"].setPlainText("商场地下一层餐饮区燃气爆炸，3人死亡、5人受伤，已疏散顾客约200人")
    wizard.texts["measures_taken"].setPlainText("已通知燃气集团抢修、119到场；街道组织疏散")
    wizard.texts["trend"].setPlainText("已关阀断气，正在排查余险")
    wizard.next()
    wizard.use_suggestion.click()

    def shoot() -> None:
        wizard.grab().save(out)
        wizard.save_now()
        app.quit()

    QTimer.singleShot(800, shoot)
    app.exec()


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--db", default="/tmp/dutyroom_demo_incidents.db")
    args.add_argument("--profile", default=None, help="the district (default: the database's own, else dongcheng)")
    args.add_argument("--user", default="zhouning")
    args.add_argument("--wizard-shot", default=None)
    opts = args.parse_args()
    db, profile, actor = open_demo(opts.db, opts.profile, opts.user)
    ids = add_demo_incidents(db, profile, actor)
    print("incidents", ids)
    if opts.wizard_shot:
        _wizard_shot(db, profile, actor, opts.wizard_shot)
        print(opts.wizard_shot)
    db.dispose()


if __name__ == "__main__":
    main()
