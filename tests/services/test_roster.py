"""Duty roster: rotation across a month boundary and a holiday, conflicts, adjustments, a swap with consents.

The seeded plans hold no duty-room rules (dongcheng.md P9: no 24-hour duty, 领导带班 or handover
clauses), so the shift pattern is the district's choice: 24 h from 08:30, or 白班/夜班.
"""

import datetime as dt

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from dutyroom.domain import rotation as rot
from dutyroom.domain.workdays import Calendar
from dutyroom.services.errors import PermissionDenied, UserError
from dutyroom.services.exports import write_roster
from dutyroom.services.roster import EntryChange, RosterConflicts, RosterService, month_table
from dutyroom.store.models import AuditEntry, DutyLogEntry, RosterEntry, RosterSwap
from tests.helpers.actors import actors_by_username
from tests.helpers.roster import bj, planned, save_generated

pytestmark = pytest.mark.both_backends  # each test on SQLite and on PostgreSQL (tests/helpers/databases.py)

A, B, C, L1, L2 = 1, 2, 3, 11, 12
CAL = Calendar.load()


def _rotation(**kw):
    return rot.Rotation(rot.PATTERNS[kw.pop("pattern", "24h")], (A, B, C), (L1, L2), **kw)


# ---------------------------------------------------------------- domain: rotation and calendar


def test_24h_rotation_continues_across_the_month_boundary():
    sep = rot.generate(2026, 9, _rotation())
    officers = [a.person_id for a in sep if a.role == rot.OFFICER]
    assert len(officers) == 30 and officers[:4] == [A, B, C, A]
    start = rot.continue_from(sep, (A, B, C), (L1, L2))
    oct_ = rot.generate(2026, 10, _rotation(officer_start=start[0], leader_start=start[1]))
    last_sep = [a for a in sep if a.shift_date == dt.date(2026, 9, 30)]
    first_oct = [a for a in oct_ if a.shift_date == dt.date(2026, 10, 1)]
    # Sep 30 has the 30th turn: A,B,C… → C (index 29 % 3 = 2); Oct 1 goes on with A; leaders alternate.
    assert [a.person_id for a in last_sep] == [C, L2]
    assert [a.person_id for a in first_oct] == [A, L1]
    # the 24 h shift of Sep 30 runs into Oct 1 and ends exactly when Oct 1's begins: no overlap
    assert last_sep[0].ends == first_oct[0].starts == bj(2026, 10, 1, 8, 30)
    assert rot.find_conflicts([*sep, *oct_], rot.slots(rot.month_days(2026, 10), rot.PATTERNS["24h"])) == []


def test_day_night_rotation_officers_per_shift_leader_per_day():
    rows = rot.generate(2026, 9, _rotation(pattern="day_night", officer_start=1))
    day1 = [(a.shift_name, a.person_id, a.role) for a in rows if a.shift_date == dt.date(2026, 9, 1)]
    assert day1 == [("白班", B, "officer"), ("白班", L1, "leader"), ("夜班", C, "officer"), ("夜班", L1, "leader")]
    night = next(a for a in rows if a.shift_date == dt.date(2026, 9, 30) and a.shift_name == "夜班")
    assert (night.starts, night.ends) == (bj(2026, 9, 30, 20, 30), bj(2026, 10, 1, 8, 30))


def test_holidays_and_make_up_days_from_the_working_day_calendar():
    # 国务院办公厅 2026 notice: National Day 10-01..10-07; 09-20 (Sunday) and 10-10 (Saturday) are make-up workdays
    october = {d.day: d for d in rot.month_info(CAL, 2026, 10)}
    assert all(october[dt.date(2026, 10, n)].kind == "holiday" for n in range(1, 8))
    assert october[dt.date(2026, 10, 1)].holiday_name == "国庆节"
    assert october[dt.date(2026, 10, 10)].kind == "makeup"
    assert october[dt.date(2026, 10, 11)].kind == "weekend"
    assert october[dt.date(2026, 10, 12)].kind == "workday"
    assert rot.day_info(CAL, dt.date(2026, 9, 20)).kind == "makeup"


def test_conflicts_overlap_missing_leader_missing_officer():
    day = dt.date(2026, 10, 1)
    full, = rot.PATTERNS["24h"]
    white, night = rot.PATTERNS["day_night"]
    rows = [rot.Assignment(day, full.name, *full.interval(day), A, rot.OFFICER),
            rot.Assignment(day, night.name, *night.interval(day), A, rot.OFFICER),  # A twice: 20:30 inside 24 h
            rot.Assignment(day, night.name, *night.interval(day), L1, rot.LEADER)]
    required = rot.slots([day], [full, night])
    found = {(c.kind, c.shift_name, c.person_id) for c in rot.find_conflicts(rows, required)}
    assert found == {("overlap", "夜班", A), ("no_leader", "全天班", None)}
    only_leader = [rot.Assignment(day, white.name, *white.interval(day), L1, rot.LEADER)]
    assert [(c.kind, c.shift_name) for c in rot.find_conflicts(only_leader, rot.slots([day], [white]))] == [
        ("no_officer", "白班")]
    # the same person as officer and leader of one shift is also two overlapping duties
    both = [rot.Assignment(day, white.name, *white.interval(day), A, role) for role in rot.DUTY_ROLES]
    assert [c.kind for c in rot.find_conflicts(both, rot.slots([day], [white]))] == ["overlap"]


def test_generation_refuses_empty_or_duplicated_lists():
    with pytest.raises(rot.RotationError):
        rot.generate(2026, 9, rot.Rotation(rot.PATTERNS["24h"], (), (L1,)))
    with pytest.raises(rot.RotationError):
        rot.generate(2026, 9, rot.Rotation(rot.PATTERNS["24h"], (A, A), (L1,)))


# ---------------------------------------------------------------- service


def test_generated_month_continues_the_saved_month_and_shows_the_holidays(room):
    u = actors_by_username(room)
    sep = save_generated(room, u["tangjun"], 2026, 9)
    svc = RosterService(room)
    cands = svc.candidates(u["tangjun"])
    oct_ = svc.propose(u["tangjun"], 2026, 10, pattern="24h", officers=[p.person_id for p in cands.officers],
                       leaders=[p.person_id for p in cands.leaders])
    officers = [p.person_id for p in cands.officers]
    last = next(e for e in sep.entries if e.shift_date == dt.date(2026, 9, 30) and e.role == "officer")
    first = next(e for e in oct_.entries if e.shift_date == dt.date(2026, 10, 1) and e.role == "officer")
    assert first.person_id == officers[(officers.index(last.person_id) + 1) % len(officers)]
    assert not oct_.saved and oct_.conflicts == ()
    row = oct_.rows[0]
    assert (row.day, row.day_kind, row.day_label, row.weekday) == (dt.date(2026, 10, 1), "holiday", "国庆节", "周四")
    assert oct_.rows[9].day_label == "调休上班（国庆节）"


def test_conflicts_are_reported_before_saving_and_saved_only_when_accepted(room):
    u = actors_by_username(room)
    svc = RosterService(room)
    cands = svc.candidates(u["tangjun"])
    proposal = svc.propose(u["tangjun"], 2026, 9, pattern="24h", officers=[p.person_id for p in cands.officers],
                           leaders=[p.person_id for p in cands.leaders])
    entries = [e for e in planned(proposal) if not (e.shift_date == dt.date(2026, 9, 10) and e.role == "leader")]
    conflicts = svc.check(u["tangjun"], 2026, 9, pattern="24h", entries=entries)
    assert [(c.kind, c.shift_date) for c in conflicts] == [("no_leader", dt.date(2026, 9, 10))]
    assert "9月10日全天班没有带班领导" in conflicts[0].text
    with room.read() as s:
        before = s.scalar(select(func.count()).select_from(RosterEntry))
    with pytest.raises(RosterConflicts) as refused:
        svc.save_month(u["tangjun"], 2026, 9, pattern="24h", entries=entries)
    assert refused.value.conflicts == tuple(conflicts)
    with room.read() as s:
        assert s.scalar(select(func.count()).select_from(RosterEntry)) == before  # nothing half-saved
    saved = svc.save_month(u["tangjun"], 2026, 9, pattern="24h", entries=entries, accept_conflicts=True)
    assert saved.saved and [c.kind for c in saved.conflicts] == ["no_leader"]
    assert saved.rows[9].conflicts and saved.rows[9].cells[1] == ()
    with room.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "roster.month.save")).one()
    assert entry.after["accepted_conflicts"] == [conflicts[0].text] and entry.after["lines"] == 59


def test_regenerating_a_month_keeps_the_old_lines_deactivated(room):
    u = actors_by_username(room)
    save_generated(room, u["tangjun"], 2026, 9)
    view = save_generated(room, u["tangjun"], 2026, 9, officer_start=2)
    with room.read() as s:
        total = s.scalar(select(func.count()).select_from(RosterEntry).where(RosterEntry.shift_date >= dt.date(2026, 9, 1),
                                                                             RosterEntry.shift_date <= dt.date(2026, 9, 30)))
    assert total == 120 and len(view.entries) == 60


def test_only_shift_leaders_and_the_director_make_the_roster(room):
    u = actors_by_username(room)
    svc = RosterService(room)
    with pytest.raises(PermissionDenied):
        svc.propose(u["zhouning"], 2026, 9, pattern="24h", officers=[1], leaders=[5])
    with pytest.raises(UserError, match="不能值班"):
        svc.propose(u["tangjun"], 2026, 9, pattern="24h", officers=[5], leaders=[6])  # 罗敏 is a leader


def test_drag_exchange_and_a_move_that_leaves_a_day_without_leader(room):
    u = actors_by_username(room)
    svc = RosterService(room)
    month = save_generated(room, u["tangjun"], 2026, 9)
    o3 = next(e for e in month.entries if e.shift_date == dt.date(2026, 9, 3) and e.role == "officer")
    o4 = next(e for e in month.entries if e.shift_date == dt.date(2026, 9, 4) and e.role == "officer")
    svc.adjust(u["tangjun"], [EntryChange(o3.id, shift_date=o4.shift_date), EntryChange(o4.id, shift_date=o3.shift_date)])
    after = svc.month(u["tangjun"], 2026, 9)
    assert after.rows[2].cells[0] == (o4.person_name,) and after.rows[3].cells[0] == (o3.person_name,)
    leader = next(e for e in after.entries if e.shift_date == dt.date(2026, 9, 5) and e.role == "leader")
    with pytest.raises(RosterConflicts, match="9月5日全天班没有带班领导"):
        svc.adjust(u["tangjun"], [EntryChange(leader.id, shift_date=dt.date(2026, 9, 6))])
    assert svc.month(u["tangjun"], 2026, 9).conflicts == ()
    svc.adjust(u["tangjun"], [EntryChange(leader.id, shift_date=dt.date(2026, 9, 6))], accept_conflicts=True)
    assert {c.kind for c in svc.month(u["tangjun"], 2026, 9).conflicts} == {"no_leader"}


def test_a_swap_with_both_consents_changes_who_is_on_duty(room):
    u = actors_by_username(room)
    svc = RosterService(room)
    month = save_generated(room, u["tangjun"], 2026, 9)
    entry = next(e for e in month.entries if e.shift_date == dt.date(2026, 9, 12) and e.role == "officer")
    cands = svc.candidates(u["zhouning"])
    other = next(p for p in cands.officers if p.person_id != entry.person_id)
    now = bj(2026, 9, 10, 15)
    with pytest.raises(UserError, match="接替人同意时间不能为空"):
        svc.swap(u["zhouning"], entry.id, other.person_id, from_consent_at=now, to_consent_at=None, now=now)
    # the person taking over has the 13th: 24 h back to back is no overlap, so no conflict
    swap = svc.swap(u["zhouning"], entry.id, other.person_id, from_consent_at=now - dt.timedelta(hours=2),
                    to_consent_at=now - dt.timedelta(hours=1), reason="家中有事，电话确认", now=now)
    assert (swap.from_name, swap.to_name) == (entry.person_name, other.name)
    on_duty = svc.on_duty(bj(2026, 9, 12, 20))
    assert on_duty.now.officers == (other.name,) and on_duty.next.shift_date == dt.date(2026, 9, 13)
    with room.read() as s:
        row = s.get(RosterSwap, swap.id)
        assert row.from_consent_at == now - dt.timedelta(hours=2) and row.to_consent_at == now - dt.timedelta(hours=1)
        assert s.get(RosterEntry, entry.id).replaced_by_swap_id == swap.id  # the old line is kept
        assert s.scalars(select(AuditEntry).where(AuditEntry.action == "roster.swap")).one().after["reason"] == \
            "家中有事，电话确认"
        assert "双方同意" in s.scalars(select(DutyLogEntry).where(DutyLogEntry.kind == "roster")).one().text
    with pytest.raises(UserError, match="已被替换"):
        svc.swap(u["zhouning"], entry.id, other.person_id, from_consent_at=now, to_consent_at=now, now=now)
    leader = next(e for e in month.entries if e.shift_date == dt.date(2026, 9, 12) and e.role == "leader")
    with pytest.raises(UserError, match="不能担任带班领导"):
        svc.swap(u["zhouning"], leader.id, other.person_id, from_consent_at=now, to_consent_at=now, now=now)
    past = next(e for e in month.entries if e.shift_date == dt.date(2026, 9, 2) and e.role == "officer")
    with pytest.raises(UserError, match="已经结束"):
        svc.swap(u["zhouning"], past.id, other.person_id, from_consent_at=now, to_consent_at=now, now=now)


def test_swap_onto_someone_already_on_that_shift_is_flagged_before_saving(room):
    u = actors_by_username(room)
    svc = RosterService(room)
    month = save_generated(room, u["tangjun"], 2026, 9, officers_per_shift=2)
    p, q = [e for e in month.entries if e.shift_date == dt.date(2026, 9, 20) and e.role == "officer"]
    now = bj(2026, 9, 15)
    with pytest.raises(RosterConflicts, match="时间重叠"):
        svc.swap(u["zhouning"], p.id, q.person_id, from_consent_at=now, to_consent_at=now, now=now)
    with room.read() as s:
        assert s.scalar(select(func.count()).select_from(RosterSwap)) == 0
    svc.swap(u["zhouning"], p.id, q.person_id, from_consent_at=now, to_consent_at=now, now=now, accept_conflicts=True)
    assert [c.kind for c in svc.month(u["tangjun"], 2026, 9).conflicts] == ["overlap"]


def test_month_export_writes_the_rows_the_grid_shows(room, tmp_path):
    u = actors_by_username(room)
    view = save_generated(room, u["tangjun"], 2026, 10, pattern="day_night")
    headers, rows = month_table(view)
    assert headers == ["日期", "星期", "日别", "白班值班员", "白班带班领导", "夜班值班员", "夜班带班领导", "冲突"]
    target = tmp_path / "roster.xlsx"
    write_roster(target, view)
    ws = load_workbook(target).active
    assert ws["A1"].value == "北京市应急管理局2026年10月值班表"  # the PDF's title (issue 19 item 12)
    assert [c.value for c in ws[2]] == headers
    shown = [[c.value for c in r] for r in ws.iter_rows(min_row=3, max_row=2 + len(rows))]
    assert len(shown) == 31
    for got, want in zip(shown, rows, strict=True):
        assert got[0].date() == want[0]
        assert [g or "" for g in got[1:]] == want[1:]
    assert shown[0][2] == "国庆节"


def test_cli_exports_the_month_and_refuses_a_bad_month(room, tmp_path, capsys):
    from dutyroom.cli import main
    from tests.helpers.cli import as_user

    me = as_user("tangjun", folder=tmp_path)
    u = actors_by_username(room)
    view = save_generated(room, u["tangjun"], 2026, 9)
    target = tmp_path / "sep.xlsx"
    assert main(["roster", "export", "--month", "2026-09", "-o", str(target), "--db", room.url, *me]) == 0
    ws = load_workbook(target).active
    assert ws["A1"].value == "北京市东城区应急管理局2026年9月值班表"
    assert [c.value for c in ws[3]][3:5] == month_table(view)[1][0][3:5]
    assert main(["roster", "export", "--month", "2026-13", "-o", str(target), "--db", room.url, *me]) == 2
    assert "月份必须在 1 到 12 之间" in capsys.readouterr().err
