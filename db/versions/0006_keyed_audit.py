"""Keyed audit chain and seals on rows with legal weight

Revision ID: 0006
Revises: 0005

Adds `row_mac` to incident, incident_report, warning, warning_approval, duty_log and handover, and re-keys the
existing audit chain once: the old unkeyed chain (sha256, without user_id and workstation) is checked entry by
entry; every entry of its valid prefix gets an HMAC under the installation key (created now if the installation
has none, dutyroom/store/audit_key.py) over all its columns. If the old chain was broken at entry k, entries from
k on are left as they were, so `verify` keeps naming entry k — a re-key never launders an earlier tampering.
A whole chain gets one more entry, `audit.rekeyed`, saying how many entries were re-keyed. Then every row of the
sealed tables is sealed (dutyroom/store/row_seal.py).
"""
import datetime as dt
import json
import socket

from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

SEALED = ('incident', 'incident_report', 'warning', 'warning_approval', 'duty_log', 'handover')
BATCH = 1000


def _rekey(conn, key: bytes) -> None:
    from dutyroom.store.audit import GENESIS, entry_mac, legacy_entry_hash
    from dutyroom.store.models import UTCDateTime

    log = sa.table('audit_log', sa.column('id', sa.Integer), sa.column('seq', sa.Integer),
                   sa.column('at', UTCDateTime()), sa.column('user_id', sa.Integer),
                   sa.column('username', sa.String), sa.column('workstation', sa.String),
                   sa.column('action', sa.String), sa.column('entity', sa.String), sa.column('entity_id', sa.String),
                   sa.column('before', sa.JSON), sa.column('after', sa.JSON), sa.column('prev_hash', sa.String),
                   sa.column('hash', sa.String))
    head = sa.table('audit_head', sa.column('id', sa.Integer), sa.column('last_seq', sa.Integer),
                    sa.column('last_hash', sa.String))
    old_prev, new_prev, expected, whole, last_seq = GENESIS, GENESIS, 1, True, 0
    while whole:
        rows = conn.execute(sa.select(log).where(log.c.seq >= expected).order_by(log.c.seq).limit(BATCH)).all()
        if not rows:
            break
        for r in rows:
            legacy = legacy_entry_hash(r.prev_hash, r.seq, r.at, r.username, r.action, r.entity, r.entity_id,
                                       r.before, r.after)
            if r.seq != expected or r.prev_hash != old_prev or legacy != r.hash:
                whole = False
                break
            mac = entry_mac(key, new_prev, r.seq, r.at, r.user_id, r.username, r.workstation, r.action, r.entity,
                            r.entity_id, r.before, r.after)
            conn.execute(sa.update(log).where(log.c.id == r.id).values(prev_hash=new_prev, hash=mac))
            old_prev, new_prev, last_seq, expected = r.hash, mac, r.seq, expected + 1
    current = conn.execute(sa.select(head.c.last_seq, head.c.last_hash).where(head.c.id == 1)).first()
    if not whole or last_seq == 0:
        return  # nothing to re-key, or a broken chain that must keep showing where it broke
    if current is None or current.last_seq != last_seq or current.last_hash != old_prev:
        return  # the head disagrees with the chain (its end was cut): leave it to verify to say so
    at = dt.datetime.now(dt.UTC)
    seq, after = last_seq + 1, {'entries': last_seq, 'from': 'sha256', 'to': 'hmac-sha256'}
    workstation = socket.gethostname()
    mac = entry_mac(key, new_prev, seq, at, None, 'system', workstation, 'audit.rekeyed', 'audit_log', None, None,
                    after)
    conn.execute(sa.insert(log).values(seq=seq, at=at, user_id=None, username='system', workstation=workstation,
                                       action='audit.rekeyed', entity='audit_log', entity_id=None, before=None,
                                       after=json.loads(json.dumps(after)), prev_hash=new_prev, hash=mac))
    conn.execute(sa.update(head).where(head.c.id == 1).values(last_seq=seq, last_hash=mac))


def upgrade() -> None:
    from dutyroom.store.audit_key import load_key
    from dutyroom.store.row_seal import seal_all

    for table in SEALED:
        op.add_column(table, sa.Column('row_mac', sa.String(length=64), nullable=True))
    conn = op.get_bind()
    has_entries = conn.execute(sa.text('SELECT count(*) FROM audit_log')).scalar()
    has_sealed = any(conn.execute(sa.text(f'SELECT count(*) FROM {t}')).scalar() for t in SEALED)
    if not has_entries and not has_sealed:
        return  # a new database: its key is made with its first audit entry
    key = load_key(conn.engine.url, create=True)
    _rekey(conn, key)
    seal_all(conn, key)


def downgrade() -> None:
    for table in SEALED:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column('row_mac')
