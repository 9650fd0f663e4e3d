"""Issue 17, finding 3 ("The audit chain proves less than it claims"): user_id and workstation are hashed; the chain
is an HMAC under a per-installation key kept outside the database (0600), so a forged append or a rewritten chain
fails `verify`; cutting the newest entries shows against an anchor kept outside the database (a printed short code,
or the anchor file beside a backup); deleting the whole log shows; rows with legal weight carry a seal."""

import datetime as dt
import json
import os
import sqlite3
import stat
import tracemalloc
from pathlib import Path

import pytest

from dutyroom.cli import main as cli_main
from dutyroom.services.actor import SYSTEM
from dutyroom.services.auth import AuthService
from dutyroom.services.maintenance import MaintenanceService
from dutyroom.store import audit
from dutyroom.store.audit import GENESIS, audit_anchor_short, entry_mac, legacy_entry_hash, verify_chain
from dutyroom.store.audit_key import KEY_FILE, forget_cached_keys
from dutyroom.store.database import Database
from dutyroom.store.models import DutyLogEntry
from tests.helpers.cli import as_user

ROOT = Path(__file__).resolve().parents[2]
RELEASE_0001 = ROOT / "tests" / "data" / "release_0001.db"


def verify(capsys, url, *extra):
    code = cli_main(["verify", "--db", url, *extra])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def chained(people):
    """Admin, officer, five sign-ins and a duty-log entry; returns (db, path)."""
    auth, admin, _officer = people
    for _ in range(5):
        auth.login("zhouning", "duty-pass-2026")
    with auth.db.write() as s:
        entry = DutyLogEntry(happened_at=dt.datetime.now(dt.UTC), author_id=admin.id, kind="note", text="接市应急局电话")
        s.add(entry)
        s.flush()
        audit.record_by(s, admin, action="dutylog.add", entity="duty_log", entity_id=entry.id)
    return auth.db, Path(auth.db.url.removeprefix("sqlite:///"))


def _sql(path: Path, *statements, params=()) -> None:
    con = sqlite3.connect(path)
    for st in statements:
        con.execute(st, params) if params else con.execute(st)
    con.commit()
    con.close()


@pytest.mark.parametrize(("column", "value"), [("user_id", "NULL"), ("workstation", "'seat-9'")])
def test_user_id_and_workstation_are_covered(chained, capsys, column, value):
    db, path = chained
    _sql(path, f"UPDATE audit_log SET {column} = {value} WHERE seq = 3")
    code, _out, err = verify(capsys, db.url)
    assert code == 1 and "第 3 条内容被改动或伪造" in err


def test_cutting_the_newest_entries_shows_against_the_printed_anchor(chained, capsys):
    db, path = chained
    with db.read() as s:
        printed = audit_anchor_short(s)  # what the handover sheet / duty-log PDF carries
    seq = int(printed.split("-")[0])
    con = sqlite3.connect(path)
    keep_hash = con.execute("SELECT hash FROM audit_log WHERE seq = ?", (seq - 2,)).fetchone()[0]
    con.execute("DELETE FROM audit_log WHERE seq > ?", (seq - 2,))
    con.execute("UPDATE audit_head SET last_seq = ?, last_hash = ?", (seq - 2, keep_hash))
    con.commit()
    con.close()
    code, _out, _err = verify(capsys, db.url)
    assert code == 0  # inside the database alone a clean cut cannot be seen ...
    code, _out, err = verify(capsys, db.url, "--against", printed)
    assert code == 1 and f"第 {seq} 条在数据库中不存在" in err and "截断" in err  # ... against the paper it can


def test_cutting_shows_against_a_backup_anchor(chained, capsys, tmp_path):
    db, path = chained
    backup = tmp_path / "b.db"
    assert cli_main(["backup", str(backup), "--db", db.url, *as_user("admin", "duty-pass-2026", tmp_path)]) == 0
    capsys.readouterr()
    anchor = json.loads((tmp_path / "b.db.anchor.json").read_text(encoding="utf-8"))
    _sql(path, f"DELETE FROM audit_log WHERE seq >= {anchor['seq']}")
    no_sidecar = tmp_path / "copy.db"  # a backup whose anchor file was lost: the head recorded inside it
    no_sidecar.write_bytes(backup.read_bytes())
    for against in (str(backup), str(tmp_path / "b.db.anchor.json"), str(no_sidecar)):
        code, _out, err = verify(capsys, db.url, "--against", against)
        assert code == 1 and "截断" in err


def test_an_intact_database_matches_its_anchor(chained, capsys):
    db, _path = chained
    with db.read() as s:
        printed = audit_anchor_short(s)
    code, out, _err = verify(capsys, db.url, "--against", printed)
    assert code == 0 and f"与锚点 {printed} 相符" in out


def test_deleting_the_whole_log_shows(chained, capsys):
    db, path = chained
    _sql(path, "DELETE FROM audit_log", "DELETE FROM audit_head")
    code, _out, err = verify(capsys, db.url)
    assert code == 1 and "审计记录被整体删除" in err


def test_a_forged_append_with_a_recomputed_hash_fails(chained, capsys):
    db, path = chained
    con = sqlite3.connect(path)
    seq, last = con.execute("SELECT last_seq, last_hash FROM audit_head").fetchone()
    at = dt.datetime.now(dt.UTC)
    wrong_key = os.urandom(32)  # whoever holds only the database file does not hold the key
    for forged in (entry_mac(wrong_key, last, seq + 1, at, None, "admin", "vm", "user.role", "user", "2", None, None),
                   legacy_entry_hash(last, seq + 1, at, "admin", "user.role", "user", "2", None, None)):
        con.execute("DELETE FROM audit_log WHERE seq = ?", (seq + 1,))
        con.execute("INSERT INTO audit_log (seq, at, user_id, username, workstation, action, entity, entity_id, "
                    "prev_hash, hash) VALUES (?, ?, NULL, 'admin', 'vm', 'user.role', 'user', '2', ?, ?)",
                    (seq + 1, at.replace(tzinfo=None).isoformat(sep=" "), last, forged))
        con.execute("UPDATE audit_head SET last_seq = ?, last_hash = ?", (seq + 1, forged))
        con.commit()
        code, _out, err = verify(capsys, db.url)
        assert code == 1 and f"第 {seq + 1} 条内容被改动或伪造" in err
    con.close()


def test_rewriting_the_whole_chain_without_the_key_fails(chained, capsys):
    db, path = chained
    con = sqlite3.connect(path)
    rows = con.execute("SELECT seq, at, user_id, username, workstation, action, entity, entity_id, before, after "
                       "FROM audit_log ORDER BY seq").fetchall()
    key, prev = os.urandom(32), GENESIS
    for seq, at, uid, user, ws, action, entity, eid, before, after in rows:
        username = "nobody" if seq == 2 else user
        mac = entry_mac(key, prev, seq, dt.datetime.fromisoformat(at).replace(tzinfo=dt.UTC), uid, username, ws,
                        action, entity, eid, json.loads(before) if before else None,
                        json.loads(after) if after else None)
        con.execute("UPDATE audit_log SET username = ?, prev_hash = ?, hash = ? WHERE seq = ?", (username, prev, mac, seq))
        prev = mac
    con.execute("UPDATE audit_head SET last_hash = ?", (prev,))
    con.commit()
    con.close()
    code, _out, err = verify(capsys, db.url)
    assert code == 1 and "第 1 条内容被改动或伪造" in err


def test_a_duty_log_row_patched_in_the_file_fails_its_seal(chained, capsys):
    db, path = chained
    code, out, _err = verify(capsys, db.url)
    assert code == 0 and "封印完整" in out
    _sql(path, "UPDATE duty_log SET text = '未接到电话'")
    code, _out, err = verify(capsys, db.url)
    assert code == 1 and "值班日志（duty_log）第 1 行内容与封印不符" in err
    from dutyroom.services.audit_query import AuditQueryService

    check = AuditQueryService(db).verify(SYSTEM)  # the audit page's 校验审计链 says the same
    assert not check.ok and "值班日志（duty_log）第 1 行内容与封印不符" in check.problem


def test_an_incident_row_written_around_the_program_has_no_seal(desk, capsys):
    from tests.helpers.incidents import intake

    desk.incidents().register(desk["zhouning"], intake())
    db = desk.db
    path = Path(db.url.removeprefix("sqlite:///"))
    code, _out, err = verify(capsys, db.url)
    assert code == 0, err
    _sql(path, "UPDATE incident SET row_mac = NULL WHERE id = (SELECT min(id) FROM incident)")
    code, _out, err = verify(capsys, db.url)
    assert code == 1 and "事件（incident）" in err and "没有封印" in err


# ---------------------------------------------------------------- the key file


def test_the_key_lives_beside_the_database_readable_by_its_owner_only(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("DUTYROOM_AUDIT_KEY")
    forget_cached_keys()
    url = f"sqlite:///{tmp_path / 'office' / 'dutyroom.db'}"
    (tmp_path / "office").mkdir()
    assert cli_main(["init", "--db", url]) == 0
    key = tmp_path / "office" / KEY_FILE
    assert key.exists() and stat.S_IMODE(key.stat().st_mode) == 0o600
    db = Database(url)
    AuthService(db).create_user(SYSTEM, "admin", "管理员", "duty-pass-2026", ["admin"])
    db.dispose()
    # the key backup, written only when asked, to its own file
    assert cli_main(["backup", str(tmp_path / "b.db"), "--db", url, *as_user("admin", "duty-pass-2026", tmp_path)]) == 0
    assert not list(tmp_path.glob("*.key"))
    assert cli_main(["backup", str(tmp_path / "b2.db"), "--with-key", str(tmp_path / "office.key"), "--db", url,
                     *as_user("admin", "duty-pass-2026", tmp_path)]) == 0
    assert stat.S_IMODE((tmp_path / "office.key").stat().st_mode) == 0o600
    # the key is lost: nothing signs with a new key; the message says how to recover
    key.unlink()
    forget_cached_keys()
    db = Database(url)
    with pytest.raises(Exception, match=r"审计密钥文件缺失或损坏.*backup --with-key"):
        AuthService(db).create_user(SYSTEM, "later", "后加", "duty-pass-2026", ["duty_officer"])
    db.dispose()
    capsys.readouterr()
    code, _out, err = verify(capsys, url)
    assert code == 1 and "审计密钥文件缺失" in err
    # recovery: the key backup copied back
    key.write_bytes((tmp_path / "office.key").read_bytes())
    forget_cached_keys()
    code, out, _err = verify(capsys, url)
    assert code == 0, out


def test_a_backup_from_another_installation_is_named_as_such(chained, tmp_path, monkeypatch):
    db, _path = chained
    m = MaintenanceService(db)
    backup = m.backup_to_file(SYSTEM, tmp_path / "b.db").path
    other = tmp_path / "other.key"
    monkeypatch.setenv("DUTYROOM_AUDIT_KEY", str(other))
    forget_cached_keys()
    from dutyroom.store.audit_key import write_key_file

    write_key_file(other, os.urandom(32))
    result = MaintenanceService(db).check(SYSTEM, backup)
    assert not result.ok and "另一套安装" in result.problem
    Path(backup + ".anchor.json").unlink()  # without the anchor file the keyed chain still tells
    result = MaintenanceService(db).check(SYSTEM, backup)
    assert not result.ok and "审计链被破坏" in result.problem
    forget_cached_keys()


# ---------------------------------------------------------------- existing databases, streaming


def test_a_first_release_database_is_re_keyed_once(tmp_path, capsys):
    path = tmp_path / "old.db"
    path.write_bytes(RELEASE_0001.read_bytes())
    db = Database(f"sqlite:///{path}")
    db.migrate()
    with db.read() as s:
        report = verify_chain(s)
        assert report.ok and report.entries == 15
        last = s.scalars(audit.select(audit.AuditEntry).order_by(audit.AuditEntry.seq.desc()).limit(1)).one()
        assert last.action == "audit.rekeyed" and last.after["entries"] == 14
    db.dispose()


def test_a_broken_old_chain_is_not_laundered_by_the_re_key(tmp_path):
    path = tmp_path / "old.db"
    path.write_bytes(RELEASE_0001.read_bytes())
    _sql(path, "UPDATE audit_log SET action = 'nothing' WHERE seq = 6")
    db = Database(f"sqlite:///{path}")
    db.migrate()
    with db.read() as s:
        report = verify_chain(s)
    db.dispose()
    assert not report.ok and report.first_bad_seq == 6


def _raw_chain(db: Database, n: int) -> None:
    from dutyroom.store.audit_key import load_key

    key = load_key(db.url, create=True)
    at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    prev, rows = GENESIS, []
    for seq in range(1, n + 1):
        mac = entry_mac(key, prev, seq, at, None, "system", "vm", "x.y", "e", str(seq), None, {"n": seq, "pad": "值" * 40})
        rows.append((seq, at.replace(tzinfo=None).isoformat(sep=" "), "system", "vm", "x.y", "e", str(seq),
                     json.dumps({"n": seq, "pad": "值" * 40}, ensure_ascii=False), prev, mac))
        prev = mac
    path = db.url.removeprefix("sqlite:///")
    db.dispose()
    con = sqlite3.connect(path)
    con.executemany("INSERT INTO audit_log (seq, at, username, workstation, action, entity, entity_id, after, "
                    "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    con.execute("INSERT INTO audit_head (id, last_seq, last_hash) VALUES (1, ?, ?)", (n, prev))
    con.commit()
    con.close()


def _peak(db: Database) -> tuple[int, list]:
    seen = []
    tracemalloc.start()
    try:
        with db.read() as s:
            assert verify_chain(s, progress=lambda done, total: seen.append((done, total)), batch=1000).ok
        return tracemalloc.get_traced_memory()[1], seen
    finally:
        tracemalloc.stop()


def test_verify_streams_with_flat_memory_and_reports_progress(template_db):
    small, large = template_db("migrated", file="small.db"), template_db("migrated", file="large.db")
    _raw_chain(small, 3_000)
    _raw_chain(large, 30_000)
    small_peak, _ = _peak(small)
    large_peak, seen = _peak(large)
    assert seen[0] == (1000, 30_000) and seen[-1] == (30_000, 30_000)
    assert large_peak < 2 * small_peak + 512 * 1024, (small_peak, large_peak)  # ten times the entries, not the memory
