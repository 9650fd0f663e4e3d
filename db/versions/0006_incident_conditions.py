"""incident condition flags the plans name beside the grade (issue 20)

Revision ID: i20_conditions
Revises: 0005

突出情况 (prominent), 可能产生较大影响 (major_impact), Tongzhou 4.1.4 可能演化为较大及以上 (may_escalate),
Tongzhou 4.1.7 可能危及副中心/行政办公区/京津冀临界地区 (endangers_neighbours). Existing incidents: false.
"""
from alembic import op
import sqlalchemy as sa

revision = 'i20_conditions'
down_revision = '0005'
branch_labels = None
depends_on = None

_COLUMNS = ('prominent', 'major_impact', 'may_escalate', 'endangers_neighbours')


def upgrade() -> None:
    with op.batch_alter_table('incident', schema=None) as batch_op:
        for name in _COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('incident', schema=None) as batch_op:
        for name in _COLUMNS:
            batch_op.drop_column(name)
