"""When each report clock began to apply to an incident (a grade or flag confirmed after receipt)

Revision ID: 0011
Revises: 0010

`incident.clocks_started` maps a clock of the rules profile to the time it began to apply: null for a clock that
applied from the intake, the confirmation time for one a later grade or flag brought in (the duty room cannot be
late for a duty before it knew of it: Dongcheng 4.1.4's 立即报告 for an incident graded 较大 an hour after
receipt counts from that hour, not from receipt). NULL on existing rows (as before: every clock from its anchor),
so no seal changes and the table is not rebuilt (store/row_seal.py).
"""
from alembic import op
import sqlalchemy as sa

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('incident', sa.Column('clocks_started', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_column('clocks_started')
