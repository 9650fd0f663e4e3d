"""Build a database with years of duty-room history, for the benchmarks (issue 21).

    .venv/bin/python scripts/generate_history.py --db /work/bench/history10.db --years 10 --per-year 10000

How it is made:

1. A sample, written through the services (the demo district, Dongcheng rules): incidents taken, graded,
   reported (首报, 书面报告, 续报, 终报), noted, ended and closed; leaders' instructions; warnings drafted,
   approved along their chain, issued and lifted; typed duty-log lines. Every one of these "episodes" is
   written in a scratch copy of the database, and the rows it added to each table (and its audit entries)
   are remembered.
2. Volume: the episodes are cloned forward in time with plain INSERTs into the target database, in
   chronological order, `--per-year` incidents a year for `--years` years ending today. Times move with
   the clone, ids are remapped (the audit entries' entity ids too), and each cloned audit entry is chained
   exactly as store/audit.record chains it (seq, prev_hash, hash), so `dutyroom verify` passes.
3. Today: four open incidents with live deadlines are added through the services on top
   (scripts/demo_incidents.py), so the dashboard and the countdowns have something to count.

SQLite only. An existing --db is refused unless --force.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from demo_incidents import add_demo_incidents, open_demo

from dutyroom.domain.clock import BEIJING
from dutyroom.domain.vocabulary import COLOUR_LABELS, Colour
from dutyroom.services.actor import Actor
from dutyroom.services.auth import AuthService
from dutyroom.services.demo import DEMO_PASSWORD
from dutyroom.services.duty_log import DutyLogService
from dutyroom.services.errors import UserError
from dutyroom.services.incident_log import IncidentLogService
from dutyroom.services.incident_reports import ReportService
from dutyroom.services.incidents import IncidentService
from dutyroom.services.warnings import WarningContent, WarningService
from dutyroom.store import text_index
from dutyroom.store.audit import GENESIS, entry_mac
from dutyroom.store.audit_key import key_path, load_key
from dutyroom.store.row_seal import SEALED, row_mac

# Tables an episode writes, with the columns that point at another cloned row (table they point into).
CLONED: dict[str, dict[str, str]] = {
    "incident": {},
    "incident_report": {"incident_id": "incident", "corrects_report_id": "incident_report"},
    "incident_log": {"incident_id": "incident"},
    "response_activation": {"incident_id": "incident"},
    "warning": {"previous_id": "warning"},
    "warning_approval": {"warning_id": "warning"},
    "warning_measure_check": {"warning_id": "warning"},
    "duty_log": {"incident_id": "incident", "warning_id": "warning"},
}
# audit_log.entity → the cloned table its entity_id names
AUDIT_ENTITY = {"incident": "incident", "incident_report": "incident_report", "incident_log": "incident_log",
                "report": "incident_report", "warning": "warning", "warning_approval": "warning_approval",
                "warning_measure": "warning_measure_check", "warning_measure_check": "warning_measure_check",
                "duty_log": "duty_log", "response_activation": "response_activation", "response": "response_activation"}
STAMP = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores a DateTime in SQLite

MIN = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)

WEATHER = "气象灾害（暴雨、大风、沙尘、高温、雷电、大雾、霾、暴雪、冰雹、道路结冰、电线结冰等）"
CALLS = [  # (category, event type, description, measures, counts)
    ("accident", "燃气事故", "居民楼燃气泄漏，已疏散住户", "燃气集团抢修，119到场", {"injured": 1}),
    ("accident", "道路交通事故", "两车相撞，道路部分阻断", "交警、120已到场", {"injured": 2}),
    ("accident", "火灾事故", "商铺起火，无人员被困", "119已出警扑救", {}),
    ("accident", "建设工程施工突发事故", "工地围挡倒塌", "区住房城乡建设委到场", {"injured": 1}),
    ("accident", "燃气事故", "餐馆燃气管道破裂", "关阀断气，排查余险", {}),
    ("natural", WEATHER, "强降雨致下凹式立交桥积水", "排水集团抽排，交警封路", {"trapped": 2}),
    ("natural", WEATHER, "大风吹落广告牌砸中车辆", "城管清理现场", {"injured": 1}),
    ("public_health", "食品安全事件", "单位食堂多人呕吐腹泻", "卫生健康委流调，患者送医", {"injured": 6}),
    ("social", "群体访、聚集等事件", "小区业主聚集反映供暖问题", "街道、公安到场疏导", {}),
]
NOTES = ["现场已拉设警戒线", "伤员已送医，生命体征平稳", "道路已恢复通行", "相关部门正在核查原因",
         "已电话通知属地街道值班室", "已向带班领导报告", "现场明火已扑灭", "已安排专人跟踪续报"]
DUTY_LINES = [("call", "接市应急办电话，询问今日值守情况"), ("visitor", "区政府办公室同志来值班室检查值守"),
              ("equipment", "测试卫星电话、传真机，工作正常"), ("note", "收到气象台天气预报，已转发各街道")]


@dataclass
class Episode:
    """What one sample episode added: per table the id range, the audit seq range, and its time."""

    at: dt.datetime
    kind: str
    ids: dict[str, tuple[int, int]] = field(default_factory=dict)  # table → (first, last), inclusive
    seqs: tuple[int, int] = (1, 0)


def _max_ids(conn: sqlite3.Connection) -> dict[str, int]:
    out = {t: conn.execute(f"SELECT coalesce(max(id), 0) FROM {t}").fetchone()[0] for t in CLONED}
    out["audit_log"] = conn.execute("SELECT coalesce(max(seq), 0) FROM audit_log").fetchone()[0]
    return out


class Sampler:
    """Writes the sample episodes through the services into the scratch database."""

    def __init__(self, db, profile, rng: random.Random, path: Path):
        self.db, self.profile, self.rng = db, profile, rng
        self.conn = sqlite3.connect(path)
        auth = AuthService(db)
        self.u: dict[str, Actor] = {name: auth.login(name, DEMO_PASSWORD) for name in
                                    ("zhouning", "sunhao", "heli", "gaopeng", "luomin", "tangjun", "xiewen", "hanyu",
                                     "fengqing")}
        self.by_role = {"department": self.u["fengqing"], "office_director": self.u["tangjun"],
                        "leader_in_charge": self.u["xiewen"], "committee_director": self.u["hanyu"],
                        "shift_leader": self.u["luomin"], "duty_officer": self.u["zhouning"]}
        self.incidents, self.reports = IncidentService(db, profile), ReportService(db)
        self.log, self.duty = IncidentLogService(db), DutyLogService(db)
        self.warnings = WarningService(db, profile)
        self.places = list(profile.places) or ["东华门街道"]
        self.episodes: list[Episode] = []

    def run(self, kind: str, at: dt.datetime, fn) -> None:
        self.conn.commit()
        before = _max_ids(self.conn)
        fn(at)
        after = _max_ids(self.conn)
        ep = Episode(at, kind)
        for t in CLONED:
            if after[t] > before[t]:
                ep.ids[t] = (before[t] + 1, after[t])
        ep.seqs = (before["audit_log"] + 1, after["audit_log"])
        self.episodes.append(ep)

    def officer(self) -> Actor:
        return self.u[self.rng.choice(("zhouning", "sunhao", "heli", "gaopeng"))]

    def incident(self, t0: dt.datetime) -> None:
        rng, who = self.rng, self.officer()
        category, event_type, description, measures, counts = rng.choice(CALLS)
        place = rng.choice(self.places)
        view = self.incidents.register(who, {
            "source": rng.choice(("phone", "110", "119", "120", "12345", "street")), "caller_name": "王先生",
            "callback_phone": f"1380000{rng.randrange(10000):04d}", "category": category, "event_type": event_type,
            "occurred_at": t0 - 5 * MIN, "received_at": t0, "place": place,
            "address": f"{place}某路{rng.randrange(1, 200)}号", "description": description, "measures_taken": measures,
            **counts}, now=t0)
        grade = rng.choice(("ordinary", "ordinary", "ordinary", "unknown", "large"))
        if grade != "unknown":
            self.incidents.confirm_grade(who, view.id, grade, now=t0 + 2 * MIN)
        sent_at = t0 + 8 * MIN
        for kind, at in (("verbal", sent_at), ("written", t0 + 45 * MIN)):
            self._send(who, view.id, kind, at)
        for k in range(rng.randrange(1, 4)):
            at = t0 + (50 + 20 * k) * MIN
            self.log.add(who, view.id, rng.choice(NOTES), happened_at=at, now=at)
        if rng.random() < 0.3:
            at = t0 + 70 * MIN
            self.log.add_instruction(who, view.id, "全力处置，及时续报", instructed_by="分管副区长", happened_at=at,
                                     now=at)
        if rng.random() < 0.5:
            self._send(who, view.id, "followup", t0 + 2 * HOUR)
        end = t0 + 3 * HOUR
        self.incidents.end_handling(who, view.id, at=end, now=end)
        self._send(who, view.id, "final", t0 + 4 * HOUR)
        self.incidents.close(self.u["luomin"], view.id, now=t0 + 4 * HOUR + 5 * MIN)

    def _send(self, who: Actor, incident_id: int, kind: str, at: dt.datetime) -> None:
        draft = self.reports.compose(who, incident_id, kind, now=at)
        self.reports.record_sent(who, incident_id, kind, body=draft.body, recipients=draft.recipients or ["区应急办"],
                                 channel="phone", sent_at=at, now=at)

    def duty_lines(self, t0: dt.datetime) -> None:
        for k, (kind, text) in enumerate(self.rng.sample(DUTY_LINES, 2)):
            at = t0 + k * 3 * HOUR
            self.duty.add(self.officer(), kind, text, happened_at=at, now=at)

    def warning(self, t0: dt.datetime) -> None:
        self.warned = getattr(self, "warned", -1) + 1
        colour = ("blue", "yellow", "orange", "blue", "red")[self.warned % 5]  # every chain, approvals included
        author = self.u["zhouning"]
        w = self.warnings.draft(author, WarningContent(
            title=f"暴雨{COLOUR_LABELS[Colour(colour)][0][:2]}预警", category="natural", colour=colour,
            event_type="暴雨", start_at=t0 + HOUR,
            expected_duration="12小时", ends_at=t0 + 13 * HOUR, area="全区", cautions="强降雨，注意防范积水",
            measures_text="停止户外作业，远离低洼地带", issuing_unit="区应急办"), now=t0)
        self.warnings.submit(author, w.id, now=t0 + 5 * MIN)
        view = self.warnings.get(w.id)
        step = 0
        while view.next_step is not None:
            s = view.steps[view.next_step - 1]
            at = t0 + (10 + 5 * step) * MIN
            if s.kind == "external_decision":
                view = self.warnings.record_external(author, w.id, decider="市应急办值班领导", reference="京应急字〔2026〕18号",
                                                     decided_at=at, comment="同意发布", now=at)
            else:
                view = self.warnings.approve(self.by_role[s.role], w.id, comment="同意", now=at)
            step += 1
        issuer = self.by_role.get(view.issuer_role, author)
        self.warnings.issue(issuer, w.id, [self.profile.warnings.channels[0]], now=t0 + HOUR)
        lifter = self.by_role.get(view.lifted_by_role, issuer)
        try:
            self.warnings.lift(lifter, w.id, "预警解除条件已满足", now=t0 + 13 * HOUR)
        except UserError:
            pass  # the profile wants someone else to lift it: the warning stays issued in the sample


def _fmt(t: dt.datetime) -> str:
    return t.strftime(STAMP)


def _parse(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _copy_key(source_db: Path, target_db: Path) -> None:
    src, dst = key_path(f"sqlite:///{source_db}"), key_path(f"sqlite:///{target_db}")
    if src is not None and dst is not None and src != dst and src.exists():
        shutil.copy2(src, dst)
        dst.chmod(0o600)


class Cloner:
    """Copies sample episodes into the target with plain INSERTs, shifted in time, audit re-chained."""

    def __init__(self, sample: sqlite3.Connection, target: sqlite3.Connection, key: bytes):
        self.src, self.dst, self.key = sample, target, key  # the target's audit key: chain MACs and row seals
        self.cols: dict[str, list[str]] = {}
        self.times: dict[str, set[str]] = {}
        for t in [*CLONED, "audit_log"]:
            info = target.execute(f"PRAGMA table_info({t})").fetchall()
            self.cols[t] = [r[1] for r in info]
            self.times[t] = {r[1] for r in info if r[2].upper() == "DATETIME"}
        self.next_id = {t: target.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {t}").fetchone()[0]
                        for t in [*CLONED, "audit_log"]}
        head = target.execute("SELECT last_seq, last_hash FROM audit_head WHERE id = 1").fetchone()
        self.seq, self.prev = head if head else (0, GENESIS)
        self.rows: dict[str, dict[int, tuple]] = {t: {} for t in [*CLONED, "audit_log"]}
        self.pending: dict[str, list[tuple]] = {t: [] for t in [*CLONED, "audit_log"]}

    def load(self, episodes: list[Episode]) -> None:
        """Read every sample row once (they are few)."""
        for t in CLONED:
            for row in self.src.execute(f"SELECT {', '.join(self.cols[t])} FROM {t}"):
                self.rows[t][row[0]] = row
        for row in self.src.execute(f"SELECT {', '.join(self.cols['audit_log'])} FROM audit_log"):
            self.rows["audit_log"][row[self.cols["audit_log"].index("seq")]] = row

    def clone(self, ep: Episode, shift: dt.timedelta) -> None:
        remap: dict[str, dict[int, int]] = {}
        for t, (lo, hi) in ep.ids.items():  # ids first, so rows may point at rows cloned in the same episode
            remap[t] = {}
            for old in range(lo, hi + 1):
                if old in self.rows[t]:
                    remap[t][old] = self.next_id[t]
                    self.next_id[t] += 1
        for t, (lo, hi) in ep.ids.items():
            cols, fks, times = self.cols[t], CLONED[t], self.times[t]
            for old in range(lo, hi + 1):
                row = self.rows[t].get(old)
                if row is None:
                    continue
                new = list(row)
                for k, c in enumerate(cols):
                    v = new[k]
                    if v is None:
                        continue
                    if c == "id":
                        new[k] = remap[t][old]
                    elif c in fks:
                        new[k] = remap.get(fks[c], {}).get(v, v)
                    elif c in times:
                        new[k] = _fmt(_parse(v) + shift)
                if t in SEALED and "row_mac" in cols:  # a row with legal weight carries a seal of its content
                    new[cols.index("row_mac")] = row_mac(self.key, t, dict(zip(cols, new, strict=True)))
                self.pending[t].append(tuple(new))
        cols = self.cols["audit_log"]
        ix = {c: k for k, c in enumerate(cols)}
        for old_seq in range(ep.seqs[0], ep.seqs[1] + 1):
            row = self.rows["audit_log"].get(old_seq)
            if row is None:
                continue
            new = list(row)
            at = _parse(row[ix["at"]]).replace(tzinfo=dt.UTC) + shift
            entity, eid = row[ix["entity"]], row[ix["entity_id"]]
            table = AUDIT_ENTITY.get(entity)
            if table and eid and eid.isdigit() and int(eid) in remap.get(table, {}):
                eid = str(remap[table][int(eid)])
            before = json.loads(row[ix["before"]]) if row[ix["before"]] is not None else None
            after = json.loads(row[ix["after"]]) if row[ix["after"]] is not None else None
            self.seq += 1
            digest = entry_mac(self.key, self.prev, self.seq, at, row[ix["user_id"]], row[ix["username"]],
                               row[ix["workstation"]], row[ix["action"]], entity, eid, before, after)
            new[ix["id"]] = self.next_id["audit_log"]
            self.next_id["audit_log"] += 1
            new[ix["seq"]], new[ix["at"]], new[ix["entity_id"]] = self.seq, _fmt(at.replace(tzinfo=None)), eid
            new[ix["prev_hash"]], new[ix["hash"]] = self.prev, digest
            self.prev = digest
            self.pending["audit_log"].append(tuple(new))

    def flush(self) -> None:
        for t, rows in self.pending.items():
            if rows:
                marks = ", ".join("?" * len(self.cols[t]))
                self.dst.executemany(f"INSERT INTO {t} ({', '.join(self.cols[t])}) VALUES ({marks})", rows)
                rows.clear()
        self.dst.execute("UPDATE audit_head SET last_seq = ?, last_hash = ? WHERE id = 1", (self.seq, self.prev))


def build(db_path: Path, years: int, per_year: int, sample_size: int, seed: int, now: dt.datetime) -> None:
    rng = random.Random(seed)
    work = Path(tempfile.mkdtemp(prefix="dutyroom_history_"))
    base = work / "base.db"
    t = time.perf_counter()
    db, profile, _actor = open_demo(str(base))  # migrate, reference data, demo users (same ids in both copies)
    db.dispose()
    shutil.copy(base, db_path)
    _copy_key(base, db_path)  # the entries copied with the file were keyed with base's key
    shutil.copy(base, work / "sample.db")
    db, profile, _actor = open_demo(str(work / "sample.db"))
    sampler = Sampler(db, profile, rng, work / "sample.db")
    warn_every = 30  # one warning per 30 calls (3,333 in 100,000)
    start = now - dt.timedelta(days=60)
    gap = dt.timedelta(days=50) / max(sample_size, 1)
    for k in range(sample_size):
        at = (start + k * gap).replace(microsecond=0)
        sampler.run("incident", at, sampler.incident)
        sampler.run("duty", at + 30 * MIN, sampler.duty_lines)
        if k % warn_every == 0:
            sampler.run("warning", at + HOUR, sampler.warning)
    db.dispose()
    print(f"sample: {sample_size} incidents through the services in {time.perf_counter() - t:.1f} s", flush=True)

    t = time.perf_counter()
    src = sqlite3.connect(work / "sample.db")
    dst = sqlite3.connect(db_path, isolation_level=None)
    dst.execute("PRAGMA journal_mode=WAL")
    dst.execute("PRAGMA synchronous=OFF")
    dst.execute("PRAGMA cache_size=-200000")
    cloner = Cloner(src, dst, load_key(f"sqlite:///{db_path}"))
    cloner.load(sampler.episodes)
    by_kind: dict[str, list[Episode]] = {}
    for ep in sampler.episodes:
        by_kind.setdefault(ep.kind, []).append(ep)
    total = years * per_year
    first = now - dt.timedelta(days=365 * years)
    step = dt.timedelta(days=365 * years) / total
    end = now - dt.timedelta(days=1)  # the last day is left to the live incidents
    dst.execute("BEGIN")
    for k in range(total):
        at = first + k * step + dt.timedelta(seconds=rng.randrange(0, max(int(step.total_seconds()) // 2, 1)))
        if at > end:
            break
        inc = by_kind["incident"][k % len(by_kind["incident"])]
        cloner.clone(inc, at - inc.at)
        duty = by_kind["duty"][k % len(by_kind["duty"])]
        cloner.clone(duty, at - duty.at)
        if k % warn_every == 0 and by_kind.get("warning"):
            w = by_kind["warning"][(k // warn_every) % len(by_kind["warning"])]
            cloner.clone(w, at + HOUR - w.at)
        if k % 5000 == 4999:
            cloner.flush()
            dst.execute("COMMIT")
            dst.execute("BEGIN")
            print(f"  {k + 1:,} / {total:,} incidents cloned ({time.perf_counter() - t:.0f} s)", flush=True)
    cloner.flush()
    dst.execute("COMMIT")
    t_index = time.perf_counter()  # the cloned rows bypass the write paths: their text indexes in one go
    dst.execute("BEGIN")
    text_index.rebuild(dst)
    dst.execute("COMMIT")
    print(f"  text indexes built in {time.perf_counter() - t_index:.0f} s", flush=True)
    dst.execute("PRAGMA synchronous=NORMAL")  # no ANALYZE: a duty room's database never had one run (the planner's
    # defaults are what the app meets; statistics taken here, when every incident is closed, would mislead it)
    dst.close()
    src.close()
    print(f"cloned in {time.perf_counter() - t:.1f} s", flush=True)

    db, profile, actor = open_demo(str(db_path))  # migrations (the indexes) and the live incidents on top
    add_demo_incidents(db, profile, actor)
    db.dispose()
    shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    args.add_argument("--db", required=True, type=Path)
    args.add_argument("--years", type=int, default=10)
    args.add_argument("--per-year", type=int, default=10000)
    args.add_argument("--sample", type=int, default=120, help="incidents written through the services (default 120)")
    args.add_argument("--seed", type=int, default=21)
    args.add_argument("--force", action="store_true", help="replace an existing --db")
    opts = args.parse_args()
    if opts.db.exists():
        if not opts.force:
            sys.exit(f"{opts.db} exists (use --force to replace it)")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{opts.db}{suffix}").unlink(missing_ok=True)
    opts.db.parent.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    build(opts.db, opts.years, opts.per_year, max(opts.sample, 1), opts.seed, dt.datetime.now(BEIJING).astimezone(dt.UTC))
    print(f"{opts.db}: {opts.years} years x {opts.per_year:,} incidents in {time.perf_counter() - t:.0f} s, "
          f"{opts.db.stat().st_size / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
