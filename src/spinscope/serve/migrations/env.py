"""Alembic environment: run the migrations on the connection :meth:`Storage.migrate` passes.

There is no ``alembic.ini``: spinscope runs the migrations itself, in the transaction it
opened, so a failed upgrade leaves the database as it was.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reachable from the alembic command line
    raise RuntimeError("run spinscope's migrations with spinscope.serve.storage.Storage.migrate")

# batch mode: SQLite cannot ALTER most things, so Alembic rebuilds tables where needed
context.configure(connection=connection, render_as_batch=True, transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()
