"""incident condition flags the plans name beside the grade (issue 20)

Revision ID: 0007
Revises: 0006

突出情况 (prominent), 可能产生较大影响 (major_impact), Tongzhou 4.1.4 可能演化为较大及以上 (may_escalate),
Tongzhou 4.1.7 可能危及副中心/行政办公区/京津冀临界地区 (endangers_neighbours). Existing incidents: false.
"""
from alembic import op
import sqlalchemy as sa

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

_COLUMNS = ('prominent', 'major_impact', 'may_escalate', 'endangers_neighbours')


def upgrade() -> None:
    conn = op.get_bind()
    # Incidents carry a seal over every non-NULL column (store/row_seal.py, 0006): the new columns are filled with
    # false, so each seal is renewed — but only where it held before, so a row patched in the file stays caught.
    sealed_before = _valid_seals(conn)
    with op.batch_alter_table('incident', schema=None) as batch_op:
        for name in _COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.false()))
    if sealed_before:
        from dutyroom.store.audit_key import load_key
        from dutyroom.store.row_seal import seal_row

        key = load_key(conn.engine.url, create=False)
        for row_id in sealed_before:
            seal_row(conn, key, 'incident', row_id)


def _valid_seals(conn) -> list[int]:
    """Ids of the incidents whose seal matches their content now (before the new columns exist)."""
    if not conn.execute(sa.text('SELECT count(*) FROM incident WHERE row_mac IS NOT NULL')).scalar():
        return []
    from dutyroom.store.audit_key import load_key
    from dutyroom.store.row_seal import row_mac

    key = load_key(conn.engine.url, create=False)
    rows = conn.execute(sa.text('SELECT * FROM incident')).mappings()
    return [r['id'] for r in rows if r['row_mac'] == row_mac(key, 'incident', dict(r))]


def downgrade() -> None:
    with op.batch_alter_table('incident', schema=None) as batch_op:
        for name in _COLUMNS:
            batch_op.drop_column(name)
