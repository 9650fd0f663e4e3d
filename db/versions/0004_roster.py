"""roster, duty log, handover

Revision ID: 0004
Revises: 0003

roster_entry.active: a regenerated month deactivates the lines it replaces (never deleted);
roster_swap.reason: why two people swapped (换班事由).
"""
from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('roster_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table('roster_swap', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('roster_swap', schema=None) as batch_op:
        batch_op.drop_column('reason')
    with op.batch_alter_table('roster_entry', schema=None) as batch_op:
        batch_op.drop_column('active')
