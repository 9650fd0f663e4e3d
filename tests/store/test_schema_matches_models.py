"""The Alembic migrations build exactly the schema the models describe (a forgotten migration fails here)."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from dutyroom.store.models import Base


def _is_fts(diff) -> bool:
    # the plan search's FTS5 virtual table and its shadow tables exist only in migration 0002
    return any(getattr(x, "name", "") and str(getattr(x, "name", "")).startswith("plan_passage_fts")
               for x in diff if not isinstance(x, str))


def test_migrated_database_has_no_difference_from_the_models(db):
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = [d for d in compare_metadata(ctx, Base.metadata) if not _is_fts(d if isinstance(d, tuple) else (d,))]
    assert diffs == []
