"""The migrations build the schema the models describe: every table, column, index and
constraint a model declares exists in a database built by ``fundtrack init-db`` (the
tests' databases are built that way), and nothing more. A new index written in a model
without its migration, or the other way round, fails here."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from fundtrack.extensions import db


def test_the_migrations_build_the_models_schema(app):
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        differences = compare_metadata(context, db.metadata)
    assert differences == []
