"""Alembic environment: runs the migrations on the app's own engine.

The app never migrates itself at start-up: ``fundtrack init-db`` runs these, and the
tests build their schema through them too.
"""

from alembic import context
from flask import current_app

from fundtrack.extensions import db


def render_item(type_, obj, autogen_context):
    """Render fundtrack's column types by their import path in new revisions."""
    if type_ == "type" and obj.__class__.__module__.startswith("fundtrack."):
        autogen_context.imports.add("import fundtrack.money")
        autogen_context.imports.add("import fundtrack.enums")
        return f"{obj.__class__.__module__}.{obj!r}"
    return False


def run_migrations_online() -> None:
    engine = db.engine
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=db.metadata,
            **{
                **current_app.extensions["migrate"].configure_args,
                "render_as_batch": True,  # SQLite alters tables by copying them
                "compare_type": True,
                "render_item": render_item,
            },
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
