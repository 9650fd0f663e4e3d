"""plan library, full-text search, lifecycle

Revision ID: 0002
Revises: 0001

- plan_event.details (JSON): what a step carries beyond who/when/document (revision triggers, changes).
- plan_passage: passages of imported plan documents with their character offsets (search hits jump there).
- SQLite only: plan_passage_fts, an FTS5 table (rowid = plan_passage.id) over the passages' terms, where
  CJK runs are written as overlapping bigrams (services/plan_documents.py tokenises index and query the
  same way). PostgreSQL searches plan_passage.text directly (portable fallback).
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('plan_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('details', sa.JSON(), nullable=True))
    op.create_table(
        'plan_passage',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('start', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['document_id'], ['plan_document.id'],
                                name=op.f('fk_plan_passage_document_id_plan_document')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_passage')),
    )
    with op.batch_alter_table('plan_passage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_passage_document_id'), ['document_id'], unique=False)
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("CREATE VIRTUAL TABLE plan_passage_fts USING fts5(terms, tokenize='unicode61')")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("DROP TABLE IF EXISTS plan_passage_fts")
    with op.batch_alter_table('plan_passage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_passage_document_id'))
    op.drop_table('plan_passage')
    with op.batch_alter_table('plan_event', schema=None) as batch_op:
        batch_op.drop_column('details')
