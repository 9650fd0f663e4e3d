"""warning.profile_version: the rules a warning was drafted under

Revision ID: 0005
Revises: 0004

A warning keeps the approval chain, issuer and measures of the profile version it was drafted under,
as an incident keeps the version in force when it was received (dutyroom.domain.profile_loader.
rules_version_of). Existing warnings get the version in force on the Beijing date they were created.
"""
import datetime as dt

from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def _version_in_force(key: str, created_at: dt.datetime | str) -> str:
    from dutyroom.domain.clock import BEIJING
    from dutyroom.domain.profile_loader import ProfileError, profile_in_force

    if isinstance(created_at, str):  # SQLite hands back text for a raw select
        created_at = dt.datetime.fromisoformat(created_at)
    created = created_at if created_at.tzinfo else created_at.replace(tzinfo=dt.UTC)  # stored as naive UTC
    try:
        return profile_in_force(key, created.astimezone(BEIJING).date()).version
    except ProfileError:  # a profile no longer shipped: its warnings fall back to the date rule when read
        return ''


def upgrade() -> None:
    with op.batch_alter_table('warning', schema=None) as batch_op:
        batch_op.add_column(sa.Column('profile_version', sa.String(length=20), nullable=True))
    conn = op.get_bind()
    warning = sa.table('warning', sa.column('id', sa.Integer), sa.column('profile_key', sa.String),
                       sa.column('created_at', sa.DateTime), sa.column('profile_version', sa.String))
    rows = conn.execute(sa.select(warning.c.id, warning.c.profile_key, warning.c.created_at)).all()
    for wid, key, created_at in rows:
        conn.execute(warning.update().where(warning.c.id == wid)
                     .values(profile_version=_version_in_force(key, created_at)))
    with op.batch_alter_table('warning', schema=None) as batch_op:
        batch_op.alter_column('profile_version', existing_type=sa.String(length=20), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('warning', schema=None) as batch_op:
        batch_op.drop_column('profile_version')
