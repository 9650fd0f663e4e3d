"""Row versions for the rows two seats edit at once (issue 21, several seats)

Revision ID: 0009
Revises: 0008

`incident.row_version` moves with every change to the incident row; a command from a screen that showed an
older version is refused ("已被某某于某时修改，请刷新") instead of overwriting. `modified_by_id` and `modified_at`
say who moved it last and when (the message names them). All three are NULL on existing rows (version 0): a
seal covers only non-NULL columns (store/row_seal.py), so no existing seal changes and the table is not rebuilt.
"""
from alembic import op
import sqlalchemy as sa

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN, no table rebuild on SQLite (a rebuild would copy every incident and drop any trigger on it)
    op.add_column('incident', sa.Column('row_version', sa.Integer(), nullable=True))
    if op.get_bind().dialect.name == 'sqlite':  # SQLite takes a foreign key only inside the column definition
        op.execute('ALTER TABLE incident ADD COLUMN modified_by_id INTEGER '
                   'CONSTRAINT fk_incident_modified_by_id_user_account REFERENCES user_account (id)')
    else:
        op.add_column('incident', sa.Column('modified_by_id', sa.Integer(), nullable=True))
        op.create_foreign_key('fk_incident_modified_by_id_user_account', 'incident', 'user_account',
                              ['modified_by_id'], ['id'])
    op.add_column('incident', sa.Column('modified_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_column('modified_at')
        batch_op.drop_column('modified_by_id')
        batch_op.drop_column('row_version')
