"""Seals on the rows with legal weight: incidents, their reports, warnings and their approvals, the duty log and
handovers each carry `row_mac`, an HMAC under the installation key (store/audit_key.py) of the row as stored.

The seal is computed from the stored row after every ORM insert and update (mapper events, in the same
transaction), over every non-NULL column but `row_mac` itself, in the driver's own representation — so a value
patched in the file with any SQLite tool breaks it, and `verify` names the table and row. Columns added later that
are NULL do not change a seal; a migration that fills a new column in these tables must re-seal (`seal_all`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm.attributes import set_committed_value

from .audit_key import key_for_connection, load_key
from .models import DutyLogEntry, Handover, Incident, IncidentReport, Warning, WarningApproval

SEALED = {"incident": ("事件", "incident"), "incident_report": ("事件报告", "incident report"),
          "warning": ("预警", "warning"), "warning_approval": ("预警审批", "warning approval"),
          "duty_log": ("值班日志", "duty log"), "handover": ("交接班", "handover")}
_MODELS = (Incident, IncidentReport, Warning, WarningApproval, DutyLogEntry, Handover)
VERSION = "dutyroom-row v1"


def _plain(value):
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value


def row_mac(key: bytes, table: str, row: dict) -> str:
    content = {k: _plain(v) for k, v in row.items() if v is not None and k != "row_mac"}
    payload = json.dumps([VERSION, table, content], ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                         default=str)
    return hmac.new(key, payload.encode("utf-8"), hashlib.sha256).hexdigest()


def seal_row(conn: Connection, key: bytes, table: str, row_id: int) -> str | None:
    row = conn.execute(text(f"SELECT * FROM {table} WHERE id = :id"), {"id": row_id}).mappings().one_or_none()
    if row is None:
        return None
    mac = row_mac(key, table, dict(row))
    conn.execute(text(f"UPDATE {table} SET row_mac = :mac WHERE id = :id"), {"mac": mac, "id": row_id})
    return mac


def seal_all(conn: Connection, key: bytes) -> int:
    """Seal every row of every sealed table (the migration that introduces seals)."""
    done = 0
    for table in SEALED:
        ids = [r[0] for r in conn.execute(text(f"SELECT id FROM {table} ORDER BY id"))]
        for row_id in ids:
            seal_row(conn, key, table, row_id)
            done += 1
    return done


def _after_write(mapper, connection, target) -> None:
    mac = seal_row(connection, key_for_connection(connection), mapper.local_table.name, target.id)
    set_committed_value(target, "row_mac", mac)


for _model in _MODELS:
    event.listen(_model, "after_insert", _after_write)
    event.listen(_model, "after_update", _after_write)


@dataclass(frozen=True)
class SealReport:
    ok: bool
    rows: int
    table: str | None = None
    row_id: int | None = None
    problem: str | None = None
    problem_en: str | None = None


def verify_seals(conn: Connection, key: bytes | None = None, progress: Callable[[int, int], None] | None = None,
                 batch: int = 2000) -> SealReport:
    """Check every sealed row (streamed, flat memory); name the first whose content no longer matches its seal."""
    key = key if key is not None else load_key(conn.engine.url)
    total = sum(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() or 0 for t in SEALED)
    checked = 0
    for table, (zh, en) in SEALED.items():
        result = conn.execution_options(stream_results=True, yield_per=batch).execute(
            text(f"SELECT * FROM {table} ORDER BY id"))
        for row in result.mappings():
            checked += 1
            if progress is not None and checked % batch == 0:
                progress(checked, total)
            stored = row.get("row_mac")
            if not stored or not hmac.compare_digest(stored, row_mac(key, table, dict(row))):
                result.close()
                what = "没有封印（绕过程序写入）" if not stored else "内容与封印不符（在程序之外被改动）"
                what_en = "has no seal (written around the program)" if not stored else \
                    "no longer matches its seal (changed outside the program)"
                return SealReport(False, checked, table, row["id"], f"{zh}（{table}）第 {row['id']} 行{what}",
                                  f"{en} ({table}) row {row['id']} {what_en}")
    if progress is not None:
        progress(checked, total)
    return SealReport(True, checked)
