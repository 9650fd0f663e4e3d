"""contacts directory: precomputed search keys, appointment indexes

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

_KEYED = ("organisation", "post", "person")


def upgrade() -> None:
    for table in _KEYED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('search_key', sa.Text(), nullable=True))
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.create_index('ix_appointment_post_end', ['post_id', 'end_date'], unique=False)
        batch_op.create_index('ix_appointment_person_end', ['person_id', 'end_date'], unique=False)
    # Keys are filled by the contacts service (rows without a key are keyed on the next search).


def downgrade() -> None:
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_index('ix_appointment_person_end')
        batch_op.drop_index('ix_appointment_post_end')
    for table in reversed(_KEYED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('search_key')
