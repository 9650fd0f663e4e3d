"""Text search over incidents and the audit log through FTS5 (issue 21)

Revision ID: 0010
Revises: 0008

SQLite only: incident_fts (rowid = incident.id) and audit_fts (rowid = audit_log.seq, contentless), whose terms
the program writes (CJK bigrams and last characters, Latin/digit words; dutyroom/domain/search_terms.py), filled
here from the existing rows (store/text_index.rebuild: about a minute per million audit entries) and kept current
by the write paths. PostgreSQL searches the columns (ILIKE, newest first, with a limit).
"""
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        return
    from dutyroom.store.text_index import CREATE, rebuild

    for statement in CREATE:
        op.execute(statement)
    rebuild(op.get_bind().connection.driver_connection)


def downgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        return
    op.execute("DROP TABLE IF EXISTS audit_fts")
    op.execute("DROP TABLE IF EXISTS incident_fts")
