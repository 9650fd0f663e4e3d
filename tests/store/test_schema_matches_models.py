"""The Alembic migrations build exactly the schema the models describe (a forgotten migration fails here)."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from dutyroom.store.models import Base

FTS_TABLES = ("plan_passage_fts", "incident_fts", "audit_fts")


def _is_fts(diff) -> bool:
    # the FTS5 virtual tables and their shadow tables exist only in the migrations (plan search: 0002; incidents
    # and the audit log: 0010)
    return any(getattr(x, "name", "") and str(getattr(x, "name", "")).startswith(FTS_TABLES)
               for x in diff if not isinstance(x, str))


def test_migrated_database_has_no_difference_from_the_models(db):
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = [d for d in compare_metadata(ctx, Base.metadata) if not _is_fts(d if isinstance(d, tuple) else (d,))]
    assert diffs == []
